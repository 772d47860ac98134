package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

func (benchSlack) PublishView(context.Context, string, slack.HomeTabViewRequest) error { return nil }

// nextPool is a small pool with themes and difficulties to choose among:
// theme a has a1 (easy) and a2 (hard), theme b has b1 (medium) and b2
// (easy), theme c has c1 only.
func nextPool() []questions.Question {
	q := func(id, theme string, d int) questions.Question {
		return questions.Question{ID: questions.ID(id), Role: "r", Category: "c", Text: "Question " + id, Theme: theme, Difficulty: d}
	}
	return []questions.Question{q("a1", "a", 1), q("a2", "a", 3), q("b1", "b", 2), q("b2", "b", 1), q("c1", "c", 2)}
}

// event is one entry of a test history: a send (score < 0) or a self-check
// with a score, at a local wall time of the test's zone.
type event struct {
	id    string
	at    string // "2006-01-02 15:04" in the test's zone
	score int    // -1: sent only
}

func history(t *testing.T, zone string, events []event) PracticeHistory {
	t.Helper()
	var h PracticeHistory
	for _, e := range events {
		when := at(t, zone, e.at)
		if e.score < 0 {
			h.Sends = append(h.Sends, PracticeSend{QuestionID: e.id, MessageTS: "1.0", Source: "practice", At: when})
			continue
		}
		h.Checks = append(h.Checks, SelfCheck{QuestionID: e.id, Role: "r", Category: "c", Covered: e.score / 20, Total: 5, Score: e.score, At: when})
	}
	return h
}

