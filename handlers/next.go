package handlers

import (
	"cmp"
	"slices"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// Review intervals of private practice, in the user's local days: a
// question checked below 60% comes back after 1 day, below 90% after 3,
// otherwise after 7, then 14 and 30 days while it stays at 90% or above.
const (
	weakScore   = 60
	strongScore = 90
)

var strongIntervals = []int{7, 14, 30}

// unknownThemeScore is what a theme the user has not practised counts as
// when looking for the weakest: between weak and strong, so a theme they
// answer badly comes first and one they answer well makes way for new ones.
const unknownThemeScore = 50

// PickReason says why a question was chosen, for the message that sends it.
type PickReason int

const (
	PickReview PickReason = iota + 1 // a review that is due
	PickNew                          // an unseen question from the weakest theme
	PickAgain                        // nothing due or new: the longest unpractised
)

// pick is the question nextPractice chose and why.
type pick struct {
	question questions.Question
	reason   PickReason
	// lastScore is the score of the last self-check (reviews and repeats);
	// themeScore is the strength of the new question's theme.
	lastScore  int
	themeScore int
	hasScore   bool // themeScore comes from self-checks, not unknownThemeScore
}

// questionState is one question's practice history, in the user's zone.
type questionState struct {
	lastSeen  string // local date of the last send or self-check, "" never
	lastCheck string // local date of the last self-check, "" never
	lastScore int
	// strongRun counts the days in a row, ending with the last self-check,
	// on which the question was checked at strongScore or more (the last
	// check of each day counts).
	strongRun int
}

// practiced says whether the question was ever self-checked.
func (s questionState) practiced() bool { return s.lastCheck != "" }

// reviewInterval is how many local days after its last self-check a
// question comes back.
func (s questionState) reviewInterval() int {
	switch {
	case s.lastScore < weakScore:
		return 1
	case s.lastScore < strongScore:
		return 3
	}
	return strongIntervals[min(s.strongRun, len(strongIntervals))-1]
}

// dueDate is the local date from which the question is due for review.
func (s questionState) dueDate() string {
	d, err := time.Parse(time.DateOnly, s.lastCheck)
	if err != nil {
		return ""
	}
	return d.AddDate(0, 0, s.reviewInterval()).Format(time.DateOnly)
}

// localDate is t's date in loc, as YYYY-MM-DD: dates in this form compare
// in order as strings.
func localDate(t time.Time, loc *time.Location) string {
	return t.In(loc).Format(time.DateOnly)
}

// questionStates folds a user's history into one state per question, with
// dates in loc. Checks and sends are taken in time order whatever order
// they come in.
func questionStates(h PracticeHistory, loc *time.Location) map[string]questionState {
	states := map[string]questionState{}
	checks := slices.Clone(h.Checks)
	slices.SortStableFunc(checks, func(a, b SelfCheck) int { return a.At.Compare(b.At) })
	// strong[q] holds whether the last check of each day was strong, by
	// date, to count the run ending with the last check.
	type day struct {
		date   string
		strong bool
	}
	days := map[string][]day{}
	for _, c := range checks {
		date := localDate(c.At, loc)
		s := states[c.QuestionID]
		s.lastCheck, s.lastScore = date, c.Score
		s.lastSeen = max(s.lastSeen, date)
		states[c.QuestionID] = s
		ds := days[c.QuestionID]
		if n := len(ds); n > 0 && ds[n-1].date == date {
			ds[n-1].strong = c.Score >= strongScore
		} else {
			ds = append(ds, day{date, c.Score >= strongScore})
		}
		days[c.QuestionID] = ds
	}
	for id, ds := range days {
		s := states[id]
		for i := len(ds) - 1; i >= 0 && ds[i].strong; i-- {
			s.strongRun++
		}
		states[id] = s
	}
	for _, snd := range h.Sends {
		s := states[snd.QuestionID]
		s.lastSeen = max(s.lastSeen, localDate(snd.At, loc))
		states[snd.QuestionID] = s
	}
	return states
}

// nextPractice chooses the question to send a user next from pool, given
// their history, at now in their zone loc:
//
//  1. a review that is due (the most overdue first, then the weakest);
//  2. else an unseen question from the weakest theme that has one (a theme
//     scores the mean of its questions' last self-checks; an unpractised
//     theme counts as unknownThemeScore), the easiest first;
//  3. else a question sent before but never checked, the longest ago
//     first; else the checked question due soonest.
//
// A question sent or self-checked on the user's current local date is never
// chosen, so one day never brings the same question twice. ok is false when
// every question of the pool was seen today. seed breaks ties the same way
// on every replica (the user and the date make a good one).
func nextPractice(pool []questions.Question, h PracticeHistory, now time.Time, loc *time.Location, seed string) (pick, bool) {
	states := questionStates(h, loc)
	today := localDate(now, loc)
	tie := func(a, b questions.Question) int {
		return cmp.Compare(mix(seed, string(a.ID)), mix(seed, string(b.ID)))
	}

	var due, unseen, rest []questions.Question
	seen := map[questions.ID]bool{}
	for _, q := range pool {
		if seen[q.ID] {
			continue // a pool may repeat a question; count it once
		}
		seen[q.ID] = true
		s := states[string(q.ID)]
		switch {
		case s.lastSeen == today:
		case s.practiced() && s.dueDate() <= today:
			due = append(due, q)
		case s.lastSeen == "":
			unseen = append(unseen, q)
		default:
			rest = append(rest, q)
		}
	}

	if len(due) > 0 {
		q := slices.MinFunc(due, func(a, b questions.Question) int {
			sa, sb := states[string(a.ID)], states[string(b.ID)]
			return cmp.Or(cmp.Compare(sa.dueDate(), sb.dueDate()), cmp.Compare(sa.lastScore, sb.lastScore), tie(a, b))
		})
		return pick{question: q, reason: PickReview, lastScore: states[string(q.ID)].lastScore}, true
	}

	if len(unseen) > 0 {
		strength := themeStrengths(pool, states)
		score := func(theme string) int {
			if s, ok := strength[theme]; ok {
				return s
			}
			return unknownThemeScore
		}
		q := slices.MinFunc(unseen, func(a, b questions.Question) int {
			ta, tb := themeOf(a), themeOf(b)
			return cmp.Or(
				cmp.Compare(score(ta), score(tb)),
				cmp.Compare(mix(seed, ta), mix(seed, tb)),
				cmp.Compare(difficultyRank(a), difficultyRank(b)),
				tie(a, b))
		})
		s, known := strength[themeOf(q)]
		return pick{question: q, reason: PickNew, themeScore: s, hasScore: known}, true
	}

	if len(rest) > 0 {
		// Questions sent but never checked first, longest ago first; then
		// checked ones, those due soonest first, which bends their
		// spacing least.
		q := slices.MinFunc(rest, func(a, b questions.Question) int {
			sa, sb := states[string(a.ID)], states[string(b.ID)]
			if c := compareBool(sa.practiced(), sb.practiced()); c != 0 || !sa.practiced() {
				return cmp.Or(c, cmp.Compare(sa.lastSeen, sb.lastSeen), tie(a, b))
			}
			return cmp.Or(cmp.Compare(sa.dueDate(), sb.dueDate()), tie(a, b))
		})
		return pick{question: q, reason: PickAgain, lastScore: states[string(q.ID)].lastScore}, true
	}
	return pick{}, false
}

// themeStrengths is, per theme of pool that the user has self-checked, the
// mean of its questions' last scores.
func themeStrengths(pool []questions.Question, states map[string]questionState) map[string]int {
	sum, n := map[string]int{}, map[string]int{}
	seen := map[questions.ID]bool{}
	for _, q := range pool {
		s := states[string(q.ID)]
		if seen[q.ID] || !s.practiced() {
			continue
		}
		seen[q.ID] = true
		sum[themeOf(q)] += s.lastScore
		n[themeOf(q)]++
	}
	out := make(map[string]int, len(n))
	for t, k := range n {
		out[t] = sum[t] / k
	}
	return out
}

// difficultyRank orders questions easiest first; an unrated question (a
// team question) sits in the middle.
func difficultyRank(q questions.Question) int {
	if q.Difficulty == 0 {
		return 2
	}
	return q.Difficulty
}

// dueReviews returns the ids of the questions in states whose review is due
// on today or earlier, most overdue first.
func dueReviews(states map[string]questionState, today string) []string {
	var ids []string
	for id, s := range states {
		if s.practiced() && s.dueDate() <= today {
			ids = append(ids, id)
		}
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(states[a].dueDate(), states[b].dueDate()), cmp.Compare(a, b))
	})
	return ids
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}
