package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// syncBuffer collects a run's logs; the bot writes from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is the real bot, started through runBot, against the Slack
// stand-in and a fresh Postgres database.
type harness struct {
	t      *testing.T
	slack  *slacktest.Server
	dsn    string
	env    map[string]string
	logs   *syncBuffer
	http   string
	cancel context.CancelFunc
	done   chan error
}

type harnessOption func(*harness)

func withEnv(k, v string) harnessOption { return func(h *harness) { h.env[k] = v } }

func withDSN(dsn string) harnessOption { return func(h *harness) { h.env["DATABASE_URL"] = dsn } }

// startBot runs the bot and waits until its socket is connected.
func startBot(t *testing.T, s *slacktest.Server, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, slack: s, logs: &syncBuffer{}, done: make(chan error, 1)}
	h.env = map[string]string{
		"SLACK_APP_TOKEN":     s.AppToken(),
		"SLACK_BOT_TOKEN":     s.BotToken(),
		"SLACK_API_URL":       s.APIURL(),
		"HTTP_ADDR":           "127.0.0.1:0",
		"INTERVIEWBOT_ADMINS": "UADMIN",
	}
	for _, o := range opts {
		o(h)
	}
	if h.env["DATABASE_URL"] == "" {
		h.env["DATABASE_URL"] = storagetest.NewDSN(t)
	}
	h.dsn = h.env["DATABASE_URL"]
	h.start()
	t.Cleanup(func() {
		h.stop()
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
	})
	return h
}

func (h *harness) start() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	addr := make(chan string, 1)
	before := h.slack.Connects()
	go func() {
		h.done <- runBot(ctx, func(k string) string { return h.env[k] }, h.logs, func(a string) { addr <- a })
	}()
	select {
	case h.http = <-addr:
	case err := <-h.done:
		h.t.Fatalf("runBot: %v\nlogs:\n%s", err, h.logs.String())
	case <-time.After(15 * time.Second):
		h.t.Fatal("bot did not start within 15 s")
	}
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := h.slack.WaitConnects(wctx, before+1); err != nil {
		h.t.Fatalf("bot did not connect: %v", err)
	}
	h.waitReady()
}

// waitReady waits for /readyz: connected and migrated.
func (h *harness) waitReady() {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + h.http + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatal("bot not ready within 15 s")
}

// stop shuts the bot down as SIGTERM would and checks it exits cleanly.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("runBot returned %v", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Error("bot did not stop within 15 s")
	}
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// slash sends /interview text and returns the answer carried in the ack.
func (h *harness) slash(text string, opts ...func(*slacktest.Slash)) ackAnswer {
	h.t.Helper()
	c := slacktest.Slash{Text: text}
	for _, o := range opts {
		o(&c)
	}
	ack, err := h.slack.SlashCommand(h.ctx(), c)
	if err != nil {
		h.t.Fatalf("/interview %s: %v", text, err)
	}
	return h.answer(ack)
}

func asUser(id string) func(*slacktest.Slash) { return func(s *slacktest.Slash) { s.UserID = id } }

func inChannel(id string) func(*slacktest.Slash) {
	return func(s *slacktest.Slash) { s.ChannelID = id }
}

// ackAnswer is a slash command's reply as it rode in the ack.
type ackAnswer struct {
	Ack          slacktest.Ack
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
}

