package handlers

import (
	"fmt"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

func at(t *testing.T, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestNextRun(t *testing.T) {
	tests := []struct {
		name   string
		zone   string
		hour   int
		minute int
		days   Days
		after  string
		want   string // local wall time of the next run
	}{
		{"later today", "Europe/Berlin", 9, 0, Weekdays, "2026-11-26 08:00", "2026-11-26 09:00 Thu"},
		{"tomorrow", "Europe/Berlin", 9, 0, Weekdays, "2026-11-26 09:00", "2026-11-27 09:00 Fri"},
		{"friday evening skips the weekend", "Europe/Berlin", 9, 0, Weekdays, "2026-11-27 18:00", "2026-11-30 09:00 Mon"},
		{"everyday includes saturday", "Europe/Berlin", 9, 0, Everyday, "2026-11-27 18:00", "2026-11-28 09:00 Sat"},
		{"Berlin spring forward 09:00", "Europe/Berlin", 9, 0, Everyday, "2026-03-28 10:00", "2026-03-29 09:00 Sun"},
		{"Berlin fall back 09:00", "Europe/Berlin", 9, 0, Everyday, "2026-10-24 10:00", "2026-10-25 09:00 Sun"},
		{"New York spring forward 09:00", "America/New_York", 9, 0, Everyday, "2026-03-07 10:00", "2026-03-08 09:00 Sun"},
		{"New York fall back 09:00", "America/New_York", 9, 0, Everyday, "2026-10-31 10:00", "2026-11-01 09:00 Sun"},
		{"Lord Howe half-hour shift", "Australia/Lord_Howe", 9, 0, Everyday, "2026-04-04 10:00", "2026-04-05 09:00 Sun"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Schedule{ID: 1, Hour: tt.hour, Minute: tt.minute, Zone: tt.zone, Days: tt.days}
			got, err := s.NextRun(at(t, tt.zone, tt.after))
			if err != nil {
				t.Fatal(err)
			}
			if g := got.Format("2006-01-02 15:04 Mon"); g != tt.want {
				t.Errorf("NextRun = %s, want %s", g, tt.want)
			}
		})
	}
}

// TestSlotsAcrossDST walks every minute of the DST change days and checks
// that each local date has exactly one slot, at the wall time where it
// exists: nextDue from any minute of the day before reports that one.
func TestSlotsAcrossDST(t *testing.T) {
	tests := []struct {
		zone   string
		day    string // local date
		hour   int
		minute int
		wall   string // the slot's local wall time; "" = any (a wall time that does not exist)
	}{
		{"Europe/Berlin", "2026-03-29", 9, 0, "09:00"},
		{"Europe/Berlin", "2026-10-25", 9, 0, "09:00"},
		{"America/New_York", "2026-03-08", 9, 0, "09:00"},
		{"America/New_York", "2026-11-01", 9, 0, "09:00"},
		{"Europe/Berlin", "2026-03-29", 2, 30, ""},      // 02:30 does not exist
		{"Europe/Berlin", "2026-10-25", 2, 30, "02:30"}, // 02:30 happens twice
		{"America/New_York", "2026-03-08", 2, 30, ""},
		{"America/New_York", "2026-11-01", 1, 30, "01:30"},
		{"Australia/Lord_Howe", "2026-04-05", 1, 45, "01:45"}, // half an hour back
		{"Australia/Lord_Howe", "2026-10-04", 2, 15, ""},      // half an hour forward
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s %02d:%02d", tt.zone, tt.day, tt.hour, tt.minute), func(t *testing.T) {
			s := Schedule{ID: 1, Hour: tt.hour, Minute: tt.minute, Zone: tt.zone, Days: Everyday}
			start := at(t, tt.zone, tt.day+" 00:00").Add(-25 * time.Hour)
			slots := map[int64]time.Time{}
			for now := start; now.Before(start.Add(50 * time.Hour)); now = now.Add(time.Minute) {
				slot, err := s.nextDue(now, false)
				if err != nil || slot.IsZero() {
					t.Fatalf("nextDue(%v) = %v, %v", now, slot, err)
				}
				if slot.Before(now) {
					t.Fatalf("nextDue(%v) = %v, before it", now, slot)
				}
				if date, _ := s.localDate(slot); date == tt.day {
					slots[slot.Unix()] = slot
				}
			}
			if len(slots) != 1 {
				t.Fatalf("%s has %d slots, want 1", tt.day, len(slots))
			}
			for _, slot := range slots {
				if got := slot.Format("2006-01-02"); got != tt.day {
					t.Errorf("slot %v is on %s", slot, got)
				}
				if tt.wall != "" && slot.Format("15:04") != tt.wall {
					t.Errorf("slot at %s, want %s", slot.Format("15:04 MST"), tt.wall)
				}
			}
		})
	}
}

