package handlers_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
)

// TestListPaging: a category too long for one message is paged; the
// paging buttons replace the list, a role card's button adds one.
func TestListPaging(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for i := range 10 {
		e.mustSlash("U-ADMIN", fmt.Sprintf("add sbe technical Team question number %d?", i+1))
	}
	first := e.mustSlash("U1", "senior-backend technical")
	wants(t, "page 1", textOf(first.Message), "Senior Backend Engineer — Technical (35)", "Page 1 of 2")
	b := buttons(*first.Message)
	if b[handlers.ActionShareList] != "senior-backend/technical/1" || b["show_category:technical:2"] != "senior-backend/technical/2" {
		t.Fatalf("page 1 buttons %v", b)
	}
	for _, tt := range []struct {
		actionID, value string
		replace         bool
		want            string
		share           string // the value of the Share button: the page shown
	}{
		{"show_category:technical:2", "senior-backend/technical/2", true, "Page 2 of 2", "senior-backend/technical/2"},
		{"show_category:technical:1", "senior-backend/technical/1", true, "Page 1 of 2", "senior-backend/technical/1"},
		{"show_category:technical", "senior-backend/technical", false, "Page 1 of 2", "senior-backend/technical/1"},
		// A page past the end (a stale or forged value) is the last page.
		{"show_category:technical:9", "senior-backend/technical/9", true, "Page 2 of 2", "senior-backend/technical/2"},
	} {
		r, err := e.click(handlers.Action{ActionID: tt.actionID, Value: tt.value})
		if err != nil {
			t.Fatal(err)
		}
		if r.Message == nil || r.Message.ReplaceOriginal != tt.replace {
			t.Errorf("%s: replace %v, want %v", tt.actionID, r.Message != nil && r.Message.ReplaceOriginal, tt.replace)
		}
		wants(t, tt.actionID, textOf(r.Message), tt.want)
		if r.Message != nil {
			if got := buttons(*r.Message)[handlers.ActionShareList]; got != tt.share {
				t.Errorf("%s: Share button %q, want %q", tt.actionID, got, tt.share)
			}
		}
	}
	// The last page offers the way back and nothing past it.
	last, err := e.click(handlers.Action{ActionID: "show_category:technical:9", Value: "senior-backend/technical/9"})
	if err != nil {
		t.Fatal(err)
	}
	wants(t, "last page", textOf(last.Message), "35. Team question number 10?")
	if b := buttons(*last.Message); b["show_category:technical:1"] != "senior-backend/technical/1" || b["show_category:technical:3"] != "" {
		t.Errorf("last page buttons %v", b)
	}
	// The role card's buttons open the lists.
	card := e.mustSlash("U1", "sbe")
	if got := buttons(*card.Message)["show_category:technical"]; got != "senior-backend/technical" {
		t.Errorf("role card's technical button has value %q", got)
	}
}

func TestStaleButtons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tt := range []struct{ actionID, value string }{
		{handlers.ActionShowCategory, "senior-backend"},
		{handlers.ActionShowCategory, "senior-backend/nope"},
		{handlers.ActionShowCategory, "nope/technical"},
		{handlers.ActionShowCategory, "senior-backend/technical/0"},
		{handlers.ActionShowCategory, "senior-backend/technical/x"},
		{handlers.ActionShowCategory, "senior-backend/technical/1/2"},
		{handlers.ActionShareList, "nope/technical/1"},
		{handlers.ActionShowGuidance, "sbe-nope"},
		{handlers.ActionShowGuidance, "team-5"},
	} {
		r, err := e.click(handlers.Action{ActionID: tt.actionID, Value: tt.value, ResponseURL: "https://hooks.example/r"})
		if err != nil {
			t.Errorf("%s %q: %v", tt.actionID, tt.value, err)
		}
		wants(t, tt.actionID+" "+tt.value, textOf(r.Message), "That button refers to something I no longer have; run the command again.")
	}
	r, err := e.click(handlers.Action{ActionID: "retired_button", Value: "x"})
	if err != nil {
		t.Error(err)
	}
	wants(t, "unknown button", textOf(r.Message), "That button isn't one I know any more")
	if r, err := e.cmds.Submit(t.Context(), handlers.Submission{TeamID: "T1", UserID: "U1", CallbackID: "retired_modal"}); err != nil || r.Message != nil || r.Errors != nil {
		t.Errorf("unknown modal: %+v, %v; want it closed quietly", r, err)
	}
	if len(e.slack.posts)+len(e.slack.responds) != 0 {
		t.Error("a stale button posted something")
	}
}

