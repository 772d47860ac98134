package handlers

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/slack-go/slack"
)

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{
		{0, "ratings"},
		{1, "rating"},
		{2, "ratings"},
		{-1, "ratings"},
		{11, "ratings"},
	} {
		if got := plural(tt.n, "rating", "ratings"); got != tt.want {
			t.Errorf("plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestRenderFeedbackSingular: one rating, one note, one vote read as
// English, in the summary, its fallback text and each question's line.
func TestRenderFeedbackSingular(t *testing.T) {
	m := renderFeedback("Senior Backend Engineer", []QuestionFeedback{{QuestionID: "sbe-t06", Up: 1, Ratings: 1, StarsSum: 5, Notes: 1}}, func(id string) string { return "Question " + id })
	all := m.Text + "\n" + blocksText(t, m.Blocks)
	for _, want := range []string{"*1* rating ·", "*1* note", "Feedback: 1 rating, 1 vote", "5.0★ from 1 rating"} {
		if !strings.Contains(all, want) {
			t.Errorf("summary lacks %q:\n%s", want, all)
		}
	}
	for _, bad := range []string{"1 ratings", "1 notes", "1 votes", "*1* ratings", "*1* notes"} {
		if strings.Contains(all, bad) {
			t.Errorf("summary says %q:\n%s", bad, all)
		}
	}
	if got := questionCount(1); got != "1 question" {
		t.Errorf("questionCount(1) = %q", got)
	}
}

// blocksText is blocks as Slack receives them, with <, > and & left as
// they are so that tests can look for text.
func blocksText(t *testing.T, blocks []slack.Block) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(blocks); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// jsonText is s as it appears inside blocksText: JSON-escaped, unquoted.
func jsonText(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(b.String()), `"`), `"`)
}
