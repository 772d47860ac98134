package main

// Reliability: the real bot (runBot) against the Slack stand-in and a real
// Postgres, under the faults production sees: Socket Mode reconnects, a slow
// or failing Web API, and Postgres going away and coming back.

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
	"github.com/prometheus/client_golang/prometheus"
)

// TestEndToEndSocketFaults: after every kind of disconnect Slack sends, and
// after a dropped socket, the bot reconnects and answers the next command.
func TestEndToEndSocketFaults(t *testing.T) {
	t.Parallel()
	s := slacktest.New(slacktest.WithDisconnectDelay(50 * time.Millisecond))
	t.Cleanup(s.Close)
	h := startBot(t, s)

	for _, fault := range []struct {
		name string
		do   func()
	}{
		{"disconnect refresh_requested", func() { s.Disconnect("refresh_requested") }},
		{"disconnect warning", func() { s.Disconnect("warning") }},
		// Slack means "reconnecting won't help", but slack-go v0.35 never
		// tells the app a disconnect's reason and reconnects on every one.
		{"disconnect link_disabled", func() { s.Disconnect("link_disabled") }},
		{"disconnect too_many_websockets", func() { s.Disconnect("too_many_websockets") }},
		{"dropped socket", s.DropConnections},
	} {
		before := s.Connects()
		fault.do()
		if err := s.WaitConnects(h.ctx(), before+1); err != nil {
			t.Fatalf("%s: no reconnect: %v", fault.name, err)
		}
		if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
			t.Errorf("after %s: %d questions, want 25", fault.name, n)
		}
	}

	// A malformed frame is not a disconnect: slack-go keeps the socket, so
	// the bot stays ready and keeps answering.
	before := s.Connects()
	if err := s.SendRaw(h.ctx(), []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("after a malformed frame: %d questions, want 25", n)
	}
	if !ready(h) {
		t.Error("/readyz says not ready after a malformed frame on a live socket")
	}
	if s.Connects() != before {
		t.Error("a malformed frame caused a reconnect")
	}

	// apps.connections.open fails three times before a reconnect succeeds:
	// slack-go backs off 100, 200, 400 ms, and the bot is not ready
	// meanwhile.
	opens := s.Calls("apps.connections.open")
	s.FailMethod("apps.connections.open", 3, "internal_error")
	start := time.Now()
	s.DropConnections()
	sawUnready := false
	for s.Connects() == before && time.Since(start) < 10*time.Second {
		if !ready(h) {
			sawUnready = true
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := s.WaitConnects(h.ctx(), before+1); err != nil {
		t.Fatalf("no reconnect after apps.connections.open failed 3 times: %v", err)
	}
	took := time.Since(start)
	if n := s.Calls("apps.connections.open") - opens; n != 4 {
		t.Errorf("apps.connections.open called %d times, want 4 (3 failures, 1 success)", n)
	}
	if took < 700*time.Millisecond || took > 5*time.Second {
		t.Errorf("reconnect took %v; want the 100+200+400 ms backoff, bounded", took)
	}
	if !sawUnready {
		t.Error("/readyz stayed ready while the socket was down")
	}
	var backoffs []time.Duration
	for _, rec := range logged(t, h.logs.String(), "socket mode connection failed; retrying") {
		d, _ := rec["retry_in"].(float64) // slog's JSON handler writes nanoseconds
		backoffs = append(backoffs, time.Duration(d))
	}
	if len(backoffs) != 3 {
		t.Fatalf("logged %d connection failures with a backoff, want 3: %v", len(backoffs), backoffs)
	}
	for i, d := range backoffs {
		if d < 100*time.Millisecond || d > 5*time.Minute || i > 0 && d < 2*backoffs[i-1] {
			t.Errorf("backoffs %v: want exponential from 100 ms, at most 5 min", backoffs)
			break
		}
	}
	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("after the failed opens: %d questions, want 25", n)
	}

	waitFor(t, "interviewbot_socket_connects_total to count every connect", func() bool {
		v, _ := metricValue(t, h.http, "interviewbot_socket_connects_total")
		return int(v) == s.Connects()
	})
	h.noProtocolErrors()
}

