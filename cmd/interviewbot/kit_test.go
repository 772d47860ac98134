package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

var kitIDPattern = regexp.MustCompile("Interview kit ([a-z0-9]+):")

func TestEndToEndKit(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	// The third reply fails once; the kit still ends with exactly 5.
	s.FailMethodAfter("chat.postMessage", 3, 1, "internal_error")
	h.slash("kit senior-backend technical 3 behavioral 2")
	waitFor(t, "5 kit replies", func() bool {
		_, replies := kitMessages(t, s)
		return len(replies) >= 5
	})
	parent, replies := kitMessages(t, s)
	if len(replies) != 5 {
		t.Fatalf("%d replies, want 5", len(replies))
	}
	for i, r := range replies {
		if !hasButtons(r, "rate_up", "rate_down", "feedback_open") {
			t.Errorf("reply %d lacks the feedback buttons: %s", i+1, r.Blocks)
		}
	}
	for _, want := range []string{"Senior Backend Engineer", "Asked by <@" + slacktest.DefaultUserID + ">", "Technical 3", "Behavioral 2"} {
		if !strings.Contains(unescapeJSON(parent.Blocks), want) {
			t.Errorf("parent lacks %q: %s", want, parent.Blocks)
		}
	}
	m := kitIDPattern.FindStringSubmatch(parent.Text)
	if m == nil {
		t.Fatalf("no kit id in %q", parent.Text)
	}
	id := m[1]

	list := h.slash("kit list").all()
	if !strings.Contains(list, "`"+id+"`") || !strings.Contains(list, "/archives/"+slacktest.DefaultChannelID) {
		t.Errorf("kit list lacks the kit or its link:\n%s", list)
	}

	// A restart keeps the kit.
	h.stop()
	h.start()
	if list := h.slash("kit list").all(); !strings.Contains(list, "`"+id+"`") {
		t.Errorf("after a restart kit list lacks %s:\n%s", id, list)
	}
	if show := h.slash("kit show " + id).all(); !strings.Contains(show, "0 👍") || questionLines(show) != 5 {
		t.Errorf("kit show:\n%s", show)
	}
	h.noProtocolErrors()
}

// TestEndToEndKitResumesAfterRestart: the kit's posting fails until the
// command gives up; a restarted bot finishes it without repeating a reply.
func TestEndToEndKitResumesAfterRestart(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	s.FailMethodAfter("chat.postMessage", 2, 3, "internal_error")
	h.slash("kit senior-backend")
	partial := h.count("only partly posted")
	waitFor(t, "the partial-post notice", func() bool { partial = h.count("only partly posted"); return partial > 0 })
	_, replies := kitMessages(t, s)
	if len(replies) != 1 {
		t.Fatalf("%d replies before the restart, want 1", len(replies))
	}

	h.stop()
	h.start()
	waitFor(t, "the resumed kit", func() bool {
		_, replies := kitMessages(t, s)
		return len(replies) >= 8
	})
	_, replies = kitMessages(t, s)
	if len(replies) != 8 {
		t.Errorf("%d replies, want 8 (5 technical + 3 behavioral)", len(replies))
	}
	seen := map[string]bool{}
	for _, r := range replies {
		q := questionOf(t, r)
		if seen[q] {
			t.Errorf("question %s posted twice", q)
		}
		seen[q] = true
	}
}