// TestNextPractice holds the next-question rule: due reviews first at the
// contract's intervals, then unseen questions from the weakest theme,
// never a question twice on one local day, with days counted in the
// user's zone.
func TestNextPractice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		zone   string
		events []event
		now    string     // local wall time in zone
		want   string     // question id, "" = any
		not    string     // a question id it must not be
		reason PickReason // 0: nothing today
	}{
		{
			name: "a new user gets an unseen question, the easiest of its theme",
			zone: "UTC", now: "2026-11-02 09:00",
			want: "", reason: PickNew, // any theme; checked below: easiest of it
		},
		{
			name:   "below 60% comes back after one day",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 09:00", 40}, {"a2", "2026-11-02 09:05", -1}, {"b1", "2026-11-02 09:06", -1}, {"b2", "2026-11-02 09:07", -1}, {"c1", "2026-11-02 09:08", -1}},
			now:    "2026-11-03 00:01", want: "a1", reason: PickReview,
		},
		{
			name:   "below 60% is not due the same day",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 09:00", 40}},
			now:    "2026-11-02 23:59", want: "a2", reason: PickNew, // a1 was seen today; a (40%) is the weakest theme
		},
		{
			name:   "below 90% waits three days",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 09:00", 80}, {"a2", "2026-11-02 09:00", -1}, {"b1", "2026-11-02 09:00", -1}, {"b2", "2026-11-02 09:00", -1}, {"c1", "2026-11-02 09:00", -1}},
			now:    "2026-11-04 23:00", not: "a1", reason: PickAgain, // a1 not due until the 5th
		},
		{
			name:   "below 90% is due on the third day",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 09:00", 80}, {"a2", "2026-11-02 09:00", -1}, {"b1", "2026-11-02 09:00", -1}, {"b2", "2026-11-02 09:00", -1}, {"c1", "2026-11-02 09:00", -1}},
			now:    "2026-11-05 00:00", want: "a1", reason: PickReview,
		},
		{
			name:   "90% waits seven days",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 09:00", 100}, {"a2", "2026-11-02 09:00", -1}, {"b1", "2026-11-02 09:00", -1}, {"b2", "2026-11-02 09:00", -1}, {"c1", "2026-11-02 09:00", -1}},
			now:    "2026-11-08 23:59", not: "a1", reason: PickAgain,
		},
		{
			name:   "90% is due on the seventh day",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 09:00", 90}, {"a2", "2026-11-02 09:00", -1}, {"b1", "2026-11-02 09:00", -1}, {"b2", "2026-11-02 09:00", -1}, {"c1", "2026-11-02 09:00", -1}},
			now:    "2026-11-09 08:00", want: "a1", reason: PickReview,
		},
		{
			name:   "a second strong check waits fourteen days",
			zone:   "UTC",
			events: []event{{"c1", "2026-11-01 09:00", 100}, {"c1", "2026-11-08 09:00", 95}, {"a1", "2026-11-08 09:00", -1}, {"a2", "2026-11-08 09:00", -1}, {"b1", "2026-11-08 09:00", -1}, {"b2", "2026-11-08 09:00", -1}},
			now:    "2026-11-21 12:00", not: "c1", reason: PickAgain, // c1 due on the 22nd
		},
		{
			name:   "a second strong check is due on the fourteenth day",
			zone:   "UTC",
			events: []event{{"c1", "2026-11-01 09:00", 100}, {"c1", "2026-11-08 09:00", 95}},
			now:    "2026-11-22 12:00", want: "c1", reason: PickReview,
		},
		{
			name:   "a third strong check waits thirty days",
			zone:   "UTC",
			events: []event{{"c1", "2026-10-01 09:00", 100}, {"c1", "2026-10-08 09:00", 100}, {"c1", "2026-10-22 09:00", 100}},
			now:    "2026-11-20 12:00", not: "c1", reason: PickNew, // c1 due on 21 Nov
		},
		{
			name:   "a fourth strong check still waits thirty days",
			zone:   "UTC",
			events: []event{{"c1", "2026-09-01 09:00", 100}, {"c1", "2026-09-08 09:00", 100}, {"c1", "2026-09-22 09:00", 100}, {"c1", "2026-10-22 09:00", 100}, {"a1", "2026-10-22 09:00", -1}, {"a2", "2026-10-22 09:00", -1}, {"b1", "2026-10-22 09:00", -1}, {"b2", "2026-10-22 09:00", -1}},
			now:    "2026-11-21 12:00", want: "c1", reason: PickReview,
		},
		{
			name:   "a weak check resets the strong run",
			zone:   "UTC",
			events: []event{{"c1", "2026-10-01 09:00", 100}, {"c1", "2026-10-08 09:00", 100}, {"c1", "2026-10-22 09:00", 50}, {"c1", "2026-10-23 09:00", 100}},
			now:    "2026-10-30 12:00", want: "c1", reason: PickReview, // back to 7 days
		},
		{
			name:   "two checks on one day count once in the strong run",
			zone:   "UTC",
			events: []event{{"c1", "2026-11-01 09:00", 100}, {"c1", "2026-11-01 10:00", 100}, {"a1", "2026-11-01 09:00", -1}, {"a2", "2026-11-01 09:00", -1}, {"b1", "2026-11-01 09:00", -1}, {"b2", "2026-11-01 09:00", -1}},
			now:    "2026-11-08 12:00", want: "c1", reason: PickReview, // 7 days, not 14
		},
		{
			name:   "the most overdue review comes first",
			zone:   "UTC",
			events: []event{{"b1", "2026-11-01 09:00", 30}, {"a1", "2026-11-02 09:00", 10}},
			now:    "2026-11-05 12:00", want: "b1", reason: PickReview,
		},
		{
			name:   "equally due: the weaker comes first",
			zone:   "UTC",
			events: []event{{"b1", "2026-11-02 09:00", 50}, {"a1", "2026-11-02 10:00", 10}},
			now:    "2026-11-05 12:00", want: "a1", reason: PickReview,
		},
		{
			name:   "unseen from the weakest theme: b is weaker than a",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-01 09:00", 100}, {"b2", "2026-11-01 09:00", 20}},
			now:    "2026-11-01 18:00", want: "b1", reason: PickNew,
		},
		{
			name:   "a strong theme makes way for an unknown one",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-01 09:00", 100}, {"b2", "2026-11-01 09:00", 80}, {"b1", "2026-11-01 09:00", 70}},
			now:    "2026-11-01 18:00", want: "c1", reason: PickNew, // c unknown (50) is weaker than a (100)
		},
		{
			name:   "a weak theme comes before an unknown one",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-01 09:00", 20}},
			now:    "2026-11-01 18:00", want: "a2", reason: PickNew,
		},
		{
			name:   "everything seen today: nothing",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 08:00", -1}, {"a2", "2026-11-02 08:00", -1}, {"b1", "2026-11-02 08:00", -1}, {"b2", "2026-11-02 08:00", -1}, {"c1", "2026-11-02 08:00", 100}},
			now:    "2026-11-02 23:59", want: "", reason: 0,
		},
		{
			name:   "the next day everything is available again: longest ago first",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-02 08:00", -1}, {"a2", "2026-11-01 08:00", -1}, {"b1", "2026-11-02 08:00", -1}, {"b2", "2026-11-02 08:00", -1}, {"c1", "2026-11-02 08:00", 100}},
			now:    "2026-11-03 00:00", want: "a2", reason: PickAgain,
		},
		{
			// 23:30 in Los Angeles on the 2nd is 07:30 UTC on the 3rd: still
			// the 2nd for the user, so a1 (checked then, 40%) is not due.
			name:   "Los Angeles: the user's day, not UTC's",
			zone:   "America/Los_Angeles",
			events: []event{{"a1", "2026-11-02 08:00", 40}, {"a2", "2026-11-02 08:00", -1}, {"b1", "2026-11-02 08:00", -1}, {"b2", "2026-11-02 08:00", -1}, {"c1", "2026-11-02 08:00", -1}},
			now:    "2026-11-02 23:30", want: "", reason: 0,
		},
		{
			name:   "Los Angeles: due at local midnight",
			zone:   "America/Los_Angeles",
			events: []event{{"a1", "2026-11-02 08:00", 40}, {"a2", "2026-11-02 08:00", -1}, {"b1", "2026-11-02 08:00", -1}, {"b2", "2026-11-02 08:00", -1}, {"c1", "2026-11-02 08:00", -1}},
			now:    "2026-11-03 00:00", want: "a1", reason: PickReview,
		},
		{
			// 00:30 in Tokyo on the 3rd is 15:30 UTC on the 2nd.
			name:   "Tokyo: a new local day while UTC is still on the old one",
			zone:   "Asia/Tokyo",
			events: []event{{"a1", "2026-11-02 23:30", 40}, {"a2", "2026-11-02 23:30", -1}, {"b1", "2026-11-02 23:30", -1}, {"b2", "2026-11-02 23:30", -1}, {"c1", "2026-11-02 23:30", -1}},
			now:    "2026-11-03 00:30", want: "a1", reason: PickReview,
		},
		{
			name:   "Berlin: the night of the change to winter time is one day",
			zone:   "Europe/Berlin",
			events: []event{{"a1", "2026-10-24 23:00", 40}, {"a2", "2026-10-24 23:00", -1}, {"b1", "2026-10-24 23:00", -1}, {"b2", "2026-10-24 23:00", -1}, {"c1", "2026-10-24 23:00", -1}},
			now:    "2026-10-25 00:10", want: "a1", reason: PickReview,
		},
		{
			name:   "New York: three days across the change to summer time",
			zone:   "America/New_York",
			events: []event{{"a1", "2026-03-06 23:59", 70}, {"a2", "2026-03-06 23:59", -1}, {"b1", "2026-03-06 23:59", -1}, {"b2", "2026-03-06 23:59", -1}, {"c1", "2026-03-06 23:59", -1}},
			now:    "2026-03-09 00:00", want: "a1", reason: PickReview,
		},
		{
			name:   "New York: not a minute before",
			zone:   "America/New_York",
			events: []event{{"a1", "2026-03-06 23:59", 70}, {"a2", "2026-03-06 23:59", -1}, {"b1", "2026-03-06 23:59", -1}, {"b2", "2026-03-06 23:59", -1}, {"c1", "2026-03-06 23:59", -1}},
			now:    "2026-03-08 23:59", not: "a1", reason: PickAgain,
		},
		{
			name:   "a question sent today and due is not sent again",
			zone:   "UTC",
			events: []event{{"a1", "2026-11-01 09:00", 40}, {"a1", "2026-11-02 08:00", -1}, {"a2", "2026-11-02 08:00", -1}, {"b1", "2026-11-02 08:00", -1}, {"b2", "2026-11-02 08:00", -1}, {"c1", "2026-11-02 08:00", -1}},
			now:    "2026-11-02 20:00", want: "", reason: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			pool := nextPool()
			h := history(t, tt.zone, tt.events)
			now := at(t, tt.zone, tt.now)
			got, ok := nextPractice(pool, h, now, loc, "U1/"+localDate(now, loc))
			if tt.reason == 0 {
				if ok {
					t.Fatalf("nextPractice = %s (%d), want nothing", got.question.ID, got.reason)
				}
				return
			}
			if !ok {
				t.Fatalf("nextPractice found nothing, want %q", tt.want)
			}
			if got.reason != tt.reason {
				t.Errorf("reason = %d, want %d (question %s)", got.reason, tt.reason, got.question.ID)
			}
			if tt.want != "" && string(got.question.ID) != tt.want {
				t.Errorf("question = %s, want %s", got.question.ID, tt.want)
			}
			if string(got.question.ID) == tt.not {
				t.Errorf("question = %s, which is not due", got.question.ID)
			}
			states := questionStates(h, loc)
			if s := states[string(got.question.ID)]; s.lastSeen == localDate(now, loc) {
				t.Errorf("chose %s, seen today", got.question.ID)
			}
			if got.reason == PickNew {
				// The easiest unseen question of its theme.
				for _, q := range pool {
					if themeOf(q) == themeOf(got.question) && states[string(q.ID)].lastSeen == "" && q.Difficulty < got.question.Difficulty {
						t.Errorf("chose %s (difficulty %d) over the easier %s", got.question.ID, got.question.Difficulty, q.ID)
					}
				}
			}
		})
	}
}

