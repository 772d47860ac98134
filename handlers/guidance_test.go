package handlers

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// TestGuidanceShowsCategoryNote: what a category's every answer needs (the
// bank's "note", such as behavioral's "one real story told with STAR") is
// said once per category in the bank and shown with each question's
// guidance: in the guidance answer and under a kit's reply.
func TestGuidanceShowsCategoryNote(t *testing.T) {
	l := newLists(t)
	sbe, _ := l.bank.Role("senior-backend")
	for _, slug := range []string{"technical", "behavioral"} {
		cat, _ := sbe.Category(slug)
		if cat.Note == "" {
			t.Fatalf("%s has no note in the bank", slug)
		}
		q := cat.Questions[0]
		note := jsonText(t, Escape(cat.Note))
		rep, err := l.showGuidance(t.Context(), Action{TeamID: "T1", Value: string(q.ID)})
		if err != nil || rep.Message == nil {
			t.Fatalf("showGuidance(%s) = %+v, %v", q.ID, rep, err)
		}
		if got := blocksText(t, rep.Message.Blocks); !strings.Contains(got, note) {
			t.Errorf("guidance for %s lacks the %s note:\n%s", q.ID, slug, got)
		}
		if got := blocksText(t, renderKitReply(sbe, q, cat.Title, 1, 1, "").Blocks); !strings.Contains(got, note) {
			t.Errorf("kit reply for %s lacks the %s note:\n%s", q.ID, slug, got)
		}
	}
}

// menuLabels returns the guidance menu's option labels and values of a
// rendered list, in order.
func menuLabels(t *testing.T, m *Message) (labels, values []string) {
	t.Helper()
	for _, b := range m.Blocks {
		a, ok := b.(*slack.ActionBlock)
		if !ok {
			continue
		}
		for _, e := range a.Elements.ElementSet {
			if s, ok := e.(*slack.SelectBlockElement); ok && ActionBase(s.ActionID) == ActionShowGuidance {
				for _, o := range s.Options {
					labels = append(labels, o.Text.Text)
					values = append(values, o.Value)
				}
			}
		}
	}
	return labels, values
}

// TestGuidanceMenuLabels: the guidance menu of every page of the bank
// lists every question, each label within Slack's 75 characters, and the
// labels of near-duplicates ("… in production", "… in production under
// pressure") differ by the words that tell them apart, not just by their
// number.
func TestGuidanceMenuLabels(t *testing.T) {
	bank := builtin(t)
	for _, r := range bank.Roles() {
		for _, c := range r.Categories {
			p := pool{role: r, category: c, questions: c.Questions}
			starts := listPages(p.questions)
			for page := 1; page <= len(starts); page++ {
				from := starts[page-1]
				to := len(p.questions)
				if page < len(starts) {
					to = starts[page]
				}
				labels, values := menuLabels(t, renderList(p, page, "", ""))
				if len(labels) != to-from {
					t.Errorf("%s/%s page %d: %d options for %d questions", r.Slug, c.Slug, page, len(labels), to-from)
					continue
				}
				seen := map[string]string{}
				for i, label := range labels {
					q := p.questions[from+i]
					if values[i] != string(q.ID) {
						t.Errorf("option %d is %s, want %s", i, values[i], q.ID)
					}
					if n := utf8.RuneCountInString(label); n > maxOptionText {
						t.Errorf("%s: label has %d characters: %q", q.ID, n, label)
					}
					number := fmt.Sprintf("%d. ", from+i+1)
					text, ok := strings.CutPrefix(label, number)
					if !ok {
						t.Errorf("%s: label %q does not start with %q", q.ID, label, number)
					}
					if other, dup := seen[text]; dup {
						t.Errorf("%s/%s: %s and %s both read %q", r.Slug, c.Slug, other, q.ID, text)
					}
					seen[text] = string(q.ID)
					for _, tail := range []string{"under pressure", "in production"} {
						if strings.Contains(q.Text, tail) && !strings.Contains(text, tail) {
							t.Errorf("%s: label %q lost %q", q.ID, label, tail)
						}
					}
				}
			}
		}
	}
}

// TestGuidanceMenuWithoutGuidance: a team question without guidance still
// has its line in the menu, saying so, and choosing it says there is none
// yet rather than refusing.
func TestGuidanceMenuWithoutGuidance(t *testing.T) {
	team := []TeamQuestion{
		{ID: "team-1", Role: "senior-backend", Category: "technical", Text: "How do you size a connection pool?"},
		{ID: "team-2", Role: "senior-backend", Category: "technical", Text: "How do you roll back a schema change?", Guidance: []string{"expand and contract"}},
	}
	l := newLists(t, team...)
	rep, err := l.showCategory(t.Context(), Action{TeamID: "T1", ActionID: "show_category:technical", Value: "senior-backend/technical"})
	if err != nil {
		t.Fatal(err)
	}
	labels, values := menuLabels(t, rep.Message)
	want := map[string]string{
		"team-1": "How do you size a connection pool? · no guidance yet",
		"team-2": "How do you roll back a schema change?",
	}
	for i, v := range values {
		if w, ok := want[v]; ok {
			if !strings.HasSuffix(labels[i], w) {
				t.Errorf("%s: label %q, want it to end %q", v, labels[i], w)
			}
			delete(want, v)
		}
	}
	for id := range want {
		t.Errorf("%s is not in the guidance menu (%v)", id, values)
	}
	rep, err = l.showGuidance(t.Context(), Action{TeamID: "T1", Value: "team-1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := blocksText(t, rep.Message.Blocks); !strings.Contains(got, "There is no guidance for this question yet.") || !strings.Contains(got, ">How do you size a connection pool?") {
		t.Errorf("choosing a question without guidance answers:\n%s", got)
	}
}
