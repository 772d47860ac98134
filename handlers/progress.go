package handlers

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// progress is what `me` and the App Home show a user about their private
// practice.
type progress struct {
	practised int // distinct questions self-checked
	checks    int
	// streak counts the local days in a row with a self-check, ending today,
	// or yesterday while today has none yet: a streak is not lost before the
	// day is over.
	streak       int
	checkedToday bool
	coverage     []coverage
	weakest      []themeScore         // at most three, weakest first
	due          []questions.Question // the first maxDueShown due reviews
	dueCount     int                  // all reviews due today
	role         *questions.Role      // the role `practice me` remembers, or nil
}

// coverage is how many of a category's questions the user self-checked.
type coverage struct {
	role, category  string // titles
	practised, pool int
}

// themeScore is a theme's strength: the mean of the last self-check scores
// of its questions.
type themeScore struct {
	label     string
	score     int
	questions int
}

// maxDueShown bounds the reviews listed by name; the count covers all.
const maxDueShown = 5

// computeProgress sums up h at now in the user's zone loc. lookup finds a
// question by id (a removed one comes back without a role); count sizes a
// category's pool; role is the remembered role, or nil.
func computeProgress(h PracticeHistory, now time.Time, loc *time.Location, bank *questions.Bank, role *questions.Role,
	lookup func(id string) questions.Question, count func(*questions.Role, *questions.Category) int) progress {
	p := progress{role: role, checks: len(h.Checks)}
	today := localDate(now, loc)
	states := questionStates(h, loc)

	days := map[string]bool{}
	practised := map[string]map[string]bool{} // role/category → question ids
	themeOfCheck := map[string]string{}       // question id → theme key
	labels := map[string]string{}             // theme key → label
	for _, c := range h.Checks {
		days[localDate(c.At, loc)] = true
		key := c.Role + "/" + c.Category
		if practised[key] == nil {
			practised[key] = map[string]bool{}
		}
		practised[key][c.QuestionID] = true
		q := lookup(c.QuestionID)
		theme := c.Role + "/" + themeOf(q)
		themeOfCheck[c.QuestionID] = theme
		labels[theme] = themeLabel(q)
	}
	p.practised = len(themeOfCheck)
	p.checkedToday = days[today]
	p.streak = streak(days, today)
	p.coverage = coverageOf(bank, role, practised, count)
	p.weakest = weakestThemes(states, themeOfCheck, labels)
	due := dueReviews(states, today)
	p.dueCount = len(due)
	for _, id := range due {
		if q := lookup(id); q.Role != "" && len(p.due) < maxDueShown {
			p.due = append(p.due, q)
		}
	}
	return p
}

// streak counts the days in a row in days ending today, or yesterday when
// today has none.
func streak(days map[string]bool, today string) int {
	d, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return 0
	}
	if !days[today] {
		d = d.AddDate(0, 0, -1)
	}
	n := 0
	for days[d.Format(time.DateOnly)] {
		n++
		d = d.AddDate(0, 0, -1)
	}
	return n
}

// coverageOf lists, in bank order, every category of the remembered role and
// every category the user practised, with what they covered of it.
func coverageOf(bank *questions.Bank, role *questions.Role, practised map[string]map[string]bool, count func(*questions.Role, *questions.Category) int) []coverage {
	var out []coverage
	listed := map[string]bool{}
	for _, r := range bank.Roles() {
		for _, c := range r.Categories {
			key := r.Slug + "/" + c.Slug
			if r != role && practised[key] == nil {
				continue
			}
			listed[key] = true
			n := len(practised[key])
			out = append(out, coverage{role: r.Title, category: c.Title, practised: n, pool: max(count(r, c), n)})
		}
	}
	// Categories gone from the bank still count what was practised there.
	var gone []string
	for key := range practised {
		if !listed[key] {
			gone = append(gone, key)
		}
	}
	slices.Sort(gone)
	for _, key := range gone {
		r, c, _ := strings.Cut(key, "/")
		n := len(practised[key])
		out = append(out, coverage{role: r, category: c, practised: n, pool: n})
	}
	return out
}

// weakestThemes ranks the themes the user self-checked by the mean of
// their questions' last scores and returns the three weakest.
func weakestThemes(states map[string]questionState, themeOfCheck, labels map[string]string) []themeScore {
	sum, n := map[string]int{}, map[string]int{}
	for id, theme := range themeOfCheck {
		sum[theme] += states[id].lastScore
		n[theme]++
	}
	out := make([]themeScore, 0, len(n))
	for theme, k := range n {
		out = append(out, themeScore{label: labels[theme], score: sum[theme] / k, questions: k})
	}
	slices.SortFunc(out, func(a, b themeScore) int {
		return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(a.label, b.label))
	})
	return out[:min(len(out), 3)]
}

// themeLabel names a question's theme for people: the theme slug in words,
// or for a question without one (a team question), its opening words.
func themeLabel(q questions.Question) string {
	if q.Theme == "" || q.Theme == string(q.ID) {
		return "“" + Truncate(q.Text, 40) + "”"
	}
	return strings.ReplaceAll(q.Theme, "-", " ")
}
