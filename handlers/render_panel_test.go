package handlers

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// worstPanelKit is a kit of MaxKitQuestions questions of the longest text a
// team may add, with the largest panel, the longest label, closed.
func worstPanelKit(bank *questions.Bank) (Kit, []questions.Question) {
	k := Kit{
		ID: "k7q2mx", TeamID: "T1", ChannelID: "C0123456789", Role: "senior-backend", CreatedBy: "U0123456789",
		CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), InterviewAt: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC),
		ClosedAt: time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC), Zone: "Europe/Berlin",
		Candidate: strings.Repeat("<&>", MaxCandidateLabel/3) + "xx",
	}
	for i := range MaxPanel {
		k.Panel = append(k.Panel, fmt.Sprintf("U%010d", i))
	}
	var qs []questions.Question
	for i := range MaxKitQuestions {
		id := fmt.Sprintf("team-%d", 100000000+i)
		text := strings.Repeat("<&>", questions.MaxText/3) + "?!"
		qs = append(qs, questions.Question{ID: questions.ID(id), Text: text[:questions.MaxText]})
		k.Items = append(k.Items, KitItem{Position: i + 1, QuestionID: id, Category: "technical", ReplyTS: fmt.Sprintf("1.%d", i)})
	}
	return k, qs
}

// worstScorecards fills every field of every panel member's scorecard to
// its limit with characters Slack escapes.
func worstScorecards(k Kit) []Scorecard {
	var cards []Scorecard
	for i, user := range k.Panel {
		sc := Scorecard{TeamID: k.TeamID, KitID: k.ID, UserID: user, Overall: overallOrder[i%4], Summary: strings.Repeat("<\n&", MaxSummary/3)}
		for j, it := range k.Items {
			sc.Answers = append(sc.Answers, ScorecardAnswer{QuestionID: it.QuestionID, Score: 1 + (i+j)%4, Note: strings.Repeat("<&>", MaxScoreNote/3) + "x"})
		}
		cards = append(cards, sc)
	}
	return cards
}

// panelLimitCases are the panel messages TestRenderLimits checks, at
// their worst.
func panelLimitCases(bank *questions.Bank) map[string]Message {
	k, qs := worstPanelKit(bank)
	cards := worstScorecards(k)
	msgs := map[string]Message{}
	for _, r := range bank.Roles() {
		open := k
		open.ClosedAt = time.Time{}
		msgs["kit parent with panel "+r.Slug] = renderKitParent(r, open, kitProgress{panelIn: MaxPanel, others: 99})
		msgs["kit parent closed "+r.Slug] = renderKitParent(r, k, kitProgress{panelIn: MaxPanel})
		deleted := k
		deleted.Deleted = true
		msgs["kit parent deleted "+r.Slug] = renderKitParent(r, deleted, kitProgress{})
	}
	sbe, _ := bank.Role("senior-backend")
	msgs["kit reply with asker"] = renderKitReply(sbe, qs[0], strings.Repeat("C", 100), MaxKitQuestions, MaxKitQuestions, "U0123456789")
	msgs["reminder"] = renderReminder(strings.Repeat("<R>", 50), k, 3, "https://x.slack.com/archives/C0123456789/p1700000000000100")
	for _, full := range []bool{true, false} {
		v := debriefView{kit: k, roleTitle: strings.Repeat("<R>", 50), questions: qs, cards: cards, full: full, showLabel: true, hint: "why"}
		for range qs {
			v.votes = append(v.votes, QuestionFeedback{Up: 99999, Down: 99999, Ratings: 99999, StarsSum: 99999 * 5})
		}
		for i, m := range renderDebrief(v) {
			msgs[fmt.Sprintf("debrief full=%v page %d", full, i+1)] = m
		}
	}
	return msgs
}