// TestNextPracticeNeverTwiceADay sends questions one after another through
// days in several zones: no question twice on one local day, and the pool
// runs out for the day after every question was sent.
func TestNextPracticeNeverTwiceADay(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/Berlin"} {
		t.Run(zone, func(t *testing.T) {
			loc, _ := time.LoadLocation(zone)
			pool := nextPool()
			var h PracticeHistory
			// Start in UTC at a time whose local date differs from UTC's in
			// the far zones, then walk 3 days in 2-hour steps.
			now := time.Date(2026, 11, 2, 11, 0, 0, 0, time.UTC)
			perDay := map[string]map[string]bool{}
			for range 36 {
				pk, ok := nextPractice(pool, h, now, loc, "U/"+localDate(now, loc))
				day := localDate(now, loc)
				if perDay[day] == nil {
					perDay[day] = map[string]bool{}
				}
				if ok {
					id := string(pk.question.ID)
					if perDay[day][id] {
						t.Fatalf("%s sent twice on %s", id, day)
					}
					perDay[day][id] = true
					h.Sends = append(h.Sends, PracticeSend{QuestionID: id, MessageTS: "1", Source: "practice", At: now})
					h.Checks = append(h.Checks, SelfCheck{QuestionID: id, Covered: 2, Total: 5, Score: 40, At: now.Add(time.Minute)})
				} else if len(perDay[day]) != len(pool) {
					t.Fatalf("nothing to send on %s after %d of %d questions", day, len(perDay[day]), len(pool))
				}
				now = now.Add(2 * time.Hour)
			}
		})
	}
}

