package bot_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/handlers"
	"github.com/slack-go/slack"
)

// handlerFunc adapts a function to bot.Handler for slash commands.
type handlerFunc func(ctx context.Context, s handlers.Slash) (handlers.Reply, error)

func (f handlerFunc) Slash(ctx context.Context, s handlers.Slash) (handlers.Reply, error) {
	return f(ctx, s)
}

func (f handlerFunc) Action(context.Context, handlers.Action) (handlers.Reply, error) {
	panic("button handler exploded")
}

func (f handlerFunc) Submit(context.Context, handlers.Submission) (handlers.Reply, error) {
	return handlers.Reply{}, nil
}

// start runs the transport against the stand-in until the test ends.
func start(t *testing.T, s *slacktest.Server, h bot.Handler, ackBudget time.Duration) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sender := bot.NewSender(bot.SenderConfig{BotToken: s.BotToken(), AppToken: s.AppToken(), APIURL: s.APIURL(), Log: log})
	tr := bot.New(bot.Config{Sender: sender, Handler: h, Log: log, AckBudget: ackBudget, PingInterval: 5 * time.Second, TeamID: "T0TEST"})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Run did not return after cancel")
		}
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := s.WaitConnected(wctx, 1); err != nil {
		t.Fatal(err)
	}
}

func msg(text string) *handlers.Message {
	return &handlers.Message{Text: text, Blocks: []slack.Block{slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, text, false, false), nil, nil)}}
}

