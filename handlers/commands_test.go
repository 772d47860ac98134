package handlers_test

import (
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// TestSlashNamesCommand: every slash reply names its subcommand from the
// fixed set, whatever the text, so the transport needn't parse it again.
func TestSlashNamesCommand(t *testing.T) {
	t.Parallel()
	c := handlers.New(handlers.Config{Bank: bank(t), Store: storagetest.New(t), Slack: &fakeSlack{}})
	for _, tt := range []struct{ text, want string }{
		{"", "help"},
		{"help", "help"},
		{"roles", "roles"},
		{"backend", "role"},
		{"Senior Backend Engineer technical", "list"},
		{"practice senior-backend", "practice"},
		{"kit senior-backend technical 1", "kit"},
		{"kit list", "kit_list"},
		{"kit show abcdef", "kit_show"},
		{"daily senior-backend tz UTC", "daily"},
		{"daily status", "daily_status"},
		{"daily now", "daily_now"},
		{"daily off", "daily_off"},
		{"feedback", "feedback"},
		{"add senior-backend technical Why?", "add"},
		{"remove team-1", "remove"},
		{"nonsense words <!channel>", "invalid"},
		{"kit senior-backend technical", "invalid"},
		{"kit help", "sub_help"},
		{"DAILY Help", "sub_help"},
		{"practise help", "sub_help"},
		{"practice me senior-backend", "practice_me"},
		{"me", "me"},
		{"daily me sbe technical at 8am", "daily_me"},
		{"forget me", "forget_me"},
	} {
		r, err := c.Slash(t.Context(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: "U1", Text: tt.text})
		if err != nil {
			t.Errorf("Slash(%q): %v", tt.text, err)
		}
		if r.Command != tt.want {
			t.Errorf("Slash(%q).Command = %q, want %q", tt.text, r.Command, tt.want)
		}
	}
}
