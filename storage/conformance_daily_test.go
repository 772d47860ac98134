package storage_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
)

func newSchedule(channel, category string) handlers.Schedule {
	return handlers.Schedule{
		TeamID:    "T1",
		ChannelID: channel,
		Role:      "senior-backend",
		Category:  category,
		Hour:      9,
		Minute:    30,
		Zone:      "Europe/Paris",
		Days:      handlers.Weekdays,
		CreatedBy: "U-lead",
		CreatedAt: t0,
	}
}

func saveSchedule(ctx context.Context, t *testing.T, s store, sc handlers.Schedule) handlers.Schedule {
	t.Helper()
	saved, err := s.SaveSchedule(ctx, sc)
	if err != nil {
		t.Fatalf("SaveSchedule(%+v): %v", sc, err)
	}
	return saved
}

func scheduleIDs(scs []handlers.Schedule) []int64 {
	out := make([]int64, 0, len(scs))
	for _, sc := range scs {
		out = append(out, sc.ID)
	}
	return out
}

func schedulesLifecycle(ctx context.Context, t *testing.T, s store) {
	all := saveSchedule(ctx, t, s, newSchedule("C1", ""))
	want := newSchedule("C1", "")
	want.ID = all.ID
	if !all.CreatedAt.Equal(t0) || all.ID <= 0 {
		t.Errorf("SaveSchedule = %+v, want an id and CreatedAt %v", all, t0)
	}
	want.CreatedAt = all.CreatedAt
	if all != want {
		t.Errorf("SaveSchedule =\n%+v\nwant\n%+v", all, want)
	}
	tech := saveSchedule(ctx, t, s, newSchedule("C1", "technical"))
	other := newSchedule("C7", "")
	other.TeamID = "T2"
	otherTeam := saveSchedule(ctx, t, s, other)

	if err := s.PauseSchedule(ctx, all.ID, "I can't post in the channel."); err != nil {
		t.Fatalf("PauseSchedule: %v", err)
	}
	scs, err := s.ChannelSchedules(ctx, "T1", "C1")
	if err != nil {
		t.Fatalf("ChannelSchedules: %v", err)
	}
	if got := scheduleIDs(scs); !slices.Equal(got, []int64{all.ID, tech.ID}) {
		t.Fatalf("ChannelSchedules = %v, want [%d %d]", got, all.ID, tech.ID)
	}
	if !scs[0].Paused || scs[0].PauseReason != "I can't post in the channel." || scs[1].Paused {
		t.Errorf("ChannelSchedules = %+v, want the first paused with its reason", scs)
	}
	active, err := s.ActiveSchedules(ctx)
	if err != nil {
		t.Fatalf("ActiveSchedules: %v", err)
	}
	if got := scheduleIDs(active); !slices.Equal(got, []int64{tech.ID, otherTeam.ID}) {
		t.Errorf("ActiveSchedules = %v, want [%d %d] (every team, not the paused one)", got, tech.ID, otherTeam.ID)
	}

	// Saving again replaces the time and un-pauses, keeping the id.
	again := newSchedule("C1", "")
	again.Hour, again.Minute, again.Days, again.Zone = 7, 5, handlers.Everyday, "America/New_York"
	again.CreatedBy, again.CreatedAt = "U-other", t0.Add(time.Hour)
	replaced := saveSchedule(ctx, t, s, again)
	again.ID = all.ID
	again.CreatedAt = replaced.CreatedAt
	if replaced != again || !replaced.CreatedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("replacing: SaveSchedule =\n%+v\nwant\n%+v", replaced, again)
	}
	if active, err := s.ActiveSchedules(ctx); err != nil || len(active) != 3 {
		t.Errorf("ActiveSchedules after re-saving = %+v, %v; want all 3", active, err)
	}

	if err := s.PauseSchedule(ctx, 1<<40, "x"); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("PauseSchedule of an unknown id = %v, want ErrNotFound", err)
	}
	for _, want := range []int{2, 0} {
		if n, err := s.DeleteChannelSchedules(ctx, "T1", "C1"); err != nil || n != want {
			t.Errorf("DeleteChannelSchedules = %d, %v; want %d", n, err, want)
		}
	}
	if scs, err := s.ChannelSchedules(ctx, "T2", "C7"); err != nil || len(scs) != 1 {
		t.Errorf("another team's schedules after deleting = %+v, %v; want 1", scs, err)
	}
}

