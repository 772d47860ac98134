package handlers_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
)

// errRateLimited is what the sender returns when Slack keeps answering 429
// past its patience.
var errRateLimited = errors.New("chat.postMessage: rate_limited (429)")

// kitID reads the kit id from a kit parent's fallback text.
func kitID(t *testing.T, parent handlers.Message) string {
	t.Helper()
	id, ok := strings.CutPrefix(parent.Text, "Interview kit ")
	if !ok {
		t.Fatalf("not a kit parent: %q", parent.Text)
	}
	id, _, _ = strings.Cut(id, ":")
	return id
}

// checkKit checks a kit as posted: the parent in the channel, then one
// reply per question in its thread, each question once, no theme twice.
func checkKit(t *testing.T, b *questions.Bank, posts []handlers.Message, wantQuestions int) {
	t.Helper()
	if len(posts) != wantQuestions+1 {
		t.Fatalf("%d messages posted, want a parent and %d replies", len(posts), wantQuestions)
	}
	parent := posts[0]
	if parent.Channel != "C1" || parent.ThreadTS != "" {
		t.Errorf("parent went to %q thread %q, want the channel", parent.Channel, parent.ThreadTS)
	}
	ids, themes := map[string]bool{}, map[string]bool{}
	for i, m := range posts[1:] {
		if m.Channel != "C1" || m.ThreadTS != "1700000000.000001" {
			t.Errorf("reply %d went to %q thread %q, want the parent's thread", i+1, m.Channel, m.ThreadTS)
		}
		wants(t, fmt.Sprintf("reply %d", i+1), m.Text, fmt.Sprintf("Question %d of %d", i+1, wantQuestions))
		id := questionOf(t, m)
		if ids[id] {
			t.Errorf("question %s posted twice", id)
		}
		ids[id] = true
		if q, ok := b.Question(questions.ID(id)); ok {
			if themes[q.Theme] {
				t.Errorf("theme %s asked twice", q.Theme)
			}
			themes[q.Theme] = true
		}
	}
}

func TestKitPost(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		text      string
		questions int
		parent    []string // in the parent message
		note      string   // in the reply, "" for no reply
	}{
		{"kit senior-backend", 8, []string{"Technical 5 · Behavioral 3", "8 questions in the thread"}, ""},
		{"kit sbe technical 2 behavioral 1", 3, []string{"Technical 2 · Behavioral 1"}, ""},
		{"kit senior-backend problem-solving 1", 1, []string{"1 question in the thread"}, ""},
		// No technical and behavioral categories: 5 of each category while
		// the kit stays within 20, and UML has 2 themes.
		{"kit business-analyst", 17, []string{"UML 2", "17 questions"}, "UML has 2 distinct questions"},
	} {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			r := e.mustSlash("U1", tt.text)
			if tt.note == "" && r.Message != nil {
				t.Errorf("reply %q, want none: the kit is the answer", textOf(r.Message))
			}
			if tt.note != "" {
				wants(t, "reply", textOf(r.Message), "is posted. Note:", tt.note)
			}
			checkKit(t, bank(t), e.slack.posts, tt.questions)
			id := kitID(t, e.slack.posts[0])
			wants(t, "parent", textOf(&e.slack.posts[0]), append(tt.parent, "Asked by <@U1>", "Kit `"+id+"`", "Scorecards: none in yet")...)

			list := e.mustSlash("U2", "kit list")
			wants(t, "kit list", textOf(list.Message), "`"+id+"`", "by <@U1>", "|open>", questionCountText(tt.questions))
			if strings.Contains(textOf(list.Message), "being posted") {
				t.Error("kit list says a finished kit is being posted")
			}
		})
	}
}

// TestKitTooFewThemes: variants of one theme count once, so a kit that asks
// a category for more distinct questions than it holds is answered before
// anything is posted, with a command that works.
func TestKitTooFewThemes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.mustSlash("U1", "kit senior-backend behavioral 8")
	wants(t, "reply", textOf(r.Message), "Nothing was posted", "Behavioral has 7 distinct questions", "`/interview kit senior-backend behavioral 7`")
	if len(e.slack.posts) != 0 {
		t.Errorf("%d messages posted, want none", len(e.slack.posts))
	}
}

