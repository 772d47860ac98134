package handlers_test

import (
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
)

func TestTeamQuestionIDRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{1, 7, 10, 9223372036854775807} {
		id := handlers.TeamQuestionID(n)
		if got, ok := handlers.ParseTeamQuestionID(id); !ok || got != n {
			t.Errorf("ParseTeamQuestionID(%q) = %d, %v; want %d", id, got, ok, n)
		}
	}
}

// FuzzParseTeamQuestionID: only canonical ids parse, so two spellings can
// never name one question.
func FuzzParseTeamQuestionID(f *testing.F) {
	for _, s := range []string{"team-1", "team-01", "team--1", "team-+1", "TEAM-1", "team-", "team-1 ", "team-99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := handlers.ParseTeamQuestionID(s)
		if ok && (n <= 0 || handlers.TeamQuestionID(n) != s) {
			t.Errorf("ParseTeamQuestionID(%q) = %d, true; but that formats as %q", s, n, handlers.TeamQuestionID(n))
		}
	})
}
