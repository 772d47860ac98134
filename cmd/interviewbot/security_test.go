package main

// Security: hostile text wherever user text reaches a message, admin-only
// commands, envelopes for another workspace or app, and secrets in logs.
// The real bot (runBot) runs against the Slack stand-in and Postgres.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// hostileText carries every Slack control sequence a user could smuggle
// into a message: mention-everyone, a user, a channel, a disguised link.
const hostileText = "Is <!channel> <!here> <@U123> <#C123> <https://x|click> & co safe?"

// controlSequences are the openings of hostileText's sequences. Found raw
// in anything the bot sends, Slack would ping the channel, mention someone
// or show a disguised link.
var controlSequences = []string{"<!channel", "<!here", "<@U123", "<#C123", "<https://x"}

var addedPattern = regexp.MustCompile("Added `(team-[0-9]+)`")

// added returns the id an `add` answer names, or fails the test.
func added(t *testing.T, answer string) string {
	t.Helper()
	m := addedPattern.FindStringSubmatch(answer)
	if m == nil {
		t.Fatalf("question not added: %q", answer)
	}
	return m[1]
}

// rawSlash sends a slash_commands envelope built by hand, so that its text
// can hold bytes encoding/json would never produce, and returns its ack.
func rawSlash(t *testing.T, s *slacktest.Server, text []byte, fields map[string]string) slacktest.Ack {
	t.Helper()
	id := "raw-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + time.Now().Format("150405.000000000")
	payload := map[string]string{
		"team_id": "T0TEST", "api_app_id": "A0TEST", "channel_id": slacktest.DefaultChannelID,
		"user_id": "UADMIN", "user_name": "admin", "command": "/interview", "text": "TEXT",
		"trigger_id": "1.2.raw", "response_url": "",
	}
	for k, v := range fields {
		payload[k] = v
	}
	frame, err := json.Marshal(map[string]any{"envelope_id": id, "type": "slash_commands", "accepts_response_payload": true, "payload": payload})
	if err != nil {
		t.Fatal(err)
	}
	frame = bytes.Replace(frame, []byte(`"TEXT"`), append(append([]byte(`"`), text...), '"'), 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.SendRaw(ctx, frame); err != nil {
		t.Fatal(err)
	}
	for {
		for _, a := range s.Acks() {
			if a.EnvelopeID == id {
				return a
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("raw envelope %s not acked", id)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func TestEndToEndHostileText(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	admin := asUser("UADMIN")

	// As Slack delivers it (entities), and as a client that sends mentions
	// unescaped would.
	id := added(t, h.say("add sbe technical "+slackEscaped(hostileText), admin))
	added(t, h.say("add sbe behavioral Tell <@U123|alice> in <#C123|general> about <!here>", admin))

	if list := h.say("sbe technical"); !strings.Contains(list, id) || !strings.Contains(list, "&lt;!channel&gt;") {
		t.Errorf("the list lacks %s, escaped:\n%s", id, list)
	}

	// The feedback modal shows the question; notes are kept as typed and
	// not echoed back. Votes and ratings count only on messages that
	// carried the question, so the test records one as a practice post
	// would; TestEndToEndHostileTextPosted covers the posts themselves.
	const ts = "1700000000.000100"
	if _, err := h.db().Exec(`INSERT INTO channel_posts (team_id, channel_id, question_id, message_ts, source) VALUES ('T0TEST', $1, $2, $3, 'practice')`,
		slacktest.DefaultChannelID, id, ts); err != nil {
		t.Fatal(err)
	}
	h.openFeedback(id, ts)
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "5"}},
		"notes":  {"notes": {Value: hostileText}},
	}})
	if err != nil || len(ack.Payload) > 0 {
		t.Fatalf("notes refused: %s, %v", ack.Payload, err)
	}
	var notes string
	waitFor(t, "the notes", func() bool {
		return h.db().Get(&notes, `SELECT notes FROM ratings WHERE question_id = $1`, id) == nil
	})
	if notes != hostileText {
		t.Errorf("notes stored as %q, want them as typed", notes)
	}
	h.vote("rate_up", id, ts, "Saved")
	// The summary names the question.
	if fb := h.say("feedback sbe"); !strings.Contains(fb, "&lt;#C123&gt;") {
		t.Errorf("the feedback summary does not show the question escaped:\n%s", fb)
	}

	// Whatever a command echoes back is escaped.
	for _, text := range []string{
		"<!channel>", "practice <@U123>", "sbe <#C123>", "sbe technical <https://x|click>",
		"daily sbe at <!here>", "daily sbe tz <!channel>", "kit sbe technical <!here>",
		"kit show <!here>", "remove <!channel>", "feedback <@U123>", "<!here> technical",
		"add sbe <!channel> question?",
	} {
		for _, sent := range []string{slackEscaped(text), text} {
			if a := h.say(sent, admin); a == "" {
				t.Errorf("%q: no answer", sent)
			}
		}
	}
	noRawControl(t, s)
	h.noProtocolErrors()
}

