package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage/storagetest"
	"github.com/slack-go/slack"
)

// fakeSlack records posts; the daily logic needs nothing else from Slack.
type fakeSlack struct {
	mu    sync.Mutex
	posts []handlers.Message
	fail  error // returned by PostMessage when set
}

func (f *fakeSlack) PostMessage(_ context.Context, m handlers.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return "", f.fail
	}
	f.posts = append(f.posts, m)
	return fmt.Sprintf("1700000000.%06d", len(f.posts)), nil
}
func (f *fakeSlack) PostEphemeral(context.Context, string, handlers.Message) error  { return nil }
func (f *fakeSlack) UpdateMessage(context.Context, string, handlers.Message) error  { return nil }
func (f *fakeSlack) Respond(context.Context, string, handlers.Message) error        { return nil }
func (f *fakeSlack) OpenView(context.Context, string, slack.ModalViewRequest) error { return nil }
func (f *fakeSlack) Permalink(context.Context, string, string) (string, error)      { return "", nil }
func (f *fakeSlack) User(_ context.Context, id string) (handlers.User, error) {
	return handlers.User{ID: id, TZ: "Europe/Berlin"}, nil
}

func (f *fakeSlack) count(channel string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, p := range f.posts {
		if p.Channel == channel {
			n++
		}
	}
	return n
}

// clock is a fake clock tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func bank(t testing.TB) *questions.Bank {
	t.Helper()
	b, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func local(t *testing.T, zone, s string) time.Time {
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

// tick runs one scheduler tick at now, as cmd's cron does.
func tick(t *testing.T, c *handlers.Commands, now time.Time) {
	t.Helper()
	due, err := c.DueSchedules(context.Background(), now)
	if err != nil {
		t.Fatalf("DueSchedules: %v", err)
	}
	for _, sc := range due {
		if _, err := c.RunSchedule(context.Background(), sc, now); err != nil {
			t.Logf("RunSchedule(%d) at %v: %v", sc.ID, now, err)
		}
	}
}

// TestDailyFakeClock walks the scheduler minute by minute through the days
// that matter and counts the posts.
func TestDailyFakeClock(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		zone       string
		at         string // HH:MM
		days       handlers.Days
		from, to   string // local times walked, every minute
		wantPosts  int
		wantAtWall string // local wall time of the post, "" = any
	}{
		{"Berlin spring forward 09:00", "Europe/Berlin", "09:00", handlers.Everyday, "2026-03-28 12:00", "2026-03-29 23:59", 1, "09:00"},
		{"Berlin fall back 09:00", "Europe/Berlin", "09:00", handlers.Everyday, "2026-10-24 12:00", "2026-10-25 23:59", 1, "09:00"},
		{"New York spring forward 09:00", "America/New_York", "09:00", handlers.Everyday, "2026-03-07 12:00", "2026-03-08 23:59", 1, "09:00"},
		{"New York fall back 09:00", "America/New_York", "09:00", handlers.Everyday, "2026-10-31 12:00", "2026-11-01 23:59", 1, "09:00"},
		{"02:30 on spring forward (does not exist)", "Europe/Berlin", "02:30", handlers.Everyday, "2026-03-28 12:00", "2026-03-29 23:59", 1, ""},
		{"02:30 on fall back (happens twice)", "Europe/Berlin", "02:30", handlers.Everyday, "2026-10-24 12:00", "2026-10-25 23:59", 1, "02:30"},
		{"weekdays skip the weekend", "Europe/Berlin", "09:00", handlers.Weekdays, "2026-11-27 12:00", "2026-11-30 08:59", 0, ""},
		{"weekdays post on Monday", "Europe/Berlin", "09:00", handlers.Weekdays, "2026-11-27 12:00", "2026-11-30 12:00", 1, "09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := storagetest.New(t)
			fs := &fakeSlack{}
			clk := &clock{now: local(t, tt.zone, tt.from)}
			c := handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: fs, Now: clk.Now, Owner: "r1"})
			var h, m int
			fmt.Sscanf(tt.at, "%d:%d", &h, &m)
			sc, err := db.SaveSchedule(context.Background(), handlers.Schedule{TeamID: "T1", ChannelID: "C1", Role: "senior-backend", Category: "technical",
				Hour: h, Minute: m, Zone: tt.zone, Days: tt.days, CreatedBy: "U1", CreatedAt: clk.Now()})
			if err != nil {
				t.Fatal(err)
			}
			var postedAt []time.Time
			end := local(t, tt.zone, tt.to)
			for now := clk.Now(); !now.After(end); now = now.Add(time.Minute) {
				clk.Set(now)
				before := fs.count("C1")
				tick(t, c, now)
				if fs.count("C1") > before {
					postedAt = append(postedAt, now)
				}
			}
			if len(postedAt) != tt.wantPosts {
				t.Fatalf("%d posts (at %v), want %d", len(postedAt), postedAt, tt.wantPosts)
			}
			if tt.wantAtWall != "" {
				if got := postedAt[0].In(local(t, tt.zone, tt.from).Location()).Format("15:04"); got != tt.wantAtWall {
					t.Errorf("posted at %s local, want %s", got, tt.wantAtWall)
				}
			}
			_ = sc
		})
	}
}

