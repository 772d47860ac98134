package handlers_test

import (
	"errors"
	"maps"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/slack-go/slack"
)

// sbeQuestion is a built-in question to vote on.
const sbeQuestion = "sbe-t01"

// openModal clicks 📝 Feedback on question id in message ts and returns the
// modal that opened.
func openModal(t *testing.T, e *env, user, id, ts string) slack.ModalViewRequest {
	t.Helper()
	n := len(e.slack.views)
	r, err := e.click(handlers.Action{UserID: user, ActionID: handlers.ActionFeedbackOpen, Value: id, MessageTS: ts, TriggerID: "trigger"})
	if err != nil || r.Message != nil || len(e.slack.views) != n+1 {
		t.Fatalf("feedback_open: reply %q, %v; %d modals opened", textOf(r.Message), err, len(e.slack.views)-n)
	}
	return e.slack.views[n]
}

// submit submits the feedback modal v with stars and notes.
func submit(t *testing.T, e *env, user string, v slack.ModalViewRequest, stars, notes string) (handlers.Reply, error) {
	t.Helper()
	values := map[string]map[string]string{}
	for _, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		var actionID string
		switch el := in.Element.(type) {
		case *slack.SelectBlockElement:
			actionID, values[in.BlockID] = el.ActionID, map[string]string{el.ActionID: stars}
		case *slack.PlainTextInputBlockElement:
			actionID, values[in.BlockID] = el.ActionID, map[string]string{el.ActionID: notes}
		}
		if actionID == "" {
			t.Fatalf("modal input %s has an element of type %T", in.BlockID, in.Element)
		}
	}
	return e.cmds.Submit(t.Context(), handlers.Submission{TeamID: "T1", UserID: user, CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata, Values: values})
}

// submitRating rates question id in message ts through the modal.
func submitRating(t *testing.T, e *env, user, id, ts string, stars int, notes string) {
	t.Helper()
	r, err := submit(t, e, user, openModal(t, e, user, id, ts), string(rune('0'+stars)), notes)
	if err != nil || len(r.Errors) > 0 {
		t.Fatalf("submit feedback: %v, %v", r.Errors, err)
	}
}

// TestVote: a vote counts once per user and message, a second click on the
// same button withdraws it, and a click whose payload names a question the
// bot did not post in that message of that channel stores nothing.
func TestVote(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustSlash("U1", "practice sbe technical")
	e.mustSlash("U1", "practice sbe technical")
	if len(e.slack.posts) != 2 {
		t.Fatalf("%d practice posts, want 2", len(e.slack.posts))
	}
	q1, q2 := questionOf(t, e.slack.posts[0]), questionOf(t, e.slack.posts[1])
	if q1 == q2 {
		t.Fatalf("practice posted %s twice in a row", q1)
	}
	const ts1, ts2 = "1700000000.000001", "1700000000.000002" // the fake's ts of the two posts
	const forged = "I didn't post that question in this message, so there is nothing to vote on."
	for _, tt := range []struct {
		user, action, question, channel, ts string
		want                                string
	}{
		{"U1", handlers.ActionRateUp, q1, "", ts1, "👍 Saved: you found this question useful. It now has 1 👍 and 0 👎 here. Click 👍 again to withdraw it"},
		{"U1", handlers.ActionRateUp, q1, "", ts1, "↩️ Withdrawn: your 👍 on this question is removed. It now has 0 👍 and 0 👎 here."},
		{"U1", handlers.ActionRateUp, q1, "", ts1, "👍 Saved: you found this question useful. It now has 1 👍 and 0 👎 here."},
		{"U1", handlers.ActionRateDown + ":suffix", q1, "", ts1, "👎 Saved: you found this question not useful. It now has 0 👍 and 1 👎 here. Click 👎 again to withdraw it"},
		{"U2", handlers.ActionRateUp, q1, "", ts1, "👍 Saved: you found this question useful. It now has 1 👍 and 1 👎 here."},
		{"U1", handlers.ActionRateDown, q1, "", ts1, "↩️ Withdrawn: your 👎 on this question is removed. It now has 1 👍 and 0 👎 here."},
		{"U2", handlers.ActionRateUp, q2, "", ts2, "It now has 1 👍 and 0 👎 here."},
		// Forged payloads: each names something the bot never posted.
		{"U3", handlers.ActionRateDown, q2, "", ts1, forged},
		{"U3", handlers.ActionRateDown, q1, "", "1700000000.000009", forged},
		{"U3", handlers.ActionRateDown, q1, "C2", ts1, forged},
		{"U3", handlers.ActionRateDown, q1, "", "", forged},
		{"U1", handlers.ActionRateUp, "sbe-nope", "", ts1, "That question no longer exists"},
		{"U1", handlers.ActionRateUp, "team-99", "", ts1, "That question no longer exists"},
	} {
		r, err := e.click(handlers.Action{UserID: tt.user, ActionID: tt.action, Value: tt.question, ChannelID: tt.channel, MessageTS: tt.ts})
		if err != nil {
			t.Errorf("%s %s on %s: %v", tt.user, tt.action, tt.question, err)
		}
		wants(t, tt.user+" "+tt.action+" on "+tt.question+" in "+tt.channel+" "+tt.ts, textOf(r.Message), tt.want)
	}
	fb, err := e.db.Feedback(t.Context(), "T1")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, f := range fb {
		got[f.QuestionID] = [2]int{f.Up, f.Down}
	}
	if want := map[string][2]int{q1: {1, 0}, q2: {1, 0}}; !maps.Equal(got, want) {
		t.Errorf("stored votes (up, down) %v, want %v", got, want)
	}
}

