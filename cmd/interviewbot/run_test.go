package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

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
		{"key=value database with a space in its password", map[string]string{"DATABASE_URL": "host=127.0.0.1 password=pw secretpw"}, "DATABASE_URL"},
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
			if !strings.HasPrefix(msg, tt.variable+" ") && !strings.HasPrefix(msg, tt.variable+": ") || strings.Contains(msg, "\n") {
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

// TestStopFitsKubernetesGrace: the pod's grace period covers the longest
// graceful stop, or Kubernetes kills the bot while it still answers.
func TestStopFitsKubernetesGrace(t *testing.T) {
	t.Parallel()
	manifest, err := os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*terminationGracePeriodSeconds:\s*(\d+)`).FindSubmatch(manifest)
	if m == nil {
		t.Fatal("deployment.yaml sets no terminationGracePeriodSeconds")
	}
	grace, _ := strconv.Atoi(string(m[1]))
	if time.Duration(grace)*time.Second <= stopTimeout {
		t.Errorf("terminationGracePeriodSeconds is %d s; a graceful stop takes up to %v", grace, stopTimeout)
	}
}

// TestStartupSaysWhichSlackSettingFailed: a Web API that cannot be reached
// or is not Slack's is reported as SLACK_API_URL, and only a token Slack
// refused as SLACK_BOT_TOKEN.
func TestStartupSaysWhichSlackSettingFailed(t *testing.T) {
	t.Parallel()
	slack := slacktest.New()
	t.Cleanup(slack.Close)
	notSlack := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(notSlack.Close)
	tests := []struct {
		name, apiURL, botToken string
		wantPrefix, wantText   string
	}{
		{"nothing listens", "http://127.0.0.1:1/api/", slack.BotToken(), "SLACK_API_URL: cannot reach http://127.0.0.1:1/api/", "connection refused"},
		{"not Slack's API", notSlack.URL + "/api/", slack.BotToken(), "SLACK_API_URL: " + notSlack.URL + "/api/", "404"},
		{"token refused", slack.APIURL(), "xoxb-111-222-revokedbotvalue", "SLACK_BOT_TOKEN: Slack refused it", "invalid_auth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{
				"SLACK_APP_TOKEN": slack.AppToken(),
				"SLACK_BOT_TOKEN": tt.botToken,
				"SLACK_API_URL":   tt.apiURL,
				"DATABASE_URL":    "postgres://u:secretpw@127.0.0.1:1/db?sslmode=disable",
				"HTTP_ADDR":       "127.0.0.1:0",
			}
			var out syncBuffer
			err := run(context.Background(), nil, func(k string) string { return env[k] }, strings.NewReader(""), &out, &out)
			if err == nil {
				t.Fatal("run succeeded")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, tt.wantPrefix) || !strings.Contains(msg, tt.wantText) || strings.Contains(msg, "\n") {
				t.Errorf("error %q: want one line starting %q and naming %q", msg, tt.wantPrefix, tt.wantText)
			}
			if strings.Contains(msg+out.String(), "revokedbotvalue") || strings.Contains(msg+out.String(), "secretpw") {
				t.Errorf("output leaks a secret: %q %q", msg, out.String())
			}
		})
	}
}

// TestEndToEndFirstEnvelopeOnEmptyDatabase: a first install. The bot starts
// on an empty database, and the very first envelope, sent the moment its
// socket connects, is a write: it must find the schema in place.
func TestEndToEndFirstEnvelopeOnEmptyDatabase(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ name, command, user, want string }{
		{"add", "add sbe technical How do you roll back a bad migration?", "UADMIN", "Added `team-1`"},
		{"daily", "daily sbe technical at 09:30", slacktest.DefaultUserID, "scheduled a daily question here"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := slacktest.New()
			t.Cleanup(s.Close)
			h := startBot(t, s, withDSN(storagetest.NewEmptyDSN(t)), connectedOnly())
			if got := h.say(tt.command, asUser(tt.user)); !strings.Contains(got, tt.want) {
				t.Errorf("first envelope %q answered %q, want %q", tt.command, got, tt.want)
			}
			if logs := h.logs.String(); strings.Contains(logs, "does not exist") {
				t.Errorf("a query ran before the schema existed:\n%s", logs)
			}
			recs := logged(t, h.logs.String(), "database migrated")
			if len(recs) != 1 || recs[0]["took"] == nil {
				t.Errorf("the log does not say once how long migrating took: %v", recs)
			} else {
				t.Logf("migrating the empty database took %v", recs[0]["took"])
			}
		})
	}
}

// TestEndToEndStartWithoutDatabase: Postgres unreachable at start. The bot
// starts anyway: lists answer, writes say they were not saved, and it is
// not ready. Once Postgres is back the migrations run in the background,
// and only then do writes go through.
func TestEndToEndStartWithoutDatabase(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	u, err := url.Parse(storagetest.NewEmptyDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := storagetest.NewProxy(t, u.Host)
	proxy.Stop()
	h := startBot(t, s, withDSN(proxy.DSN(strings.TrimPrefix(u.Path, "/"))), connectedOnly())

	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("without a database the list has %d questions, want 25", n)
	}
	if got := h.say("add sbe technical How do you roll back a bad migration?", asUser("UADMIN")); !strings.Contains(got, "NOT added") {
		t.Errorf("add without a database answered %q", got)
	}
	if ready(h) {
		t.Error("/readyz says ready without a database")
	}
	if len(logged(t, h.logs.String(), "database unreachable at start: serving without it, and refusing writes until the migrations have run")) != 1 {
		t.Error("the log does not say the bot started without its database")
	}

	proxy.Start()
	waitFor(t, "readiness once the database is back", func() bool { return ready(h) })
	if got := h.say("add sbe technical How do you roll back a bad migration?", asUser("UADMIN")); !strings.Contains(got, "Added `team-1`") {
		t.Errorf("add once the database is back answered %q", got)
	}
	if logs := h.logs.String(); strings.Contains(logs, "does not exist") {
		t.Errorf("a query ran before the schema existed:\n%s", logs)
	}
	h.noProtocolErrors()
}
