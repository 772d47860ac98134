package handlers

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// distinctLabels shortens texts to labels of at most budget[i] characters,
// escaped for Slack and counted as sent, each that keep the words telling each text apart from the others. The bank
// has near-duplicates such as "Tell me about a time when you had to debug a
// complex issue in production under pressure. How did you go about it?"
// next to the same question without "under pressure": cutting every text at
// its end would give both the same label.
//
// Each text is a sequence of words. For every other text, the words where
// the two differ lie between their common prefix and common suffix. The
// label keeps a window of words that covers those differences, the
// smallest (most similar text) first, as far as the budget allows; then it
// grows towards the start of the text and then its end. "…" marks a cut.
func distinctLabels(texts []string, budget []int) []string {
	words := make([][]string, len(texts))
	for i, t := range texts {
		words[i] = strings.Fields(t)
	}
	labels := make([]string, len(texts))
	for i, w := range words {
		labels[i] = label(w, i, words, budget[i])
	}
	return labels
}

// span is a half-open range of word positions.
type span struct{ from, to int }

func (s span) empty() bool { return s.from >= s.to }

// escapedLen is utf8.RuneCountInString(Escape(s)).
func escapedLen(s string) int {
	n := utf8.RuneCountInString(s)
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '&':
			n += 4
		case '<', '>':
			n += 3
		}
	}
	return n
}

// width is how many characters words[s.from:s.to] take as an escaped
// label, with the "…" that marks a cut at either end.
func width(w []string, s span) int {
	n := 0
	for _, word := range w[s.from:s.to] {
		n += escapedLen(word)
	}
	n += s.to - s.from - 1 // spaces
	return n + marks(s.from > 0, s.to < len(w))
}

func label(w []string, self int, all [][]string, budget int) string {
	whole := span{0, len(w)}
	if len(w) == 0 || width(w, whole) <= budget {
		return Escape(strings.Join(w, " "))
	}
	// Where this text differs from each other one, most similar first.
	var diffs []span
	for j, other := range all {
		if j != self {
			if d := difference(w, other); !d.empty() {
				diffs = append(diffs, d)
			}
		}
	}
	slices.SortStableFunc(diffs, func(a, b span) int { return cmp.Compare(a.to-a.from, b.to-b.from) })

	var win span
	for _, d := range diffs {
		grown := d
		if !win.empty() {
			grown = span{min(win.from, d.from), max(win.to, d.to)}
		}
		switch {
		case width(w, grown) <= budget:
			win = grown
		case win.empty():
			// Even the closest difference is too long: keep its start.
			win = span{d.from, d.from + 1}
		case d.to <= win.from && width(w, span{d.to - 1, win.to}) <= budget:
			win.from = d.to - 1 // one word of the difference, before
		case d.from >= win.to && width(w, span{win.from, d.from + 1}) <= budget:
			win.to = d.from + 1 // one word of the difference, after
		}
	}
	if win.empty() {
		win = span{0, 1}
	}
	for win.from > 0 && width(w, span{win.from - 1, win.to}) <= budget {
		win.from--
	}
	for win.to < len(w) && width(w, span{win.from, win.to + 1}) <= budget {
		win.to++
	}
	text := strings.Join(w[win.from:win.to], " ")
	cutStart, cutEnd := win.from > 0, win.to < len(w)
	if escapedLen(text)+marks(cutStart, cutEnd) > budget {
		// One word longer than the budget: cut it by whole runes before
		// escaping, so that no entity is cut in half.
		cutEnd = true
		for text != "" && escapedLen(text)+marks(cutStart, cutEnd) > budget {
			_, size := utf8.DecodeLastRuneInString(text)
			text = text[:len(text)-size]
		}
	}
	text = Escape(text)
	if cutStart {
		text = "…" + text
	}
	if cutEnd {
		text += "…"
	}
	return text
}

// marks counts the "…" of a label cut at its start, its end or both.
func marks(cutStart, cutEnd bool) int {
	n := 0
	if cutStart {
		n++
	}
	if cutEnd {
		n++
	}
	return n
}

// difference is the span of a's words that b does not share: what lies
// between their common prefix and their common suffix. When a's words are
// all in b's (b inserts words into a), it is the two words around the
// insertion.
func difference(a, b []string) span {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	d := span{pre, len(a) - suf}
	if d.empty() && len(a) != len(b) {
		d = span{max(pre-1, 0), min(pre+1, len(a))}
	}
	return d
}
