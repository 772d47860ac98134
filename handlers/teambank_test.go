package handlers_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
)

// TestAdmins: who may add and remove team questions.
func TestAdmins(t *testing.T) {
	t.Parallel()
	const refused = "Only admins can add questions: workspace admins and owners, and the users listed in INTERVIEWBOT_ADMINS."
	for _, tt := range []struct {
		name    string
		user    handlers.User
		lookErr error
		want    string
		wantErr bool
	}{
		{name: "listed in INTERVIEWBOT_ADMINS", user: handlers.User{ID: "U-ADMIN"}, want: "Added `team-1`"},
		{name: "workspace admin", user: handlers.User{ID: "UA", IsAdmin: true}, want: "Added `team-1`"},
		{name: "workspace owner", user: handlers.User{ID: "UO", IsOwner: true}, want: "Added `team-1`"},
		{name: "member", user: handlers.User{ID: "UM"}, want: refused},
		{name: "deactivated admin", user: handlers.User{ID: "UD", IsAdmin: true, Deleted: true}, want: refused},
		{name: "users.info fails", user: handlers.User{ID: "UX"}, lookErr: errors.New("users.info: ratelimited"), wantErr: true,
			want: "⚠️ I couldn't check whether you are an admin, so I didn't add questions. Please try again in a minute."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			e.slack.users = map[string]handlers.User{tt.user.ID: tt.user}
			e.slack.userErr = tt.lookErr
			r, err := e.slash(tt.user.ID, "add senior-backend technical How do you size a connection pool?")
			if (err != nil) != tt.wantErr {
				t.Errorf("error %v, want one: %v", err, tt.wantErr)
			}
			wants(t, "reply", textOf(r.Message), tt.want)
		})
	}
}

// TestTeamQuestions: a question an admin adds shows up in lists, counts and
// practice, until it is removed.
func TestTeamQuestions(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.mustSlash("U-ADMIN", "add sbe tech  How do you size a <connection> pool? ")
	wants(t, "add", textOf(r.Message), "Added `team-1` to *Senior Backend Engineer — Technical*:\n>How do you size a &lt;connection&gt; pool?", "`/interview remove team-1`")

	wants(t, "list", textOf(e.mustSlash("U1", "senior-backend technical").Message), "Senior Backend Engineer — Technical (26)", "How do you size a &lt;connection&gt; pool?  _(team question `team-1`)_")
	wants(t, "roles", textOf(e.mustSlash("U1", "roles").Message), "technical 26")
	wants(t, "role card", textOf(e.mustSlash("U1", "senior-backend").Message), "Technical: 26")

	for _, tt := range []struct{ text, want string }{
		{"add sbe tech how do you SIZE a <connection>  pool?", "already has that question (`team-1`)"},
		{"add sbe technical " + string(bank(t).Roles()[1].Categories[0].Questions[0].Text), "already has that question (`sbe-t01`)"},
		{"add sbe tech " + strings.Repeat("é", questions.MaxText+1), "A question can be at most 500 characters; this one has 501."},
		{"add sbe tech a\x00b", "That question contains characters I can't store"},
		{"add sbe tech a\xffb", "That question contains characters I can't store"},
		{"remove sbe-t01", "`sbe-t01` is a built-in question and can't be removed"},
		{"remove team-01", "`team-01` is not a question id."},
		{"remove <!channel>", "`&lt;!channel&gt;`: that is not a question id"},
		{"remove team-2", "There is no team question `team-2` in this workspace."},
	} {
		r, err := e.slash("U-ADMIN", tt.text)
		if err != nil {
			t.Errorf("%q: %v", tt.text, err)
		}
		wants(t, tt.text, textOf(r.Message), tt.want)
	}
	wants(t, "member removes", textOf(e.mustSlash("U1", "remove team-1").Message), "Only admins can remove questions")

	// Practise only the team question: the pool is the category, so post
	// the whole category and find it.
	found := false
	for range 26 {
		e.mustSlash("U1", "practice sbe technical")
		if questionOf(t, e.slack.posts[len(e.slack.posts)-1]) == "team-1" {
			found = true
		}
	}
	if !found {
		t.Error("26 practice posts of a 26-question pool never posted the team question")
	}

	wants(t, "remove", textOf(e.mustSlash("U-ADMIN", "remove TEAM-1").Message), "Removed `team-1`. Its past feedback is kept.")
	wants(t, "list after", textOf(e.mustSlash("U1", "senior-backend technical").Message), "Senior Backend Engineer — Technical (25)")
	wants(t, "remove again", textOf(e.mustSlash("U-ADMIN", "remove team-1").Message), "There is no team question `team-1`")
	wants(t, "add again", textOf(e.mustSlash("U-ADMIN", "add sbe tech How do you size a <connection> pool?").Message), "Added `team-2`")
}

func TestTeamQuestionsStoreDown(t *testing.T) {
	t.Parallel()
	e := newEnvOn(t, downStore(t))
	for _, tt := range []struct{ text, want string }{
		{"add sbe tech Why?", "⚠️ The question was NOT added"},
		{"remove team-1", "⚠️ The question was NOT removed"},
	} {
		r, err := e.slash("U-ADMIN", tt.text)
		if err == nil {
			t.Errorf("%s: no error", tt.text)
		}
		wants(t, tt.text, textOf(r.Message), tt.want)
	}
}
