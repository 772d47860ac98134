package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage/memstore"
)

// msgText is everything a message says, for matching: its fallback and its
// blocks as JSON, with JSON's HTML escapes undone.
func msgText(t *testing.T, m *handlers.Message) string {
	t.Helper()
	if m == nil {
		return ""
	}
	if err := handlers.Validate(*m); err != nil {
		t.Errorf("message breaks Slack's limits: %v", err)
	}
	b, err := json.Marshal(m.Blocks)
	if err != nil {
		t.Fatal(err)
	}
	r := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&", `\n`, "\n", `\"`, `"`)
	return m.Text + "\n" + r.Replace(string(b))
}

type teamBankFixture struct {
	t     *testing.T
	c     *handlers.Commands
	store *memstore.Store
	slack *fakeSlack
	clock *clock
}

func newTeamBankFixture(t *testing.T) *teamBankFixture {
	t.Helper()
	f := &teamBankFixture{t: t, store: memstore.New(), slack: &fakeSlack{}, clock: &clock{}}
	f.clock.Set(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)) // a Monday
	f.c = handlers.New(handlers.Config{Bank: bank(t), Store: f.store, Slack: f.slack, Admins: []string{"UADMIN"}, Now: f.clock.Now})
	return f
}

func (f *teamBankFixture) slash(user, text string) handlers.Reply {
	f.t.Helper()
	r, err := f.c.Slash(f.t.Context(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: user, Text: text})
	if err != nil {
		f.t.Fatalf("/interview %s: %v", text, err)
	}
	return r
}

func (f *teamBankFixture) say(user, cmd string) string {
	f.t.Helper()
	return msgText(f.t, f.slash(user, cmd).Message)
}

// listCount is the count in a list's header, "Title — Category (n)".
func listCount(t *testing.T, s string) string {
	t.Helper()
	i := strings.Index(s, " (")
	j := strings.Index(s, ")")
	if i < 0 || j < i {
		t.Fatalf("no count in %q", s)
	}
	return s[i+2 : j]
}

// TestTeamRolesEverywhere: a team's own role and categories, from an
// import, answer like built-in ones in every command: roles, the role card
// and its buttons, lists, add, practice, kits and daily questions.
func TestTeamRolesEverywhere(t *testing.T) {
	t.Parallel()
	f := newTeamBankFixture(t)
	ctx := t.Context()
	in := handlers.TeamImport{
		Roles: []questions.TeamRole{{Slug: "data-engineer", Title: "Data Engineer", Aliases: []string{"de"}, Summary: "Builds and runs the pipelines.", Skills: []string{"SQL", "Spark"}}},
		Categories: []questions.TeamCategory{
			{Role: "data-engineer", Slug: "pipelines", Title: "Pipelines", Aliases: []string{"etl"}},
			{Role: "senior-backend", Slug: "frontend", Title: "Frontend"},
		},
	}
	for _, q := range []string{"How do you backfill a year of events?", "What makes a pipeline idempotent?", "How do you test a DAG?", "When do you choose streaming over batch?", "How do you handle late data?", "What is a slowly changing dimension?"} {
		in.Questions = append(in.Questions, handlers.TeamQuestion{Role: "data-engineer", Category: "pipelines", Text: q, CreatedBy: "import"})
	}
	in.Questions = append(in.Questions, handlers.TeamQuestion{Role: "senior-backend", Category: "frontend", Text: "How do you ship a CSS change safely?", CreatedBy: "import"})
	if _, err := f.store.ImportTeamBank(ctx, "T1", in); err != nil {
		t.Fatal(err)
	}

	roles := f.say("U1", "roles")
	for _, want := range []string{"*Data Engineer* (`data-engineer`)", "pipelines 6", "frontend 1"} {
		if !strings.Contains(roles, want) {
			t.Errorf("roles lacks %q:\n%s", want, roles)
		}
	}
	card := f.slash("U1", "Data Engineer")
	if card.Command != "role" {
		t.Fatalf("`Data Engineer` is a %s command", card.Command)
	}
	for _, want := range []string{"Builds and runs the pipelines.", "• Spark", "Pipelines: 6", "data-engineer/pipelines"} {
		if !strings.Contains(msgText(t, card.Message), want) {
			t.Errorf("role card lacks %q", want)
		}
	}
	if got := listCount(t, f.say("U1", "de etl")); got != "6" {
		t.Errorf("de etl lists %s questions, want 6", got)
	}
	if got := listCount(t, f.say("U1", "sbe frontend")); got != "1" {
		t.Errorf("sbe frontend lists %s questions, want 1", got)
	}
	// The role card's button.
	r, err := f.c.Action(ctx, handlers.Action{TeamID: "T1", ChannelID: "C1", UserID: "U1", ActionID: handlers.ActionShowCategory + ":pipelines", Value: "data-engineer/pipelines"})
	if err != nil || !strings.Contains(msgText(t, r.Message), "Data Engineer — Pipelines (6)") {
		t.Errorf("the role card's button: %v %s", err, msgText(t, r.Message))
	}
	if got := f.say("UADMIN", "add de pipelines How do you size a Kafka topic?"); !strings.Contains(got, "Added `team-8` to *Data Engineer — Pipelines*") {
		t.Errorf("add to a team category: %s", got)
	}

	// Practice, kit and daily post from the team's pool.
	if r := f.slash("U1", "practice de"); r.Message != nil {
		t.Errorf("practice de: %s", msgText(t, r.Message))
	}
	if n := f.slash("U1", "kit de"); n.Message != nil {
		t.Errorf("kit de: %s", msgText(t, n.Message))
	}
	f.slack.mu.Lock()
	posts := append([]handlers.Message(nil), f.slack.posts...)
	f.slack.mu.Unlock()
	if len(posts) != 1+1+5 {
		t.Fatalf("%d posts, want a practice question and a kit of 5", len(posts))
	}
	for _, p := range posts {
		if s := msgText(t, &p); !strings.Contains(s, "Data Engineer") || (p.ThreadTS != "" || strings.Contains(s, "Practice")) && !strings.Contains(s, "Data Engineer — Pipelines") {
			t.Errorf("post does not name the team role and category:\n%s", s)
		}
	}
	if got := f.say("U1", "daily de pipelines tz UTC"); !strings.Contains(got, "Data Engineer — Pipelines") {
		t.Errorf("daily: %s", got)
	}
	now := time.Date(2026, 3, 2, 9, 0, 30, 0, time.UTC)
	f.clock.Set(now)
	tick(t, f.c, now)
	if f.slack.count("C1") != len(posts)+1 {
		t.Errorf("the daily question for a team role was not posted")
	}
	f.slack.mu.Lock()
	daily := f.slack.posts[len(f.slack.posts)-1]
	f.slack.mu.Unlock()
	if s := msgText(t, &daily); !strings.Contains(s, "Daily question* · Data Engineer — Pipelines") {
		t.Errorf("daily post:\n%s", s)
	}
	// Private practice, in the user's DM, remembers the team role.
	f.slash("U1", "practice me de pipelines")
	f.slash("U1", "practice me")
	f.slack.mu.Lock()
	var dms []handlers.Message
	for _, p := range f.slack.posts {
		if p.Channel == "U1" {
			dms = append(dms, p)
		}
	}
	f.slack.mu.Unlock()
	if len(dms) != 2 {
		t.Fatalf("%d practice DMs, want 2", len(dms))
	}
	for _, dm := range dms {
		if s := msgText(t, &dm); !strings.Contains(s, "Data Engineer") || !strings.Contains(s, "Pipelines") {
			t.Errorf("practice DM does not name the team role and category:\n%s", s)
		}
	}
	// Another team has none of it.
	r, _ = f.c.Slash(ctx, handlers.Slash{TeamID: "T2", ChannelID: "C1", UserID: "U1", Text: "data-engineer"})
	if r.Command != "invalid" {
		t.Errorf("another team can use the role: %s", r.Command)
	}
}

// TestHideUnhide: an admin retires a built-in question for the workspace;
// it leaves the list, the counts and every pool, but stays findable by id
// for history and feedback; a non-admin is refused; unhide brings it back.
func TestHideUnhide(t *testing.T) {
	t.Parallel()
	f := newTeamBankFixture(t)
	ctx := t.Context()
	hidden, _ := bank(t).Question("sbe-t01")

	if got := listCount(t, f.say("U1", "sbe tech")); got != "25" {
		t.Fatalf("technical lists %s questions before hiding", got)
	}
	if got := f.say("U1", "hide sbe-t01"); !strings.Contains(got, "Only admins can hide questions") {
		t.Errorf("a non-admin: %s", got)
	}
	got := f.say("UADMIN", "hide sbe-t01")
	if !strings.Contains(got, "Hid `sbe-t01`") || !strings.Contains(got, "now has 24 questions") || !strings.Contains(got, "/interview unhide sbe-t01") {
		t.Errorf("hide: %s", got)
	}
	list := f.say("U1", "sbe tech")
	if listCount(t, list) != "24" || strings.Contains(list, hidden.Text) {
		t.Errorf("after hiding, the list:\n%s", list)
	}
	if !strings.Contains(list, "Hidden in this workspace: `sbe-t01`") {
		t.Errorf("the list does not say what is hidden:\n%s", list)
	}
	if roles := f.say("U1", "roles"); !strings.Contains(roles, "technical 24") {
		t.Errorf("roles does not count 24 technical questions:\n%s", roles)
	}
	// Other teams still have it.
	r, _ := f.c.Slash(ctx, handlers.Slash{TeamID: "T2", ChannelID: "C1", UserID: "U1", Text: "sbe tech"})
	if got := listCount(t, msgText(t, r.Message)); got != "25" {
		t.Errorf("another team's list has %s questions", got)
	}
	// A kit asking for all technical questions gets 24 distinct ones and
	// never the hidden one.
	if r := f.slash("U1", "kit sbe technical 20"); r.Message != nil && strings.Contains(msgText(t, r.Message), "NOT") {
		t.Fatalf("kit: %s", msgText(t, r.Message))
	}
	f.slack.mu.Lock()
	for _, p := range f.slack.posts {
		if strings.Contains(msgText(t, &p), "`sbe-t01`") {
			t.Errorf("a kit posted the hidden question")
		}
	}
	f.slack.mu.Unlock()
	// History and feedback still find it.
	r, err := f.c.Action(ctx, handlers.Action{TeamID: "T1", ChannelID: "C1", UserID: "U1", ActionID: handlers.ActionShowGuidance, Value: "sbe-t01"})
	if err != nil || !strings.Contains(msgText(t, r.Message), "What a strong answer covers") {
		t.Errorf("guidance of a hidden question: %v %s", err, msgText(t, r.Message))
	}

	for _, tt := range []struct{ id, want string }{
		{"sbe-t01", "already hidden"},
		{"team-3", "is a team question, not a built-in one: remove it with `/interview remove team-3`"},
		{"nope", "There is no built-in question `nope`"},
		{"sbe-p01", "is the last question of *Senior Backend Engineer — Problem solving*"},
	} {
		if got := f.say("UADMIN", "hide "+tt.id); !strings.Contains(got, tt.want) {
			t.Errorf("hide %s: %s, want %q", tt.id, got, tt.want)
		}
	}
	if got := f.say("U1", "unhide sbe-t01"); !strings.Contains(got, "Only admins can unhide questions") {
		t.Errorf("unhide by a non-admin: %s", got)
	}
	if got := f.say("UADMIN", "unhide sbe-t01"); !strings.Contains(got, "`sbe-t01` is back in *Senior Backend Engineer — Technical*") || !strings.Contains(got, "now has 25 questions") {
		t.Errorf("unhide: %s", got)
	}
	if got := f.say("UADMIN", "unhide sbe-t01"); !strings.Contains(got, "is not hidden") {
		t.Errorf("unhide again: %s", got)
	}
	if got := listCount(t, f.say("U1", "sbe tech")); got != "25" {
		t.Errorf("after unhide, technical lists %s questions", got)
	}
}

// TestTeamViewFollowsChanges: a change to the team's roles is seen by the
// very next command, on the replica that made it and on others.
func TestTeamViewFollowsChanges(t *testing.T) {
	t.Parallel()
	f := newTeamBankFixture(t)
	other := handlers.New(handlers.Config{Bank: bank(t), Store: f.store, Slack: f.slack})
	ctx := context.Background()
	if r := f.slash("U1", "qa"); r.Command != "invalid" {
		t.Fatalf("qa before the import: %s", r.Command)
	}
	in := handlers.TeamImport{Roles: []questions.TeamRole{{Slug: "qa", Title: "QA Engineer"}}, Categories: []questions.TeamCategory{{Role: "qa", Slug: "testing", Title: "Testing"}},
		Questions: []handlers.TeamQuestion{{Role: "qa", Category: "testing", Text: "What is a flaky test?", CreatedBy: "import"}}}
	if _, err := f.store.ImportTeamBank(ctx, "T1", in); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*handlers.Commands{f.c, other} {
		r, _ := c.Slash(ctx, handlers.Slash{TeamID: "T1", UserID: "U1", Text: "qa testing"})
		if r.Command != "list" {
			t.Errorf("qa testing after the import: %s", r.Command)
		}
	}
	if _, err := f.store.ImportTeamBank(ctx, "T1", handlers.TeamImport{Sync: true}); err != nil {
		t.Fatal(err)
	}
	if r := f.slash("U1", "qa testing"); r.Command != "invalid" {
		t.Errorf("qa testing after a sync that removed it: %s", r.Command)
	}
}
