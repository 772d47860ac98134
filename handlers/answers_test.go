package handlers

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// versionedStore keeps teams' banks in memory with a version, as
// storage.DB does while its cache listens (trusted) or not.
type versionedStore struct {
	Store // read-only commands call nothing else

	mu      sync.Mutex
	team    map[string]TeamBank
	version uint64
	trusted bool
}

func (s *versionedStore) TeamBank(_ context.Context, teamID string) (TeamBank, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tb := s.team[teamID]
	tb.Questions = append([]TeamQuestion(nil), tb.Questions...)
	return tb, nil
}

func (s *versionedStore) TeamBankVersion(string) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version, s.trusted
}

// set replaces a team's questions, moving the version.
func (s *versionedStore) set(teamID string, qs ...TeamQuestion) {
	s.mu.Lock()
	tb := s.team[teamID]
	s.mu.Unlock()
	tb.Questions = qs
	s.setBank(teamID, tb)
}

// setBank replaces a team's bank, moving the version.
func (s *versionedStore) setBank(teamID string, tb TeamBank) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.team == nil {
		s.team = map[string]TeamBank{}
	}
	s.team[teamID] = tb
	s.version++
}

// countedCommands is Commands over store whose answers count their
// encodings.
func countedCommands(t *testing.T, store Store) (*Commands, *atomic.Int64) {
	t.Helper()
	c := New(Config{Bank: builtin(t), Store: store, Slack: benchSlack{}})
	var n atomic.Int64
	c.answers.encode = func(m Message) ([]byte, error) {
		n.Add(1)
		return EncodeAck(m)
	}
	return c, &n
}

// ackOf runs a slash command and returns its answer's ack payload.
func ackOf(t *testing.T, c *Commands, teamID, text string) []byte {
	t.Helper()
	r, err := c.Slash(t.Context(), Slash{TeamID: teamID, ChannelID: "C1", UserID: "U1", Text: text})
	if err != nil || r.Message == nil {
		t.Fatalf("%q: %+v, %v", text, r, err)
	}
	b, err := r.Message.AckJSON()
	if err != nil {
		t.Fatalf("%q: AckJSON: %v", text, err)
	}
	return b
}

// staticTexts are commands whose answers do not change between requests.
var staticTexts = []string{"help", "kit help", "daily help", "practice help", "roles", "senior-backend", "senior-backend technical", "business-analyst uml"}

// TestAnswersEncodedOnce: an answer that does not change between requests
// is checked and encoded once, on the first request, and never again: no
// Validate or json.Marshal per request (EncodeAck does both), and the bytes
// are the ones handed out the first time.
func TestAnswersEncodedOnce(t *testing.T) {
	c, encodes := countedCommands(t, &versionedStore{trusted: true})
	first := map[string][]byte{}
	for _, text := range staticTexts {
		first[text] = ackOf(t, c, "T1", text)
	}
	if got := encodes.Load(); got != int64(len(staticTexts)) {
		t.Fatalf("%d encodings for %d answers", got, len(staticTexts))
	}
	for range 20 {
		for _, text := range staticTexts {
			// Another team without questions of its own shares the answers.
			for _, team := range []string{"T1", "T2"} {
				if b := ackOf(t, c, team, text); &b[0] != &first[text][0] {
					t.Fatalf("%q for %s: encoded again", text, team)
				}
			}
		}
	}
	if got := encodes.Load(); got != int64(len(staticTexts)) {
		t.Errorf("%d encodings after repeated requests, want %d", got, len(staticTexts))
	}
}

