package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
	"github.com/slack-go/slack"
)

// fakeSlack is a small Slack for the capabilities: it records what they
// send, checks every message and modal against Block Kit's limits as the
// real sender does, and fails on request.
type fakeSlack struct {
	mu         sync.Mutex
	posts      []handlers.Message // successful PostMessage calls, in order
	ephemerals []handlers.Message
	responds   []handlers.Message
	views      []slack.ModalViewRequest
	updates    []handlers.Message // UpdateMessage calls, in order
	attempts   int                // PostMessage calls, failed ones included

	fail error // PostMessage fails with it while set
	// postErr, when set, decides each PostMessage attempt (1-based).
	postErr    func(attempt int, m handlers.Message) error
	respondErr error
	viewErr    error
	userErr    error
	users      map[string]handlers.User // others: plain members in Europe/Berlin
	invalid    []error                  // messages or modals that broke a limit
}

func (f *fakeSlack) check(what string, err error) {
	if err != nil {
		f.invalid = append(f.invalid, fmt.Errorf("%s: %w", what, err))
	}
}

func (f *fakeSlack) PostMessage(_ context.Context, m handlers.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	f.check("post", handlers.Validate(m))
	if f.fail != nil {
		return "", f.fail
	}
	if f.postErr != nil {
		if err := f.postErr(f.attempts, m); err != nil {
			return "", err
		}
	}
	f.posts = append(f.posts, m)
	return fmt.Sprintf("1700000000.%06d", len(f.posts)), nil
}

func (f *fakeSlack) UpdateMessage(_ context.Context, _ string, m handlers.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.check("update", handlers.Validate(m))
	f.updates = append(f.updates, m)
	return nil
}

func (f *fakeSlack) PostEphemeral(_ context.Context, _ string, m handlers.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.check("ephemeral", handlers.Validate(m))
	f.ephemerals = append(f.ephemerals, m)
	return nil
}

func (f *fakeSlack) Respond(_ context.Context, _ string, m handlers.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.check("respond", handlers.Validate(m))
	if f.respondErr != nil {
		return f.respondErr
	}
	f.responds = append(f.responds, m)
	return nil
}

func (f *fakeSlack) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.check("view", handlers.ValidateView(v))
	if f.viewErr != nil {
		return f.viewErr
	}
	f.views = append(f.views, v)
	return nil
}

func (f *fakeSlack) Permalink(_ context.Context, channel, ts string) (string, error) {
	return "https://example.slack.com/archives/" + channel + "/p" + strings.ReplaceAll(ts, ".", ""), nil
}

func (f *fakeSlack) User(_ context.Context, id string) (handlers.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.userErr != nil {
		return handlers.User{}, f.userErr
	}
	if u, ok := f.users[id]; ok {
		return u, nil
	}
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

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func bank(t testing.TB) *questions.Bank {
	t.Helper()
	b, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// env is one workspace (T1) with a channel (C1): Commands over a fresh
// database, the fake Slack and a fake clock.
type env struct {
	t     *testing.T
	db    handlers.Store
	slack *fakeSlack
	clock *clock
	cmds  *handlers.Commands
}

// newEnv gives U-ADMIN the admin right through INTERVIEWBOT_ADMINS.
func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvOn(t, storagetest.New(t))
}

func newEnvOn(t *testing.T, db handlers.Store) *env {
	t.Helper()
	e := &env{t: t, db: db, slack: &fakeSlack{}, clock: &clock{now: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}}
	e.cmds = handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: e.slack, Admins: []string{" U-ADMIN ", ""}, Now: e.clock.Now, Owner: "r1"})
	t.Cleanup(func() {
		for _, err := range e.slack.invalid {
			t.Errorf("sent a message Slack would refuse: %v", err)
		}
	})
	return e
}

// downStore is a real store whose database is unreachable: every call
// fails as it does while Postgres is down.
func downStore(t *testing.T) handlers.Store {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	db, err := storage.Open(t.Context(), "postgres://postgres@"+addr+"/interviewbot?sslmode=disable&connect_timeout=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// recordPost records that the bot posted question id in message ts of C1,
// as practice does after posting: votes and ratings count only on messages
// that carried their question.
func (e *env) recordPost(id, ts string) {
	e.t.Helper()
	if err := e.db.RecordPost(e.t.Context(), handlers.Post{TeamID: "T1", ChannelID: "C1", QuestionID: id, MessageTS: ts, Source: "practice"}); err != nil {
		e.t.Fatalf("record the post of %s in %s: %v", id, ts, err)
	}
}

// slash runs /interview text as user in C1 and checks the reply.
func (e *env) slash(user, text string) (handlers.Reply, error) {
	e.t.Helper()
	r, err := e.cmds.Slash(e.t.Context(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: user, Text: text, TriggerID: "trigger", ResponseURL: "https://hooks.example/r"})
	e.checkReply(r)
	return r, err
}

// mustSlash is slash for commands that must not fail.
func (e *env) mustSlash(user, text string) handlers.Reply {
	e.t.Helper()
	r, err := e.slash(user, text)
	if err != nil {
		e.t.Fatalf("/interview %s: %v", text, err)
	}
	return r
}

// click presses a button on a message in C1, or in a.ChannelID when set.
func (e *env) click(a handlers.Action) (handlers.Reply, error) {
	e.t.Helper()
	a.TeamID = "T1"
	if a.ChannelID == "" {
		a.ChannelID = "C1"
	}
	if a.UserID == "" {
		a.UserID = "U1"
	}
	r, err := e.cmds.Action(e.t.Context(), a)
	e.checkReply(r)
	return r, err
}

func (e *env) checkReply(r handlers.Reply) {
	e.t.Helper()
	if r.Message != nil {
		if err := handlers.Validate(*r.Message); err != nil {
			e.t.Errorf("reply breaks a Block Kit limit: %v", err)
		}
	}
}

// textOf is everything a reader sees of a message, to search in.
func textOf(m *handlers.Message) string {
	if m == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(m.Text)
	for _, bl := range m.Blocks {
		switch bl := bl.(type) {
		case *slack.SectionBlock:
			if bl.Text != nil {
				b.WriteString("\n" + bl.Text.Text)
			}
		case *slack.HeaderBlock:
			b.WriteString("\n" + bl.Text.Text)
		case *slack.ContextBlock:
			for _, el := range bl.ContextElements.Elements {
				if t, ok := el.(*slack.TextBlockObject); ok {
					b.WriteString("\n" + t.Text)
				}
			}
		}
	}
	return b.String()
}

// wants checks that text contains each of subs.
func wants(t *testing.T, what, text string, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(text, s) {
			t.Errorf("%s lacks %q:\n%s", what, s, text)
		}
	}
}

// buttons lists the action_id → value of a message's buttons.
func buttons(m handlers.Message) map[string]string {
	out := map[string]string{}
	for _, bl := range m.Blocks {
		if a, ok := bl.(*slack.ActionBlock); ok {
			for _, el := range a.Elements.ElementSet {
				if b, ok := el.(*slack.ButtonBlockElement); ok {
					out[b.ActionID] = b.Value
				}
			}
		}
	}
	return out
}

// questionOf is the question id a posted question's buttons carry.
func questionOf(t *testing.T, m handlers.Message) string {
	t.Helper()
	id, ok := buttons(m)[handlers.ActionRateUp]
	if !ok {
		b, _ := json.Marshal(m.Blocks)
		t.Fatalf("message has no %s button: %s", handlers.ActionRateUp, b)
	}
	return id
}