func TestComputeProgress(t *testing.T) {
	t.Parallel()
	b, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	sbe, _ := b.Role("senior-backend")
	lookup := func(id string) questions.Question {
		if q, ok := b.Question(questions.ID(id)); ok {
			return q
		}
		return questions.Question{ID: questions.ID(id), Text: "(removed question " + id + ")"}
	}
	count := func(r *questions.Role, c *questions.Category) int { return len(c.Questions) }
	check := func(id, when string, score int) SelfCheck {
		q := lookup(id)
		return SelfCheck{QuestionID: id, Role: q.Role, Category: q.Category, Total: 5, Covered: score / 20, Score: score, At: at(t, "Europe/Berlin", when)}
	}
	loc, _ := time.LoadLocation("Europe/Berlin")
	h := PracticeHistory{Checks: []SelfCheck{
		check("sbe-t01", "2026-11-01 23:30", 20), // Sunday night in Berlin, Sunday 22:30 UTC
		check("sbe-t02", "2026-11-02 00:30", 100),
		check("sbe-t02", "2026-11-02 09:00", 100),
		check("sbe-b01", "2026-11-03 09:00", 60),
	}}
	tests := []struct {
		name       string
		now        string
		wantStreak int
		wantDue    int
	}{
		{"counting today", "2026-11-03 21:00", 3, 1},                         // t01 due since the 2nd
		{"today not yet checked keeps the streak", "2026-11-04 10:00", 3, 1}, // b01 (60%) due on the 6th
		{"a day missed ends it", "2026-11-05 10:00", 0, 1},
		{"reviews come due", "2026-11-06 00:00", 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := computeProgress(h, at(t, "Europe/Berlin", tt.now), loc, b, sbe, lookup, count)
			if p.streak != tt.wantStreak {
				t.Errorf("streak = %d, want %d", p.streak, tt.wantStreak)
			}
			if p.dueCount != tt.wantDue || len(p.due) != tt.wantDue {
				t.Errorf("due = %d (%d shown), want %d", p.dueCount, len(p.due), tt.wantDue)
			}
			if p.practised != 3 || p.checks != 4 {
				t.Errorf("practised %d, checks %d; want 3 and 4", p.practised, p.checks)
			}
		})
	}
	p := computeProgress(h, at(t, "Europe/Berlin", "2026-11-03 21:00"), loc, b, sbe, lookup, count)
	if len(p.coverage) != len(sbe.Categories) {
		t.Errorf("coverage lists %d categories, want the role's %d", len(p.coverage), len(sbe.Categories))
	}
	for _, c := range p.coverage {
		want := map[string]int{"Technical": 2, "Behavioral": 1}[c.category]
		if c.practised != want {
			t.Errorf("coverage %s = %d, want %d", c.category, c.practised, want)
		}
	}
	if len(p.weakest) == 0 || p.weakest[0].score != 20 {
		t.Errorf("weakest = %+v, want the 20%% theme first", p.weakest)
	}
	// The same history in UTC: the Sunday-night check is on Sunday there too,
	// but the 00:30 check moves to Sunday, so Monday has one check fewer.
	pUTC := computeProgress(h, at(t, "UTC", "2026-11-03 21:00"), time.UTC, b, sbe, lookup, count)
	if pUTC.streak != 3 {
		t.Errorf("UTC streak = %d, want 3", pUTC.streak)
	}
	blocks := progressBlocks(p, "📅 daily")
	m := Message{Text: "x", Blocks: blocks}
	if err := Validate(m); err != nil {
		t.Errorf("progress: %v", err)
	}
	text := renderProgress(p, "").Text
	if !strings.Contains(text, "3 questions practised") || !strings.Contains(text, "streak 3 days") {
		t.Errorf("progress text %q", text)
	}
}