// TestAnswersEqualFreshEncoding: the bytes kept for every answer of the
// bank (help, roles, each role card, each page of each list) are exactly
// what encoding a freshly rendered answer gives.
func TestAnswersEqualFreshEncoding(t *testing.T) {
	c, _ := countedCommands(t, &versionedStore{trusted: true})
	bank := c.bank
	count := func(r *questions.Role, cat *questions.Category) int { return len(cat.Questions) }
	check := func(name string, cached *Message, fresh *Message) {
		t.Helper()
		got, err := cached.AckJSON()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cached.ack == nil {
			t.Fatalf("%s: the answer carries no encoding", name)
		}
		want, err := EncodeAck(*fresh)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: cached ack differs from a fresh encoding:\n got %s\nwant %s", name, got, want)
		}
	}
	reply := func(text string) *Message {
		r, err := c.Slash(t.Context(), Slash{TeamID: "T1", Text: text})
		if err != nil || r.Message == nil {
			t.Fatalf("%q: %+v, %v", text, r, err)
		}
		return r.Message
	}
	check("help", reply("help"), renderHelp())
	for _, topic := range []string{"kit", "daily", "practice"} {
		check(topic+" help", reply(topic+" help"), renderSubHelp(topic))
	}
	check("roles", reply("roles"), renderRoles(bank, count))
	for _, r := range bank.Roles() {
		check("card "+r.Slug, reply(r.Slug), renderRoleCard(r, func(cat *questions.Category) int { return count(r, cat) }))
		for _, cat := range r.Categories {
			p := pool{role: r, category: cat, questions: cat.Questions}
			for page := 1; page <= len(listPages(cat.Questions)); page++ {
				rep, err := c.lists.list(t.Context(), "T1", r, cat, page)
				if err != nil {
					t.Fatal(err)
				}
				check(fmt.Sprintf("list %s %s page %d", r.Slug, cat.Slug, page), rep.Message, renderList(p, page, "", ""))
			}
		}
	}
}

// TestAnswersFollowTeamQuestions: an answer showing a team's own questions
// is encoded again when the store's version of them moves, and only then;
// other teams keep the bank's answer. Without a version to trust, the
// answer is rendered afresh every time and nothing is kept.
func TestAnswersFollowTeamQuestions(t *testing.T) {
	store := &versionedStore{trusted: true}
	c, encodes := countedCommands(t, store)
	const list = "senior-backend technical"
	before := ackOf(t, c, "T1", list)
	q := TeamQuestion{ID: "team-7", TeamID: "T1", Role: "senior-backend", Category: "technical", Text: "How do you size a connection pool?"}
	store.set("T1", q)

	for _, text := range []string{list, "senior-backend", "roles"} {
		bank := ackOf(t, c, "T2", text)
		n := encodes.Load()
		mine := ackOf(t, c, "T1", text)
		if bytes.Equal(mine, bank) {
			t.Errorf("%q: the team's answer is the bank's after it added a question", text)
		}
		if encodes.Load() != n+1 {
			t.Errorf("%q: %d encodings for the team's new answer, want 1", text, encodes.Load()-n)
		}
		if again := ackOf(t, c, "T1", text); &again[0] != &mine[0] || encodes.Load() != n+1 {
			t.Errorf("%q: the team's answer was encoded again at the same version", text)
		}
	}
	if got := ackOf(t, c, "T1", list); !bytes.Contains(got, []byte(q.Text)) {
		t.Errorf("the list does not show the team's question:\n%s", got)
	}
	if got := ackOf(t, c, "T2", list); !bytes.Equal(got, before) {
		t.Error("another team's list changed")
	}

	// Another change (an import that rewrites the question) moves the
	// version again, and the answer with it.
	edited := q
	edited.Text = "How do you size a connection pool for 10,000 clients?"
	store.set("T1", edited)
	n := encodes.Load()
	if got := ackOf(t, c, "T1", list); !bytes.Contains(got, []byte(edited.Text)) || encodes.Load() != n+1 {
		t.Errorf("after the question changed the list was not encoded again:\n%s", got)
	}

	// Removing it brings the bank's answer back.
	store.set("T1")
	if got := ackOf(t, c, "T1", list); !bytes.Equal(got, before) {
		t.Errorf("after the removal the list is not the bank's:\n%s", got)
	}

	// Hiding a built-in question changes the team's list, and its roles
	// and role card counts, until it is brought back.
	store.setBank("T3", TeamBank{Hidden: []string{"sbe-t01"}})
	for _, text := range []string{list, "senior-backend", "roles"} {
		if bytes.Equal(ackOf(t, c, "T3", text), ackOf(t, c, "T2", text)) {
			t.Errorf("%q: a team that hid a question gets the bank's answer", text)
		}
	}
	if got := ackOf(t, c, "T3", list); bytes.Contains(got, []byte(`"value":"sbe-t01"`)) || !bytes.Contains(got, []byte("Hidden in this workspace")) {
		t.Errorf("the list still shows the hidden question, or does not say it is hidden:\n%s", got)
	}
	store.setBank("T3", TeamBank{})
	if got := ackOf(t, c, "T3", list); !bytes.Equal(got, before) {
		t.Errorf("after unhiding the list is not the bank's:\n%s", got)
	}

	// A version that can't be trusted (the store's cache is not listening)
	// keeps nothing: each answer is rendered from what the store says now.
	store.set("T1", q)
	store.mu.Lock()
	store.trusted = false
	store.mu.Unlock()
	kept := len(c.answers.team)
	n = encodes.Load()
	for i := range 3 {
		q.Text = fmt.Sprintf("How do you size a connection pool, take %d?", i)
		store.set("T1", q)
		if got := ackOf(t, c, "T1", list); !bytes.Contains(got, []byte(q.Text)) {
			t.Fatalf("untrusted version: the list does not show %q", q.Text)
		}
	}
	if len(c.answers.team) != kept || encodes.Load() != n {
		t.Errorf("untrusted version: %d answers kept (was %d), %d encodings", len(c.answers.team), kept, encodes.Load()-n)
	}
}