// TestPanelViewLimits renders the panel modals at their worst: a kit of 20
// questions makes a scorecard of at most 100 blocks, saved answers and all.
func TestPanelViewLimits(t *testing.T) {
	bank := builtin(t)
	k, qs := worstPanelKit(bank)
	cards := worstScorecards(k)
	meta := strings.Repeat("m", 300)
	for name, v := range map[string]struct {
		blocks int
		err    error
	}{
		"empty scorecard":  {len(renderScorecardModal("R", k, qs, nil, meta).Blocks.BlockSet), ValidateView(renderScorecardModal("R", k, qs, nil, meta))},
		"filled scorecard": {len(renderScorecardModal("R", k, qs, &cards[0], meta).Blocks.BlockSet), ValidateView(renderScorecardModal(strings.Repeat("R", 200), k, qs, &cards[0], meta))},
		"kit builder":      {len(renderKitBuilder(bank, meta).Blocks.BlockSet), ValidateView(renderKitBuilder(bank, meta))},
	} {
		if v.err != nil {
			t.Errorf("%s: %v", name, v.err)
		}
		if v.blocks > 100 {
			t.Errorf("%s: %d blocks", name, v.blocks)
		}
	}
	if n := len(renderScorecardModal("R", k, qs, nil, meta).Blocks.BlockSet); n != 2*MaxKitQuestions+3 {
		t.Errorf("a %d-question scorecard has %d blocks, want %d", MaxKitQuestions, n, 2*MaxKitQuestions+3)
	}
}

// TestDebriefPages: a debrief too long for one message is split into
// pages that keep every note whole, in order.
func TestDebriefPages(t *testing.T) {
	bank := builtin(t)
	k, qs := worstPanelKit(bank)
	cards := worstScorecards(k)
	pages := renderDebrief(debriefView{kit: k, roleTitle: "R", questions: qs, cards: cards, full: true})
	// Ten members filling all 20 notes and their summaries to the limit
	// with characters Slack escapes: the notes are shortened, and still
	// it takes a dozen or so messages. A real panel's fits one or two.
	if len(pages) < 2 || len(pages) > 16 {
		t.Fatalf("the worst debrief takes %d pages, want 2 to 16", len(pages))
	}
	notes := 0
	for i, p := range pages {
		if err := Validate(p); err != nil {
			t.Errorf("page %d: %v", i+1, err)
		}
		b, err := json.Marshal(p.Blocks)
		if err != nil {
			t.Fatal(err)
		}
		notes += strings.Count(string(b), `📝 \u003c@`)
	}
	if want := len(k.Panel) * len(k.Items); notes != want {
		t.Errorf("%d notes across the pages, want %d", notes, want)
	}

	// Three members with notes of 200 characters on 20 questions.
	k.Panel = k.Panel[:3]
	var typical []Scorecard
	for _, u := range k.Panel {
		sc := Scorecard{UserID: u, Overall: OverallYes, Summary: strings.Repeat("s", 400)}
		for _, it := range k.Items {
			sc.Answers = append(sc.Answers, ScorecardAnswer{QuestionID: it.QuestionID, Score: 3, Note: strings.Repeat("n", 200)})
		}
		typical = append(typical, sc)
	}
	for i := range qs {
		qs[i].Text = strings.Repeat("q", 120)
	}
	pages = renderDebrief(debriefView{kit: k, roleTitle: "R", questions: qs, cards: typical, full: true})
	if len(pages) > 2 {
		t.Errorf("a typical full debrief takes %d messages, want at most 2", len(pages))
	}
	if b, _ := json.Marshal(pages); strings.Count(string(b), strings.Repeat("n", 200)) != 60 {
		t.Error("a typical debrief shortened its notes")
	}
}

// TestDisagreement: a question is marked when its scores are two or more
// apart, and only then.
func TestDisagreement(t *testing.T) {
	card := func(user string, score int) Scorecard {
		return Scorecard{UserID: user, Answers: []ScorecardAnswer{{QuestionID: "q", Score: score}}}
	}
	for _, c := range []struct {
		scores []int
		want   bool
	}{
		{[]int{3, 4}, false},
		{[]int{2, 4}, true},
		{[]int{1, 4, 4}, true},
		{[]int{3}, false},
		{[]int{2, 3, 3, 2}, false},
	} {
		var cards []Scorecard
		for i, s := range c.scores {
			cards = append(cards, card(fmt.Sprintf("U%d", i), s))
		}
		scores, _ := scoreLines("q", cards, debriefNoteChars)
		if got := strings.Contains(scores, "disagrees"); got != c.want {
			t.Errorf("scores %v: disagreement %v, want %v", c.scores, got, c.want)
		}
	}
}