// TestEndToEndConnectionsOpenHangs: apps.connections.open never answers.
// slack-go's default HTTP client has no timeout, so without the bot's own
// the reconnect loop would wait forever.
func TestEndToEndConnectionsOpenHangs(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	opens, before := s.Calls("apps.connections.open"), s.Connects()
	s.SetDelay("apps.connections.open", time.Hour)
	start := time.Now()
	s.DropConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.WaitCalls(ctx, "apps.connections.open", opens+1); err != nil {
		t.Fatalf("no reconnect attempt: %v", err)
	}
	s.SetDelay("apps.connections.open", 0) // Slack is back; the hung call is not
	if err := s.WaitConnects(ctx, before+1); err != nil {
		t.Fatalf("no reconnect after a hung apps.connections.open: %v", err)
	}
	if took := time.Since(start); took > 15*time.Second {
		t.Errorf("reconnect took %v; the Web API timeout should end the hung call after 10 s", took)
	}
	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("after the hung open: %d questions, want 25", n)
	}
	h.noProtocolErrors()
}

// TestEndToEndSlowSlack: the Web API answers late, with 5xx or 429. Every
// envelope is still acked within Slack's 3 s (SlashCommand and BlockAction
// fail on a late ack, and the stand-in records it in Errors), the user
// hears what happened, and nothing is posted twice.
func TestEndToEndSlowSlack(t *testing.T) {
	t.Parallel()
	bot := func(t *testing.T, opts ...slacktest.Option) (*slacktest.Server, *harness) {
		s := slacktest.New(opts...)
		t.Cleanup(s.Close)
		return s, startBot(t, s)
	}
	warnings := func(s *slacktest.Server) []string {
		var out []string
		for _, m := range s.Messages() {
			if strings.Contains(m.Text, "⚠️") {
				out = append(out, m.Text)
			}
		}
		return out
	}

	t.Run("chat.postMessage takes 5 s", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		s.SetDelay("chat.postMessage", 5*time.Second)
		start := time.Now()
		if a := h.slash("practice sbe technical"); a.all() != "" {
			t.Errorf("practice answered %q before posting", a.all())
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("acked after %v", took)
		}
		h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
		settle()
		if n := len(posts(s)); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
		if w := warnings(s); len(w) > 0 {
			t.Errorf("the user was told of a failure: %q", w)
		}
		h.noProtocolErrors()
	})

	t.Run("users.info takes 5 s", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		s.AddUser(slacktest.User{ID: "UWSADMIN", Name: "wsadmin", IsAdmin: true})
		s.SetDelay("users.info", 5*time.Second)
		// Both admin checks wait for users.info at once; each command is
		// acked within 3 s and answered through its response_url later.
		type result struct {
			user, answer string
			err          error
		}
		results := make(chan result, 2)
		for _, user := range []string{"UWSADMIN", slacktest.DefaultUserID} {
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				defer cancel()
				ack, err := s.SlashCommand(ctx, slacktest.Slash{UserID: user, Text: "add sbe technical How do you cope with a slow dependency?"})
				if err != nil {
					results <- result{user: user, err: err}
					return
				}
				answer, err := replyTo(ctx, s, ack.EnvelopeID)
				results <- result{user, answer, err}
			}()
		}
		for range 2 {
			r := <-results
			want := map[string]string{"UWSADMIN": "Added `team-", slacktest.DefaultUserID: "Only admins can add questions"}[r.user]
			if r.err != nil || !strings.Contains(r.answer, want) {
				t.Errorf("%s: answer %q, %v; want %q", r.user, r.answer, r.err, want)
			}
		}
		h.noProtocolErrors()
	})

	t.Run("chat.postMessage answers 500", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		s.FailMethodStatus("chat.postMessage", 1, http.StatusInternalServerError)
		a := h.slash("practice sbe technical")
		if !strings.Contains(a.all(), "couldn't post the question") {
			t.Errorf("the user was not told the post failed: %q", a.all())
		}
		settle()
		if n := len(posts(s)); n != 0 {
			t.Errorf("%d posts after a 500, want 0 (a 5xx is not retried: it may have posted)", n)
		}
		// Trying again posts exactly once.
		if a := h.slash("practice sbe technical"); a.all() != "" {
			t.Errorf("second practice answered %q", a.all())
		}
		h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
		settle()
		if n := len(posts(s)); n != 1 {
			t.Errorf("%d posts, want 1", n)
		}
		h.noProtocolErrors()
	})

	t.Run("chat.postMessage answers 500 after 3 s", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		s.SetDelay("chat.postMessage", 3*time.Second)
		s.FailMethodStatus("chat.postMessage", 1, http.StatusInternalServerError)
		a := h.slash("practice sbe technical") // acked empty before the failure is known
		answer, err := replyTo(h.ctx(), s, a.Ack.EnvelopeID)
		if err != nil || !strings.Contains(answer, "couldn't post the question") {
			t.Errorf("the user was not told the post failed: %q, %v", answer, err)
		}
		if n := len(posts(s)); n != 0 {
			t.Errorf("%d posts, want 0", n)
		}
		h.noProtocolErrors()
	})

	t.Run("response_url answers 500", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		h.slash("practice sbe technical")
		post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
		s.FailMethodStatus("response_url", 1, http.StatusInternalServerError)
		h.vote("rate_up", questionOf(t, post), post.TS, "Saved: you found this question useful")
		settle()
		if n := h.count("Saved: you found this question useful"); n != 1 {
			t.Errorf("%d confirmations, want 1", n)
		}
		h.noProtocolErrors()
	})

	t.Run("kit parent answers 500", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		s.FailMethodStatus("chat.postMessage", 1, http.StatusInternalServerError)
		h.slash("kit senior-backend")
		waitFor(t, "the kit", func() bool {
			_, replies := kitMessages(t, s)
			return len(replies) >= 8
		})
		settle()
		parents := kitParents(s)
		if _, replies := kitMessages(t, s); parents != 1 || len(replies) != 8 {
			t.Errorf("%d parents and %d replies, want 1 and 8", parents, len(replies))
		}
		if w := warnings(s); len(w) > 0 {
			t.Errorf("the kit was finished, yet the user was told %q", w)
		}
		h.noProtocolErrors()
	})

	t.Run("chat.postMessage rate limited twice", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		s.RateLimit("chat.postMessage", 2, 1)
		h.slash("practice sbe technical")
		h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
		settle()
		if n, calls := len(posts(s)), s.Calls("chat.postMessage"); n != 1 || calls != 3 {
			t.Errorf("%d posts in %d calls, want 1 in 3 (two 429s waited out)", n, calls)
		}
		if w := warnings(s); len(w) > 0 {
			t.Errorf("the user was told of a failure: %q", w)
		}
		h.noProtocolErrors()
	})

	t.Run("views.open slower than the trigger_id", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t, slacktest.WithTriggerTTL(500*time.Millisecond))
		h.slash("practice sbe technical")
		post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "feedback_open") })
		s.SetDelay("views.open", time.Second)
		h.click("feedback_open", questionOf(t, post), post.TS)
		waitFor(t, "the explanation", func() bool { return h.count("couldn't open the feedback form in time") == 1 })
		for _, e := range s.Errors() {
			if !strings.Contains(e, "expired_trigger_id") {
				t.Errorf("Slack protocol error: %s", e)
			}
		}
	})

	t.Run("feedback confirmation takes 5 s", func(t *testing.T) {
		t.Parallel()
		s, h := bot(t)
		h.slash("practice sbe technical")
		post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "feedback_open") })
		q := questionOf(t, post)
		h.click("feedback_open", q, post.TS)
		if _, err := s.WaitViews(h.ctx(), 1); err != nil {
			t.Fatal(err)
		}
		s.SetDelay("chat.postEphemeral", 5*time.Second)
		ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
			"rating": {"stars": {Type: "static_select", SelectedOption: "5"}},
		}})
		if err != nil {
			t.Fatalf("submission: %v", err)
		}
		if len(ack.Payload) > 0 {
			t.Errorf("submission kept open: %s", ack.Payload)
		}
		var stars int
		waitFor(t, "the rating", func() bool {
			return h.db().Get(&stars, `SELECT stars FROM ratings WHERE question_id = $1`, q) == nil
		})
		waitFor(t, "the late confirmation", func() bool { return h.count("feedback on `"+q+"` is saved") == 1 })
		h.noProtocolErrors()
	})
}

