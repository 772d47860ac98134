package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
	"github.com/jmoiron/sqlx"
	"github.com/prometheus/client_golang/prometheus"
)

// fakeClock is the scheduler's clock in these tests: time moves only when
// the test says so.
type fakeClock struct{ now atomic.Int64 }

func (c *fakeClock) Now() time.Time      { return time.Unix(0, c.now.Load()).UTC() }
func (c *fakeClock) Set(t time.Time)     { c.now.Store(t.UnixNano()) }
func (c *fakeClock) Add(d time.Duration) { c.now.Add(int64(d)) }

// replica is one bot process's scheduler: its own database pool, Slack
// client and owner name, sharing only Postgres and Slack with the others.
type replica struct {
	db    *storage.DB
	cmds  *handlers.Commands
	sched *scheduler
}

func newReplica(t testing.TB, dsn string, s *slacktest.Server, clock *fakeClock, name string, log *slog.Logger) replica {
	t.Helper()
	db, err := storage.Open(context.Background(), dsn, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	bank, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	m := newMetrics(prometheus.NewRegistry())
	sender := bot.NewSender(bot.SenderConfig{BotToken: s.BotToken(), AppToken: s.AppToken(), APIURL: s.APIURL(), Log: log, Observer: m})
	cmds := handlers.New(handlers.Config{Bank: bank, Store: db, Slack: sender, Now: clock.Now, Owner: name, Log: log})
	return replica{db: db, cmds: cmds, sched: newScheduler(cmds, log, m)}
}

// tickAll runs one tick on every replica at once, as their crons would.
func tickAll(rs []replica, now time.Time) {
	var wg sync.WaitGroup
	for _, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.sched.tick(context.Background(), now)
		}()
	}
	wg.Wait()
}