// TestEndToEndHostileTextPosted posts a team question full of control
// sequences to a channel (practice, kit and daily share the renderer).
func TestEndToEndHostileTextPosted(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	id := added(t, h.say("add sbe technical "+slackEscaped(hostileText), asUser("UADMIN")))

	// Practice until the team question is posted: practice prefers
	// questions the channel has not seen, so it comes within 26.
	var post slacktest.Message
	for i := 0; i < 40 && post.TS == ""; i++ {
		n := len(posts(s))
		h.slash("practice sbe technical")
		waitFor(t, "the practice post", func() bool { return len(posts(s)) > n })
		if p := posts(s)[n]; questionOf(t, p) == id {
			post = p
		}
	}
	if post.TS == "" {
		t.Fatalf("practice never posted %s", id)
	}
	if !strings.Contains(unescapeJSON(post.Blocks), "&lt;!channel&gt;") {
		t.Errorf("the post does not show the question escaped: %s", post.Blocks)
	}
	noRawControl(t, s)
	h.noProtocolErrors()
}

func TestEndToEndOverlongInput(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	admin := asUser("UADMIN")

	if a := h.say("add sbe technical "+strings.Repeat("x", 501), admin); !strings.Contains(a, "at most 500 characters; this one has 501") {
		t.Errorf("501 characters: %q", a)
	}
	added(t, h.say("add sbe technical "+strings.Repeat("é", 500), admin))
	// The limit counts what the user typed, not Slack's escaping of it.
	added(t, h.say("add sbe technical "+slackEscaped(strings.Repeat("<", 500)), admin))
	if a := h.say("add sbe technical "+slackEscaped(strings.Repeat("&", 501)), admin); !strings.Contains(a, "at most 500 characters") {
		t.Errorf("501 escaped characters: %q", a)
	}
	// The list still renders within Slack's limits (answer checks blocks).
	h.say("sbe technical")

	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "feedback_open") })
	q := questionOf(t, post)
	submit := func(notes string) slacktest.Ack {
		t.Helper()
		h.openFeedback(q, post.TS)
		ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
			"rating": {"stars": {Type: "static_select", SelectedOption: "3"}},
			"notes":  {"notes": {Value: notes}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}
	if ack := submit(strings.Repeat("n", 3001)); !strings.Contains(string(ack.Payload), "Notes can be at most 3000 characters; these have 3001") {
		t.Errorf("3001-character notes: ack %s", ack.Payload)
	}
	if ack := submit(strings.Repeat("ü", 3000)); len(ack.Payload) > 0 {
		t.Errorf("3000-character notes refused: %s", ack.Payload)
	}
	var n int
	waitFor(t, "the notes", func() bool {
		return h.db().Get(&n, `SELECT char_length(notes) FROM ratings WHERE question_id = $1`, q) == nil && n == 3000
	})
	h.noProtocolErrors()
}