// voteOutcome is what one user was told after one click.
type voteOutcome struct {
	user   string
	answer string
	err    error
}

func (v voteOutcome) saved() bool    { return v.err == nil && strings.Contains(v.answer, "Saved:") }
func (v voteOutcome) notSaved() bool { return v.err == nil && strings.Contains(v.answer, "NOT saved") }

// castVote clicks 👍 as user and waits for the bot's answer to that click.
func castVote(s *slacktest.Server, user, question, ts string) voteOutcome {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ack, err := s.BlockAction(ctx, slacktest.Action{UserID: user, ActionID: "rate_up", Value: question, MessageTS: ts, ChannelID: slacktest.DefaultChannelID})
	if err != nil {
		return voteOutcome{user: user, err: err}
	}
	answer, err := replyTo(ctx, s, ack.EnvelopeID)
	return voteOutcome{user, answer, err}
}

// TestEndToEndDatabaseRestart restarts Postgres (a proxy the test owns)
// three times under a stream of votes, each from a different user so that
// each is its own row. The bot recovers without a restart, every click is
// answered, and every vote the user was told was saved is in the table.
func TestEndToEndDatabaseRestart(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h, proxy := startProxiedBot(t, s)

	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	q := questionOf(t, post)

	var (
		mu       sync.Mutex
		outcomes []voteOutcome
	)
	snapshot := func() []voteOutcome {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(outcomes)
	}
	stop := make(chan struct{})
	voted := make(chan struct{})
	go func() {
		defer close(voted)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
			o := castVote(s, fmt.Sprintf("UVOTER%04d", i), q, post.TS)
			mu.Lock()
			outcomes = append(outcomes, o)
			mu.Unlock()
		}
	}()
	// Stopped once the test has what it needs, or when it fails early.
	stopVoting := sync.OnceFunc(func() {
		close(stop)
		<-voted
	})
	defer stopVoting()

	for range 3 {
		time.Sleep(400 * time.Millisecond)
		proxy.Stop()
		time.Sleep(400 * time.Millisecond)
		proxy.Start()
	}

	// A rating submitted while Postgres is down keeps the modal open with
	// the user's notes; submitted again once it is back, it is saved.
	proxy.Stop()
	h.click("feedback_open", q, post.TS)
	if _, err := s.WaitViews(h.ctx(), 1); err != nil {
		t.Fatal(err)
	}
	submit := func() slacktest.Ack {
		t.Helper()
		ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
			"rating": {"stars": {Type: "static_select", SelectedOption: "2"}},
			"notes":  {"notes": {Value: "asked while the database restarted"}},
		}})
		if err != nil {
			t.Fatalf("submission: %v", err)
		}
		return ack
	}
	if ack := submit(); !strings.Contains(string(ack.Payload), "NOT saved") {
		t.Errorf("submission with the database down: ack %s, want an error saying NOT saved", ack.Payload)
	}
	proxy.Start()
	waitFor(t, "readiness after the last restart", func() bool { return ready(h) })
	if ack := submit(); len(ack.Payload) > 0 {
		t.Errorf("submission after recovery: ack %s, want the modal closed", ack.Payload)
	}

	// Recovered without a restart: the next votes are saved.
	after := len(snapshot())
	waitFor(t, "three saved votes after the last restart", func() bool {
		n := 0
		for _, o := range snapshot()[after:] {
			if o.saved() {
				n++
			}
		}
		return n >= 3
	})
	stopVoting()

	all := snapshot()
	saved := map[string]bool{}
	var notSaved int
	for _, o := range all {
		switch {
		case o.saved():
			saved[o.user] = true
		case o.notSaved():
			notSaved++
		default:
			t.Errorf("%s got no clear answer: %q, %v", o.user, o.answer, o.err)
		}
	}
	if notSaved == 0 {
		t.Errorf("no vote of %d was refused: the restarts did not bite", len(all))
	}
	t.Logf("%d votes: %d saved, %d not saved", len(all), len(saved), notSaved)

	var rows []string
	if err := h.db().Select(&rows, `SELECT user_id FROM votes WHERE question_id = $1 AND message_ts = $2`, q, post.TS); err != nil {
		t.Fatal(err)
	}
	inTable := map[string]bool{}
	for _, r := range rows {
		inTable[r] = true
	}
	for user := range saved {
		if !inTable[user] {
			t.Errorf("%s was told the vote was saved, but it is not in the votes table", user)
		}
	}
	var stars int
	if err := h.db().Get(&stars, `SELECT stars FROM ratings WHERE question_id = $1 AND user_id = $2`, q, slacktest.DefaultUserID); err != nil || stars != 2 {
		t.Errorf("rating after recovery: %d, %v", stars, err)
	}
	h.noProtocolErrors()
}

