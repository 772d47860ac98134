package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

// practiceUser practises privately; Berlin is their Slack time zone.
const practiceUser = "U0PRACT"

// dmsTo returns the chat.postMessage calls that went to user's DM.
func dmsTo(s *slacktest.Server, user string) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range s.Messages() {
		if m.Method == "chat.postMessage" && m.Channel == slacktest.DMChannel(user) {
			out = append(out, m)
		}
	}
	return out
}

// waitDMs waits until user's DM holds n messages and returns them.
func (h *harness) waitDMs(user string, n int) []slacktest.Message {
	h.t.Helper()
	var dms []slacktest.Message
	_, err := h.slack.WaitMessages(h.ctx(), func([]slacktest.Message) bool {
		dms = dmsTo(h.slack, user)
		return len(dms) >= n
	})
	if err != nil {
		h.t.Fatalf("waiting for %d DMs to %s (have %d): %v", n, user, len(dms), err)
	}
	return dms
}

// selfCheckValue is the question id on a DM's selfcheck_open button.
func selfCheckValue(t *testing.T, m slacktest.Message) string {
	t.Helper()
	var blocks []json.RawMessage
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	return buttonValue(t, blocks, "selfcheck_open")
}

// noPublicMessages fails the test if anything the bot said could be seen
// by someone else: a post outside a DM, or an in-channel answer.
func (h *harness) noPublicMessages() {
	h.t.Helper()
	for _, m := range h.slack.Messages() {
		switch {
		case m.Method == "chat.postMessage" && !strings.HasPrefix(m.Channel, "D"):
			h.t.Errorf("public post in %s: %s", m.Channel, m.Text)
		case m.ResponseType == "in_channel":
			h.t.Errorf("in-channel answer via %s: %s", m.Method, m.Text)
		}
	}
}

