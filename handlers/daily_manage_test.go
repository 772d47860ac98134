package handlers_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/memstore"
	"github.com/interviewbot/interviewbot/storage/storagetest"
	"github.com/slack-go/slack"
)

// slash runs one /interview command in channel C1 as user U1 and returns
// the reply's text.
func slash(t *testing.T, c *handlers.Commands, text string) string {
	t.Helper()
	r, err := c.Slash(context.Background(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: "U1", Text: text})
	if err != nil {
		t.Fatalf("/interview %s: %v", text, err)
	}
	if r.Message == nil {
		return ""
	}
	return r.Message.Text
}

// cutAfterPost is a Slack whose first channel post cuts the database off,
// as a Postgres failover between Slack's answer and the record would.
type cutAfterPost struct {
	*fakeSlack
	proxy  *storagetest.Proxy
	once   sync.Once
	posted chan struct{}
}

func (c *cutAfterPost) PostMessage(ctx context.Context, m handlers.Message) (string, error) {
	ts, err := c.fakeSlack.PostMessage(ctx, m)
	if err == nil && strings.HasPrefix(m.Channel, "C") {
		c.once.Do(func() {
			c.proxy.Stop()
			close(c.posted)
		})
	}
	return ts, err
}

// TestDailyRecordSurvivesDatabaseDrop: Postgres goes away after Slack took
// the post and before it was recorded, and comes back a second later. The
// record is retried until it lands, so no later tick posts the day again
// (issue 17: the claim's lease ran out and the same replica posted again).
func TestDailyRecordSurvivesDatabaseDrop(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := storagetest.NewProxy(t, u.Host)
	db, err := storage.Open(t.Context(), proxy.DSN(strings.TrimPrefix(u.Path, "/")), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	slot := local(t, "UTC", "2026-11-26 09:00")
	if _, err := db.SaveSchedule(t.Context(), handlers.Schedule{TeamID: "T1", ChannelID: "C1", Role: "senior-backend",
		Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: slot.Add(-time.Hour), NextDue: slot}); err != nil {
		t.Fatal(err)
	}
	fs := &cutAfterPost{fakeSlack: &fakeSlack{}, proxy: proxy, posted: make(chan struct{})}
	clk := &clock{now: slot}
	c := handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: fs, Now: clk.Now, Owner: "r1"})

	done := make(chan struct{})
	go func() {
		defer close(done)
		tick(t, c, slot)
	}()
	select {
	case <-fs.posted:
	case <-time.After(30 * time.Second):
		t.Fatal("no post within 30 s")
	}
	time.Sleep(time.Second) // the database is down for a while
	proxy.Start()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the tick did not finish within 60 s of the database coming back")
	}
	// Ticks past the claim's lease, as the cron would make them.
	for m := 1; m <= 20; m++ {
		now := slot.Add(time.Duration(m) * time.Minute)
		clk.Set(now)
		tick(t, c, now)
	}
	if n := fs.count("C1"); n != 1 {
		t.Errorf("%d posts, want 1: the day was posted again", n)
	}
	scs, err := db.ChannelSchedules(t.Context(), "T1", "C1")
	if err != nil || len(scs) != 1 || !scs[0].NextDue.Equal(slot.Add(24*time.Hour)) {
		t.Errorf("schedules = %+v, %v; want the next post tomorrow", scs, err)
	}
}

// TestDailyOffThenDailySameDay: a schedule removed and made again the same
// day, for the same role and category, does not post that day twice
// (issue 17); the next day it posts.
func TestDailyOffThenDailySameDay(t *testing.T) {
	t.Parallel()
	db := storagetest.New(t)
	fs := &fakeSlack{}
	clk := &clock{now: local(t, "UTC", "2026-11-26 08:00")}
	c := handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: fs, Now: clk.Now, Owner: "r1"})
	walk := func(from, to string) {
		for now := local(t, "UTC", from); !now.After(local(t, "UTC", to)); now = now.Add(time.Minute) {
			clk.Set(now)
			tick(t, c, now)
		}
	}
	slash(t, c, "daily sbe tech at 9:00 tz utc every day")
	walk("2026-11-26 08:00", "2026-11-26 09:05")
	if n := fs.count("C1"); n != 1 {
		t.Fatalf("%d posts, want 1", n)
	}
	if got := slash(t, c, "daily off"); !strings.Contains(got, "stopped") {
		t.Fatalf("daily off: %s", got)
	}
	if got := slash(t, c, "daily sbe tech at 9:30 tz utc every day"); !strings.Contains(got, "scheduled") {
		t.Fatalf("daily again: %s", got)
	}
	walk("2026-11-26 09:06", "2026-11-26 12:00")
	if n := fs.count("C1"); n != 1 {
		t.Errorf("%d posts on the day the schedule was made again, want 1", n)
	}
	walk("2026-11-27 09:25", "2026-11-27 09:35")
	if n := fs.count("C1"); n != 2 {
		t.Errorf("%d posts by the next day, want 2", n)
	}
}

