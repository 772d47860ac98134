package rules_test

import (
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

func TestTeamQuestionIDRoundTrip(t *testing.T) {
	t.Parallel()
	for _, n := range []int64{1, 7, 10, 9223372036854775807} {
		id := rules.TeamQuestionID(n)
		if got, ok := rules.ParseTeamQuestionID(id); !ok || got != n {
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
		n, ok := rules.ParseTeamQuestionID(s)
		if ok && (n <= 0 || rules.TeamQuestionID(n) != s) {
			t.Errorf("ParseTeamQuestionID(%q) = %d, true; but that formats as %q", s, n, rules.TeamQuestionID(n))
		}
	})
}

func TestNewKitID(t *testing.T) {
	t.Parallel()
	seen := make(map[string]bool)
	for range 1000 {
		id := rules.NewKitID()
		if len(id) != 6 || strings.ContainsAny(id, "01ilo") || strings.ToLower(id) != id {
			t.Fatalf("NewKitID() = %q, want 6 lowercase characters without 0, 1, i, l, o", id)
		}
		seen[id] = true
	}
	if len(seen) < 990 {
		t.Errorf("1000 NewKitID calls gave %d distinct ids", len(seen))
	}
}