// TestOverlappingTicksPostOnce runs two ticks of one process at once. In
// runBot that happens when the tick scheduler.start runs right away (outside
// cron's SkipIfStillRunning) is still busy at the next minute's cron tick:
// a process (re)started during a burst of 09:00 posts, or with Slack slow.
// Only one of them may post: the scheduler runs one tick at a time, and a
// claim is held even against its own owner.
func TestOverlappingTicksPostOnce(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	db, err := storage.Open(context.Background(), storagetest.NewDSN(t), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bank, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	now := time.Now()
	// The schedule was made an hour before the ticks, for this minute.
	made := now.Add(-time.Hour)
	sender := bot.NewSender(bot.SenderConfig{BotToken: s.BotToken(), AppToken: s.AppToken(), APIURL: s.APIURL(), Log: log})
	cmds := handlers.New(handlers.Config{Bank: bank, Store: db, Slack: sender, Log: log, Owner: "replica-1", Now: func() time.Time { return made }})
	slot := now.UTC().Truncate(time.Minute)
	r, err := cmds.Slash(context.Background(), handlers.Slash{TeamID: "T0TEST", ChannelID: slacktest.DefaultChannelID, UserID: slacktest.DefaultUserID,
		Text: fmt.Sprintf("daily senior-backend at %02d:%02d tz UTC everyday", slot.Hour(), slot.Minute())})
	if err != nil || r.Message == nil || !strings.Contains(r.Message.Text, "scheduled") {
		t.Fatalf("daily: %+v, %v", r.Message, err)
	}

	sched := newScheduler(cmds, log, newMetrics(prometheus.NewRegistry()))
	s.SetDelay("chat.postMessage", 300*time.Millisecond) // both ticks are posting at once
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() { sched.tick(context.Background(), now) })
	}
	wg.Wait()
	if n := len(posts(s)); n != 1 {
		t.Errorf("the daily question was posted %d times, want once", n)
	}
}