func questionCountText(n int) string {
	if n == 1 {
		return "1 question"
	}
	return fmt.Sprintf("%d questions", n)
}

// TestKitRateLimited: Slack answers 429 part-way through a kit. A short
// burst is retried within the command; a long one leaves the kit to the
// background resume, which posts only what is missing.
func TestKitRateLimited(t *testing.T) {
	t.Parallel()
	t.Run("burst", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.slack.postErr = func(attempt int, _ handlers.Message) error {
			if attempt == 3 {
				return errRateLimited
			}
			return nil
		}
		if r := e.mustSlash("U1", "kit senior-backend"); r.Message != nil {
			t.Errorf("reply %q, want none", textOf(r.Message))
		}
		checkKit(t, bank(t), e.slack.posts, 8)
	})
	t.Run("long", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		limited := true
		e.slack.postErr = func(attempt int, _ handlers.Message) error {
			if attempt >= 3 && limited {
				return errRateLimited
			}
			return nil
		}
		r, err := e.slash("U1", "kit senior-backend")
		if !errors.Is(err, errRateLimited) {
			t.Errorf("error %v, want the 429", err)
		}
		id := kitID(t, e.slack.posts[0])
		wants(t, "reply", textOf(r.Message), "Kit `"+id+"` is only partly posted (2 of 9 messages)", "finish it automatically")
		if e.slack.attempts != 2+3 {
			t.Errorf("%d post attempts, want 2 posts and 3 tries of the third", e.slack.attempts)
		}
		wants(t, "kit list", textOf(e.mustSlash("U1", "kit list").Message), "being posted")

		// Still limited: the resume fails and posts nothing twice. Each
		// failed attempt backs the next one off, so the clock moves past it.
		e.clock.Add(time.Hour)
		if err := e.cmds.ResumeKits(t.Context()); !errors.Is(err, errRateLimited) {
			t.Errorf("ResumeKits while limited: %v, want the 429", err)
		}
		limited = false
		e.clock.Add(time.Hour)
		if err := e.cmds.ResumeKits(t.Context()); err != nil {
			t.Fatalf("ResumeKits: %v", err)
		}
		checkKit(t, bank(t), e.slack.posts, 8)
		if err := e.cmds.ResumeKits(t.Context()); err != nil || len(e.slack.posts) != 9 {
			t.Errorf("a second ResumeKits: %v, %d posts; want nothing more", err, len(e.slack.posts))
		}
	})
}

