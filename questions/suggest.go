package questions

import (
	"strings"
	"unicode/utf8"
)

// Suggest returns the candidate nearest to input, for a "did you mean"
// answer, or false when none is plausibly what the user meant. Names compare
// after the same normalisation as Bank.Role, so an exact match is its own
// suggestion.
//
// A candidate is plausible when it is within a small edit distance of the
// input (insertions, deletions, substitutions and swaps of adjacent letters:
// "pratice", "techincal"), or when the input, at least three characters
// long, starts one of the candidate's words ("analyst", "senior"). The edit
// distance allowed is 1 for inputs shorter than five characters and
// max(2, len/3) beyond: a short word two edits away from a candidate is
// usually a different word. Among plausible candidates the smallest distance
// wins, then the first candidate.
func Suggest(input string, candidates []string) (string, bool) {
	in := normalize(input)
	n := utf8.RuneCountInString(in)
	if n == 0 {
		return "", false
	}
	limit := 1
	if n >= 5 {
		limit = max(2, n/3)
	}
	// A word-start match scores just worse than the weakest typo match.
	wordStart := limit + 1

	best, bestScore := "", wordStart+1
	for _, c := range candidates {
		key := normalize(c)
		if key == "" {
			continue
		}
		score := wordStart + 1
		if n >= 2 {
			if d := distance(in, key, limit); d <= limit && d < n {
				score = d
			}
		}
		if score > wordStart && n >= 3 && strings.Contains(" "+key, " "+in) {
			score = wordStart
		}
		if score < bestScore {
			best, bestScore = c, score
		}
	}
	return best, bestScore <= wordStart
}

// distance returns the optimal string alignment distance between a and b
// (Levenshtein plus transposition of adjacent characters, the commonest
// typing slip), or limit+1 if it exceeds limit. Comparing lengths first keeps
// arbitrarily long input cheap against short candidates.
func distance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit {
		return limit + 1
	}
	// Three rows of the dynamic-programming table: the transposition case
	// looks two rows back.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], limit+1)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// SuggestRole returns the slug of the role whose slug, alias or title is
// nearest to name (see Suggest), for a "did you mean" answer.
func (b *Bank) SuggestRole(name string) (string, bool) {
	s, ok := Suggest(name, b.names)
	if !ok {
		return "", false
	}
	r, ok := b.Role(s)
	if !ok {
		return "", false
	}
	return r.Slug, true
}

// SuggestCategory returns the slug of the role's category whose slug, alias
// or title is nearest to name (see Suggest).
func (r *Role) SuggestCategory(name string) (string, bool) {
	var names []string
	for _, c := range r.Categories {
		names = append(names, c.names()...)
	}
	s, ok := Suggest(name, names)
	if !ok {
		return "", false
	}
	c, ok := r.Category(s)
	if !ok {
		return "", false
	}
	return c.Slug, true
}