// TestAnswersBounded: forged page numbers and endless team ids can't grow
// the answers kept. Only a list's real pages are kept, one answer each,
// and at most maxTeamAnswers answers showing teams' questions.
func TestAnswersBounded(t *testing.T) {
	store := &versionedStore{trusted: true}
	c, _ := countedCommands(t, store)
	realPages := 0
	for _, r := range c.bank.Roles() {
		for _, cat := range r.Categories {
			realPages += len(listPages(cat.Questions))
			for _, page := range []string{"0", "-1", "1", "2", "3", "17", "99999", "2147483647", "9223372036854775807"} {
				a := Action{TeamID: "T1", ActionID: "show_category:" + cat.Slug + ":" + page, Value: r.Slug + "/" + cat.Slug + "/" + page}
				if rep, err := c.Action(t.Context(), a); err != nil || rep.Message == nil {
					t.Fatalf("%s/%s page %s: %+v, %v", r.Slug, cat.Slug, page, rep, err)
				}
			}
		}
	}
	if n := len(c.answers.bank); n > realPages {
		t.Errorf("%d lists kept for %d real pages", n, realPages)
	}

	for i := range 2 * maxTeamAnswers {
		team := fmt.Sprintf("T%d", i)
		store.set(team, TeamQuestion{ID: "team-1", TeamID: team, Role: "senior-backend", Category: "technical", Text: "Why?"})
		ackOf(t, c, team, "senior-backend technical")
	}
	if n := len(c.answers.team); n > maxTeamAnswers {
		t.Errorf("%d team answers kept, more than %d", n, maxTeamAnswers)
	}
}

// TestAnswerHandedOutIsACopy: whoever receives a kept answer may change
// it; the change shows in that copy's ack payload and nowhere else.
func TestAnswerHandedOutIsACopy(t *testing.T) {
	c, _ := countedCommands(t, &versionedStore{trusted: true})
	const list = "senior-backend technical"
	want := ackOf(t, c, "T1", list)

	r, _ := c.Slash(t.Context(), Slash{TeamID: "T1", Text: list})
	m := r.Message
	m.Blocks = append(m.Blocks, section("appended"))
	if b, err := m.AckJSON(); err != nil || !bytes.Contains(b, []byte("appended")) {
		t.Errorf("after an append the ack payload is stale: %s, %v", b, err)
	}
	r, _ = c.Slash(t.Context(), Slash{TeamID: "T1", Text: list})
	r.Message.Text = "changed"
	r.Message.InChannel = true
	if b, err := r.Message.AckJSON(); err != nil || !bytes.Contains(b, []byte(`"text":"changed"`)) || !bytes.Contains(b, []byte(slack.ResponseTypeInChannel)) {
		t.Errorf("after changing the text and visibility the ack payload is stale: %s, %v", b, err)
	}
	if got := ackOf(t, c, "T1", list); !bytes.Equal(got, want) {
		t.Errorf("a change to a handed-out answer reached the kept one:\n%s", got)
	}
}