// TestNextDue: the next post skips the days the rule leaves out, the
// channel's skipped dates and the paused ones, and none comes while a
// schedule is paused until resumed.
func TestNextDue(t *testing.T) {
	base := Schedule{ID: 1, Hour: 9, Minute: 0, Zone: "Europe/Berlin", Days: Weekdays}
	with := func(f func(*Schedule)) Schedule {
		s := base
		f(&s)
		return s
	}
	tests := []struct {
		name   string
		s      Schedule
		after  string
		strict bool
		want   string // local wall time, "" for none
	}{
		{"at the slot, inclusive", base, "2026-11-26 09:00", false, "2026-11-26 09:00 Thu"},
		{"at the slot, strict", base, "2026-11-26 09:00", true, "2026-11-27 09:00 Fri"},
		{"weekend", base, "2026-11-27 09:01", false, "2026-11-30 09:00 Mon"},
		{"mon,wed,fri", with(func(s *Schedule) { s.Days = "mon,wed,fri" }), "2026-11-24 10:00", false, "2026-11-25 09:00 Wed"},
		{"sat,sun", with(func(s *Schedule) { s.Days = "sat,sun" }), "2026-11-24 10:00", false, "2026-11-28 09:00 Sat"},
		{"skipped dates", with(func(s *Schedule) { s.Skips = []DateRange{{"2026-11-26", "2026-11-26"}, {"2026-11-27", "2026-12-01"}} }), "2026-11-26 08:00", false, "2026-12-02 09:00 Wed"},
		{"skips in the past do nothing", with(func(s *Schedule) { s.Skips = []DateRange{{"2026-11-01", "2026-11-20"}} }), "2026-11-26 08:00", false, "2026-11-26 09:00 Thu"},
		{"paused until a date", with(func(s *Schedule) { s.Paused, s.PausedUntil = true, "2026-12-02" }), "2026-11-26 08:00", false, "2026-12-02 09:00 Wed"},
		{"paused until a weekend date", with(func(s *Schedule) { s.Paused, s.PausedUntil = true, "2026-11-28" }), "2026-11-26 08:00", false, "2026-11-30 09:00 Mon"},
		{"paused until resumed", with(func(s *Schedule) { s.Paused = true }), "2026-11-26 08:00", false, ""},
		{"a year of skips", with(func(s *Schedule) { s.Skips = []DateRange{{"2026-11-26", "2027-11-25"}} }), "2026-11-26 08:00", false, "2027-11-26 09:00 Fri"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.s.nextDue(at(t, "Europe/Berlin", tt.after), tt.strict)
			if err != nil {
				t.Fatal(err)
			}
			g := ""
			if !got.IsZero() {
				g = got.In(at(t, "Europe/Berlin", tt.after).Location()).Format("2006-01-02 15:04 Mon")
			}
			if g != tt.want {
				t.Errorf("nextDue = %q, want %q", g, tt.want)
			}
		})
	}
}

// TestDays: the canonical forms of weekday sets, and what they say.
func TestDays(t *testing.T) {
	for _, tt := range []struct {
		days  Days
		valid bool
		says  string
	}{
		{Weekdays, true, "on weekdays"},
		{Everyday, true, "every day"},
		{"mon,wed,fri", true, "on Mon, Wed, Fri"},
		{"sat,sun", true, "on Sat, Sun"},
		{"wed,mon", false, "never"},
		{"mon,mon", false, "never"},
		{"mon,tue,wed,thu,fri", false, "never"}, // that is Weekdays
		{"", false, "never"},
		{"sometimes", false, "never"},
	} {
		if got := tt.days.Valid(); got != tt.valid {
			t.Errorf("Days(%q).Valid() = %v, want %v", tt.days, got, tt.valid)
		}
		if got := tt.days.Describe(); got != tt.says {
			t.Errorf("Days(%q).Describe() = %q, want %q", tt.days, got, tt.says)
		}
	}
}

// TestRotation: no repeat before the pool is used up, and no two questions
// of one theme on consecutive days, over several rounds of the real bank.
func TestRotation(t *testing.T) {
	bank := builtin(t)
	sbe, _ := bank.Role("senior-backend")
	for _, cat := range []string{"behavioral", "technical", ""} {
		t.Run(cat, func(t *testing.T) {
			var pool []questions.Question
			for _, c := range sbe.Categories {
				if cat == "" || c.Slug == cat {
					pool = append(pool, c.Questions...)
				}
			}
			var history []string
			byID := map[string]questions.Question{}
			for _, q := range pool {
				byID[string(q.ID)] = q
			}
			for day := range 3 * len(pool) {
				q := nextInRotation(pool, history, fmt.Sprintf("7/day-%d", day))
				round := day / len(pool)
				for _, id := range history[round*len(pool):] {
					if id == string(q.ID) {
						t.Fatalf("day %d: %s repeats within round %d", day, q.ID, round)
					}
				}
				if day > 0 && day%len(pool) != 0 {
					if prev := byID[history[len(history)-1]]; prev.Theme == q.Theme && prev.Theme != "" {
						t.Errorf("day %d: %s follows %s, both theme %s", day, q.ID, prev.ID, q.Theme)
					}
				}
				history = append(history, string(q.ID))
			}
		})
	}
}
