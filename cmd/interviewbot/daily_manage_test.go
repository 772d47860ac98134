package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

var scheduleIDPattern = regexp.MustCompile("`(d[0-9]+)`")

// scheduleIDIn is the first schedule id (`d12`) a reply shows.
func scheduleIDIn(t *testing.T, reply string) string {
	t.Helper()
	m := scheduleIDPattern.FindStringSubmatch(reply)
	if m == nil {
		t.Fatalf("no schedule id in %q", reply)
	}
	return m[1]
}

// buttonValues lists the values of the buttons with action_id actionID in
// blocks, section accessories included.
func buttonValues(t *testing.T, blocks []json.RawMessage, actionID string) []string {
	t.Helper()
	var out []string
	for _, b := range blocks {
		var blk struct {
			Accessory *struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"accessory"`
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		}
		if err := json.Unmarshal(b, &blk); err != nil {
			t.Fatal(err)
		}
		if a := blk.Accessory; a != nil && a.ActionID == actionID {
			out = append(out, a.Value)
		}
		for _, e := range blk.Elements {
			if e.ActionID == actionID {
				out = append(out, e.Value)
			}
		}
	}
	return out
}

// TestEndToEndDailyManage: schedules people can manage (issue 18), through
// the real bot against the Slack stand-in and Postgres.
func TestEndToEndDailyManage(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	s.AddUser(slacktest.User{ID: "UOTHER", Name: "other", TZ: "UTC"})
	s.AddUser(slacktest.User{ID: "UOWNER", Name: "owner", TZ: "UTC", IsOwner: true})
	h := startBot(t, s)
	status := func() string { return h.slash("daily status").Text }

	tech := scheduleIDIn(t, h.slash("daily sbe technical at 9:30 tz europe/berlin").all())

	// The same role and category again updates, and says what changed.
	a := h.slash("daily Senior Backend Engineer tech at 10am mon,wed,fri")
	if a.ResponseType != "in_channel" || !contains(a.all(), "changed the daily question `"+tech+"`", "time 09:30 → 10:00", "days weekdays → Mon, Wed, Fri") {
		t.Errorf("update: %s %s", a.ResponseType, a.all())
	}
	if got := status(); strings.Count(got, "• ") != 1 || !contains(got, "`"+tech+"`", "10:00 Europe/Berlin on Mon, Wed, Fri") {
		t.Errorf("status after the update: %s", got)
	}
	if got := h.slash("daily sbe tech at 10:00").all(); !contains(got, "Nothing to change") {
		t.Errorf("the same again: %s", got)
	}
	// Another category adds one.
	behav := scheduleIDIn(t, h.slash("daily sbe behavioral every day tz utc").all())
	if behav == tech {
		t.Fatalf("a second category reused %s", tech)
	}

	// daily off with two schedules lists them, with buttons, and removes none.
	off := h.slash("daily off")
	if !contains(off.all(), "which one should I stop") {
		t.Errorf("daily off with two: %s", off.all())
	}
	if got := buttonValues(t, off.Blocks, handlers.ActionDailyOff); len(got) != 2 || got[0] != tech || got[1] != behav {
		t.Errorf("daily_off buttons = %v, want [%s %s]", got, tech, behav)
	}
	if got := status(); strings.Count(got, "• ") != 2 {
		t.Errorf("daily off with two removed something: %s", got)
	}

	// Someone else may not change, pause or remove them, and is told who can.
	for _, cmd := range []string{"daily pause " + tech, "daily off " + tech, "daily off all", "daily sbe tech at 11", "daily resume " + tech, "daily skip 2099-12-24"} {
		if got := h.slash(cmd, asUser("UOTHER")).all(); !contains(got, "Only <@"+slacktest.DefaultUserID+"> (who set it up) or an admin can") {
			t.Errorf("%s by another user: %s", cmd, got)
		}
	}
	if got := status(); strings.Count(got, "• ") != 2 || strings.Contains(got, "Paused") || strings.Contains(got, "11:00") {
		t.Errorf("status after refusals: %s", got)
	}

	// An admin may: one listed in INTERVIEWBOT_ADMINS, and a workspace owner.
	until := time.Now().UTC().AddDate(0, 0, 10).Format(time.DateOnly)
	if got := h.slash("daily pause "+tech+" until "+until, asUser("UADMIN")).all(); !contains(got, "paused the daily question") {
		t.Errorf("pause by an admin: %s", got)
	}
	skipFrom, skipTo := time.Now().UTC().AddDate(0, 0, 20), time.Now().UTC().AddDate(0, 0, 22)
	if got := h.slash("daily skip "+skipFrom.Format(time.DateOnly)+".."+skipTo.Format(time.DateOnly), asUser("UOWNER")).all(); !contains(got, "skipped the daily questions") {
		t.Errorf("skip by a workspace owner: %s", got)
	}
	// Pauses and skipped dates show in the status.
	pausedUntil, _ := time.Parse(time.DateOnly, until)
	if got := status(); !contains(got, "Paused* by <@UADMIN> until "+pausedUntil.Format("Mon 2 Jan 2006"),
		"Skipped here: "+skipFrom.Format("Mon 2 Jan 2006")+" – "+skipTo.Format("Mon 2 Jan 2006")) {
		t.Errorf("status with a pause and a skip: %s", got)
	}

	// The daily_off button removes the schedule it names.
	before := h.count("stopped the daily question")
	h.click(handlers.ActionDailyOff, behav, "")
	waitFor(t, "the daily_off answer", func() bool { return h.count("stopped the daily question") > before })
	if got := status(); strings.Count(got, "• ") != 1 || strings.Contains(got, "`"+behav+"`") {
		t.Errorf("status after the daily_off button: %s", got)
	}

	// At most five a channel.
	for _, c := range []string{"problem-solving", "system-design", "leadership", "behavioral"} {
		if got := h.slash("daily sbe " + c).all(); !contains(got, "scheduled a daily question") {
			t.Fatalf("daily sbe %s: %s", c, got)
		}
	}
	if got := h.slash("daily ba").all(); !contains(got, "has 5 daily questions", "the most it may have") {
		t.Errorf("a sixth schedule: %s", got)
	}
	if got := h.slash("daily off all", asUser("UADMIN")).all(); !contains(got, "stopped 5 daily questions") {
		t.Errorf("daily off all by an admin: %s", got)
	}
	h.noProtocolErrors()
}

// TestDailyPausedAndSkippedDaysNotPosted drives the scheduler through the
// days with a fake clock: a paused day is not posted, nor a skipped one,
// nor made up later; the days after are.
func TestDailyPausedAndSkippedDaysNotPosted(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	dsn := storagetest.NewDSN(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	clock := &fakeClock{}
	monday := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	clock.Set(monday)
	r := newReplica(t, dsn, s, clock, "r1", log)
	run := func(text string) string {
		t.Helper()
		reply, err := r.cmds.Slash(context.Background(), handlers.Slash{TeamID: "T0TEST", ChannelID: "C1", UserID: "U1", Text: text})
		if err != nil {
			t.Fatalf("/interview %s: %v", text, err)
		}
		return reply.Message.Text
	}
	posts := func() int {
		n := 0
		for _, m := range s.Messages() {
			if m.Method == "chat.postMessage" && m.Channel == "C1" {
				n++
			}
		}
		return n
	}
	walk := func(until time.Time) {
		for now := clock.Now(); !now.After(until); now = now.Add(5 * time.Minute) {
			clock.Set(now)
			r.sched.tick(context.Background(), now)
		}
	}
	day := func(d int, hhmm string) time.Time {
		v, _ := time.Parse("15:04", hhmm)
		return monday.Truncate(24*time.Hour).AddDate(0, 0, d).Add(time.Duration(v.Hour())*time.Hour + time.Duration(v.Minute())*time.Minute)
	}

	id := scheduleIDIn(t, run("daily sbe technical at 9:00 tz utc every day"))
	if got := run("daily pause " + id + " until 2026-11-25"); !strings.Contains(got, "until Wed 25 Nov 2026") {
		t.Fatalf("pause: %s", got)
	}
	if got := run("daily skip 2026-11-27"); !strings.Contains(got, "skipped") {
		t.Fatalf("skip: %s", got)
	}
	if got := run("daily status"); !contains(got, "Paused* by <@U1> until Wed 25 Nov 2026", "Skipped here: Fri 27 Nov 2026", "Next: *Wed 25 Nov 09:00 UTC*") {
		t.Errorf("status: %s", got)
	}
	walk(day(1, "23:55")) // Monday and Tuesday: paused
	if n := posts(); n != 0 {
		t.Errorf("%d posts on paused days, want 0", n)
	}
	walk(day(2, "12:00")) // Wednesday: the pause is over
	if n := posts(); n != 1 {
		t.Errorf("%d posts by Wednesday noon, want 1", n)
	}
	if got := run("daily status"); strings.Contains(got, "Paused") || !strings.Contains(got, "Next: *Thu 26 Nov 09:00 UTC*") {
		t.Errorf("status after the pause ended: %s", got)
	}
	// Paused Thursday morning, resumed after its time: not made up.
	run("daily pause")
	walk(day(3, "10:00"))
	if got := run("daily resume"); !strings.Contains(got, "Next one: *Sat 28 Nov 09:00 UTC*") {
		t.Errorf("resume (Friday is skipped): %s", got)
	}
	walk(day(5, "12:00")) // Thursday, skipped Friday, Saturday
	if n := posts(); n != 2 {
		t.Errorf("%d posts by Saturday noon, want 2 (Wednesday and Saturday)", n)
	}
}