// TestReminderTimes: an hour after the interview, then the next two
// weekdays at 10:00 in the owner's zone.
func TestReminderTimes(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		interview string
		want      [3]string
	}{
		{"2026-03-05 15:00", [3]string{"2026-03-05 16:00", "2026-03-06 10:00", "2026-03-09 10:00"}}, // Thursday
		{"2026-03-06 23:30", [3]string{"2026-03-07 00:30", "2026-03-09 10:00", "2026-03-10 10:00"}}, // Friday night
		{"2026-03-07 11:00", [3]string{"2026-03-07 12:00", "2026-03-09 10:00", "2026-03-10 10:00"}}, // Saturday
		{"2026-03-27 09:30", [3]string{"2026-03-27 10:30", "2026-03-30 10:00", "2026-03-31 10:00"}}, // across the DST change
	} {
		k := Kit{InterviewAt: at(c.interview), Zone: "Europe/Berlin"}
		got := reminderTimes(k)
		for i := range got {
			if !got[i].Equal(at(c.want[i])) {
				t.Errorf("interview %s: reminder %d at %s, want %s", c.interview, i+1, got[i].In(berlin).Format("2006-01-02 15:04"), c.want[i])
			}
		}
	}
	k := Kit{InterviewAt: at("2026-03-05 15:00"), Zone: "Europe/Berlin"}
	for _, c := range []struct {
		now  string
		n    int
		sent bool
	}{
		{"2026-03-05 15:59", 0, false},
		{"2026-03-05 16:00", 1, true},
		{"2026-03-06 09:59", 1, true},
		{"2026-03-06 10:00", 2, true},
		{"2026-03-08 10:00", 2, false}, // the window has passed; Monday's is next
		{"2026-03-09 10:00", 3, true},
		{"2026-03-10 10:00", 3, false},
	} {
		n, ok := dueReminder(k, at(c.now))
		if ok != c.sent || ok && n != c.n {
			t.Errorf("at %s: reminder %d (send %v), want %d (send %v)", c.now, n, ok, c.n, c.sent)
		}
	}
}

func TestRenderGoldenPanels(t *testing.T) {
	bank := builtin(t)
	sbe, _ := bank.Role("senior-backend")
	q1, _ := bank.Question("sbe-t06")
	q2, _ := bank.Question("sbe-b01")
	k := Kit{
		ID: "k7q2mx", TeamID: "T1", ChannelID: "C1", Role: "senior-backend", CreatedBy: "U123",
		CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), InterviewAt: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC),
		Panel: []string{"UAAA", "UBBB"}, Candidate: "Ada L. (req 4411)",
		Items: []KitItem{{Position: 1, QuestionID: "sbe-t06", Category: "technical"}, {Position: 2, QuestionID: "sbe-b01", Category: "behavioral"}},
	}
	qs := []questions.Question{q1, q2}
	cards := []Scorecard{
		{UserID: "UAAA", Overall: OverallStrongYes, Summary: "Clear & calm.", Answers: []ScorecardAnswer{{QuestionID: "sbe-t06", Score: 4, Note: "Knew sagas <well>."}, {QuestionID: "sbe-b01", Score: 3}}},
		{UserID: "UBBB", Overall: OverallNo, Answers: []ScorecardAnswer{{QuestionID: "sbe-t06", Score: 2, Note: "Vague on\noutbox."}}},
	}
	full := renderDebrief(debriefView{kit: k, roleTitle: sbe.Title, questions: qs, cards: cards, full: true, showLabel: true, votes: []QuestionFeedback{{Up: 2}, {Down: 1, Ratings: 1, StarsSum: 2}}})
	limited := renderDebrief(debriefView{kit: k, roleTitle: sbe.Title, questions: qs, cards: cards[:1], hint: "Scores stay hidden until you submit yours."})
	if len(full) != 1 || len(limited) != 1 {
		t.Fatalf("a two-question debrief takes %d and %d pages", len(full), len(limited))
	}
	cases := map[string]any{
		"kit_parent_panel":   renderKitParent(sbe, k, kitProgress{panelIn: 1}),
		"kit_reply_asker":    renderKitReply(sbe, q1, "Technical", 1, 2, "UAAA"),
		"scorecard_modal":    renderScorecardModal(sbe.Title, k, qs, &cards[0], `{"k":"k7q2mx","c":"C1"}`),
		"debrief_full":       full[0],
		"debrief_limited":    limited[0],
		"scorecard_reminder": renderReminder(sbe.Title, k, 1, "https://x.slack.com/archives/C1/p1"),
		"kit_builder":        renderKitBuilder(bank, `{"c":"C1"}`),
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) { golden(t, name, v) })
	}
}
