package questions

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quality bars for bank content. Loading enforces only what would break the
// bot; these are what a reviewer of a bank edit would ask for.
const (
	lintMinGuidance  = 3
	lintMaxGuidance  = 5
	lintMinFollowUps = 2
	// lintMaxText is half the hard limit: past it a question or guidance
	// line reads as a paragraph in Slack and is hard to say aloud.
	lintMaxText = 250
	// lintMaxRepeats is how many questions may share one covers line. A
	// line that fits more is boilerplate ("told with STAR"): it belongs in
	// the category's note, said once, and costs each question a line that
	// could say what sets its answers apart.
	lintMaxRepeats = 3
)

// Lint checks the quality of the bank's questions and returns one error per
// finding, each naming the question. A bank with findings still works, which
// is why Builtin does not run Lint; the built-in bank is kept lint-clean by
// its tests.
//
// It reports: fewer than 3 or more than 5 guidance lines, fewer than 2
// follow-ups, a missing theme, a duplicate id, a question whose text matches
// another's once case, spacing and punctuation are ignored, a theme shared
// by questions of different roles (themes group variants within a role),
// text longer than 250 characters, and a covers line that more than 3
// questions share once case, spacing and punctuation are ignored.
func (b *Bank) Lint() []error {
	var errs []error
	report := func(id ID, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", id, fmt.Sprintf(format, args...)))
	}
	ids := make(map[ID]bool)
	texts := make(map[string]ID)
	themes := make(map[string]Question) // first question of each theme
	repeats := newLineRepeats()
	for _, q := range b.questions {
		if ids[q.ID] {
			report(q.ID, "duplicate id")
		}
		ids[q.ID] = true

		if n := len(q.Guidance); n < lintMinGuidance {
			report(q.ID, "missing guidance: %d covers lines, want at least %d", n, lintMinGuidance)
		} else if n > lintMaxGuidance {
			report(q.ID, "too much guidance: %d covers lines, want at most %d", n, lintMaxGuidance)
		}
		if n := len(q.FollowUps); n < lintMinFollowUps {
			report(q.ID, "too few follow-ups: %d, want at least %d", n, lintMinFollowUps)
		}

		if k := looseText(q.Text); k != "" {
			if first, dup := texts[k]; dup {
				report(q.ID, "text duplicates %s", first)
			} else {
				texts[k] = q.ID
			}
		}

		if q.Theme == "" {
			report(q.ID, "missing theme")
		} else if first, ok := themes[q.Theme]; !ok {
			themes[q.Theme] = q
		} else if first.Role != q.Role {
			report(q.ID, "theme %q is also used by role %q (%s); a theme groups variants within one role", q.Theme, first.Role, first.ID)
		}

		if n := utf8.RuneCountInString(q.Text); n > lintMaxText {
			report(q.ID, "question is %d characters long, want at most %d", n, lintMaxText)
		}
		for i, g := range q.Guidance {
			if n := utf8.RuneCountInString(g); n > lintMaxText {
				report(q.ID, "covers line %d is %d characters long, want at most %d", i+1, n, lintMaxText)
			}
			repeats.add(g, q.ID)
		}
		for i, f := range q.FollowUps {
			if n := utf8.RuneCountInString(f); n > lintMaxText {
				report(q.ID, "follow-up %d is %d characters long, want at most %d", i+1, n, lintMaxText)
			}
		}
	}
	for _, r := range repeats.lines {
		if n := len(r.ids); n > lintMaxRepeats {
			report(r.ids[0], "covers line %q is in %d questions (%s), want at most %d; say it once in a category note", clip(r.text, 60), n, joinIDs(r.ids), lintMaxRepeats)
		}
	}
	return errs
}

// lineRepeats records which questions carry each covers line, in the order
// the lines first appear, so that findings come out in bank order.
type lineRepeats struct {
	lines []*repeatedLine
	byKey map[string]*repeatedLine
}

type repeatedLine struct {
	text string // as first written
	ids  []ID   // each question once
}

func newLineRepeats() *lineRepeats {
	return &lineRepeats{byKey: make(map[string]*repeatedLine)}
}

func (r *lineRepeats) add(line string, id ID) {
	k := looseText(line)
	if k == "" {
		return
	}
	l, ok := r.byKey[k]
	if !ok {
		l = &repeatedLine{text: line}
		r.byKey[k] = l
		r.lines = append(r.lines, l)
	}
	if !slices.Contains(l.ids, id) {
		l.ids = append(l.ids, id)
	}
}

func joinIDs(ids []ID) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = string(id)
	}
	return strings.Join(s, ", ")
}

// looseText reduces a question to its words, so that texts differing only
// in punctuation or spacing ("What is UML?" and "What is UML") compare equal.
// Loading already rejects texts that differ only in case and spacing.
func looseText(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	return strings.Join(words, " ")
}