func TestFeedbackModal(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", handlers.MaxNotes)
	for _, tt := range []struct {
		name         string
		meta         func(string) string // changes the modal's metadata
		stars, notes string
		wantErr      bool
		want         map[string]string // block_id → error; nil: saved
	}{
		{name: "saved", stars: "4", notes: "  clear and fair  "},
		{name: "saved without notes", stars: "5"},
		{name: "notes at the limit", stars: "1", notes: long},
		{name: "no rating", want: map[string]string{"rating": "Choose a rating from 1 to 5."}},
		{name: "rating out of range", stars: "6", want: map[string]string{"rating": "Choose a rating from 1 to 5."}},
		{name: "notes too long", stars: "3", notes: long + "!", want: map[string]string{"notes": "Notes can be at most 3000 characters; these have 3001."}},
		{name: "notes with NUL", stars: "3", notes: "a\x00b", want: map[string]string{"notes": "The notes contain a NUL character; please remove it."}},
		{name: "notes not UTF-8", stars: "3", notes: "a\xffb", want: map[string]string{"notes": "The notes contain characters I can't store; please retype them."}},
		{name: "expired form", meta: func(string) string { return "{" }, stars: "3", wantErr: true,
			want: map[string]string{"rating": "This form has expired; close it and click 📝 Feedback again."}},
		{name: "question removed", meta: func(m string) string { return strings.Replace(m, sbeQuestion, "team-7", 1) }, stars: "3",
			want: map[string]string{"rating": "That question no longer exists, so the feedback can't be saved."}},
		{name: "message never posted", meta: func(m string) string { return strings.Replace(m, `"1.1"`, `"9.9"`, 1) }, stars: "3",
			want: map[string]string{"rating": "I didn't post that question in this message, so this feedback can't be saved. Close the form and click 📝 Feedback on the question."}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.recordPost(sbeQuestion, "1.1")
			v := openModal(t, e, "U1", sbeQuestion, "1.1")
			if v.CallbackID != handlers.CallbackFeedback {
				t.Errorf("callback_id %q, want %q", v.CallbackID, handlers.CallbackFeedback)
			}
			if tt.meta != nil {
				v.PrivateMetadata = tt.meta(v.PrivateMetadata)
			}
			r, err := submit(t, e, "U1", v, tt.stars, tt.notes)
			if (err != nil) != tt.wantErr {
				t.Errorf("error %v, want one: %v", err, tt.wantErr)
			}
			if r.Message != nil {
				t.Errorf("a modal is answered with errors or nothing, got %q", textOf(r.Message))
			}
			if tt.want != nil {
				if len(r.Errors) != len(tt.want) {
					t.Errorf("errors %v, want %v", r.Errors, tt.want)
				}
				for block, msg := range tt.want {
					if r.Errors[block] != msg {
						t.Errorf("error on %s = %q, want %q", block, r.Errors[block], msg)
					}
				}
				if len(e.slack.ephemerals) != 0 {
					t.Error("a refused rating was confirmed")
				}
				return
			}
			if len(r.Errors) > 0 {
				t.Fatalf("refused: %v", r.Errors)
			}
			if len(e.slack.ephemerals) != 1 || e.slack.ephemerals[0].Channel != "C1" {
				t.Fatalf("confirmations %+v, want one in C1", e.slack.ephemerals)
			}
			withNotes := map[bool]string{true: ", with notes", false: ""}[tt.notes != ""]
			wants(t, "confirmation", e.slack.ephemerals[0].Text, "Your feedback on `"+sbeQuestion+"` is saved ("+tt.stars+"★"+withNotes+").")
			wants(t, "summary", textOf(e.mustSlash("U2", "feedback").Message), "*1* rating · average *"+tt.stars+".0 / 5*")
		})
	}
}

