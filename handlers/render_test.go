package handlers

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// wire is a message as the Web API receives it: golden files hold what
// Slack sees, not Go field names.
func wire(m Message) any {
	return struct {
		Text   string        `json:"text"`
		Blocks []slack.Block `json:"blocks"`
	}{m.Text, m.Blocks}
}

// golden compares v, as indented JSON, with testdata/<name>.golden.json.
func golden(t *testing.T, name string, v any) {
	t.Helper()
	switch m := v.(type) {
	case Message:
		v = wire(m)
	case *Message:
		v = wire(*m)
	}
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatalf("marshal %s: %v", name, err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./handlers -run Render -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s; if the change is intended, run go test ./handlers -run Render -update\ngot:\n%s", name, path, got)
	}
}

func TestRenderGolden(t *testing.T) {
	bank := builtin(t)
	sbe, _ := bank.Role("senior-backend")
	tech, _ := sbe.Category("technical")
	count := func(r *questions.Role, c *questions.Category) int { return len(c.Questions) }
	q, _ := bank.Question("sbe-t06")
	guidance, _ := renderGuidance(q, tech.Note)
	cases := map[string]any{
		"help":           renderHelp(),
		"roles":          renderRoles(bank, count),
		"role_card":      renderRoleCard(sbe, func(c *questions.Category) int { return count(sbe, c) }),
		"list_technical": renderList(pool{role: sbe, category: tech, questions: tech.Questions}, 1, "", ""),
		"list_shared":    renderList(pool{role: sbe, category: tech, questions: tech.Questions}, 1, "U123", ""),
		"practice_post":  renderQuestionPost("Practice question", sbe, q, tech.Title, true),
		"guidance":       guidance,
		"kit_parent":     renderKitParent(sbe, Kit{ID: "k7q2mx", CreatedBy: "U123", Items: []KitItem{{Position: 1, QuestionID: "sbe-t06", Category: "technical"}, {Position: 2, QuestionID: "sbe-b01", Category: "behavioral"}}}, kitProgress{}),
		"kit_reply":      renderKitReply(sbe, q, tech.Title, 1, 2, "U123"),
		"feedback_modal": renderFeedbackModal(q, `{"q":"sbe-t06","c":"C1","ts":"1.2"}`),
		"feedback_modal_saved": func() slack.ModalViewRequest {
			v := renderFeedbackModal(q, `{"q":"sbe-t06","c":"C1","ts":"1.2"}`)
			withSaved(&v, Rating{Stars: 4, Notes: "Good follow-ups.\nAsk about the outbox."})
			return v
		}(),
		"feedback_summary": renderFeedback("Senior Backend Engineer", []QuestionFeedback{{QuestionID: "sbe-t06", Up: 3, Down: 1, Ratings: 2, StarsSum: 9, Notes: 1}, {QuestionID: "sbe-t07", Down: 2}}, func(id string) string { return "Question " + id }),
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) { golden(t, name, v) })
	}
}

// worstPool is a category with many of the longest questions a team may add,
// full of characters that Slack escapes.
func worstPool(bank *questions.Bank, n int) pool {
	sbe, _ := bank.Role("senior-backend")
	tech, _ := sbe.Category("technical")
	qs := append([]questions.Question(nil), tech.Questions...)
	for i := range n {
		text := strings.Repeat("<&>", questions.MaxText/3) + "?!"
		qs = append(qs, questions.Question{ID: questions.ID(fmt.Sprintf("team-%d", 100000000+i)), Text: text[:questions.MaxText]})
	}
	return pool{role: sbe, category: tech, questions: qs}
}

