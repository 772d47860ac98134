package handlers_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

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
	r, err := c.Slash(context.Background(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: "U2", Text: "daily status"})
	if err != nil {
		t.Fatal(err)
	}
	wants(t, "status", textOf(r.Message), "⏸ *Paused*: I can't post in the channel (I'm not a member, or it was archived or deleted).", "`/interview daily resume d1` resumes it.")
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

// TestDailyCommands: schedule, list, post now and stop a channel's daily
// questions.
func TestDailyCommands(t *testing.T) {
	t.Parallel()
	e := newEnv(t) // Tue 24 Nov 2026 10:00 UTC
	for _, tt := range []struct{ text, want string }{
		{"daily status", "No daily question is scheduled here."},
		{"daily now", "No daily question is scheduled here."},
		{"daily off", "No daily question is scheduled here."},
	} {
		wants(t, tt.text, textOf(e.mustSlash("U1", tt.text).Message), tt.want)
	}

	r := e.mustSlash("U1", "daily sbe technical at 9:30 tz America/New_York everyday")
	if !r.Message.InChannel {
		t.Error("a new schedule is not announced in the channel")
	}
	wants(t, "create", textOf(r.Message), "<@U1> scheduled a daily question here: `d1` *Senior Backend Engineer — Technical* at 09:30 America/New_York every day. Next one: *Tue 24 Nov 09:30 EST*.", "`/interview daily off d1` stops it")
	r = e.mustSlash("U2", "daily business-analyst")
	wants(t, "create with defaults", textOf(r.Message), "`d2` *Business Analyst* at 09:00 Europe/Berlin on weekdays. Next one: *Wed 25 Nov 09:00 CET*.")

	status := textOf(e.mustSlash("U3", "daily status").Message)
	wants(t, "status", status, "*Daily questions in this channel*", "`d1` *Senior Backend Engineer — Technical* at 09:30 America/New_York every day, set by <@U1>. Next: *Tue 24 Nov 09:30 EST*.", "`d2`", "set by <@U2>")

	// With two schedules, `daily now` asks which one and posts nothing.
	wants(t, "daily now", textOf(e.mustSlash("U3", "daily now").Message), "This channel has 2 daily questions; which one should I post now?", "`/interview daily now d1`")
	if len(e.slack.posts) != 0 {
		t.Fatalf("daily now without an id posted %+v", e.slack.posts)
	}
	if r := e.mustSlash("U3", "daily now d1"); r.Message != nil {
		t.Errorf("daily now: reply %q, want none", textOf(r.Message))
	}
	if len(e.slack.posts) != 1 || e.slack.posts[0].Channel != "C1" {
		t.Fatalf("daily now posted %+v", e.slack.posts)
	}
	wants(t, "daily now post", textOf(&e.slack.posts[0]), "*Daily question* · ", "Reply in the thread with how you would answer.")
	history, err := e.db.DailyHistory(t.Context(), "T1", "C1")
	if err != nil || len(history) != 1 || history[0] != questionOf(t, e.slack.posts[0]) {
		t.Errorf("daily history %v, %v; want the question posted now", history, err)
	}

	// Stopping is for a schedule's creator (or an admin): U3 made neither.
	wants(t, "off by another", textOf(e.mustSlash("U3", "daily off all").Message), "<@U1>")
	r = e.mustSlash("U-ADMIN", "daily off all")
	if !r.Message.InChannel {
		t.Error("stopping is not announced in the channel")
	}
	wants(t, "off all", textOf(r.Message), "<@U-ADMIN>")
	wants(t, "status after", textOf(e.mustSlash("U3", "daily status").Message), "No daily question is scheduled here.")
}

// TestDailyZone: without tz the schedule takes the user's Slack time zone,
// and says so when it has to fall back to UTC.
func TestDailyZone(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		user handlers.User
		err  error
		want string
	}{
		{"profile zone", handlers.User{ID: "U1", TZ: "Asia/Tokyo"}, nil, "at 09:00 Asia/Tokyo on weekdays. Next one: *Wed 25 Nov 09:00 JST*."},
		{"no zone", handlers.User{ID: "U1"}, nil, "at 09:00 UTC on weekdays. Next one: *Wed 25 Nov 09:00 UTC*. (Your profile has no time zone, so it's UTC; add `tz Area/City` to change it.)"},
		{"unknown zone", handlers.User{ID: "U1", TZ: "Mars/Olympus"}, nil, `(I don't know your time zone "Mars/Olympus", so it's UTC;`},
		{"users.info fails", handlers.User{ID: "U1"}, errors.New("users.info: timeout"), "(I couldn't read your time zone, so it's UTC;"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.slack.users = map[string]handlers.User{"U1": tt.user}
			e.slack.userErr = tt.err
			wants(t, "reply", textOf(e.mustSlash("U1", "daily sbe").Message), tt.want)
		})
	}
}

