package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/questions"
)

func TestBlockQuote(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"one line", ">one line"},
		{"two\nlines", ">two\n>lines"},
		{"windows\r\nline ends", ">windows\n>line ends"},
		{"old mac\rline ends", ">old mac\n>line ends"},
		{"blank\n\nline", ">blank\n>\n>line"},
		{"trailing\n", ">trailing\n>"},
		{"<!channel> & co\n> not a quote of mine", ">&lt;!channel&gt; &amp; co\n>&gt; not a quote of mine"},
		{"", ">"},
	} {
		if got := blockQuote(tt.in); got != tt.want {
			t.Errorf("blockQuote(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestQuotedQuestionText: a team question whose text has line breaks (an
// imported bank file) stays inside the quote wherever a question is shown,
// instead of its later lines reading as the bot's own words.
func TestQuotedQuestionText(t *testing.T) {
	bank := builtin(t)
	sbe, _ := bank.Role("senior-backend")
	q := questions.Question{ID: "team-7", Role: "senior-backend", Category: "technical",
		Text: "How would you size a pool?\n*Everyone* must answer\n<!channel>"}
	l := &lists{catalog: catalog{bank: bank, team: teamQuestions{{ID: "team-7", Role: "senior-backend", Category: "technical", Text: q.Text, Guidance: []string{"pool size"}}}}}
	guidance, err := l.showGuidance(t.Context(), Action{TeamID: "T1", Value: "team-7"})
	if err != nil || guidance.Message == nil {
		t.Fatalf("showGuidance = %+v, %v", guidance, err)
	}
	cases := map[string]string{
		"guidance":       blocksText(t, guidance.Message.Blocks),
		"question post":  blocksText(t, renderQuestionPost("Practice question", sbe, q, "Technical", true).Blocks),
		"feedback modal": blocksText(t, renderFeedbackModal(q, "{}").Blocks.BlockSet),
	}
	for name, got := range cases {
		for _, line := range []string{"How would you size a pool?", "*Everyone* must answer", "&lt;!channel&gt;"} {
			if !strings.Contains(got, `>`+line) {
				t.Errorf("%s: line %q is not quoted:\n%s", name, line, got)
			}
		}
	}
}

// teamQuestions is a team's questions, as a store would return them.
type teamQuestions []TeamQuestion

func (tq teamQuestions) TeamBank(context.Context, string) (TeamBank, error) {
	return TeamBank{Questions: tq}, nil
}
