package handlers

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// catchUpWindow: a daily post that no replica made on time is still made
// while it is less than this late; after that the day is skipped.
const catchUpWindow = 2 * time.Hour

// dayAbbrev is each weekday's short name, as in a Days list.
var dayAbbrev = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// daysOf is the Days that posts on the weekdays set: Weekdays, Everyday,
// or a list such as "mon,wed,fri" (Monday first); "" when none is set.
func daysOf(set [7]bool) Days {
	var names []string
	for i := range 7 {
		d := (i + 1) % 7 // Monday first
		if set[d] {
			names = append(names, dayAbbrev[d])
		}
	}
	switch s := strings.Join(names, ","); s {
	case "mon,tue,wed,thu,fri":
		return Weekdays
	case "mon,tue,wed,thu,fri,sat,sun":
		return Everyday
	default:
		return Days(s)
	}
}

// set is the weekdays d posts on; ok is false when d is not a valid Days.
func (d Days) set() (set [7]bool, ok bool) {
	switch d {
	case Weekdays:
		return [7]bool{false, true, true, true, true, true, false}, true
	case Everyday:
		return [7]bool{true, true, true, true, true, true, true}, true
	case "":
		return set, false
	}
	for name := range strings.SplitSeq(string(d), ",") {
		w, ok := weekday(name)
		if !ok || name != dayAbbrev[w] || set[w] {
			return set, false
		}
		set[w] = true
	}
	return set, daysOf(set) == d
}

// Valid reports whether d is Weekdays, Everyday or a list of days in the
// canonical form daysOf makes ("mon,wed,fri").
func (d Days) Valid() bool {
	_, ok := d.set()
	return ok
}

// Describe says when d posts, for people: "on weekdays", "every day",
// "on Mon, Wed, Fri".
func (d Days) Describe() string {
	switch d {
	case Weekdays:
		return "on weekdays"
	case Everyday:
		return "every day"
	}
	set, ok := d.set()
	if !ok {
		return "never"
	}
	var names []string
	for i := range 7 {
		if w := (i + 1) % 7; set[w] {
			names = append(names, strings.ToUpper(dayAbbrev[w][:1])+dayAbbrev[w][1:])
		}
	}
	return "on " + strings.Join(names, ", ")
}

// location is the schedule's time zone.
func (s Schedule) location() (*time.Location, error) {
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		return nil, fmt.Errorf("schedule %d: zone %q: %w", s.ID, s.Zone, err)
	}
	return loc, nil
}

// slotOn is the instant s runs on the local date of day (any time that
// day). On a spring-forward day a wall time that does not exist (02:30 in
// Berlin) resolves to one instant close to it, and on a fall-back day a
// wall time that happens twice resolves to one of the two: either way the
// date has exactly one slot, and the claim per (schedule, date) posts it
// once.
func (s Schedule) slotOn(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, s.Hour, s.Minute, 0, 0, day.Location())
}

// localDay returns noon of the local date i days after t's: noon, because
// date arithmetic at midnight can land on the wrong day across DST changes.
func localDay(t time.Time, i int) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+i, 12, 0, 0, 0, t.Location())
}

// NextRun is the first run of s after t by its rule alone (days and time),
// paused and skipped days included.
func (s Schedule) NextRun(t time.Time) (time.Time, error) {
	rule := s
	rule.Paused, rule.PausedUntil, rule.Skips = false, "", nil
	return rule.nextDue(t, true)
}

// postsOn reports whether s posts on the local date (YYYY-MM-DD): a day of
// its rule, not skipped in the channel and not paused.
func (s Schedule) postsOn(date string) bool {
	if s.Paused && (s.PausedUntil == "" || date < s.PausedUntil) {
		return false
	}
	for _, r := range s.Skips {
		if r.From <= date && date <= r.To {
			return false
		}
	}
	return true
}

// maxDueDays bounds the search for the next post: skips and pauses can put
// it a long way off, but not this far.
const maxDueDays = 5 * 366

// nextDue is the first slot of s after t (at or after t unless strict) on
// a day it posts (see postsOn), or zero when it is paused until resumed.
// The slot is the schedule's wall time in its zone on that date; on a
// spring-forward day a wall time that does not exist (02:30 in Berlin)
// resolves to one instant close to it, and on a fall-back day a wall time
// that happens twice resolves to one of the two: either way a date has
// exactly one slot.
func (s Schedule) nextDue(t time.Time, strict bool) (time.Time, error) {
	if s.Paused && s.PausedUntil == "" {
		return time.Time{}, nil
	}
	loc, err := s.location()
	if err != nil {
		return time.Time{}, err
	}
	days, ok := s.Days.set()
	if !ok {
		return time.Time{}, fmt.Errorf("schedule %d: days %q", s.ID, s.Days)
	}
	t = t.In(loc)
	for i := 0; i <= maxDueDays; i++ {
		day := localDay(t, i)
		date := day.Format(time.DateOnly)
		slot := s.slotOn(day)
		if !days[day.Weekday()] || slot.Before(t) || (strict && slot.Equal(t)) || !s.postsOn(date) {
			continue
		}
		return slot, nil
	}
	return time.Time{}, fmt.Errorf("schedule %d: no post within %d days", s.ID, maxDueDays)
}

// localDate is the date of instant t in the schedule's zone.
func (s Schedule) localDate(t time.Time) (string, error) {
	loc, err := s.location()
	if err != nil {
		return "", err
	}
	return t.In(loc).Format(time.DateOnly), nil
}

// nextInRotation picks a schedule's next question from pool given the
// channel's daily history (oldest first). No question repeats before every
// question of the pool was posted: the candidates are the least-posted
// ones. Among them it avoids the theme posted last, and prefers the theme
// with most candidates left, which is what keeps two variants of one theme
// off consecutive days to the end of a round. seed varies the order between
// schedules and days without randomness, so every replica agrees.
func nextInRotation(pool []questions.Question, history []string, seed string) questions.Question {
	inPool := make(map[string]questions.Question, len(pool))
	for _, q := range pool {
		inPool[string(q.ID)] = q
	}
	count := map[string]int{}
	lastTheme := ""
	for _, id := range history {
		if q, ok := inPool[id]; ok {
			count[id]++
			lastTheme = themeOf(q)
		}
	}
	least := -1
	for _, q := range pool {
		if n := count[string(q.ID)]; least == -1 || n < least {
			least = n
		}
	}
	byTheme := map[string][]questions.Question{}
	for _, q := range pool {
		if count[string(q.ID)] == least {
			byTheme[themeOf(q)] = append(byTheme[themeOf(q)], q)
		}
	}
	themes := make([]string, 0, len(byTheme))
	for t := range byTheme {
		if t != lastTheme || len(byTheme) == 1 {
			themes = append(themes, t)
		}
	}
	slices.SortFunc(themes, func(a, b string) int {
		if c := cmp.Compare(len(byTheme[b]), len(byTheme[a])); c != 0 {
			return c
		}
		return cmp.Compare(mix(seed, a), mix(seed, b))
	})
	qs := byTheme[themes[0]]
	return slices.MinFunc(qs, func(a, b questions.Question) int {
		return cmp.Compare(mix(seed, string(a.ID)), mix(seed, string(b.ID)))
	})
}

// mix hashes seed and s into an order that looks random but is the same
// on every replica.
func mix(seed, s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(seed))
	h.Write([]byte{0})
	h.Write([]byte(s))
	return h.Sum64()
}
