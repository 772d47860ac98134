package questions

import (
	"slices"
	"testing"
)

// senior-backend's system-design and leadership categories are written by us,
// not taken from the seed page. A kit or a week of daily questions draws on
// them, so each needs enough questions with full guidance to fill one.
func TestSeniorBackendAuthoredCategories(t *testing.T) {
	b := builtin(t)
	sbe, ok := b.Role("senior-backend")
	if !ok {
		t.Fatal(`Role("senior-backend") not found`)
	}
	tests := []struct {
		slug, title string
		aliases     []string
		min         int
	}{
		{"system-design", "System design", []string{"design", "sd", "System Design", "system design"}, 20},
		{"leadership", "Leadership", []string{"lead", "leading", "LEADERSHIP"}, 15},
	}
	for _, tt := range tests {
		c, ok := sbe.Category(tt.slug)
		if !ok {
			t.Errorf("senior-backend has no category %q", tt.slug)
			continue
		}
		if c.Title != tt.title {
			t.Errorf("%s title = %q, want %q", tt.slug, c.Title, tt.title)
		}
		for _, a := range tt.aliases {
			if got, ok := sbe.Category(a); !ok || got.Slug != tt.slug {
				t.Errorf("Category(%q) = %v, %v; want %q", a, got, ok, tt.slug)
			}
		}
		if n := len(c.Questions); n < tt.min {
			t.Errorf("%s has %d questions, want at least %d", tt.slug, n, tt.min)
		}
		for _, q := range c.Questions {
			if n := len(q.Guidance); n < 3 || n > 5 {
				t.Errorf("%s has %d covers lines, want 3 to 5", q.ID, n)
			}
			if n := len(q.FollowUps); n != 2 {
				t.Errorf("%s has %d follow-ups, want 2", q.ID, n)
			}
			if q.Difficulty < 1 || q.Difficulty > 3 {
				t.Errorf("%s has difficulty %d, want 1 to 3", q.ID, q.Difficulty)
			}
			if q.Theme == "" {
				t.Errorf("%s has no theme", q.ID)
			}
		}
	}
}

// Each authored question draws out its own story or design, so it has a theme
// of its own: sharing one would keep it out of every kit that holds the
// other. The deliberate exceptions draw out the same story or design as an
// older question and must never be served with it: sbe-s10 (active-active
// in two regions) with sbe-t16 (a global distributed system), and sbe-l04
// (a decision they disagreed with) with sbe-b24 (disagreement and
// escalation). If the older question's theme is renamed, the new one must
// follow.
func TestSeniorBackendAuthoredThemes(t *testing.T) {
	b := builtin(t)
	shared := map[ID]ID{"sbe-s10": "sbe-t16", "sbe-l04": "sbe-b24"}

	themeOf := make(map[ID]string)
	byTheme := make(map[string][]ID)
	for _, q := range b.Questions() {
		if q.Role == "senior-backend" {
			themeOf[q.ID] = q.Theme
			byTheme[q.Theme] = append(byTheme[q.Theme], q.ID)
		}
	}
	for _, q := range b.Questions() {
		if !isAuthored(q) {
			continue
		}
		if other, ok := shared[q.ID]; ok {
			if q.Theme != themeOf[other] {
				t.Errorf("%s: theme %q, want %s's theme %q", q.ID, q.Theme, other, themeOf[other])
			}
			continue
		}
		if got := byTheme[q.Theme]; !slices.Equal(got, []ID{q.ID}) {
			t.Errorf("%s: theme %q is used by %q, want it alone", q.ID, q.Theme, got)
		}
	}
}

// Guidance is written for each question: a covers line copied between
// entries says nothing about either of them.
func TestSeniorBackendAuthoredGuidanceUnique(t *testing.T) {
	b := builtin(t)
	first := make(map[string]Question)
	for _, q := range b.Questions() {
		for _, g := range q.Guidance {
			k := looseText(g)
			prev, dup := first[k]
			if !dup {
				first[k] = q
				continue
			}
			if isAuthored(q) || isAuthored(prev) {
				t.Errorf("%s repeats a covers line of %s: %q", q.ID, prev.ID, g)
			}
		}
	}
}

func isAuthored(q Question) bool {
	return q.Role == "senior-backend" && (q.Category == "system-design" || q.Category == "leadership")
}
