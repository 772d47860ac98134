package main

import (
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

func TestEndToEndFeedback(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	h.slash("practice senior-backend technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up", "rate_down", "feedback_open") })
	q := questionOf(t, post)

	db := h.db()
	h.vote("rate_up", q, post.TS, "1 👍 and 0 👎")
	// The same button again withdraws the vote, and says so.
	h.vote("rate_up", q, post.TS, "Withdrawn: your 👍 on this question is removed. It now has 0 👍 and 0 👎 here.")
	var n int
	if err := db.Get(&n, `SELECT count(*) FROM votes WHERE question_id = $1`, q); err != nil || n != 0 {
		t.Errorf("after withdrawing, %d votes are stored (%v)", n, err)
	}
	h.vote("rate_up", q, post.TS, "1 👍 and 0 👎")
	h.vote("rate_down", q, post.TS, "0 👍 and 1 👎")
	var votes []struct {
		Value int `db:"value"`
	}
	waitFor(t, "one vote of -1", func() bool {
		votes = nil
		db.Select(&votes, `SELECT value FROM votes WHERE question_id = $1 AND message_ts = $2`, q, post.TS)
		return len(votes) == 1 && votes[0].Value == -1
	})

	// The feedback modal, opened with the click's trigger_id, then submitted.
	h.click("feedback_open", q, post.TS)
	views, err := s.WaitViews(h.ctx(), 1)
	if err != nil {
		t.Fatalf("no modal opened: %v", err)
	}
	if !strings.Contains(string(views[0].View), `"callback_id":"feedback_submit"`) {
		t.Fatalf("modal: %s", views[0].View)
	}
	notes := "Great question; ask about <!channel> & idempotency 🙂"
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "4"}},
		"notes":  {"notes": {Value: notes}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ack.Payload) > 0 && strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("submission refused: %s", ack.Payload)
	}
	var stored struct {
		Stars int    `db:"stars"`
		Notes string `db:"notes"`
	}
	waitFor(t, "the rating", func() bool {
		return db.Get(&stored, `SELECT stars, notes FROM ratings WHERE question_id = $1`, q) == nil
	})
	if stored.Stars != 4 || stored.Notes != notes {
		t.Errorf("stored %+v", stored)
	}

	// A rating out of range keeps the modal open with an error on its input.
	h.click("feedback_open", q, post.TS)
	if _, err := s.WaitViews(h.ctx(), 2); err != nil {
		t.Fatal(err)
	}
	ack, err = s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "9"}},
	}})
	if err != nil || !strings.Contains(string(ack.Payload), `"response_action":"errors"`) {
		t.Errorf("bad rating: ack %s, %v", ack.Payload, err)
	}

	summary := h.slash("feedback senior-backend").all()
	for _, want := range []string{"*1* rating ·", "average *4.0 / 5*", "*0* 👍", "*1* 👎", "*1* note"} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	h.noProtocolErrors()
}

// TestEndToEndDatabaseDown stops Postgres (a proxy the test owns) under the
// running bot: bank commands keep working, a vote is refused with a clear
// "NOT saved", and once the database is back the bot recovers by itself.
func TestEndToEndDatabaseDown(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h, proxy := startProxiedBot(t, s)

	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	q := questionOf(t, post)

	proxy.Stop()
	start := time.Now()
	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("with the database down the list has %d questions, want 25", n)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("list took %v with the database down", d)
	}
	h.vote("rate_up", q, post.TS, "NOT saved")
	if ready(h) {
		t.Error("/readyz says ready with the database down")
	}

	proxy.Start()
	waitFor(t, "readiness after the database is back", func() bool { return ready(h) })
	h.vote("rate_up", q, post.TS, "Saved: you found this question useful")
	var n int
	if err := h.db().Get(&n, `SELECT count(*) FROM votes WHERE question_id = $1 AND value = 1`, q); err != nil || n != 1 {
		t.Errorf("votes after recovery: %d, %v", n, err)
	}
}