func TestFeedbackModalOpen(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.recordPost(sbeQuestion, "1.1")
	for _, tt := range []struct{ question, ts, want string }{
		{"nope-1", "1.1", "That question no longer exists, so there is nothing to give feedback on."},
		{sbeQuestion, "2.2", "I didn't post that question in this message, so there is nothing to give feedback on."},
		{"sbe-t02", "1.1", "I didn't post that question in this message, so there is nothing to give feedback on."},
	} {
		r, err := e.click(handlers.Action{ActionID: handlers.ActionFeedbackOpen, Value: tt.question, MessageTS: tt.ts})
		if err != nil || len(e.slack.views) != 0 {
			t.Errorf("feedback on %s in %s: %v, %d modals", tt.question, tt.ts, err, len(e.slack.views))
		}
		wants(t, "reply on "+tt.question+" in "+tt.ts, textOf(r.Message), tt.want)
	}

	e.slack.viewErr = errors.New("views.open: expired_trigger_id")
	r, err := e.click(handlers.Action{ActionID: handlers.ActionFeedbackOpen, Value: sbeQuestion, MessageTS: "1.1"})
	if err == nil {
		t.Error("a modal that did not open: no error")
	}
	wants(t, "reply", textOf(r.Message), "I couldn't open the feedback form in time; please click 📝 Feedback again.")
}

// modalInitial is what the feedback modal v shows before the user types:
// the selected rating and the notes.
func modalInitial(v slack.ModalViewRequest) (stars, notes string) {
	for _, b := range v.Blocks.BlockSet {
		in, ok := b.(*slack.InputBlock)
		if !ok {
			continue
		}
		switch el := in.Element.(type) {
		case *slack.SelectBlockElement:
			if el.InitialOption != nil {
				stars = el.InitialOption.Value
			}
		case *slack.PlainTextInputBlockElement:
			notes = el.InitialValue
		}
	}
	return stars, notes
}

// TestFeedbackModalReopens: saving replaces the user's rating, so the form
// opens again with what they saved; another user's form starts empty.
func TestFeedbackModalReopens(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.recordPost(sbeQuestion, "1.1")
	if stars, notes := modalInitial(openModal(t, e, "U1", sbeQuestion, "1.1")); stars != "" || notes != "" {
		t.Errorf("a first form shows %q and %q", stars, notes)
	}
	submitRating(t, e, "U1", sbeQuestion, "1.1", 4, "Ask about <retries> & timeouts")
	if stars, notes := modalInitial(openModal(t, e, "U1", sbeQuestion, "1.1")); stars != "4" || notes != "Ask about <retries> & timeouts" {
		t.Errorf("the reopened form shows %q and %q, want 4 and the saved notes", stars, notes)
	}
	if stars, notes := modalInitial(openModal(t, e, "U2", sbeQuestion, "1.1")); stars != "" || notes != "" {
		t.Errorf("another user's form shows %q and %q", stars, notes)
	}
}