func schedulesInvalid(ctx context.Context, t *testing.T, s store) {
	edit := func(f func(*handlers.Schedule)) handlers.Schedule {
		sc := newSchedule("C1", "")
		f(&sc)
		return sc
	}
	for name, sc := range map[string]handlers.Schedule{
		"hour 24":     edit(func(sc *handlers.Schedule) { sc.Hour = 24 }),
		"minute 60":   edit(func(sc *handlers.Schedule) { sc.Minute = 60 }),
		"minute -1":   edit(func(sc *handlers.Schedule) { sc.Minute = -1 }),
		"no zone":     edit(func(sc *handlers.Schedule) { sc.Zone = "" }),
		"odd days":    edit(func(sc *handlers.Schedule) { sc.Days = "sometimes" }),
		"no role":     edit(func(sc *handlers.Schedule) { sc.Role = "" }),
		"NUL in role": edit(func(sc *handlers.Schedule) { sc.Role = "a\x00" }),
	} {
		if _, err := s.SaveSchedule(ctx, sc); err == nil {
			t.Errorf("SaveSchedule with %s succeeded", name)
		}
	}
	if scs, err := s.ActiveSchedules(ctx); err != nil || len(scs) != 0 {
		t.Errorf("refused schedules were stored: %+v, %v", scs, err)
	}
}

// daily is a tiny driver for one schedule's posts.
type daily struct {
	ctx context.Context
	t   *testing.T
	s   store
	id  int64
}

func (d daily) claim(date, owner string, now, until time.Time, wantOK bool) handlers.DailyPost {
	d.t.Helper()
	p, ok, err := d.s.ClaimDailyPost(d.ctx, d.id, date, owner, now, until)
	if err != nil {
		d.t.Fatalf("ClaimDailyPost(%s, %s at %v): %v", date, owner, now, err)
	}
	if ok != wantOK {
		d.t.Fatalf("ClaimDailyPost(%s, %s at %v) ok = %v, want %v (row %+v)", date, owner, now.Sub(t0), ok, wantOK, p)
	}
	if p.ScheduleID != d.id || p.LocalDate != date {
		d.t.Fatalf("ClaimDailyPost returned %+v, want schedule %d date %s", p, d.id, date)
	}
	return p
}

func (d daily) post(question, ts string) handlers.Post {
	return handlers.Post{TeamID: "T1", ChannelID: "C1", QuestionID: question, MessageTS: ts, Source: "daily", At: t0}
}

