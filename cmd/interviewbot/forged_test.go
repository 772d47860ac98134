package main

import (
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

// notPostedAnswer is the start of the answer to a click that names a
// question the bot never posted in that message.
const notPostedAnswer = "I didn't post that question in this message"

// clickIn clicks actionID with value on message ts of channel and waits
// until the bot answered with a text containing want.
func (h *harness) clickIn(channel, actionID, value, ts, want string) {
	h.t.Helper()
	before := h.count(want)
	if _, err := h.slack.BlockAction(h.ctx(), slacktest.Action{ActionID: actionID, Value: value, MessageTS: ts, ChannelID: channel}); err != nil {
		h.t.Fatalf("click %s: %v", actionID, err)
	}
	waitFor(h.t, "the answer to "+actionID, func() bool { return h.count(want) > before })
}

// TestEndToEndForgedVotes: a block_actions payload names the channel, the
// message and (in the button's value) the question, and any of them can be
// forged. A vote, a feedback form or a rating counts only for a question
// the bot posted in that message of that channel; practice posts, daily
// posts and kit replies all qualify.
func TestEndToEndForgedVotes(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	db := h.db()

	h.slash("practice senior-backend technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	q := questionOf(t, post)
	other := "sbe-t01"
	if q == other {
		other = "sbe-t02"
	}
	const ch = slacktest.DefaultChannelID

	// Another real question on a real post; a real question on a message
	// the bot never posted; the real pair in another channel.
	h.clickIn(ch, "rate_up", other, post.TS, notPostedAnswer)
	h.clickIn(ch, "rate_down", q, "1600000000.000001", notPostedAnswer)
	h.clickIn("C0ELSEWHERE", "rate_up", q, post.TS, notPostedAnswer)
	views := len(s.Views())
	h.clickIn(ch, "feedback_open", other, post.TS, notPostedAnswer)
	if n := len(s.Views()); n != views {
		t.Errorf("a forged 📝 click opened %d modals", n-views)
	}
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{CallbackID: "feedback_submit",
		PrivateMetadata: `{"q":"` + other + `","c":"` + ch + `","ts":"` + post.TS + `"}`,
		Values:          map[string]map[string]slacktest.ViewValue{"rating": {"stars": {Type: "static_select", SelectedOption: "1"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ack.Payload), `"response_action":"errors"`) {
		t.Errorf("a rating with forged metadata was accepted: %s", ack.Payload)
	}
	var n int
	if err := db.Get(&n, `SELECT (SELECT count(*) FROM votes) + (SELECT count(*) FROM ratings)`); err != nil || n != 0 {
		t.Errorf("forged clicks stored %d votes and ratings (%v)", n, err)
	}

	// The genuine click still counts, on every kind of question post.
	h.vote("rate_up", q, post.TS, "Saved: you found this question useful")
	h.slash("kit senior-backend technical 1")
	waitFor(t, "the kit's reply", func() bool { _, replies := kitMessages(t, s); return len(replies) == 1 })
	_, replies := kitMessages(t, s)
	h.vote("rate_up", questionOf(t, replies[0]), replies[0].TS, "Saved: you found this question useful")
	h.slash("daily senior-backend behavioral")
	h.slash("daily now")
	daily := h.posted(func(m slacktest.Message) bool { return strings.Contains(m.Text, "Daily question") })
	h.vote("rate_down", questionOf(t, daily), daily.TS, "Saved: you found this question not useful")
	h.openFeedback(q, post.TS)
	if err := db.Get(&n, `SELECT count(*) FROM votes`); err != nil || n != 3 {
		t.Errorf("%d genuine votes stored (%v), want 3", n, err)
	}
	h.noProtocolErrors()
}