// TestDailyCatchUp: after downtime, a slot 1 hour late is posted, a slot 3
// hours late is skipped (once, recorded), and neither is posted twice.
func TestDailyCatchUp(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		late  time.Duration
		posts int
	}{{time.Hour, 1}, {119 * time.Minute, 1}, {2 * time.Hour, 0}, {3 * time.Hour, 0}} {
		t.Run(tt.late.String(), func(t *testing.T) {
			t.Parallel()
			db := storagetest.New(t)
			fs := &fakeSlack{}
			created := local(t, "Europe/Berlin", "2026-11-25 12:00")
			_, err := db.SaveSchedule(context.Background(), handlers.Schedule{TeamID: "T1", ChannelID: "C1", Role: "senior-backend",
				Hour: 9, Zone: "Europe/Berlin", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: created})
			if err != nil {
				t.Fatal(err)
			}
			back := local(t, "Europe/Berlin", "2026-11-26 09:00").Add(tt.late)
			// The replica comes back late and ticks for a while.
			for i := range 30 {
				now := back.Add(time.Duration(i) * time.Minute)
				c := handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: fs, Now: func() time.Time { return now }, Owner: fmt.Sprintf("r%d", i%3)})
				tick(t, c, now)
			}
			if got := fs.count("C1"); got != tt.posts {
				t.Errorf("%d posts, want %d", got, tt.posts)
			}
		})
	}
}

// TestDailyChannelGone pauses a schedule whose channel refuses posts and
// tells its creator, instead of retrying every minute.
func TestDailyChannelGone(t *testing.T) {
	t.Parallel()
	db := storagetest.New(t)
	fs := &fakeSlack{}
	created := local(t, "UTC", "2026-11-25 12:00")
	sc, err := db.SaveSchedule(context.Background(), handlers.Schedule{TeamID: "T1", ChannelID: "C1", Role: "senior-backend",
		Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: created})
	if err != nil {
		t.Fatal(err)
	}
	gone := &channelGone{fakeSlack: fs}
	now := local(t, "UTC", "2026-11-26 09:00")
	c := handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: gone, Now: func() time.Time { return now }})
	tick(t, c, now)
	tick(t, c, now.Add(time.Minute))
	if gone.tries != 1 {
		t.Errorf("%d post attempts to the gone channel, want 1", gone.tries)
	}
	scs, err := db.ChannelSchedules(context.Background(), "T1", "C1")
	if err != nil || len(scs) != 1 || !scs[0].Paused || scs[0].ID != sc.ID {
		t.Fatalf("schedules = %+v, %v; want it paused", scs, err)
	}
	if fs.count("U1") != 1 || !strings.Contains(fs.posts[0].Text, "paused") {
		t.Errorf("creator not told: %+v", fs.posts)
	}
}

// channelGone fails posts to channels (C…) as Slack does for a channel the
// bot was removed from, and lets DMs (to U…) through.
type channelGone struct {
	*fakeSlack
	tries int
}

func (g *channelGone) PostMessage(ctx context.Context, m handlers.Message) (string, error) {
	if strings.HasPrefix(m.Channel, "C") {
		g.tries++
		return "", fmt.Errorf("chat.postMessage: %w (not_in_channel)", handlers.ErrChannelUnavailable)
	}
	return g.fakeSlack.PostMessage(ctx, m)
}