func (h *harness) answer(ack slacktest.Ack) ackAnswer {
	h.t.Helper()
	a := ackAnswer{Ack: ack}
	if len(ack.Payload) > 0 {
		if err := json.Unmarshal(ack.Payload, &a); err != nil {
			h.t.Fatalf("ack payload %s: %v", ack.Payload, err)
		}
		if errs := slacktest.ValidateBlocks(mustJSON(h.t, a.Blocks), 50); len(errs) > 0 {
			h.t.Errorf("ack blocks break Slack's limits: %v", errs)
		}
	}
	return a
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unescapeJSON undoes encoding/json's HTML-safe escapes, for matching.
func unescapeJSON(b []byte) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

// all is every text of an answer, blocks included.
func (a ackAnswer) all() string {
	var b strings.Builder
	b.WriteString(a.Text)
	for _, blk := range a.Blocks {
		b.WriteString(unescapeJSON(blk))
	}
	return b.String()
}

// noProtocolErrors fails the test if the bot broke Slack's rules.
func (h *harness) noProtocolErrors() {
	h.t.Helper()
	if errs := h.slack.Errors(); len(errs) > 0 {
		h.t.Errorf("Slack protocol errors: %v", errs)
	}
}

// buttonValue finds the value of the first element whose action_id starts
// with actionID in blocks.
func buttonValue(t *testing.T, blocks []json.RawMessage, actionID string) string {
	t.Helper()
	for _, b := range blocks {
		var blk struct {
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		}
		json.Unmarshal(b, &blk)
		for _, e := range blk.Elements {
			if strings.HasPrefix(e.ActionID, actionID) {
				return e.Value
			}
		}
	}
	t.Fatalf("no %s element in %s", actionID, blocks)
	return ""
}

func questionLines(s string) int {
	n := 0
	for i := 1; i <= 200; i++ {
		if strings.Contains(s, fmt.Sprintf("\\n%d. ", i)) || strings.Contains(s, fmt.Sprintf("\"%d. ", i)) {
			n++
		}
	}
	return n
}

func TestEndToEndCommands(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	t.Run("technical list has all 25", func(t *testing.T) {
		a := h.slash("senior-backend technical")
		if a.ResponseType != "ephemeral" {
			t.Errorf("response_type = %q, want ephemeral", a.ResponseType)
		}
		all := a.all()
		if n := questionLines(all); n != 25 {
			t.Errorf("%d numbered questions, want 25:\n%s", n, all)
		}
		for _, want := range []string{"How have you designed and implemented RESTful web services?", "How do you handle transactions in a distributed system?", "What are some of the challenges you face when working with real-time data?"} {
			if !strings.Contains(all, want) {
				t.Errorf("list lacks %q", want)
			}
		}
	})
	t.Run("behavioral via an alias", func(t *testing.T) {
		all := h.slash("SBE   behavioural").all()
		if n := questionLines(all); n != 25 {
			t.Errorf("%d numbered questions, want 25", n)
		}
		if !strings.Contains(all, "Tell me about a time when everything was going wrong and how you coped with it.") {
			t.Errorf("behavioral list lacks the statement-style question:\n%s", all)
		}
	})
	t.Run("unknown role suggests", func(t *testing.T) {
		a := h.slash("senior-bakend technical")
		if !strings.Contains(a.all(), "Did you mean `senior-backend`") {
			t.Errorf("no suggestion: %s", a.all())
		}
	})
	t.Run("help", func(t *testing.T) {
		for _, text := range []string{"", "help"} {
			all := h.slash(text).all()
			for _, sub := range []string{"roles", "practice", "kit", "daily", "feedback", "add", "remove"} {
				if !strings.Contains(all, "/interview "+sub) {
					t.Errorf("help %q lacks %s", text, sub)
				}
			}
		}
	})
	t.Run("share_list posts in_channel", func(t *testing.T) {
		a := h.slash("sbe technical")
		value := buttonValue(t, a.Blocks, "share_list")
		if _, err := h.slack.BlockAction(h.ctx(), slacktest.Action{ActionID: "share_list", Value: value, IsEphemeral: true, MessageTS: ""}); err != nil {
			t.Fatal(err)
		}
		msgs, err := h.slack.WaitMessages(h.ctx(), func(ms []slacktest.Message) bool {
			for _, m := range ms {
				if m.Method == "response_url" && m.ResponseType == "in_channel" {
					return true
				}
			}
			return false
		})
		if err != nil {
			t.Fatalf("no in_channel share: %v", err)
		}
		for _, m := range msgs {
			if m.Method == "response_url" && m.ResponseType == "in_channel" {
				if !strings.Contains(unescapeJSON(m.Blocks), "Shared by <@"+slacktest.DefaultUserID+">") || questionLines(string(m.Blocks)) != 25 {
					t.Errorf("shared list: %s", m.Blocks)
				}
			}
		}
	})
	t.Run("every subcommand answers", func(t *testing.T) {
		for _, text := range []string{"roles", "senior-backend", "business-analyst", "ba uml", "feedback", "kit list", "daily status", "remove team-1", "add sbe tech x", "nonsense", "kit show nope", "daily sbe at 99:00"} {
			a := h.slash(text)
			if a.all() == "" {
				t.Errorf("%q: empty answer", text)
			}
		}
	})
	h.noProtocolErrors()
}

func TestStartupErrors(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"SLACK_APP_TOKEN": "xapp-1-A111-222-secretappvalue",
		"SLACK_BOT_TOKEN": "xoxb-111-222-secretbotvalue",
		"DATABASE_URL":    "postgres://u:secretpw@127.0.0.1:1/db?sslmode=disable",
		"SLACK_API_URL":   "http://127.0.0.1:1/api/",
	}
	tests := []struct {
		name     string
		env      map[string]string
		variable string
	}{
		{"missing app token", map[string]string{"SLACK_APP_TOKEN": ""}, "SLACK_APP_TOKEN"},
		{"bot token where the app token belongs", map[string]string{"SLACK_APP_TOKEN": "xoxb-111-222-secretbotvalue"}, "SLACK_APP_TOKEN"},
		{"app token where the bot token belongs", map[string]string{"SLACK_BOT_TOKEN": "xapp-1-A111-222-secretappvalue"}, "SLACK_BOT_TOKEN"},
		{"missing bot token", map[string]string{"SLACK_BOT_TOKEN": ""}, "SLACK_BOT_TOKEN"},
		{"missing database", map[string]string{"DATABASE_URL": ""}, "DATABASE_URL"},
		{"malformed database", map[string]string{"DATABASE_URL": "mysql://x"}, "DATABASE_URL"},
		{"bad api url", map[string]string{"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL"},
		{"bad admins", map[string]string{"INTERVIEWBOT_ADMINS": "alice"}, "INTERVIEWBOT_ADMINS"},
		{"bad http addr", map[string]string{"HTTP_ADDR": "nope"}, "HTTP_ADDR"},
		{"retention in weeks", map[string]string{"INTERVIEWBOT_RETENTION_DAYS": "52w"}, "INTERVIEWBOT_RETENTION_DAYS"},
		{"no retention", map[string]string{"INTERVIEWBOT_RETENTION_DAYS": "0"}, "INTERVIEWBOT_RETENTION_DAYS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range base {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			var out bytes.Buffer
			start := time.Now()
			err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), &out, &out)
			if err == nil {
				t.Fatal("run succeeded")
			}
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v, want < 1 s", d)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.variable+" ") || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line starting with %s", msg, tt.variable)
			}
			for _, secret := range []string{"secretappvalue", "secretbotvalue", "secretpw"} {
				if strings.Contains(msg+out.String(), secret) {
					t.Errorf("output leaks a secret: %q %q", msg, out.String())
				}
			}
		})
	}
}

