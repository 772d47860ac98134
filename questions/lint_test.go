package questions

import (
	"os"
	"slices"
	"strings"
	"testing"
)

func lintMessages(b *Bank) []string {
	var msgs []string
	for _, err := range b.Lint() {
		msgs = append(msgs, err.Error())
	}
	return msgs
}

func TestBuiltinLintClean(t *testing.T) {
	for _, msg := range lintMessages(builtin(t)) {
		t.Error(msg)
	}
}

func TestLintMissingGuidance(t *testing.T) {
	b, err := Load(os.DirFS("testdata"), "lint/missing-guidance.txt")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{"r-1: missing guidance: 2 covers lines, want at least 3"}
	if got := lintMessages(b); !slices.Equal(got, want) {
		t.Errorf("Lint() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLintFindings(t *testing.T) {
	b, err := Load(os.DirFS("testdata"), "lint/findings.txt")
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []string{
		"one-no-theme: missing theme",
		"one-few-follow-ups: too few follow-ups: 1, want at least 2",
		"one-much-guidance: too much guidance: 6 covers lines, want at most 5",
		"one-punctuation: text duplicates one-clean",
		"one-long: question is 282 characters long, want at most 250",
		"one-long: covers line 1 is 251 characters long, want at most 250",
		"one-long: follow-up 2 is 252 characters long, want at most 250",
		`two-shared-theme: theme "clean" is also used by role "one" (one-clean); a theme groups variants within one role`,
	}
	if got := lintMessages(b); !slices.Equal(got, want) {
		t.Errorf("Lint() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A covers line that more than three questions share is boilerplate that
// belongs in a category note. Case, spacing and punctuation do not make a
// line different, and a line a question repeats counts once for it.
func TestLintRepeatedGuidance(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"lint/repeats/three.txt", nil},
		{"lint/repeats/four.txt", []string{
			`r-1: covers line "Tells one real story." is in 4 questions (r-1, r-2, r-3, s-1), want at most 3; say it once in a category note`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := Load(os.DirFS("testdata"), tt.file)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if got := lintMessages(b); !slices.Equal(got, tt.want) {
				t.Errorf("Lint() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// Loading rejects a duplicate id with its file and line (see TestLoadErrors);
// Lint still checks ids, for banks assembled without Load.
func TestLintDuplicateID(t *testing.T) {
	_, err := Load(os.DirFS("testdata"), "broken/duplicate-id.txt")
	if err == nil || !strings.Contains(err.Error(), `duplicate id "r-1"`) {
		t.Errorf("Load(broken/duplicate-id.txt) error = %v, want a duplicate id error", err)
	}

	q := func(id ID, text string) Question {
		return Question{
			ID: id, Text: text, Theme: "t", Difficulty: 1,
			Guidance:  []string{"One.", "Two.", "Three."},
			FollowUps: []string{"First?", "Second?"},
		}
	}
	b := newBank([]*Role{{
		Slug: "r", Title: "R",
		Categories: []*Category{{
			Slug: "c", Title: "C",
			Questions: []Question{q("r-1", "What is the first question?"), q("r-1", "What is the second question?")},
		}},
	}})
	want := []string{"r-1: duplicate id"}
	if got := lintMessages(b); !slices.Equal(got, want) {
		t.Errorf("Lint() = %q, want %q", got, want)
	}
}