// TestShareList posts the list to the channel, attributed, through the
// response_url only: Slack ties it to the conversation where the list was
// asked for, so it works where the bot is not a member, and a click
// without one (the payload's channel is only a claim) is refused.
func TestShareList(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name        string
		responseURL string
		respondErr  error
		postErr     error
		wantErr     bool
		want        string // in the reply; "" for none, and the list shared
	}{
		{name: "response_url", responseURL: "https://hooks.example/r"},
		{name: "not in the channel", responseURL: "https://hooks.example/r", postErr: fmt.Errorf("%w (not_in_channel)", handlers.ErrChannelUnavailable)},
		{name: "no response_url", responseURL: "", want: "I can only share a list where you asked for it. Run `/interview senior-backend behavioral` in the channel and click *Share in channel* there."},
		{name: "response_url fails", responseURL: "https://hooks.example/r", respondErr: errors.New("404"), wantErr: true,
			want: "⚠️ I couldn't share the list in this channel. Please try again in a minute."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.slack.respondErr, e.slack.fail = tt.respondErr, tt.postErr
			r, err := e.click(handlers.Action{UserID: "U7", ActionID: handlers.ActionShareList, Value: "senior-backend/behavioral/1", ResponseURL: tt.responseURL})
			if (err != nil) != tt.wantErr {
				t.Errorf("error %v, want one: %v", err, tt.wantErr)
			}
			if e.slack.attempts != 0 {
				t.Errorf("%d chat.postMessage calls; a list is shared only through the response_url", e.slack.attempts)
			}
			if tt.want != "" {
				wants(t, "reply", textOf(r.Message), tt.want)
				if len(e.slack.responds) != 0 {
					t.Errorf("%d messages shared, want none", len(e.slack.responds))
				}
				return
			}
			if r.Message != nil {
				t.Errorf("reply %q, want none", textOf(r.Message))
			}
			if len(e.slack.responds) != 1 {
				t.Fatalf("%d messages shared, want 1", len(e.slack.responds))
			}
			m := e.slack.responds[0]
			if !m.InChannel {
				t.Error("the list was shared only to its reader")
			}
			wants(t, "shared list", textOf(&m), "Senior Backend Engineer — Behavioral (25)", "Shared by <@U7> · `/interview senior-backend behavioral`")
			if len(buttons(m)) != 0 {
				t.Errorf("the shared list has buttons: %v", buttons(m))
			}
		})
	}
}

// TestShowGuidance: a question's guidance opens with its category's note,
// what every answer in the category needs, before the question's points.
func TestShowGuidance(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustSlash("U-ADMIN", "add sbe technical What is a <deadlock>?")
	role, _ := bank(t).Role("senior-backend")
	technical, ok := role.Category("technical")
	if !ok || technical.Note == "" {
		t.Fatal("the built-in technical category has no note")
	}
	const covers = "*What a strong answer covers*\n"
	noteFirst := covers + handlers.Escape(technical.Note) + "\n• "
	for _, tt := range []struct {
		actionID, value string
		want            []string
	}{
		{handlers.ActionShowGuidance, "sbe-t01", []string{"What a strong answer covers", ">How have you designed and implemented RESTful web services?", noteFirst, "*Follow-ups*\n• "}},
		{handlers.ActionShowGuidance + ":list", "sbe-t01", []string{noteFirst}},
		{handlers.ActionShowGuidance, "team-1", []string{"What is a &lt;deadlock&gt;?", "There is no guidance for this question yet.", "An admin can add it"}},
	} {
		r, err := e.click(handlers.Action{ActionID: tt.actionID, Value: tt.value})
		if err != nil {
			t.Fatal(err)
		}
		wants(t, tt.actionID+" "+tt.value, textOf(r.Message), tt.want...)
	}
}

// TestListsStoreDown: reading stays possible without the database, from
// the built-in bank, with a note that team questions are missing.
func TestListsStoreDown(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, downStore(t))
	const note = "Team questions can't be shown right now; these are the built-in ones."
	for _, text := range []string{"roles", "senior-backend", "senior-backend technical"} {
		r, err := e.slash("U1", text)
		if err == nil {
			t.Errorf("%s: no error for the log", text)
		}
		wants(t, text, textOf(r.Message), note)
	}
	wants(t, "help", textOf(e.mustSlash("U1", "help").Message), "Interview practice in Slack.")

	r, err := e.click(handlers.Action{ActionID: handlers.ActionShareList, Value: "senior-backend/technical/1", ResponseURL: "https://hooks.example/r"})
	if err == nil {
		t.Error("share without a database: no error")
	}
	wants(t, "share", textOf(r.Message), "⚠️ I couldn't read the team's questions just now, so nothing was shared.")
	r, err = e.click(handlers.Action{ActionID: handlers.ActionShowGuidance, Value: "team-1"})
	if err == nil {
		t.Error("team guidance without a database: no error")
	}
	wants(t, "guidance", textOf(r.Message), "⚠️ I can't read that question right now")
	r, err = e.click(handlers.Action{ActionID: handlers.ActionShowGuidance, Value: "sbe-t01"})
	if err != nil {
		t.Errorf("built-in guidance without a database: %v", err)
	}
	wants(t, "built-in guidance", textOf(r.Message), "What a strong answer covers")
}