func TestShell(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	in := strings.NewReader("/interview senior-backend technical\n")
	env := map[string]string{}
	done := make(chan error, 1)
	go func() {
		done <- run(context.Background(), []string{"shell"}, func(k string) string { return env[k] }, in, &out, io.Discard)
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shell: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("shell did not exit at end of input")
	}
	got := out.String()
	for i := 1; i <= 25; i++ {
		if !strings.Contains(got, fmt.Sprintf("\n%d. ", i)) {
			t.Errorf("shell output lacks question %d:\n%s", i, got)
			break
		}
	}
	if !strings.Contains(got, "in memory") {
		t.Error("shell does not say its store is in memory")
	}
}

// TestGracefulStop: a command received just before SIGTERM is still acked
// and carried out, and the bot then stops cleanly within a few seconds.
func TestGracefulStop(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	s.SetDelay("chat.postMessage", time.Second)
	before := s.Calls("chat.postMessage")
	acked := make(chan error, 1)
	go func() {
		_, err := s.SlashCommand(context.Background(), slacktest.Slash{Text: "practice senior-backend technical"})
		acked <- err
	}()
	waitFor(t, "the practice command to reach Slack", func() bool { return s.Calls("chat.postMessage") > before })
	start := time.Now()
	h.stop() // as SIGTERM: cancels run's context and checks it returns nil
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("stopping took %v", took)
	}
	select {
	case err := <-acked:
		if err != nil {
			t.Errorf("the command in flight was not acked: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the command in flight was never acked")
	}
	n := 0
	for _, m := range s.Messages() {
		if m.Method == "chat.postMessage" && hasButtons(m, "rate_up") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d practice posts, want the one in flight", n)
	}
}
