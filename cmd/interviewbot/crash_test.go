package main

// Crashes: the real binary as a subprocess, killed with SIGKILL in the
// middle of a kit or a daily post and started again, against the Slack
// stand-in and Postgres. A subprocess is also the only way to read the
// bot's own go_goroutines: in-process, the test binary's goroutines count.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// expireLeases makes the dead process's leases run out, as they would 3
// (kits) or 5 (daily posts) minutes after the crash: Postgres holds the
// clock of a lease, the bot has no other.
func expireLeases(t *testing.T, dsn string) {
	t.Helper()
	db := openDB(t, dsn)
	for _, q := range []string{
		`UPDATE kits SET claim_expires_at = now() - interval '1 second' WHERE finished_at IS NULL`,
		`UPDATE daily_posts SET claim_expires_at = now() - interval '1 second' WHERE state = 'claimed'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// clearOfMinuteBoundary waits, if need be, so that the next d holds no
// minute boundary: no cron tick then runs beside the first tick of a
// starting process. TestOverlappingTicksPostOnce shows why that matters.
func clearOfMinuteBoundary(d time.Duration) {
	now := time.Now()
	if next := now.Truncate(time.Minute).Add(time.Minute); next.Sub(now) < d {
		time.Sleep(time.Until(next) + 200*time.Millisecond)
	}
}

// unackedByCrash drops from errs the missed acks a killed process causes.
func unackedByCrash(errs []string) []string {
	var out []string
	for _, e := range errs {
		if !strings.Contains(e, "operation_timeout") {
			out = append(out, e)
		}
	}
	return out
}

// crashMode is how a test kills the bot and brings it back.
type crashMode struct {
	name string
	// instance is INTERVIEWBOT_INSTANCE; "" gives each process a random
	// owner name, so the dead one's leases must expire.
	instance string
	// slackPosted kills the bot after Slack made the post but before its
	// answer (the new ts) reached the bot, instead of before Slack made it.
	slackPosted bool
	bug         string
}

var crashModes = []crashMode{
	{name: "restarted under the same instance name", instance: "crash-1"},
	{name: "replaced after the lease expired"},
	{name: "killed after Slack posted", instance: "crash-1", slackPosted: true, bug: "known limitation, not fixed: a crash in the " +
		"milliseconds between Slack accepting chat.postMessage and the bot recording its ts posts that message again on resume, " +
		"because Slack has no idempotency key. Finding the earlier post would need message metadata plus conversations.history " +
		"and .replies, that is the channels:history and groups:history scopes (reading every message of the bot's channels); " +
		"we chose least privilege over closing this window. This test holds the reply back to make the window wide"},
}

// setup skips a known limitation, or returns a stand-in, a fresh database
// and the environment of the bot processes the test starts.
func (mode crashMode) setup(t *testing.T) (*slacktest.Server, string, map[string]string) {
	t.Helper()
	if mode.bug != "" {
		t.Skip(mode.bug)
	}
	s := slacktest.New()
	t.Cleanup(s.Close)
	dsn := storagetest.NewDSN(t)
	env := map[string]string{"DATABASE_URL": dsn}
	if mode.instance != "" {
		env["INTERVIEWBOT_INSTANCE"] = mode.instance
	}
	return s, dsn, env
}

func TestCrashDuringKitPost(t *testing.T) {
	t.Parallel()
	for _, mode := range crashModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			s, dsn, env := mode.setup(t)
			p := startProcess(t, s, env)

			// Kill the bot while it posts the second reply: the parent and
			// the first reply are out and recorded.
			const delay = 500 * time.Millisecond
			if mode.slackPosted {
				s.SetReplyDelay("chat.postMessage", delay)
			} else {
				s.SetDelay("chat.postMessage", delay)
			}
			calls := s.Calls("chat.postMessage")
			sendSlash(t, s, "kit senior-backend")
			waitCalls(t, s, "chat.postMessage", calls+3)
			if mode.slackPosted {
				waitFor(t, "the second reply in Slack", func() bool {
					_, replies := kitMessages(t, s)
					return len(replies) == 2
				})
			}
			p.kill()
			s.SetDelay("chat.postMessage", 0)
			s.SetReplyDelay("chat.postMessage", 0)
			_, replies := kitMessages(t, s)
			t.Logf("killed with %d replies posted", len(replies))
			if mode.instance == "" {
				expireLeases(t, dsn)
			}

			clearOfMinuteBoundary(5 * time.Second)
			p = startProcess(t, s, env)
			waitFor(t, "the resumed kit", func() bool {
				_, replies := kitMessages(t, s)
				return len(replies) >= 8
			})
			settle()
			parents := kitParents(s)
			_, replies = kitMessages(t, s)
			if parents != 1 || len(replies) != 8 {
				t.Errorf("%d parents and %d replies, want 1 and 8", parents, len(replies))
			}
			seen := map[string]bool{}
			for i, r := range replies {
				if q := questionOf(t, r); seen[q] {
					t.Errorf("question %s posted twice", q)
				} else {
					seen[q] = true
				}
				if want := fmt.Sprintf("Question %d of 8", i+1); !strings.HasPrefix(r.Text, want) {
					t.Errorf("reply %d is %q, want %q", i+1, r.Text, want)
				}
			}
			db := openDB(t, dsn)
			var unfinished, unrecorded int
			if err := db.Get(&unfinished, `SELECT count(*) FROM kits WHERE finished_at IS NULL`); err != nil || unfinished != 0 {
				t.Errorf("%d unfinished kits, %v", unfinished, err)
			}
			if err := db.Get(&unrecorded, `SELECT count(*) FROM kit_items WHERE reply_ts = ''`); err != nil || unrecorded != 0 {
				t.Errorf("%d kit replies without a ts, %v", unrecorded, err)
			}
			p.stop()
			if errs := unackedByCrash(s.Errors()); len(errs) > 0 {
				t.Errorf("Slack protocol errors: %v", errs)
			}
		})
	}
}

// dailyPosts returns the daily questions Slack accepted.
func dailyPosts(s *slacktest.Server) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range posts(s) {
		if strings.HasPrefix(m.Text, "Daily question") {
			out = append(out, m)
		}
	}
	return out
}

func TestCrashDuringDailyPost(t *testing.T) {
	t.Parallel()
	for _, mode := range crashModes {
		t.Run(mode.name, func(t *testing.T) {
			t.Parallel()
			s, dsn, env := mode.setup(t)
			// Only first ticks post in this test: no cron tick may run
			// while it starts three processes.
			clearOfMinuteBoundary(12 * time.Second)
			p := startProcess(t, s, env)

			// Today's slot is this minute, already past: the post is due
			// at the next tick, which is the first tick of the next process.
			slot := time.Now().UTC().Truncate(time.Minute)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ack, err := s.SlashCommand(ctx, slacktest.Slash{Text: fmt.Sprintf("daily senior-backend at %02d:%02d tz UTC everyday", slot.Hour(), slot.Minute())})
			if err != nil || !strings.Contains(string(ack.Payload), "scheduled a daily question") {
				t.Fatalf("daily: %s, %v", ack.Payload, err)
			}
			p.kill()
			// A schedule starts with its first slot after it was made; date
			// it back, as if made earlier, rather than wait up to a minute
			// for the next slot.
			if _, err := openDB(t, dsn).Exec(`UPDATE daily_schedules SET created_at = created_at - interval '1 hour', next_due_at = $1`, slot); err != nil {
				t.Fatal(err)
			}

			// The next process claims the post and dies posting it.
			if mode.slackPosted {
				s.SetReplyDelay("chat.postMessage", time.Hour)
			} else {
				s.SetDelay("chat.postMessage", time.Hour)
			}
			calls := s.Calls("chat.postMessage")
			p = startProcess(t, s, env)
			waitCalls(t, s, "chat.postMessage", calls+1)
			if mode.slackPosted {
				waitFor(t, "the post in Slack", func() bool { return len(dailyPosts(s)) == 1 })
			}
			p.kill()
			s.SetDelay("chat.postMessage", 0)
			s.SetReplyDelay("chat.postMessage", 0)
			if mode.instance == "" {
				expireLeases(t, dsn)
			}

			p = startProcess(t, s, env)
			waitFor(t, "the daily post", func() bool { return len(dailyPosts(s)) >= 1 })
			settle()
			daily := dailyPosts(s)
			if len(daily) != 1 {
				t.Fatalf("%d daily posts, want 1", len(daily))
			}
			db := openDB(t, dsn)
			var rows []struct {
				State     string `db:"state"`
				MessageTS string `db:"message_ts"`
				LocalDate string `db:"local_date"`
			}
			if err := db.Select(&rows, `SELECT state, message_ts, local_date::text FROM daily_posts`); err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1 || rows[0].State != "posted" || rows[0].MessageTS != daily[0].TS || rows[0].LocalDate != slot.Format(time.DateOnly) {
				t.Errorf("daily_posts %+v, want one row posted as %s on %s", rows, daily[0].TS, slot.Format(time.DateOnly))
			}
			p.stop()
			if errs := unackedByCrash(s.Errors()); len(errs) > 0 {
				t.Errorf("Slack protocol errors: %v", errs)
			}
		})
	}
}

// TestProcessReconnectGoroutines reconnects the bot's socket 50 times and
// checks its goroutine count (go_goroutines on its /metrics) stays put and
// interviewbot_socket_connects_total counts every connect.
func TestProcessReconnectGoroutines(t *testing.T) {
	t.Parallel()
	s := slacktest.New(slacktest.WithDisconnectDelay(10 * time.Millisecond))
	t.Cleanup(s.Close)
	p := startProcess(t, s, map[string]string{"DATABASE_URL": storagetest.NewDSN(t)})

	reconnect := func(i int) {
		t.Helper()
		before := s.Connects()
		if i%2 == 0 {
			s.Disconnect("refresh_requested")
		} else {
			s.DropConnections()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.WaitConnects(ctx, before+1); err != nil {
			t.Fatalf("reconnect %d: %v", i, err)
		}
		if i%10 == 9 {
			ack, err := s.SlashCommand(ctx, slacktest.Slash{Text: "senior-backend technical"})
			if err != nil || questionLines(unescapeJSON(ack.Payload)) != 25 {
				t.Fatalf("after reconnect %d: %.200s, %v", i, ack.Payload, err)
			}
		}
	}
	goroutines := func() int {
		t.Helper()
		v, ok := metricValue(t, p.http, "go_goroutines")
		if !ok {
			t.Fatal("/metrics has no go_goroutines")
		}
		return int(v)
	}
	// Warm up: pools, the HTTP client's connections, the first reconnects.
	for i := range 10 {
		reconnect(i)
	}
	time.Sleep(500 * time.Millisecond)
	base := goroutines()
	start := time.Now()
	for i := range 50 {
		reconnect(i)
	}
	t.Logf("50 reconnects in %v", time.Since(start).Round(time.Millisecond))
	// Goroutines of the last socket may still be winding down.
	var now int
	deadline := time.Now().Add(5 * time.Second)
	for now = goroutines(); now > base+10 && time.Now().Before(deadline); now = goroutines() {
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("go_goroutines %d after warm-up, %d after 50 more reconnects", base, now)
	if now > base+10 {
		t.Errorf("go_goroutines grew from %d to %d over 50 reconnects", base, now)
	}
	if v, _ := metricValue(t, p.http, "interviewbot_socket_connects_total"); int(v) != s.Connects() {
		t.Errorf("interviewbot_socket_connects_total = %v, want %d", v, s.Connects())
	}
	p.stop()
	if errs := s.Errors(); len(errs) > 0 {
		t.Errorf("Slack protocol errors: %v", errs)
	}
}
