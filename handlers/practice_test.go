package handlers_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
)

// TestPracticeRotation: practice posts what the channel has seen least, so
// a category's questions all come up before any comes up again, and
// another channel's history does not count.
func TestPracticeRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const pool = 25 // senior-backend technical
	seen := map[string]int{}
	for i := range pool + 1 {
		if r := e.mustSlash("U1", "practice senior-backend technical"); r.Message != nil {
			t.Fatalf("reply %q, want none: the post is the answer", textOf(r.Message))
		}
		m := e.slack.posts[len(e.slack.posts)-1]
		if m.Channel != "C1" {
			t.Fatalf("posted to %q, want C1", m.Channel)
		}
		id := questionOf(t, m)
		if i < pool && seen[id] > 0 {
			t.Fatalf("post %d repeats %s before the pool of %d is used up", i+1, id, pool)
		}
		seen[id]++
		if _, ok := buttons(m)[handlers.ActionShowGuidance]; !ok {
			t.Errorf("practice post of %s has no guidance button", id)
		}
		wants(t, "post", textOf(&m), "*Practice question* · Senior Backend Engineer — Technical", "`"+id+"`")
	}
	if len(seen) != pool {
		t.Errorf("%d distinct questions in %d posts, want %d", len(seen), pool+1, pool)
	}
	// Channel C2 starts afresh: its first 25 are distinct too.
	other := map[string]bool{}
	for range pool {
		if _, err := e.cmds.Slash(t.Context(), handlers.Slash{TeamID: "T1", ChannelID: "C2", UserID: "U1", Text: "practice sbe technical"}); err != nil {
			t.Fatal(err)
		}
		other[questionOf(t, e.slack.posts[len(e.slack.posts)-1])] = true
	}
	if len(other) != pool {
		t.Errorf("C2 got %d distinct questions in %d posts", len(other), pool)
	}
}

// TestPracticeWholeRole: without a category the pool is the whole role.
func TestPracticeWholeRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cats := map[string]bool{}
	const whole = 25 + 25 + 1 + 22 + 17 // technical, behavioral, problem-solving, system-design, leadership
	for range whole {
		e.mustSlash("U1", "practice senior-backend")
		cats[questionOf(t, e.slack.posts[len(e.slack.posts)-1])[:5]] = true
	}
	for _, prefix := range []string{"sbe-t", "sbe-b", "sbe-p", "sbe-s", "sbe-l"} {
		if !cats[prefix] {
			t.Errorf("%d posts of the whole role never posted a %s… question: %v", whole, prefix, cats)
		}
	}
}

func TestPracticePostFails(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("chat.postMessage: %w (not_in_channel)", handlers.ErrChannelUnavailable), "I'm not a member of this channel (or it is archived): invite me with `/invite @interviewbot` and try again."},
		{errors.New("chat.postMessage: timeout"), "I couldn't post the question. Please try again in a minute."},
	} {
		e := newEnv(t)
		e.slack.fail = tt.err
		r, err := e.slash("U1", "practice sbe")
		if !errors.Is(err, tt.err) {
			t.Errorf("error %v, want %v", err, tt.err)
		}
		wants(t, "reply", textOf(r.Message), "⚠️", tt.want)
	}
}

// TestPracticeStoreDown: practice still posts a built-in question without
// the database, and reports what it could not read or record.
func TestPracticeStoreDown(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, downStore(t))
	r, err := e.slash("U1", "practice sbe technical")
	if err == nil {
		t.Error("no error, want the failed reads and record")
	}
	if r.Message != nil || len(e.slack.posts) != 1 {
		t.Errorf("reply %q, %d posts; want the question posted and no reply", textOf(r.Message), len(e.slack.posts))
	}
}
