package handlers

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// entity matches what Escape writes for &, < and >; any other "&" in a
// label would be an entity cut in half.
var entity = regexp.MustCompile(`&(amp|lt|gt);`)

func TestDistinctLabels(t *testing.T) {
	long := "Tell me about a time when you had to debug a complex issue in production"
	for _, tt := range []struct {
		name   string
		texts  []string
		budget int
		want   []string
	}{
		{"short texts stay whole", []string{"How do you design an API?", "How do you size a pool?"}, 40,
			[]string{"How do you design an API?", "How do you size a pool?"}},
		{"the tail that differs is kept", []string{long + ". How did you go about it?", long + " under pressure. How did you go about it?"}, 60,
			[]string{"…time when you had to debug a complex issue in production.…", "…had to debug a complex issue in production under pressure.…"}},
		{"a word inserted in the middle is kept", []string{"Can you provide an example of where process modeling was used effectively on a project?", "Can you provide an example of where process modeling was not used effectively on a project?"}, 50,
			[]string{"…an example of where process modeling was used…", "…an example of where process modeling was not…"}},
		{"control characters are escaped", []string{"Is <!channel> <!here> <@U123> <#C123> & co safe?"}, 80,
			[]string{"Is &lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;#C123&gt; &amp; co safe?"}},
	} {
		budget := make([]int, len(tt.texts))
		for i := range budget {
			budget[i] = tt.budget
		}
		got := distinctLabels(tt.texts, budget)
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: label %d = %q, want %q", tt.name, i, got[i], tt.want[i])
			}
		}
	}
}

// TestDistinctLabelsBudget: whatever the text (escaped characters, one
// word longer than the budget), a label fits its budget as sent and never
// cuts an entity in half.
func TestDistinctLabelsBudget(t *testing.T) {
	texts := []string{
		strings.Repeat("<&>", 200),
		"Is <!channel> <!here> <@U123> <#C123> <https://x|click> & co safe? " + strings.Repeat("<&> ", 40),
		"Is <!channel> <!here> <@U123> <#C123> <https://x|click> & co safe? " + strings.Repeat("<&> ", 41),
		strings.Repeat("ü", 300),
		"",
	}
	for _, budget := range []int{10, 40, 71} {
		b := make([]int, len(texts))
		for i := range b {
			b[i] = budget
		}
		for i, l := range distinctLabels(texts, b) {
			if n := utf8.RuneCountInString(l); n > budget {
				t.Errorf("budget %d: label %d has %d characters: %q", budget, i, n, l)
			}
			if strings.ContainsAny(entity.ReplaceAllString(l, ""), "&<>") {
				t.Errorf("budget %d: label %d has a raw or broken entity: %q", budget, i, l)
			}
		}
	}
}