// TestEndToEndPracticeMe runs the private practice loop through the real
// bot: practice me answers only in the DM, a self-check with 1 of N points
// answers "1 of N", a second practice me that day brings another
// question, `me` and the App Home show the streak and Practise now, and
// forget me leaves nothing practised. No question id or score reaches the
// logs or the metrics.
func TestEndToEndPracticeMe(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	s.AddUser(slacktest.User{ID: practiceUser, Name: "ada", TZ: "Europe/Berlin", TZOffset: 3600})
	h := startBot(t, s)
	db := h.db()
	as := asUser(practiceUser)

	first := h.slash("practice me", as)
	if !strings.Contains(first.all(), "Which role") || len(dmsTo(s, practiceUser)) != 0 {
		t.Errorf("practice me without a role: %s", first.all())
	}
	a := h.slash("practice me senior-backend technical", as)
	if a.ResponseType != "ephemeral" || !strings.Contains(a.all(), "Sent to your DM") {
		t.Errorf("practice me answered %q: %s", a.ResponseType, a.all())
	}
	dm := h.waitDMs(practiceUser, 1)[0]
	q1 := selfCheckValue(t, dm)

	// The self-check modal, opened from the DM, with one point ticked.
	if _, err := s.BlockAction(h.ctx(), slacktest.Action{UserID: practiceUser, ChannelID: dm.Channel, MessageTS: dm.TS, ActionID: "selfcheck_open"}); err != nil {
		t.Fatal(err)
	}
	views, err := s.WaitViews(h.ctx(), 1)
	if err != nil {
		t.Fatalf("no self-check modal: %v", err)
	}
	var modal struct {
		CallbackID string `json:"callback_id"`
		Blocks     []struct {
			BlockID string `json:"block_id"`
			Element struct {
				Type    string `json:"type"`
				Options []struct {
					Value string `json:"value"`
				} `json:"options"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(views[0].View, &modal); err != nil {
		t.Fatal(err)
	}
	points := -1
	for _, b := range modal.Blocks {
		if b.BlockID == "covered" && b.Element.Type == "checkboxes" {
			points = len(b.Element.Options)
		}
	}
	if modal.CallbackID != "selfcheck_submit" || points < 2 {
		t.Fatalf("self-check modal %s: %s", modal.CallbackID, views[0].View)
	}
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{UserID: practiceUser, Values: map[string]map[string]slacktest.ViewValue{
		"covered": {"covered": {Type: "checkboxes", SelectedOptions: []string{"1"}}},
		"note":    {"note": {Value: "mention the outbox"}},
	}})
	if err != nil || strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("self-check refused: %s, %v", ack.Payload, err)
	}
	result := h.waitDMs(practiceUser, 2)[1]
	if want := fmt.Sprintf("1 of %d", points); !strings.Contains(result.Text+unescapeJSON(result.Blocks), want) {
		t.Errorf("self-check answer lacks %q: %s", want, result.Blocks)
	}

	h.slash("practice me", as)
	second := h.waitDMs(practiceUser, 3)[2]
	if q2 := selfCheckValue(t, second); q2 == q1 {
		t.Errorf("the second practice me of the day sent %s again", q1)
	}

	me := h.slash("me", as)
	for _, want := range []string{"*1 question* practised", "Streak: *1 day*", `"action_id":"practice_private"`} {
		if !strings.Contains(me.all(), want) {
			t.Errorf("me lacks %q: %s", want, me.all())
		}
	}
	if me.ResponseType != "ephemeral" {
		t.Errorf("me answered %q", me.ResponseType)
	}

	// Opening the Messages tab publishes nothing; opening the App Home
	// publishes the same as me.
	messagesTab := fmt.Sprintf(`{"type":"app_home_opened","user":%q,"channel":%q,"tab":"messages","event_ts":"1762000000.000099"}`, practiceUser, slacktest.DMChannel(practiceUser))
	if _, err := s.EventCallback(h.ctx(), json.RawMessage(messagesTab)); err != nil {
		t.Fatal(err)
	}
	event := fmt.Sprintf(`{"type":"app_home_opened","user":%q,"channel":%q,"tab":"home","event_ts":"1762000000.000100"}`, practiceUser, slacktest.DMChannel(practiceUser))
	if _, err := s.EventCallback(h.ctx(), json.RawMessage(event)); err != nil {
		t.Fatal(err)
	}
	var home slacktest.View
	waitFor(t, "the App Home", func() bool {
		for _, v := range s.Views() {
			if v.Method == "views.publish" && v.UserID == practiceUser {
				home = v
				return true
			}
		}
		return false
	})
	if n := s.Calls("views.publish"); n != 1 {
		t.Errorf("views.publish called %d times, want once (not for the Messages tab)", n)
	}
	for _, want := range []string{`"type":"home"`, "Streak: *1 day*", `"action_id":"practice_private"`} {
		if !strings.Contains(unescapeJSON(home.View), want) {
			t.Errorf("App Home lacks %q: %s", want, home.View)
		}
	}
	// Practise now on the App Home sends the next question to the DM.
	if _, err := s.BlockAction(h.ctx(), slacktest.Action{UserID: practiceUser, ViewID: home.ID, ActionID: "practice_private"}); err != nil {
		t.Fatal(err)
	}
	third := h.waitDMs(practiceUser, 4)[3]
	if q3 := selfCheckValue(t, third); q3 == q1 || q3 == selfCheckValue(t, second) {
		t.Errorf("Practise now sent %s, already sent today", q3)
	}

	// The click is acked before it is handled: wait until its send is
	// recorded, as a person would before asking to be forgotten.
	waitFor(t, "the third send recorded", func() bool {
		var n int
		return db.Get(&n, `SELECT count(*) FROM practice_sends`) == nil && n == 3
	})

	// forget me, confirmed, then me shows nothing practised.
	prompt := h.slash("forget me", as)
	if !strings.Contains(prompt.all(), `"action_id":"forget_confirm"`) {
		t.Fatalf("forget me: %s", prompt.all())
	}
	before := h.count("I erased")
	if _, err := s.BlockAction(h.ctx(), slacktest.Action{UserID: practiceUser, IsEphemeral: true, ActionID: "forget_confirm", Value: "me"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the answer to forget_confirm", func() bool { return h.count("I erased") > before })
	after := h.slash("me", as)
	if !strings.Contains(after.all(), "*0 questions* practised") || !strings.Contains(after.all(), "Streak: *0 days*") {
		t.Errorf("me after forget me: %s", after.all())
	}
	var left int
	if err := db.Get(&left, `SELECT (SELECT count(*) FROM self_checks) + (SELECT count(*) FROM practice_sends) + (SELECT count(*) FROM practice_profiles)`); err != nil || left != 0 {
		t.Errorf("rows left after forget me: %d, %v", left, err)
	}

	h.noPublicMessages()
	h.noProtocolErrors()
	// Practice history stays out of the logs and the metrics.
	resp, err := http.Get("http://" + h.http + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, q := range []string{q1, selfCheckValue(t, second), selfCheckValue(t, third)} {
		if strings.Contains(h.logs.String(), q) || strings.Contains(string(metrics), q) {
			t.Errorf("question id %s appears in the logs or metrics", q)
		}
	}
	if strings.Contains(h.logs.String(), "outbox") || strings.Contains(h.logs.String(), fmt.Sprintf("1 of %d", points)) {
		t.Error("the self-check reached the logs")
	}
}

// TestEndToEndDailyMe schedules a personal daily question through the bot
// and runs the scheduler's tick over a day with two replicas: exactly one
// question reaches the user's DM, at the user's time.
func TestEndToEndDailyMe(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	s.AddUser(slacktest.User{ID: practiceUser, Name: "ada", TZ: "America/New_York", TZOffset: -5 * 3600})
	h := startBot(t, s)

	a := h.slash("daily me senior-backend behavioral at 7:30", asUser(practiceUser))
	if a.ResponseType != "ephemeral" || !strings.Contains(a.all(), "07:30 America/New_York") {
		t.Fatalf("daily me answered %q: %s", a.ResponseType, a.all())
	}
	var id int64
	if err := h.db().Get(&id, `SELECT id FROM personal_schedules WHERE user_id = $1`, practiceUser); err != nil {
		t.Fatal(err)
	}
	// Created now; let the ticks start tomorrow, New York time.
	if _, err := h.db().Exec(`UPDATE personal_schedules SET created_at = '2026-11-01T00:00:00Z' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	clock := &fakeClock{}
	ny := mustLocation(t, "America/New_York")
	start := time.Date(2026, 11, 3, 0, 0, 0, 0, ny) // a Tuesday
	clock.Set(start)
	rs := []replica{newReplica(t, h.dsn, s, clock, "replica-1", log), newReplica(t, h.dsn, s, clock, "replica-2", log)}
	for now := start; now.Before(start.Add(24 * time.Hour)); now = now.Add(5 * time.Minute) {
		clock.Set(now)
		tickAll(rs, now)
	}
	dms := dmsTo(s, practiceUser)
	if len(dms) != 1 {
		t.Fatalf("%d personal daily questions in one day, want 1", len(dms))
	}
	var sentAt time.Time
	if err := h.db().Get(&sentAt, `SELECT sent_at FROM practice_sends WHERE user_id = $1 AND source = 'daily'`, practiceUser); err != nil {
		t.Fatal(err)
	}
	if got := sentAt.In(ny).Format("15:04"); got != "07:30" {
		t.Errorf("sent at %s New York time, want 07:30", got)
	}
	if !strings.Contains(unescapeJSON(dms[0].Blocks), "Your daily question") {
		t.Errorf("daily DM: %s", dms[0].Blocks)
	}
	h.noPublicMessages()
	h.noProtocolErrors()
}