// TestRenderLimits renders every kind of message with worst-case inputs and
// checks each against Slack's Block Kit limits.
func TestRenderLimits(t *testing.T) {
	bank := builtin(t)
	count := func(r *questions.Role, c *questions.Category) int { return len(c.Questions) + 99999 }
	msgs := map[string]Message{
		"help":  *renderHelp(),
		"roles": *renderRoles(bank, count),
	}
	for _, r := range bank.Roles() {
		msgs["card "+r.Slug] = *renderRoleCard(r, func(c *questions.Category) int { return count(r, c) })
		for _, c := range r.Categories {
			p := pool{role: r, category: c, questions: c.Questions}
			msgs["list "+r.Slug+" "+c.Slug] = *renderList(p, 1, "", teamNote)
			msgs["shared "+r.Slug+" "+c.Slug] = *renderList(p, 1, "U0123456789", "")
			for _, q := range c.Questions {
				msgs["post "+string(q.ID)] = renderQuestionPost("Practice question", r, q, c.Title, true)
				if g, ok := renderGuidance(q, c.Note); ok {
					msgs["guidance "+string(q.ID)] = g
				}
			}
		}
	}
	big := worstPool(bank, 300)
	pages := len(listPages(big.questions))
	if pages < 2 {
		t.Fatalf("300 long questions fit on %d page", pages)
	}
	for page := 1; page <= pages; page++ {
		msgs[fmt.Sprintf("big list page %d", page)] = *renderList(big, page, "", teamNote)
		msgs[fmt.Sprintf("big shared page %d", page)] = *renderList(big, page, "U0123456789", "")
	}
	sbe, _ := bank.Role("senior-backend")
	longQ := big.questions[len(big.questions)-1]
	msgs["post longest"] = renderQuestionPost("Practice question", sbe, longQ, strings.Repeat("C", 100), true)
	longGuidance := questions.Question{ID: "x", Text: "q", Guidance: []string{strings.Repeat("g", 500), strings.Repeat("h", 500), strings.Repeat("<", 500), strings.Repeat("i", 500), strings.Repeat("j", 500)}, FollowUps: []string{strings.Repeat("f", 500), strings.Repeat("k", 500)}}
	msgs["guidance longest"], _ = renderGuidance(longGuidance, strings.Repeat("n", 500))
	msgs["kit reply longest"] = renderKitReply(sbe, questions.Question{ID: longQ.ID, Text: longQ.Text, Guidance: longGuidance.Guidance, FollowUps: longGuidance.FollowUps}, strings.Repeat("C", 100), MaxKitQuestions, MaxKitQuestions, "U0123456789")
	for _, r := range bank.Roles() {
		k := Kit{ID: "k7q2mx", CreatedBy: "U0123456789"}
		for i := range MaxKitQuestions {
			k.Items = append(k.Items, KitItem{Position: i + 1, QuestionID: "x", Category: r.Categories[i%len(r.Categories)].Slug})
		}
		msgs["kit parent "+r.Slug] = renderKitParent(r, k, kitProgress{})
	}
	var fb []QuestionFeedback
	for i := range 500 {
		fb = append(fb, QuestionFeedback{QuestionID: fmt.Sprintf("team-%d", i), Up: i, Down: 500 - i, Ratings: i, StarsSum: 3 * i, Notes: i})
	}
	msgs["feedback big"] = *renderFeedback(strings.Repeat("T", 200), fb, func(string) string { return strings.Repeat("<q>", 300) })
	msgs["feedback empty"] = *renderFeedback("x", nil, func(string) string { return "" })
	for name, m := range panelLimitCases(bank) {
		msgs[name] = m
	}
	msgs["problem"] = *textMessage(Parse(bank, strings.Repeat("<!channel>", 300)).Problem)
	msgs["problem long word"] = *textMessage(Parse(bank, strings.Repeat("z", 3900)).Problem)
	for name, m := range msgs {
		if err := Validate(m); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, q := range []questions.Question{longQ, longGuidance} {
		if err := ValidateView(renderFeedbackModal(q, strings.Repeat("m", 300))); err != nil {
			t.Errorf("modal for %s: %v", q.ID, err)
		}
		saved := renderFeedbackModal(q, strings.Repeat("m", 300))
		withSaved(&saved, Rating{Stars: 5, Notes: strings.Repeat("<&>", MaxNotes/3)})
		if err := ValidateView(saved); err != nil {
			t.Errorf("modal for %s with saved notes: %v", q.ID, err)
		}
	}
}

// TestEscape holds Slack's control sequences inert wherever user text goes.
func TestEscape(t *testing.T) {
	for _, s := range []string{"<!channel>", "<!here>", "<@U123>", "<#C123>", "<https://x|click>", "a & b"} {
		got := Escape(s)
		if strings.ContainsAny(got, "<>") || strings.Contains(strings.ReplaceAll(got, "&amp;", ""), "& ") {
			t.Errorf("Escape(%q) = %q", s, got)
		}
	}
}
