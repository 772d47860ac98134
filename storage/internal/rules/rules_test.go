package rules_test

import (
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

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