func waitMessage(t *testing.T, s *slacktest.Server, want string) slacktest.Message {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var found slacktest.Message
	_, err := s.WaitMessages(ctx, func(ms []slacktest.Message) bool {
		for _, m := range ms {
			if strings.Contains(m.Text, want) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		t.Fatalf("no message with %q: %v", want, err)
	}
	return found
}

func TestTransport(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	var calls atomic.Int32
	start(t, s, handlerFunc(func(ctx context.Context, c handlers.Slash) (handlers.Reply, error) {
		calls.Add(1)
		switch c.Text {
		case "panic":
			panic("slash handler exploded")
		case "slow":
			time.Sleep(700 * time.Millisecond)
			return handlers.Reply{Message: msg("slow answer")}, nil
		case "big":
			// Over the 20 KiB ack limit as JSON, within Block Kit's limits.
			m := &handlers.Message{Text: "big answer"}
			for range 4 {
				m.Blocks = append(m.Blocks, msg(strings.Repeat("<&>", 900)).Blocks...)
			}
			return handlers.Reply{Message: m}, nil
		}
		return handlers.Reply{Message: msg("hello " + c.Text)}, nil
	}), 300*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	t.Run("answer rides in the ack", func(t *testing.T) {
		ack, err := s.SlashCommand(ctx, slacktest.Slash{Text: "there"})
		if err != nil || !strings.Contains(string(ack.Payload), "hello there") || !strings.Contains(string(ack.Payload), `"response_type":"ephemeral"`) {
			t.Errorf("ack %s, %v", ack.Payload, err)
		}
	})
	t.Run("a panic is answered kindly", func(t *testing.T) {
		if _, err := s.SlashCommand(ctx, slacktest.Slash{Text: "panic"}); err != nil {
			t.Fatal(err)
		}
		// The panic comes back as a reply; the next command still works.
		if ack, err := s.SlashCommand(ctx, slacktest.Slash{Text: "after"}); err != nil || !strings.Contains(string(ack.Payload), "hello after") {
			t.Errorf("after a panic: %s %v", ack.Payload, err)
		}
	})
	t.Run("a slow answer follows the ack", func(t *testing.T) {
		ack, err := s.SlashCommand(ctx, slacktest.Slash{Text: "slow"})
		if err != nil {
			t.Fatal(err)
		}
		if ack.Latency > time.Second || len(ack.Payload) > 0 {
			t.Errorf("ack after %v with %s; want an empty ack at the budget", ack.Latency, ack.Payload)
		}
		if m := waitMessage(t, s, "slow answer"); m.Method != "response_url" {
			t.Errorf("slow answer went by %s, want response_url", m.Method)
		}
	})
	t.Run("a big answer goes through the Web API", func(t *testing.T) {
		if _, err := s.SlashCommand(ctx, slacktest.Slash{Text: "big"}); err != nil {
			t.Fatal(err)
		}
		if m := waitMessage(t, s, "big answer"); m.Method != "response_url" {
			t.Errorf("big answer went by %s, want response_url", m.Method)
		}
	})
	t.Run("a panicking button handler is answered", func(t *testing.T) {
		if _, err := s.BlockAction(ctx, slacktest.Action{ActionID: "rate_up", Value: "x", MessageTS: "1.000001"}); err != nil {
			t.Fatal(err)
		}
		waitMessage(t, s, "Something went wrong on my side")
	})
	t.Run("an envelope slack-go cannot decode is still acked", func(t *testing.T) {
		before := len(s.Acks())
		frame := `{"envelope_id":"bad-1","type":"no_such_type","accepts_response_payload":false,"payload":{}}`
		if err := s.SendRaw(ctx, []byte(frame)); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			for _, a := range s.Acks()[before:] {
				if a.EnvelopeID == "bad-1" {
					return
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Error("the undecodable envelope was never acked")
	})
	t.Run("another workspace's envelope is ignored", func(t *testing.T) {
		n := calls.Load()
		ack, err := s.SlashCommand(ctx, slacktest.Slash{Text: "intruder", TeamID: "TOTHER"})
		if err != nil || len(ack.Payload) > 0 {
			t.Errorf("ack %s, %v; want an empty ack", ack.Payload, err)
		}
		if calls.Load() != n {
			t.Error("the handler ran for another workspace's command")
		}
	})
}

// serve runs a transport against the stand-in and returns the function that
// stops it as SIGTERM would, returning Run's error.
func serve(t *testing.T, s *slacktest.Server, h bot.Handler, drain time.Duration) (stop func() error) {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	sender := bot.NewSender(bot.SenderConfig{BotToken: s.BotToken(), AppToken: s.AppToken(), APIURL: s.APIURL(), Log: log})
	tr := bot.New(bot.Config{Sender: sender, Handler: h, Log: log, PingInterval: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	before := s.Connects()
	go func() { done <- tr.Run(ctx, drain) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := s.WaitConnects(wctx, before+1); err != nil {
		cancel()
		t.Fatal(err)
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(drain + 10*time.Second):
			return errors.New("Run did not return after cancel")
		}
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return stop
}

// TestDrainStartsNoHandler: once a stop has begun, an envelope that still
// arrives is acked, and a slash command is told to try again, but no
// handler starts for it: the drain waits only for work already under way.
func TestDrainStartsNoHandler(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	release := make(chan struct{})
	started := make(chan string, 10)
	stop := serve(t, s, handlerFunc(func(ctx context.Context, c handlers.Slash) (handlers.Reply, error) {
		started <- c.Text
		if c.Text == "first" {
			<-release // keeps the drain waiting
		}
		return handlers.Reply{Message: msg("done " + c.Text)}, nil
	}), 10*time.Second)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	first := make(chan error, 1)
	go func() {
		_, err := s.SlashCommand(ctx, slacktest.Slash{Text: "first"})
		first <- err
	}()
	if got := <-started; got != "first" {
		t.Fatalf("handler started for %q", got)
	}
	stopped := make(chan error, 1)
	go func() { stopped <- stop() }()
	time.Sleep(200 * time.Millisecond) // the stop is under way, draining "first"

	ack, err := s.SlashCommand(ctx, slacktest.Slash{Text: "second"})
	if err != nil {
		t.Fatalf("the envelope received while draining was not acked: %v", err)
	}
	if !strings.Contains(string(ack.Payload), "restarting") {
		t.Errorf("ack while draining = %s; want a try-again notice", ack.Payload)
	}
	select {
	case got := <-started:
		t.Errorf("a handler started for %q while draining", got)
	default:
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("the command in flight: %v", err)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Run: %v", err)
	}
}

// TestStopUnderLoad stops the transport 100 times while envelopes keep
// arriving. Starting work during the drain's WaitGroup.Wait used to panic
// ("WaitGroup is reused before previous Wait has returned"), and the race
// detector saw it within the first few dozen stops.
func TestStopUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("100 stops")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(8))
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := handlerFunc(func(ctx context.Context, c handlers.Slash) (handlers.Reply, error) {
		return handlers.Reply{Message: msg("ok")}, nil
	})
	for range 100 {
		stop := serve(t, s, h, 5*time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for ctx.Err() == nil {
					s.SlashCommand(ctx, slacktest.Slash{Text: "x"})
				}
			})
		}
		time.Sleep(5 * time.Millisecond)
		err := stop()
		cancel()
		wg.Wait()
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	}
}

// commandLog records the names the transport counts commands under.
type commandLog struct {
	mu    sync.Mutex
	names []string
}

func (c *commandLog) APICall(string, string)      {}
func (c *commandLog) Acked(string, time.Duration) {}
func (c *commandLog) Reconnect()                  {}
func (c *commandLog) Command(name, _ string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names = append(c.names, name)
}

func (c *commandLog) seen() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.names)
}

// TestMetricNamesBounded: action_ids and callback_ids come from the
// payload, which anyone holding a socket can forge; only the product's own
// ids may become a metric label, the rest count as "unknown".
func TestMetricNamesBounded(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	obs := &commandLog{}
	log := slog.New(slog.DiscardHandler)
	sender := bot.NewSender(bot.SenderConfig{BotToken: s.BotToken(), AppToken: s.AppToken(), APIURL: s.APIURL(), Log: log, Observer: obs})
	tr := bot.New(bot.Config{Sender: sender, Handler: quietHandler{}, Log: log, PingInterval: 5 * time.Second})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, 5*time.Second) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if err := s.WaitConnected(wctx, 1); err != nil {
		t.Fatal(err)
	}

	for _, id := range []string{handlers.ActionRateUp + ":2", "forged_" + strings.Repeat("x", 200)} {
		if _, err := s.BlockAction(wctx, slacktest.Action{ActionID: id, Value: "v"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{handlers.CallbackFeedback, "forged_callback_1"} {
		if _, err := s.ViewSubmission(wctx, slacktest.Submission{CallbackID: id}); err != nil {
			t.Fatal(err)
		}
	}
	for len(obs.seen()) < 4 && wctx.Err() == nil {
		time.Sleep(10 * time.Millisecond)
	}
	got := obs.seen()
	slices.Sort(got)
	want := []string{handlers.CallbackFeedback, handlers.ActionRateUp, "unknown", "unknown"}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("commands counted as %q, want %q", got, want)
	}
}

// quietHandler answers every envelope with nothing.
type quietHandler struct{}

func (quietHandler) Slash(context.Context, handlers.Slash) (handlers.Reply, error) {
	return handlers.Reply{}, nil
}
func (quietHandler) Action(context.Context, handlers.Action) (handlers.Reply, error) {
	return handlers.Reply{}, nil
}
func (quietHandler) Submit(context.Context, handlers.Submission) (handlers.Reply, error) {
	return handlers.Reply{}, nil
}