// TestEndToEndInvalidText: NUL, invalid UTF-8 and lone surrogates in
// commands and notes get a clear answer, never a panic or a database error.
// JSON can't carry invalid UTF-8, so those bytes come in a raw frame;
// slack-go decodes them (and lone surrogates) to U+FFFD.
func TestEndToEndInvalidText(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	if a := h.say("add sbe technical What about \x00 bytes?", asUser("UADMIN")); !strings.Contains(a, "characters I can't store") {
		t.Errorf("NUL in a question: %q", a)
	}
	for _, tt := range []struct {
		name string
		text []byte
		bug  string
	}{
		{"invalid bytes in a question", []byte("add sbe technical caf\xe9 \xff\xfe?"), ""},
		{"lone surrogate in a question", []byte(`add sbe technical half \ud800 a pair?`), ""},
		{"invalid bytes as a role", []byte("\xff\xfe technical"), ""},
		{"invalid bytes as a subcommand", []byte("pr\xffactice sbe"), ""},
		{"invalid bytes in a daily zone", []byte("daily sbe tz Europe/\xff"), ""},
		{"truncated multi-byte character", []byte("sbe tech\xc3"), ""},
		{"NUL as a role", []byte(`\u0000 technical`), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.bug != "" {
				t.Skip("bug: " + tt.bug)
			}
			ack := rawSlash(t, s, tt.text, nil)
			var reply struct {
				Text string `json:"text"`
			}
			if err := json.Unmarshal(ack.Payload, &reply); err != nil || reply.Text == "" {
				t.Fatalf("answer %s, %v", ack.Payload, err)
			}
			if !utf8.ValidString(reply.Text) || strings.ContainsRune(reply.Text, 0) {
				t.Errorf("answer is not clean UTF-8: %q", reply.Text)
			}
			if strings.Contains(reply.Text, "database") || strings.Contains(reply.Text, "Something went wrong") {
				t.Errorf("answer %q", reply.Text)
			}
		})
	}

	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "feedback_open") })
	h.openFeedback(questionOf(t, post), post.TS)
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
		"rating": {"stars": {Type: "static_select", SelectedOption: "3"}},
		"notes":  {"notes": {Value: "a\x00b"}},
	}})
	if err != nil || !strings.Contains(string(ack.Payload), `"notes"`) {
		t.Errorf("notes with NUL: ack %s, %v; want an error on the notes input", ack.Payload, err)
	}
	if logs := h.logs.String(); strings.Contains(logs, "panic") {
		t.Errorf("the bot panicked:\n%s", logs)
	}
	if n := questionLines(h.slash("senior-backend behavioral").all()); n != 25 {
		t.Errorf("afterwards the list has %d questions, want 25", n)
	}
}