// TestRunScheduleResult: what one schedule's run reports, for metrics.
func TestRunScheduleResult(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	created := local(t, "UTC", "2026-11-24 08:00")
	save := func(channel string) handlers.Schedule {
		sc, err := e.db.SaveSchedule(t.Context(), handlers.Schedule{TeamID: "T1", ChannelID: channel, Role: "senior-backend", Category: "problem-solving",
			Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: created})
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	onTime, late := save("C1"), save("C2")
	r2 := handlers.New(handlers.Config{Bank: bank(t), Store: e.db, Slack: e.slack, Owner: "r2"})
	for _, tt := range []struct {
		c    *handlers.Commands
		sc   handlers.Schedule
		at   string
		want handlers.DailyResult
	}{
		{e.cmds, onTime, "2026-11-24 08:59", handlers.DailyNone},
		{e.cmds, onTime, "2026-11-24 09:00", handlers.DailyPosted},
		{e.cmds, onTime, "2026-11-24 09:01", handlers.DailyNone}, // settled here
		{r2, onTime, "2026-11-24 09:01", handlers.DailyNone},     // posted, says the claim
		{r2, late, "2026-11-24 11:00", handlers.DailySkipped},
		{e.cmds, late, "2026-11-24 11:01", handlers.DailyNone},
		{r2, onTime, "2026-11-25 09:00", handlers.DailyPosted},
	} {
		got, err := tt.c.RunSchedule(t.Context(), tt.sc, local(t, "UTC", tt.at))
		if err != nil || got != tt.want {
			t.Errorf("RunSchedule(%s, %s) = %s, %v; want %s", tt.sc.ChannelID, tt.at, got, err, tt.want)
		}
	}
	if e.slack.count("C1") != 2 || e.slack.count("C2") != 0 {
		t.Errorf("posts: %d in C1, %d in C2; want 2 and 0", e.slack.count("C1"), e.slack.count("C2"))
	}
}

// TestDailyPostFails: a failed post is released for a retry, and counted
// as failed.
func TestDailyPostFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	sc, err := e.db.SaveSchedule(t.Context(), handlers.Schedule{TeamID: "T1", ChannelID: "C1", Role: "senior-backend",
		Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1", CreatedAt: local(t, "UTC", "2026-11-24 08:00")})
	if err != nil {
		t.Fatal(err)
	}
	e.slack.fail = errRateLimited
	now := local(t, "UTC", "2026-11-24 09:00")
	if got, err := e.cmds.RunSchedule(t.Context(), sc, now); got != handlers.DailyFailed || !errors.Is(err, errRateLimited) {
		t.Errorf("RunSchedule with Slack failing = %s, %v; want failed and the error", got, err)
	}
	r, err := e.slash("U1", "daily now")
	if !errors.Is(err, errRateLimited) {
		t.Errorf("daily now with Slack failing: %v", err)
	}
	wants(t, "daily now", textOf(r.Message), "⚠️ I couldn't post the question. Please try again in a minute.")
	e.slack.fail = nil
	// The claim was released with a retry a minute later.
	if got, err := e.cmds.RunSchedule(t.Context(), sc, now.Add(time.Minute)); got != handlers.DailyPosted || err != nil {
		t.Errorf("retry = %s, %v; want posted", got, err)
	}
}

func TestDailyStoreDown(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, downStore(t))
	for _, tt := range []struct{ text, want string }{
		{"daily sbe tz UTC", "⚠️ The daily question was NOT scheduled"},
		{"daily status", "⚠️ I can't read this channel's schedule right now"},
		{"daily off", "⚠️ The schedule was NOT removed"},
		{"daily now", "⚠️ Nothing was posted"},
	} {
		r, err := e.slash("U1", tt.text)
		if err == nil {
			t.Errorf("%s: no error", tt.text)
		}
		wants(t, tt.text, textOf(r.Message), tt.want)
	}
	if _, err := e.cmds.DueSchedules(t.Context(), e.clock.Now()); err == nil {
		t.Error("DueSchedules without a database: no error")
	}
	sc := handlers.Schedule{ID: 1, TeamID: "T1", ChannelID: "C1", Role: "senior-backend", Hour: 9, Zone: "UTC", Days: handlers.Everyday,
		CreatedBy: "U1", CreatedAt: local(t, "UTC", "2026-11-24 08:00")}
	for _, at := range []string{"2026-11-24 09:00", "2026-11-24 12:00"} {
		if got, err := e.cmds.RunSchedule(t.Context(), sc, local(t, "UTC", at)); got != handlers.DailyFailed || err == nil {
			t.Errorf("RunSchedule at %s without a database = %s, %v; want failed", at, got, err)
		}
	}
	if len(e.slack.posts) != 0 {
		t.Errorf("%d posts without a database", len(e.slack.posts))
	}
}
