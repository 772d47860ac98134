package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

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

// rawAction sends a block_actions envelope built by hand, as a forger
// would: it names channel and carries no response_url.
func rawAction(t *testing.T, s *slacktest.Server, channel, actionID, value string) {
	t.Helper()
	id := "raw-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + time.Now().Format("150405.000000000")
	frame, err := json.Marshal(map[string]any{
		"envelope_id": id, "type": "interactive", "accepts_response_payload": false,
		"payload": map[string]any{
			"type":       "block_actions",
			"team":       map[string]any{"id": "T0TEST"},
			"user":       map[string]any{"id": slacktest.DefaultUserID, "team_id": "T0TEST"},
			"api_app_id": "A0TEST",
			"trigger_id": "1.2.raw",
			"container":  map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": channel},
			"channel":    map[string]any{"id": channel},
			"actions": []any{map[string]any{
				"type": "button", "action_id": actionID, "block_id": "list", "value": value,
				"text": map[string]any{"type": "plain_text", "text": "Share in channel"}, "action_ts": "1700000000.000200",
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.SendRaw(ctx, frame); err != nil {
		t.Fatal(err)
	}
	for !slices.ContainsFunc(s.Acks(), func(a slacktest.Ack) bool { return a.EnvelopeID == id }) {
		select {
		case <-ctx.Done():
			t.Fatalf("raw envelope %s not acked", id)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// TestEndToEndShareListForged: share_list answers through the click's
// response_url, which Slack ties to the conversation where the list was
// asked for. A payload without one, naming any channel, is refused: the
// bot posts nothing there, and the clicker is told why.
func TestEndToEndShareListForged(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	const target = "C0SECRET"
	rawAction(t, s, target, "share_list", "senior-backend/technical/1")
	waitFor(t, "the refusal", func() bool { return h.count("I can only share a list where you asked for it") > 0 })
	for _, m := range s.Messages() {
		if m.Method == "chat.postMessage" {
			t.Errorf("a forged share posted to %s: %s", m.Channel, m.Text)
		}
	}

	// The genuine share, through the response_url, still works.
	list := h.slash("senior-backend technical")
	before := len(s.Messages())
	h.click("share_list", buttonValue(t, list.Blocks, "share_list"), "")
	waitFor(t, "the shared list", func() bool {
		for _, m := range s.Messages()[before:] {
			if m.Method == "response_url" && strings.Contains(unescapeJSON(m.Blocks), "Shared by <@"+slacktest.DefaultUserID+">") {
				return true
			}
		}
		return false
	})
	h.noProtocolErrors()
}