func dailyClaims(ctx context.Context, t *testing.T, s store) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	d := daily{ctx, t, s, saveSchedule(ctx, t, s, newSchedule("C1", "")).ID}
	const day = "2026-03-02"

	p := d.claim(day, "A", at(0), at(5), true)
	if p.State != "claimed" || p.ClaimedBy != "A" || p.Attempts != 0 {
		t.Errorf("first claim = %+v, want claimed by A, 0 attempts", p)
	}
	if p := d.claim(day, "B", at(1), at(6), false); p.ClaimedBy != "A" {
		t.Errorf("losing claim returned %+v, want A's claim", p)
	}
	// A lease is held even against its owner: a second attempt by the same
	// process (two overlapping ticks) must not post the day again.
	d.claim(day, "A", at(2), at(7), false)
	if err := s.ReleaseDailyPost(ctx, d.id, day, "B", at(3)); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("B releasing A's claim = %v, want ErrNotFound", err)
	}
	if err := s.ReleaseDailyPost(ctx, d.id, day, "A", at(10)); err != nil {
		t.Fatalf("ReleaseDailyPost: %v", err)
	}
	if p := d.claim(day, "B", at(9), at(12), false); p.Attempts != 1 || p.ClaimedBy != "" {
		t.Errorf("before the retry time, claim = %+v; want released, 1 attempt", p)
	}
	d.claim(day, "B", at(10), at(15), true)

	// A lost the claim: its post is logged but the day stays B's.
	if err := s.MarkDailyPosted(ctx, d.id, day, "A", d.post("q-a", "300.1")); !errors.Is(err, handlers.ErrConflict) {
		t.Errorf("MarkDailyPosted by A = %v, want ErrConflict", err)
	}
	p2 := d.post("q-b", "300.2")
	p2.At = t0.Add(time.Second)
	for range 2 { // the second time is a retry: a no-op
		if err := s.MarkDailyPosted(ctx, d.id, day, "B", p2); err != nil {
			t.Fatalf("MarkDailyPosted by B: %v", err)
		}
	}
	p = d.claim(day, "C", at(600), at(605), false)
	if p.State != "posted" || p.QuestionID != "q-b" || p.MessageTS != "300.2" || p.ClaimedBy != "B" {
		t.Errorf("after posting, claim = %+v; want posted q-b at 300.2 by B", p)
	}
	if err := s.MarkDailyPosted(ctx, d.id, day, "C", d.post("q-c", "300.3")); !errors.Is(err, handlers.ErrConflict) {
		t.Errorf("MarkDailyPosted over a posted day = %v, want ErrConflict", err)
	}

	// Skips: only a day without a row.
	if ins, err := s.SkipDailyPost(ctx, d.id, day, "3h late", at(180)); err != nil || ins {
		t.Errorf("SkipDailyPost of a posted day = %v, %v; want false", ins, err)
	}
	const missed = "2026-03-03"
	for i, want := range []bool{true, false} {
		if ins, err := s.SkipDailyPost(ctx, d.id, missed, "3h late", at(1600)); err != nil || ins != want {
			t.Errorf("SkipDailyPost #%d = %v, %v; want %v", i+1, ins, err, want)
		}
	}
	if p := d.claim(missed, "A", at(1700), at(1705), false); p.State != "skipped" {
		t.Errorf("claim of a skipped day = %+v, want skipped", p)
	}

	// The channel's daily history: daily posts only, oldest first.
	if err := s.RecordPost(ctx, handlers.Post{TeamID: "T1", ChannelID: "C1", QuestionID: "q-p", MessageTS: "299.9", Source: "practice", At: t0}); err != nil {
		t.Fatal(err)
	}
	now := d.post("q-now", "301.1")
	now.At = t0.Add(time.Hour)
	if err := s.RecordPost(ctx, now); err != nil {
		t.Fatal(err)
	}
	hist, err := s.DailyHistory(ctx, "T1", "C1")
	if err != nil {
		t.Fatalf("DailyHistory: %v", err)
	}
	// q-a and q-c were logged though their marks were refused: the
	// messages are in the channel. Ties on time order by ts.
	if want := []string{"q-a", "q-c", "q-b", "q-now"}; !slices.Equal(hist, want) {
		t.Errorf("DailyHistory = %q, want %q", hist, want)
	}
	if hist, err := s.DailyHistory(ctx, "T1", "C-none"); err != nil || hist == nil || len(hist) != 0 {
		t.Errorf("DailyHistory of a quiet channel = %#v, %v; want empty", hist, err)
	}
}

