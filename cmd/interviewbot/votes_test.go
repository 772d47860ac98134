package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

// modalInitial reads the initial values of the feedback modal's rating and
// notes from a view as Slack received it.
func modalInitial(t *testing.T, view json.RawMessage) (stars, notes string) {
	t.Helper()
	var v struct {
		Blocks []struct {
			BlockID string `json:"block_id"`
			Element struct {
				InitialOption *struct {
					Value string `json:"value"`
				} `json:"initial_option"`
				InitialValue string `json:"initial_value"`
			} `json:"element"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(view, &v); err != nil {
		t.Fatal(err)
	}
	for _, b := range v.Blocks {
		switch b.BlockID {
		case "rating":
			if b.Element.InitialOption != nil {
				stars = b.Element.InitialOption.Value
			}
		case "notes":
			notes = b.Element.InitialValue
		}
	}
	return stars, notes
}

// TestEndToEndFeedbackReopened: opening 📝 again shows the user's saved
// rating and notes, so that saving again edits them instead of silently
// replacing them with an empty form's; another user's form starts empty.
func TestEndToEndFeedbackReopened(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	db := h.db()

	h.slash("practice senior-backend technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "feedback_open") })
	q := questionOf(t, post)

	h.openFeedback(q, post.TS)
	if stars, notes := modalInitial(t, s.Views()[len(s.Views())-1].View); stars != "" || notes != "" {
		t.Errorf("a first form shows %q and %q", stars, notes)
	}
	const notes = "Good follow-ups on <!here> & retries.\nAsk about idempotency keys."
	if ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "4"}},
		"notes":  {"notes": {Value: notes}},
	}}); err != nil || len(ack.Payload) > 0 {
		t.Fatalf("submission: %s, %v", ack.Payload, err)
	}
	waitFor(t, "the rating", func() bool {
		var n int
		return db.Get(&n, `SELECT count(*) FROM ratings`) == nil && n == 1
	})

	h.openFeedback(q, post.TS)
	if stars, got := modalInitial(t, s.Views()[len(s.Views())-1].View); stars != "4" || got != notes {
		t.Errorf("the reopened form shows %q and %q, want 4 and %q", stars, got, notes)
	}
	if ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "2"}},
		"notes":  {"notes": {Value: notes + " Too long for 45 minutes."}},
	}}); err != nil || len(ack.Payload) > 0 {
		t.Fatalf("second submission: %s, %v", ack.Payload, err)
	}
	var stored struct {
		Stars int    `db:"stars"`
		Notes string `db:"notes"`
	}
	waitFor(t, "the edited rating", func() bool {
		return db.Get(&stored, `SELECT stars, notes FROM ratings`) == nil && stored.Stars == 2
	})
	if stored.Notes != notes+" Too long for 45 minutes." {
		t.Errorf("notes after the edit: %q", stored.Notes)
	}

	// Another user sees their own (empty) form, not the first user's notes.
	n := len(s.Views())
	if _, err := s.BlockAction(h.ctx(), slacktest.Action{UserID: "UOTHER", ActionID: "feedback_open", Value: q, MessageTS: post.TS, ChannelID: slacktest.DefaultChannelID}); err != nil {
		t.Fatal(err)
	}
	views, err := s.WaitViews(h.ctx(), n+1)
	if err != nil {
		t.Fatal(err)
	}
	if stars, got := modalInitial(t, views[n].View); stars != "" || got != "" {
		t.Errorf("another user's form shows %q and %q", stars, got)
	}
	h.noProtocolErrors()
}

// questionText returns the text of the question a post carries, as the
// summary shows it.
func questionText(t *testing.T, m slacktest.Message) string {
	t.Helper()
	_, text, ok := strings.Cut(m.Text, ": ")
	if !ok {
		t.Fatalf("post text %q names no question", m.Text)
	}
	return text
}

// TestEndToEndFeedbackByCategory: `feedback <role> <category>` sums up only
// that category's questions, and says which.
func TestEndToEndFeedbackByCategory(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	h.slash("practice senior-backend technical")
	tech := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	h.vote("rate_up", questionOf(t, tech), tech.TS, "Saved")
	h.slash("practice senior-backend behavioral")
	beh := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") && m.TS != tech.TS })
	h.vote("rate_down", questionOf(t, beh), beh.TS, "Saved")

	all := h.slash("feedback senior-backend").all()
	if !contains(all, "*1* 👍 · *1* 👎", questionText(t, tech), questionText(t, beh)) {
		t.Errorf("feedback senior-backend:\n%s", all)
	}
	got := h.slash("feedback sbe tech").all()
	if !contains(got, "Senior Backend Engineer — Technical", "*1* 👍 · *0* 👎", questionText(t, tech)) || strings.Contains(got, questionText(t, beh)) {
		t.Errorf("feedback sbe tech:\n%s", got)
	}
	if got := h.slash("feedback sbe leadership").all(); !contains(got, "No feedback yet") {
		t.Errorf("feedback on a category without any:\n%s", got)
	}
	h.noProtocolErrors()
}