func TestEndToEndAdminOnly(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	s.AddUser(slacktest.User{ID: "UWSADMIN", Name: "wsadmin", IsAdmin: true})
	s.AddUser(slacktest.User{ID: "UOWNER", Name: "owner", IsOwner: true})
	s.AddUser(slacktest.User{ID: "UGONE", Name: "gone", IsAdmin: true, Deleted: true})
	teamQuestions := func() int {
		var n int
		if err := h.db().Get(&n, `SELECT count(*) FROM team_questions`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const refusedAdd, refusedRemove = "Only admins can add questions", "Only admins can remove questions"

	calls := s.Calls("users.info")
	id := added(t, h.say("add sbe technical Listed admins need no lookup?", asUser("UADMIN")))
	if n := s.Calls("users.info") - calls; n != 0 {
		t.Errorf("an INTERVIEWBOT_ADMINS user cost %d users.info calls", n)
	}

	t.Run("non-admin add", func(t *testing.T) {
		before := teamQuestions()
		if a := h.say("add sbe technical Can anyone add?"); !strings.Contains(a, refusedAdd) {
			t.Errorf("answer %q", a)
		}
		if n := teamQuestions(); n != before {
			t.Errorf("%d team questions, want %d", n, before)
		}
	})
	t.Run("non-admin remove", func(t *testing.T) {
		if a := h.say("remove " + id); !strings.Contains(a, refusedRemove) {
			t.Errorf("answer %q", a)
		}
		if list := h.say("sbe technical"); !strings.Contains(list, id) {
			t.Errorf("%s is gone after a refused remove", id)
		}
	})
	t.Run("deleted admin", func(t *testing.T) {
		if a := h.say("add sbe technical Ghost question?", asUser("UGONE")); !strings.Contains(a, refusedAdd) {
			t.Errorf("add: %q", a)
		}
		if a := h.say("remove "+id, asUser("UGONE")); !strings.Contains(a, refusedRemove) {
			t.Errorf("remove: %q", a)
		}
	})
	t.Run("users.info fails", func(t *testing.T) {
		before := teamQuestions()
		s.FailMethod("users.info", 1, "internal_error")
		if a := h.say("add sbe technical Checked?", asUser("UWSADMIN")); !strings.Contains(a, "couldn't check whether you are an admin") {
			t.Errorf("users.info error: %q", a)
		}
		s.FailMethodStatus("users.info", 1, http.StatusInternalServerError)
		if a := h.say("remove "+id, asUser("UWSADMIN")); !strings.Contains(a, "couldn't check whether you are an admin") {
			t.Errorf("users.info 500: %q", a)
		}
		if n := teamQuestions(); n != before {
			t.Errorf("%d team questions, want %d", n, before)
		}
	})
	t.Run("users.info rate limited", func(t *testing.T) {
		s.RateLimit("users.info", 1, 1)
		added(t, h.say("add sbe technical Worth the wait?", asUser("UWSADMIN")))
	})
	t.Run("workspace admin and owner", func(t *testing.T) {
		other := added(t, h.say("add sbe technical Workspace admins may add?", asUser("UWSADMIN")))
		for _, q := range []string{id, other} {
			if a := h.say("remove "+q, asUser("UOWNER")); !strings.Contains(a, "Removed `"+q+"`") {
				t.Errorf("owner remove %s: %q", q, a)
			}
		}
	})
	h.noProtocolErrors()
}

// TestEndToEndForeignEnvelopes: envelopes for another workspace (team_id)
// or app (api_app_id) are acked, so Slack doesn't redeliver them, but
// otherwise ignored and logged. The bot learns its team from auth.test and
// its app from hello.
func TestEndToEndForeignEnvelopes(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)
	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	q := questionOf(t, post)
	messages := len(s.Messages())

	other := func(c *slacktest.Slash) { c.TeamID = "TOTHER" }
	for _, text := range []string{"practice sbe technical", "kit senior-backend", "sbe technical"} {
		if a := h.slash(text, other); a.all() != "" || len(a.Ack.Payload) > 0 {
			t.Errorf("%q from another team answered: %s", text, a.Ack.Payload)
		}
	}
	if a := h.slash("add sbe technical Cross-team question?", other, asUser("UADMIN")); len(a.Ack.Payload) > 0 {
		t.Errorf("add from another team answered: %s", a.Ack.Payload)
	}
	if _, err := s.BlockAction(h.ctx(), slacktest.Action{TeamID: "TOTHER", ActionID: "rate_up", Value: q, MessageTS: post.TS}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ViewSubmission(h.ctx(), slacktest.Submission{TeamID: "TOTHER", CallbackID: "feedback_submit",
		PrivateMetadata: `{"q":"` + q + `","c":"C0TEST","ts":"` + post.TS + `"}`,
		Values:          map[string]map[string]slacktest.ViewValue{"rating": {"stars": {Type: "static_select", SelectedOption: "1"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if a := rawSlash(t, s, []byte("practice sbe technical"), map[string]string{"api_app_id": "AOTHER"}); len(a.Payload) > 0 {
		t.Errorf("a slash command for another app answered: %s", a.Payload)
	}
	settle()
	if ms := s.Messages(); len(ms) != messages {
		t.Errorf("foreign envelopes caused %d messages: %+v", len(ms)-messages, ms[messages:])
	}
	db := h.db()
	var n int
	if err := db.Get(&n, `SELECT (SELECT count(*) FROM votes) + (SELECT count(*) FROM ratings) + (SELECT count(*) FROM team_questions)`); err != nil || n != 0 {
		t.Errorf("foreign envelopes stored %d rows, %v", n, err)
	}
	ignored := logged(t, h.logs.String(), "ignored an envelope for another workspace or app")
	if len(ignored) != 7 {
		t.Errorf("%d foreign envelopes logged, want 7", len(ignored))
	}
	for _, rec := range ignored {
		if rec["envelope_team"] != "TOTHER" && rec["envelope_app"] != "AOTHER" {
			t.Errorf("log does not say whose envelope it was: %v", rec)
		}
	}
	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("afterwards the list has %d questions, want 25", n)
	}
	h.noProtocolErrors()
}

// TestEndToEndSecretsNotLogged captures every log line of a run full of
// faults (reconnects, failed opens, 429s, Slack errors, Postgres down, bad
// and foreign envelopes) at debug level, and finds no token, no database
// password and no feedback notes in it.
func TestEndToEndSecretsNotLogged(t *testing.T) {
	t.Parallel()
	const (
		botToken = "xoxb-1111-2222-botSECRETbotSECRETbot"
		appToken = "xapp-1-A0TEST-3333-appSECRETappSECRETapp"
		notes    = "NOTES-PRIVATE: the candidate froze on the design question"
	)
	s := slacktest.New(slacktest.WithTokens(botToken, appToken), slacktest.WithDisconnectDelay(20*time.Millisecond))
	t.Cleanup(s.Close)
	dsn := storagetest.NewDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := storagetest.NewProxy(t, u.Host)
	pu, err := url.Parse(proxy.DSN(strings.TrimPrefix(u.Path, "/")))
	if err != nil {
		t.Fatal(err)
	}
	// A password the logs must not show: the one TEST_DATABASE_URL has, or
	// one the (trusting) test server ignores.
	password, ok := pu.User.Password()
	if !ok {
		password = "dbSECRETpassword"
		pu.User = url.UserPassword(pu.User.Username(), password)
	}
	h := startBot(t, s, withDSN(pu.String()), withEnv("LOG_LEVEL", "debug"))

	// Socket faults.
	before := s.Connects()
	s.Disconnect("refresh_requested")
	s.DropConnections()
	s.FailMethod("apps.connections.open", 2, "internal_error")
	s.DropConnections()
	if err := s.WaitConnects(h.ctx(), before+1); err != nil {
		t.Fatal(err)
	}
	// Web API faults.
	s.RateLimit("chat.postMessage", 1, 1)
	h.slash("practice sbe technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	q := questionOf(t, post)
	s.FailMethod("chat.postMessage", 1, "invalid_auth")
	h.say("practice sbe technical")
	s.FailMethodStatus("users.info", 1, http.StatusInternalServerError)
	h.say("add sbe technical Who checks?")
	// Postgres down: a vote, notes and an added question are refused.
	openAndSubmit := func() slacktest.Ack {
		t.Helper()
		h.openFeedback(q, post.TS)
		ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{Values: map[string]map[string]slacktest.ViewValue{
			"rating": {"stars": {Type: "static_select", SelectedOption: "2"}},
			"notes":  {"notes": {Value: notes}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		return ack
	}
	proxy.Stop()
	h.vote("rate_up", q, post.TS, "NOT saved")
	if ack := openAndSubmit(); !strings.Contains(string(ack.Payload), "NOT saved") {
		t.Errorf("notes with the database down: %s", ack.Payload)
	}
	h.say("add sbe technical Saved while down?", asUser("UADMIN"))
	h.slash("practice sbe technical") // posted; only its history is not recorded
	proxy.Start()
	waitFor(t, "readiness", func() bool { return ready(h) })
	if ack := openAndSubmit(); len(ack.Payload) > 0 {
		t.Errorf("notes after recovery: %s", ack.Payload)
	}
	// Bad and foreign envelopes.
	ctx := h.ctx()
	for _, frame := range []string{
		`{not json`,
		`{"envelope_id":"bogus-1","type":"bogus_type","payload":{"token":"x"}}`,
		`{"envelope_id":"bad-event-1","type":"events_api","accepts_response_payload":false,"payload":{"type":"event_callback","team_id":"T0TEST","api_app_id":"A0TEST","event":{"type":"no_such_event"}}}`,
	} {
		if err := s.SendRaw(ctx, []byte(frame)); err != nil {
			t.Fatal(err)
		}
	}
	h.slash("practice sbe technical", func(c *slacktest.Slash) { c.TeamID = "TOTHER" })
	if n := questionLines(h.slash("senior-backend technical").all()); n != 25 {
		t.Errorf("after the faults the list has %d questions, want 25", n)
	}
	h.stop()

	logs := h.logs.String()
	logRecords(t, logs) // every line is JSON
	secrets := map[string]string{
		"bot token": botToken, "app token": appToken, "bot token's secret part": "botSECRET",
		"app token's secret part": "appSECRET", "database URL": pu.String(),
		"database user:password": pu.User.String(), "notes": notes, "notes (part)": "candidate froze",
	}
	if len(password) >= 8 {
		secrets["database password"] = password
	}
	for what, secret := range secrets {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs hold the %s", what)
		}
	}
	if !strings.Contains(logs, `"level":"DEBUG"`) {
		t.Error("no debug lines: the run did not log at debug level")
	}
}

// TestEndToEndEnterpriseGrid: on Enterprise Grid, a user of another
// workspace of the same organization who clicks the bot's post in a shared
// channel is answered, and the vote counts with the channel's others. With
// an organization-wide install, interactions carry no team at all, and
// commands come from every workspace of the organization.
func TestEndToEndEnterpriseGrid(t *testing.T) {
	t.Parallel()
	for _, orgWide := range []bool{false, true} {
		t.Run(fmt.Sprintf("org-wide %v", orgWide), func(t *testing.T) {
			t.Parallel()
			s := slacktest.New(slacktest.WithEnterprise("E0TEST", orgWide))
			t.Cleanup(s.Close)
			h := startBot(t, s)
			h.slash("practice sbe technical")
			post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
			q := questionOf(t, post)

			h.vote("rate_up", q, post.TS, "1 👍 and 0 👎")
			before := h.count("2 👍 and 0 👎")
			if _, err := s.BlockAction(h.ctx(), slacktest.Action{UserID: "W333", UserTeamID: "T222", ActionID: "rate_up", Value: q, MessageTS: post.TS, ChannelID: slacktest.DefaultChannelID}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the other workspace's user to be answered", func() bool { return h.count("2 👍 and 0 👎") > before })

			if orgWide {
				a := h.say("sbe technical", func(c *slacktest.Slash) { c.TeamID, c.UserID = "T222", "W333" })
				if questionLines(a) != 25 {
					t.Errorf("a command from another workspace of the organization answered %q", a)
				}
			}
			h.noProtocolErrors()
		})
	}
}