// TestKitLeases: a kit leased to a replica that died is left alone by the
// others until the lease ends, and resumed at once when a process of the
// same instance name starts and recovers its leases.
func TestKitLeases(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	now := e.clock.Now()
	q := bank(t).Roles()[0].Categories[0].Questions[0]
	k, err := e.db.CreateKit(t.Context(), handlers.Kit{TeamID: "T1", ChannelID: "C1", Role: q.Role, CreatedBy: "U1", CreatedAt: now,
		Items: []handlers.KitItem{{Position: 1, QuestionID: string(q.ID), Category: q.Category}}}, "r1", now.Add(3*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	other := handlers.New(handlers.Config{Bank: bank(t), Store: e.db, Slack: e.slack, Now: e.clock.Now, Owner: "r2"})
	if err := other.ResumeKits(t.Context()); err != nil || len(e.slack.posts) != 0 {
		t.Fatalf("another replica resumed a leased kit: %v, %d posts", err, len(e.slack.posts))
	}
	if err := e.cmds.RecoverLeases(t.Context()); err != nil {
		t.Fatalf("RecoverLeases: %v", err)
	}
	if err := other.ResumeKits(t.Context()); err != nil {
		t.Fatalf("ResumeKits: %v", err)
	}
	checkKit(t, bank(t), e.slack.posts, 1)
	if got := kitID(t, e.slack.posts[0]); got != k.ID {
		t.Errorf("posted kit %s, want %s", got, k.ID)
	}
}

// TestKitShow summarises the panel's votes and ratings per question.
func TestKitShow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustSlash("U1", "kit senior-backend technical 2")
	id := kitID(t, e.slack.posts[0])
	first := e.slack.posts[1]
	for _, a := range []handlers.Action{
		{UserID: "U1", ActionID: handlers.ActionRateUp, Value: questionOf(t, first), MessageTS: "1700000000.000002"},
		{UserID: "U2", ActionID: handlers.ActionRateDown, Value: questionOf(t, first), MessageTS: "1700000000.000002"},
		{UserID: "U3", ActionID: handlers.ActionRateUp, Value: questionOf(t, first), MessageTS: "1700000000.000002"},
	} {
		if _, err := e.click(a); err != nil {
			t.Fatal(err)
		}
	}
	submitRating(t, e, "U2", questionOf(t, first), "1700000000.000002", 4, "good one")
	// kit show is the kit's debrief: the question feedback is there for
	// anyone in the channel, the scorecards only for those who may see them.
	show := e.mustSlash("U4", "kit show "+strings.ToUpper(id))
	wants(t, "kit show", textOf(show.Message), "Debrief · kit "+id, "*Senior Backend Engineer* · shared by <@U1>", "1. ", "question feedback: 2 👍 · 1 👎 · 4.0★ from 1 rating", "2. ", "question feedback: 0 👍 · 0 👎", "stay hidden until you submit your own scorecard")

	for _, tt := range []struct{ text, want string }{
		{"kit show zzzzzz", "There is no kit `zzzzzz`"},
		{"kit show <@U1>", "`&lt;@U1&gt;`: that is not a kit id"},
	} {
		wants(t, tt.text, textOf(e.mustSlash("U1", tt.text).Message), tt.want)
	}
}

func TestKitListEmpty(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wants(t, "kit list", textOf(e.mustSlash("U1", "kit list").Message), "No kits have been shared in this channel yet")
}

// TestKitStoreDown: without the database no kit is posted, and the user
// is told so.
func TestKitStoreDown(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, downStore(t))
	for _, tt := range []struct{ text, want string }{
		{"kit senior-backend", "The kit was NOT posted"},
		{"kit list", "I can't list the kits right now"},
		{"kit show abcdef", "I can't read that kit right now"},
	} {
		r, err := e.slash("U1", tt.text)
		if err == nil {
			t.Errorf("%s: no error", tt.text)
		}
		wants(t, tt.text, textOf(r.Message), "⚠️", tt.want)
	}
	if len(e.slack.posts) != 0 {
		t.Errorf("%d messages posted without a database", len(e.slack.posts))
	}
	if err := e.cmds.ResumeKits(t.Context()); err == nil {
		t.Error("ResumeKits without a database: no error")
	}
	if err := e.cmds.RecoverLeases(t.Context()); err == nil {
		t.Error("RecoverLeases without a database: no error")
	}
}

// TestKitOneIncidentStory: a candidate answers every "… in production …"
// variant of the behavioral list with the same incident, so no kit may ask
// for it twice. Many kits of `behavioral 4` in one channel, each steered
// by the channel's history to other questions, never hold two of them.
func TestKitOneIncidentStory(t *testing.T) {
	t.Parallel()
	incident := map[string]bool{}
	for _, n := range []int{1, 4, 5, 7, 9, 10, 11, 13, 14, 15, 16, 17} {
		incident[fmt.Sprintf("sbe-b%02d", n)] = true
	}
	e := newEnv(t)
	const kits = 30
	seen := map[string]bool{}
	for i := range kits {
		before := len(e.slack.posts)
		if r := e.mustSlash("U1", "kit senior-backend behavioral 4"); r.Message != nil {
			t.Fatalf("kit %d: reply %q, want the kit posted", i, textOf(r.Message))
		}
		var asked []string
		for _, m := range e.slack.posts[before+1:] {
			if q := questionOf(t, m); incident[q] {
				asked = append(asked, q)
				seen[q] = true
			}
		}
		if len(asked) > 1 {
			t.Errorf("kit %d asks for one incident story %d times: %v", i, len(asked), asked)
		}
	}
	// The history moves kits through the variants; a test that only ever
	// met one of them would prove little.
	if len(seen) < 4 {
		t.Errorf("%d kits met only %d incident variants: %v", kits, len(seen), seen)
	}
}