// TestDailyDifficulty: a schedule with a difficulty posts only questions of
// that difficulty, and one the pool has none of is refused.
func TestDailyDifficulty(t *testing.T) {
	t.Parallel()
	db := storagetest.New(t)
	fs := &fakeSlack{}
	clk := &clock{now: local(t, "UTC", "2026-11-23 08:00")}
	b := bank(t)
	c := handlers.New(handlers.Config{Bank: b, Store: db, Slack: fs, Now: clk.Now, Owner: "r1"})
	if got := slash(t, c, "daily sbe technical hard at 9 tz utc every day"); !strings.Contains(got, "(hard)") {
		t.Fatalf("daily hard: %s", got)
	}
	for day := range 5 {
		now := local(t, "UTC", "2026-11-23 09:00").AddDate(0, 0, day)
		clk.Set(now)
		tick(t, c, now)
	}
	if len(fs.posts) != 5 {
		t.Fatalf("%d posts, want 5", len(fs.posts))
	}
	for _, p := range fs.posts {
		id := questionIDOf(t, p)
		q, ok := b.Question(id)
		if !ok || q.Difficulty != 3 {
			t.Errorf("posted %s (difficulty %d), want a hard one", id, q.Difficulty)
		}
	}
}

// questionIDOf is the question id a posted question's buttons carry.
func questionIDOf(t *testing.T, m handlers.Message) questions.ID {
	t.Helper()
	for _, blk := range m.Blocks {
		if a, ok := blk.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if b, ok := e.(*slack.ButtonBlockElement); ok && b.ActionID == handlers.ActionRateUp {
					return questions.ID(b.Value)
				}
			}
		}
	}
	t.Fatalf("no rate_up button in %+v", m)
	return ""
}

// TestDailyMessagesFitSlack: the daily messages with the most in them (five
// schedules, all paused, the most skipped ranges) pass Slack's limits.
func TestDailyMessagesFitSlack(t *testing.T) {
	t.Parallel()
	store := memstore.New()
	clk := &clock{now: local(t, "UTC", "2026-11-23 08:00")}
	c := handlers.New(handlers.Config{Bank: bank(t), Store: store, Slack: &fakeSlack{}, Now: clk.Now, Owner: "r1"})
	var replies []handlers.Reply
	run := func(text string) {
		t.Helper()
		r, err := c.Slash(context.Background(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: "U1", Text: text})
		if err != nil {
			t.Fatalf("/interview %s: %v", text, err)
		}
		replies = append(replies, r)
	}
	for _, cat := range []string{"technical", "behavioral", "problem-solving", "system-design", "leadership"} {
		run("daily Senior Backend Engineer " + cat + " hard at 9:30pm tz America/Argentina/ComodRivadavia mon,tue,wed,thu,sat")
	}
	run("daily business-analyst")
	for i := range handlers.MaxChannelSkips {
		from := local(t, "UTC", "2026-12-01 00:00").AddDate(0, 0, 2*i)
		run("daily skip " + from.Format(time.DateOnly) + ".." + from.AddDate(0, 0, 1).Format(time.DateOnly))
	}
	scs, err := store.ChannelSchedules(context.Background(), "T1", "C1")
	if err != nil || len(scs) != handlers.MaxChannelSchedules {
		t.Fatalf("schedules = %d, %v", len(scs), err)
	}
	for _, sc := range scs {
		run(fmt.Sprintf("daily pause d%d until 2027-12-31", sc.ID))
	}
	run("daily status")
	run("daily off")
	run("daily now")
	run("daily resume")
	for _, r := range replies {
		if r.Message == nil {
			t.Fatalf("a reply without a message: %+v", r)
		}
		if err := handlers.Validate(*r.Message); err != nil {
			t.Errorf("%q breaks Slack's limits: %v", r.Message.Text[:min(len(r.Message.Text), 80)], err)
		}
	}
	if status := replies[len(replies)-4].Message.Text; !strings.Contains(status, "Skipped here") || strings.Count(status, "Paused") != 5 {
		t.Errorf("status = %s", status)
	}
}