// TestEndToEndDatabaseHangs: Postgres stops answering (a partition, not a
// refusal), so every store call takes until the connect timeout. Envelopes
// are still acked in time; a vote is answered "NOT saved"; a feedback modal,
// which had to be closed before the failure was known, is followed by a
// direct message that says it was NOT saved and quotes the notes.
func TestEndToEndDatabaseHangs(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h, proxy, dsn := startStalledBot(t, s)

	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	q := questionOf(t, post)
	h.openFeedback(q, post.TS)

	proxy.stall()
	const notes = "Ask <!here> about retries & timeouts"
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "4"}},
		"notes":  {"notes": {Value: notes}},
	}})
	if err != nil {
		t.Fatalf("submission not acked in time: %v", err)
	}
	if len(ack.Payload) > 0 {
		t.Fatalf("submission answered %s within the ack budget with the database hanging", ack.Payload)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	msgs, err := s.WaitMessages(ctx, func(ms []slacktest.Message) bool {
		for _, m := range ms {
			if m.Channel == slacktest.DMChannel(slacktest.DefaultUserID) {
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("the user was never told the closed form was not saved: %v", err)
	}
	for _, m := range msgs {
		if m.Channel == slacktest.DMChannel(slacktest.DefaultUserID) &&
			(!strings.Contains(m.Text, "NOT saved") || !strings.Contains(m.Text, slackEscaped(notes))) {
			t.Errorf("direct message %q: want NOT saved and the notes, escaped", m.Text)
		}
	}
	var ratings int // asked directly: h.db() would go through the stalled proxy
	if err := openDB(t, dsn).Get(&ratings, `SELECT count(*) FROM ratings`); err != nil || ratings != 0 {
		t.Errorf("%d ratings stored (%v), yet the user was told none was", ratings, err)
	}

	h.vote("rate_up", q, post.TS, "NOT saved")

	proxy.resume()
	waitFor(t, "readiness after the partition", func() bool { return ready(h) })
	h.vote("rate_up", q, post.TS, "Saved: you found this question useful")
	noRawControl(t, s)
	h.noProtocolErrors()
}

// TestEndToEndStopWithDatabaseHung: SIGTERM while Postgres hangs (a
// partition) still ends the bot within seconds, as the contract promises.
func TestEndToEndStopWithDatabaseHung(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h, proxy, _ := startStalledBot(t, s)
	proxy.stall()
	// Let the bot's connections notice and start reconnecting into the
	// partition.
	time.Sleep(2 * time.Second)
	start := time.Now()
	h.stop() // fails the test after 15 s
	if took := time.Since(start); took > 12*time.Second {
		t.Errorf("stopping took %v with the database hung", took)
	}
}

// TestEndToEndStopDuringSlowWrite: SIGTERM while a feedback form is being
// saved, slowly: another transaction holds the ratings table. The stop lets
// the click's budget run out, then the user is told in a direct message
// that the closed form was NOT saved, with what they wrote, and only then
// is the database closed.
func TestEndToEndStopDuringSlowWrite(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	h.openFeedback(questionOf(t, post), post.TS)

	tx, err := h.db().Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`LOCK TABLE ratings IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	const notes = "Ask about retries and timeouts"
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "4"}},
		"notes":  {"notes": {Value: notes}},
	}})
	if err != nil || len(ack.Payload) > 0 {
		t.Fatalf("submission acked with %s, %v; want an empty ack at the budget", ack.Payload, err)
	}
	h.cancel() // SIGTERM, with the rating still waiting for the lock
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("runBot returned %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the bot did not stop within a minute")
	}
	tx.Rollback()

	var told bool
	for _, m := range s.Messages() {
		if m.Channel == slacktest.DMChannel(slacktest.DefaultUserID) && strings.Contains(m.Text, "NOT saved") && strings.Contains(m.Text, notes) {
			told = true
		}
	}
	if !told {
		t.Error("the user was not told the closed form was NOT saved")
	}
	if strings.Contains(h.logs.String(), "database is closed") {
		t.Error("the database was closed under a handler still running")
	}
	var ratings int
	if err := h.db().Get(&ratings, `SELECT count(*) FROM ratings`); err != nil || ratings != 0 {
		t.Errorf("%d ratings stored (%v), yet the user was told none was", ratings, err)
	}
}