// TestFeedbackSummary: votes and ratings add up per team, and a role's
// summary holds only its questions.
func TestFeedbackSummary(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wants(t, "empty", textOf(e.mustSlash("U1", "feedback").Message), "Feedback — all roles", "No feedback yet.")
	e.mustSlash("U1", "add senior-backend technical How do you roll back a schema change?") // not an admin: refused
	e.mustSlash("U-ADMIN", "add senior-backend technical How do you roll back a schema change?")
	e.recordPost(sbeQuestion, "1.1")
	e.recordPost("team-1", "2.2")
	e.recordPost("ba-f01", "3.3")
	for _, a := range []handlers.Action{
		{UserID: "U1", ActionID: handlers.ActionRateUp, Value: sbeQuestion, MessageTS: "1.1"},
		{UserID: "U2", ActionID: handlers.ActionRateUp, Value: sbeQuestion, MessageTS: "1.1"},
		{UserID: "U1", ActionID: handlers.ActionRateDown, Value: "team-1", MessageTS: "2.2"},
		{UserID: "U1", ActionID: handlers.ActionRateUp, Value: "ba-f01", MessageTS: "3.3"},
	} {
		if _, err := e.click(a); err != nil {
			t.Fatal(err)
		}
	}
	submitRating(t, e, "U3", sbeQuestion, "1.1", 5, "")
	submitRating(t, e, "U3", "team-1", "2.2", 1, "vague")

	all := textOf(e.mustSlash("U1", "feedback").Message)
	wants(t, "all roles", all, "*2* ratings · average *3.0 / 5* · *3* 👍 · *1* 👎 · *1* note", "*Most useful*", "*Least useful*", "How do you roll back a schema change?",
		"(2 👍 0 👎 · 5.0★ from 1 rating)")
	sbe := textOf(e.mustSlash("U1", "feedback sbe").Message)
	wants(t, "senior-backend", sbe, "Feedback — Senior Backend Engineer", "*2* 👍 · *1* 👎")
	ba := textOf(e.mustSlash("U1", "feedback business-analyst").Message)
	wants(t, "business-analyst", ba, "*0* ratings · average *–* · *1* 👍 · *0* 👎")
	// A category narrows the summary to its questions.
	wants(t, "senior-backend technical", textOf(e.mustSlash("U1", "feedback sbe technical").Message),
		"Feedback — Senior Backend Engineer — Technical", "*2* ratings · average *3.0 / 5* · *2* 👍 · *1* 👎")
	wants(t, "senior-backend behavioral", textOf(e.mustSlash("U1", "feedback sbe behavioral").Message),
		"Feedback — Senior Backend Engineer — Behavioral", "No feedback yet.")

	// A removed question keeps its feedback, shown by id.
	e.mustSlash("U-ADMIN", "remove team-1")
	wants(t, "after removal", textOf(e.mustSlash("U1", "feedback").Message), "(removed question team-1)")
}

// TestFeedbackStoreDown: without the database nothing is claimed saved,
// the 📝 form on a built-in question still opens (saying it can't show
// earlier feedback; Save checks the post again), and a modal stays open
// with the user's text. Each failure is returned for the log.
func TestFeedbackStoreDown(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, downStore(t))
	r, err := e.click(handlers.Action{ActionID: handlers.ActionRateUp, Value: sbeQuestion, MessageTS: "1.1"})
	if err == nil {
		t.Error("vote without a database: no error")
	}
	wants(t, "vote", textOf(r.Message), "⚠️ Your vote was NOT saved")
	r, err = e.click(handlers.Action{ActionID: handlers.ActionRateUp, Value: "team-1", MessageTS: "1.1"})
	if err == nil {
		t.Error("vote on a team question without a database: no error")
	}
	wants(t, "team vote", textOf(r.Message), "⚠️ Your vote was NOT saved")
	r, err = e.click(handlers.Action{ActionID: handlers.ActionFeedbackOpen, Value: "team-1", MessageTS: "1.1"})
	if err == nil {
		t.Error("feedback form on a team question without a database: no error")
	}
	wants(t, "open", textOf(r.Message), "⚠️ I can't open the feedback form")
	if len(e.slack.views) != 0 {
		t.Fatalf("%d modals opened on a team question without a database", len(e.slack.views))
	}

	r, err = e.click(handlers.Action{ActionID: handlers.ActionFeedbackOpen, Value: sbeQuestion, MessageTS: "1.1", TriggerID: "trigger"})
	if err == nil {
		t.Error("feedback form without a database: no error for the log")
	}
	if r.Message != nil || len(e.slack.views) != 1 {
		t.Fatalf("feedback form without a database: reply %q, %d modals; want the form open", textOf(r.Message), len(e.slack.views))
	}
	v := e.slack.views[0]
	wants(t, "form", textOf(&handlers.Message{Blocks: v.Blocks.BlockSet}), "⚠️ I can't read your earlier feedback on this question right now. Saving replaces it, if you gave any.")
	r, err = submit(t, e, "U1", v, "4", "my notes")
	if err == nil {
		t.Error("submit without a database: no error")
	}
	if got := r.Errors["notes"]; !strings.HasPrefix(got, "NOT saved") || !strings.Contains(got, "Your text stays here") {
		t.Errorf("submit without a database: errors %v", r.Errors)
	}
	if len(e.slack.ephemerals) != 0 {
		t.Error("a rating was confirmed without a database")
	}
	r, err = e.slash("U1", "feedback")
	if err == nil {
		t.Error("summary without a database: no error")
	}
	wants(t, "summary", textOf(r.Message), "⚠️ I can't read the feedback right now")
}