func mustLocation(t testing.TB, zone string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestDailyThreeReplicas runs three schedulers against one Postgres and the
// Slack stand-in over simulated days: exactly one post per schedule and
// day, and no question repeats in a channel before its pool is used up.
func TestDailyThreeReplicas(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	dsn := storagetest.NewDSN(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := &fakeClock{}
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) // a Monday
	clock.Set(start)
	var rs []replica
	for i := range 3 {
		rs = append(rs, newReplica(t, dsn, s, clock, fmt.Sprintf("replica-%d", i+1), log))
	}
	type want struct {
		sc       handlers.Schedule
		poolSize int
	}
	schedules := []want{
		{handlers.Schedule{ChannelID: "C1", Role: "business-analyst", Category: "uml", Hour: 9, Zone: "Europe/Berlin", Days: handlers.Everyday}, 2},
		{handlers.Schedule{ChannelID: "C2", Role: "senior-backend", Category: "problem-solving", Hour: 9, Zone: "America/New_York", Days: handlers.Weekdays}, 1},
		{handlers.Schedule{ChannelID: "C3", Role: "senior-backend", Category: "behavioral", Hour: 7, Minute: 30, Zone: "Asia/Tokyo", Days: handlers.Everyday}, 25},
		{handlers.Schedule{ChannelID: "C4", Role: "business-analyst", Category: "", Hour: 23, Minute: 45, Zone: "UTC", Days: handlers.Everyday}, 45},
	}
	for i, w := range schedules {
		w.sc.TeamID, w.sc.CreatedBy, w.sc.CreatedAt = "T0TEST", "U1", start
		saved, err := rs[0].db.SaveSchedule(context.Background(), w.sc)
		if err != nil {
			t.Fatal(err)
		}
		schedules[i].sc = saved
	}

	raw, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	const days = 6
	for now := start; now.Before(start.Add(days * 24 * time.Hour)); now = now.Add(5 * time.Minute) {
		clock.Set(now)
		tickAll(rs, now)
	}

	for _, w := range schedules {
		loc := mustLocation(t, w.sc.Zone)
		wantDays := 0
		for d := -1; d <= days+1; d++ {
			day := start.In(loc).AddDate(0, 0, d)
			slot := time.Date(day.Year(), day.Month(), day.Day(), w.sc.Hour, w.sc.Minute, 0, 0, loc)
			if slot.Before(start) || !slot.Before(start.Add(days*24*time.Hour)) {
				continue
			}
			if w.sc.Days == handlers.Everyday || (slot.Weekday() != time.Saturday && slot.Weekday() != time.Sunday) {
				wantDays++
			}
		}
		var rows []struct {
			LocalDate  string `db:"local_date"`
			QuestionID string `db:"question_id"`
			MessageTS  string `db:"message_ts"`
		}
		if err := raw.Select(&rows, `SELECT to_char(local_date, 'YYYY-MM-DD') AS local_date, question_id, message_ts
			FROM daily_posts WHERE schedule_id = $1 AND state = 'posted' ORDER BY local_date`, w.sc.ID); err != nil {
			t.Fatal(err)
		}
		var posts []slacktest.Message
		for _, m := range s.Messages() {
			if m.Method == "chat.postMessage" && m.Channel == w.sc.ChannelID {
				posts = append(posts, m)
			}
		}
		if len(rows) != wantDays || len(posts) != wantDays {
			t.Errorf("%s: %d days recorded posted, %d messages in Slack, want %d of each", w.sc.ChannelID, len(rows), len(posts), wantDays)
		}
		seen := map[string]bool{}
		for i, r := range rows {
			if i%w.poolSize == 0 {
				seen = map[string]bool{}
			}
			if seen[r.QuestionID] {
				t.Errorf("%s: %s repeats on %s before the pool of %d is used up", w.sc.ChannelID, r.QuestionID, r.LocalDate, w.poolSize)
			}
			seen[r.QuestionID] = true
		}
	}
	if errs := s.Errors(); len(errs) > 0 {
		t.Errorf("Slack protocol errors: %v", errs)
	}
}

// TestDailyRateLimitedAndRestart: a 429 is waited out and the post lands
// once; a restarted replica (a new process: new owner, empty cache) finds
// the schedule in Postgres and does not post the day again.
func TestDailyRateLimitedAndRestart(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	dsn := storagetest.NewDSN(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := &fakeClock{}
	slot := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	clock.Set(slot.Add(-time.Hour))
	first := newReplica(t, dsn, s, clock, "before-restart", log)
	if _, err := first.db.SaveSchedule(context.Background(), handlers.Schedule{TeamID: "T0TEST", ChannelID: "C9", Role: "senior-backend", Category: "technical",
		Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: clock.Now()}); err != nil {
		t.Fatal(err)
	}
	s.RateLimit("chat.postMessage", 2, 1)
	clock.Set(slot)
	began := time.Now()
	first.sched.tick(context.Background(), slot)
	if waited := time.Since(began); waited < 2*time.Second {
		t.Errorf("tick took %v; two 429s with Retry-After: 1 should take about 2 s", waited)
	}
	count := func() int {
		n := 0
		for _, m := range s.Messages() {
			if m.Method == "chat.postMessage" && m.Channel == "C9" {
				n++
			}
		}
		return n
	}
	if n := count(); n != 1 {
		t.Fatalf("%d posts after the 429s, want 1", n)
	}
	if n := s.Calls("chat.postMessage"); n != 3 {
		t.Errorf("%d chat.postMessage calls, want 3 (two 429s, one post)", n)
	}

	restarted := newReplica(t, dsn, s, clock, "after-restart", log)
	for now := slot.Add(time.Minute); now.Before(slot.Add(3 * time.Hour)); now = now.Add(time.Minute) {
		clock.Set(now)
		restarted.sched.tick(context.Background(), now)
	}
	if n := count(); n != 1 {
		t.Errorf("%d posts after the restart on the same day, want 1", n)
	}
	next := slot.Add(24 * time.Hour)
	clock.Set(next)
	restarted.sched.tick(context.Background(), next)
	if n := count(); n != 2 {
		t.Errorf("%d posts the next day, want 2: the schedule must survive the restart", n)
	}
}

func TestEndToEndDailyCommands(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	s.AddUser(slacktest.User{ID: "UNY", Name: "ny", TZ: "America/New_York"})
	h := startBot(t, s)

	a := h.slash("daily senior-backend technical at 09:30 tz Europe/Berlin weekdays")
	if a.ResponseType != "in_channel" || !contains(a.all(), "09:30 Europe/Berlin on weekdays", "Next one:") {
		t.Errorf("daily: %s %s", a.ResponseType, a.all())
	}
	id := scheduleIDIn(t, a.all())
	if got := h.slash("daily business-analyst", asUser("UNY")).all(); !contains(got, "09:00 America/New_York on weekdays") {
		t.Errorf("daily with the user's zone: %s", got)
	}
	if got := h.slash("daily status").all(); !contains(got, "Senior Backend Engineer — Technical", "Business Analyst", "Next:") {
		t.Errorf("daily status: %s", got)
	}
	if got := h.slash("daily now").all(); !contains(got, "which one should I post now") {
		t.Errorf("daily now with two schedules: %s", got)
	}
	before := len(s.Messages())
	h.slash("daily now " + id)
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up", "show_guidance") })
	if len(s.Messages()) <= before || !contains(post.Text, "Daily question") {
		t.Errorf("daily now posted %q", post.Text)
	}
	if got := h.slash("daily senior-backend at 24:00").all(); !contains(got, "24-hour clock") {
		t.Errorf("bad time: %s", got)
	}
	if got := h.slash("daily senior-backend tz Europe/Atlantis").all(); !contains(got, "not a time zone") {
		t.Errorf("bad zone: %s", got)
	}
	if got := h.slash("daily off all", asUser("UADMIN")).all(); !contains(got, "stopped 2 daily questions") {
		t.Errorf("daily off all: %s", got)
	}
	if got := h.slash("daily status").all(); !contains(got, "No daily question is scheduled here") {
		t.Errorf("daily status after off: %s", got)
	}
	h.noProtocolErrors()
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// countingStore counts the store calls of the daily path, each one a
// database statement.
type countingStore struct {
	handlers.Store
	calls atomic.Int64
}

func (c *countingStore) DueSchedules(ctx context.Context, now time.Time) ([]handlers.Schedule, error) {
	c.calls.Add(1)
	return c.Store.DueSchedules(ctx, now)
}

func (c *countingStore) AdvanceSchedule(ctx context.Context, a handlers.DailyAdvance) (bool, error) {
	c.calls.Add(1)
	return c.Store.AdvanceSchedule(ctx, a)
}

func (c *countingStore) ClaimDailyPost(ctx context.Context, id int64, date, owner string, now, until time.Time) (handlers.DailyPost, bool, error) {
	c.calls.Add(1)
	return c.Store.ClaimDailyPost(ctx, id, date, owner, now, until)
}

func (c *countingStore) DailyHistory(ctx context.Context, teamID, channelID string) ([]string, error) {
	c.calls.Add(1)
	return c.Store.DailyHistory(ctx, teamID, channelID)
}

func (c *countingStore) TeamBank(ctx context.Context, teamID string) (handlers.TeamBank, error) {
	c.calls.Add(1)
	return c.Store.TeamBank(ctx, teamID)
}

func (c *countingStore) MarkDailyPosted(ctx context.Context, id int64, date, owner string, p handlers.Post, next handlers.DailyAdvance) error {
	c.calls.Add(1)
	return c.Store.MarkDailyPosted(ctx, id, date, owner, p, next)
}

func (c *countingStore) UnfinishedKits(ctx context.Context, since, now time.Time) ([]handlers.Kit, error) {
	c.calls.Add(1)
	return c.Store.UnfinishedKits(ctx, since, now)
}

// BenchmarkDailyPosts1000 posts 1,000 schedules due in the same minute, each
// in its own channel, through one replica's tick (8 workers) into the Slack
// stand-in with its per-channel rate limit on. One op is one such minute.
func BenchmarkDailyPosts1000(b *testing.B) {
	const n = 1000
	s := slacktest.New(slacktest.WithChannelRate(1, 1))
	b.Cleanup(s.Close)
	dsn := storagetest.NewDSN(b)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := &fakeClock{}
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	clock.Set(start)
	r := newReplica(b, dsn, s, clock, "bench", log)
	counted := &countingStore{Store: r.db}
	bank, _ := questions.Builtin()
	sender := bot.NewSender(bot.SenderConfig{BotToken: s.BotToken(), AppToken: s.AppToken(), APIURL: s.APIURL(), Log: log})
	cmds := handlers.New(handlers.Config{Bank: bank, Store: counted, Slack: sender, Now: clock.Now, Owner: "bench", Log: log})
	sched := newScheduler(cmds, log, newMetrics(prometheus.NewRegistry()))
	for i := range n {
		if _, err := r.db.SaveSchedule(context.Background(), handlers.Schedule{TeamID: "T0TEST", ChannelID: fmt.Sprintf("CB%04d", i),
			Role: "senior-backend", Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: start}); err != nil {
			b.Fatal(err)
		}
	}
	var posts, calls int64
	day := 0
	b.ResetTimer()
	for b.Loop() {
		now := time.Date(2026, 11, 23+day, 9, 0, 0, 0, time.UTC)
		day++
		clock.Set(now)
		before := s.Calls("chat.postMessage")
		c0 := counted.calls.Load()
		sched.tick(context.Background(), now)
		posts += int64(s.Calls("chat.postMessage") - before)
		calls += counted.calls.Load() - c0
	}
	b.StopTimer()
	if posts != int64(n*day) {
		b.Fatalf("%d posts in %d rounds, want %d", posts, day, n*day)
	}
	b.ReportMetric(float64(calls)/float64(posts), "db-calls/post")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(day), "ms/1000-posts")
}