func dailyExpiredClaimTakenOver(ctx context.Context, t *testing.T, s store) {
	d := daily{ctx, t, s, saveSchedule(ctx, t, s, newSchedule("C1", "")).ID}
	const day = "2026-03-02"
	d.claim(day, "A", t0, t0.Add(5*time.Minute), true)
	d.claim(day, "B", t0.Add(5*time.Minute-time.Second), t0.Add(time.Hour), false)
	if p := d.claim(day, "B", t0.Add(5*time.Minute+time.Second), t0.Add(time.Hour), true); p.ClaimedBy != "B" {
		t.Errorf("takeover = %+v, want B's", p)
	}
	if err := s.ReleaseDailyPost(ctx, d.id, day, "A", t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("A releasing after the takeover = %v, want ErrNotFound", err)
	}
}

func dailyUnknownSchedule(ctx context.Context, t *testing.T, s store) {
	const missing, day = int64(1 << 40), "2026-03-02"
	_, _, claimErr := s.ClaimDailyPost(ctx, missing, day, "A", t0, t0)
	_, skipErr := s.SkipDailyPost(ctx, missing, day, "late", t0)
	for name, err := range map[string]error{
		"ClaimDailyPost":   claimErr,
		"SkipDailyPost":    skipErr,
		"ReleaseDailyPost": s.ReleaseDailyPost(ctx, missing, day, "A", t0),
		"MarkDailyPosted":  s.MarkDailyPosted(ctx, missing, day, "A", handlers.Post{TeamID: "T1", ChannelID: "C1", QuestionID: "q", MessageTS: "1.1", Source: "daily"}),
	} {
		if !errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("%s of an unknown schedule = %v, want ErrNotFound", name, err)
		}
	}
	// A refused mark records nothing.
	if hist, err := s.DailyHistory(ctx, "T1", "C1"); err != nil || len(hist) != 0 {
		t.Errorf("DailyHistory = %q, %v; want empty", hist, err)
	}
	sc := saveSchedule(ctx, t, s, newSchedule("C1", ""))
	for _, date := range []string{"", "2026-3-2", "02/03/2026", "2026-02-30", "tomorrow"} {
		if _, _, err := s.ClaimDailyPost(ctx, sc.ID, date, "A", t0, t0); err == nil || errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("ClaimDailyPost(%q) = %v, want a validation error", date, err)
		}
	}
}

func dailyDeletedWithSchedule(ctx context.Context, t *testing.T, s store) {
	const day = "2026-03-02"
	d := daily{ctx, t, s, saveSchedule(ctx, t, s, newSchedule("C1", "")).ID}
	d.claim(day, "A", t0, t0.Add(time.Hour), true)
	if n, err := s.DeleteChannelSchedules(ctx, "T1", "C1"); err != nil || n != 1 {
		t.Fatalf("DeleteChannelSchedules = %d, %v", n, err)
	}
	if _, _, err := s.ClaimDailyPost(ctx, d.id, day, "B", t0, t0.Add(time.Hour)); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("claim on a deleted schedule = %v, want ErrNotFound", err)
	}
	d.id = saveSchedule(ctx, t, s, newSchedule("C1", "")).ID
	d.claim(day, "B", t0, t0.Add(time.Hour), true) // a new schedule starts afresh
}

func dailyConcurrentClaims(ctx context.Context, t *testing.T, s store) {
	id := saveSchedule(ctx, t, s, newSchedule("C1", "")).ID
	const replicas = 10
	start := make(chan struct{})
	wins := make(chan string, replicas)
	var wg sync.WaitGroup
	for i := range replicas {
		wg.Go(func() {
			<-start
			owner := fmt.Sprintf("replica-%d", i)
			_, ok, err := s.ClaimDailyPost(ctx, id, "2026-03-02", owner, t0, t0.Add(time.Minute))
			if err != nil {
				t.Errorf("ClaimDailyPost(%s): %v", owner, err)
			}
			if ok {
				wins <- owner
			}
		})
	}
	close(start)
	wg.Wait()
	close(wins)
	var winners []string
	for w := range wins {
		winners = append(winners, w)
	}
	if len(winners) != 1 {
		t.Errorf("%d replicas claimed one day at once; winners %q, want exactly one", replicas, winners)
	}
}
