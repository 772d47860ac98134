package main

import (
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

// The panel of the end-to-end panel tests and someone from outside it.
const (
	panelA   = "UPANELA"
	panelB   = "UPANELB"
	outsider = "UOUTSIDE"
)

// Words that the panel tests write into scorecards, and the candidate
// label: none of them may reach a public message.
const (
	e2eLabel   = "Ada L. (req 4411)"
	e2eNoteA   = "A-NOTE-5e1 ran the saga <well>"
	e2eNoteB   = "B-NOTE-0b7"
	e2eSummary = "A-SUMMARY-c44"
)

// panelSecrets are what no public message may show: notes, the summary, the
// label, and the recommendations and scores as the debrief names them.
var panelSecrets = []string{"A-NOTE-5e1", e2eNoteB, e2eSummary, e2eLabel, "Strong yes", "Strong no", "👍👍", "👎👎"}

func addPanelUsers(s *slacktest.Server) {
	for _, id := range []string{panelA, panelB, outsider} {
		s.AddUser(slacktest.User{ID: id, Name: strings.ToLower(id), TZ: "UTC"})
	}
}

// panelKit posts a kit with text and returns its parent once its replies
// are all in.
func (h *harness) panelKit(text string, replies int) (parent slacktest.Message, id string) {
	h.t.Helper()
	before := kitParents(h.slack)
	h.slash(text)
	waitFor(h.t, "the kit", func() bool {
		if kitParents(h.slack) <= before {
			return false
		}
		parent = latestKitParent(h.slack)
		n := 0
		for _, m := range posts(h.slack) {
			if m.ThreadTS == parent.TS && strings.Contains(m.Text, "Question ") {
				n++
			}
		}
		return n >= replies
	})
	m := kitIDPattern.FindStringSubmatch(parent.Text)
	if m == nil {
		h.t.Fatalf("no kit id in %q", parent.Text)
	}
	return parent, m[1]
}

func latestKitParent(s *slacktest.Server) slacktest.Message {
	var parent slacktest.Message
	for _, m := range posts(s) {
		if strings.Contains(m.Text, "Interview kit") {
			parent = m
		}
	}
	return parent
}

// clickAs clicks a button of the kit's parent as user and returns the
// private answer, or "" when the click opened a modal instead (then the
// modal's view id comes back).
func (h *harness) clickAs(user, actionID string, parent slacktest.Message) (answer, viewID string) {
	h.t.Helper()
	answers, views := h.answersTo(user), len(h.slack.Views())
	if _, err := h.slack.BlockAction(h.ctx(), slacktest.Action{UserID: user, ActionID: actionID, MessageTS: parent.TS, ChannelID: parent.Channel}); err != nil {
		h.t.Fatalf("%s clicks %s: %v", user, actionID, err)
	}
	waitFor(h.t, "the answer to "+actionID, func() bool {
		return len(h.answersTo(user)) > len(answers) || len(h.slack.Views()) > views
	})
	if vs := h.slack.Views(); len(vs) > views {
		return "", vs[len(vs)-1].ID
	}
	got := h.answersTo(user)
	return got[len(got)-1], ""
}

// answersTo returns the private answers user received, oldest first.
func (h *harness) answersTo(user string) []string {
	var out []string
	for _, m := range h.slack.Messages() {
		if (m.Method == "response_url" || m.Method == "chat.postEphemeral" || m.Method == "ack") && m.User == user {
			out = append(out, m.Text+unescapeJSON(m.Blocks))
		}
	}
	return out
}

// dmsTo returns what the bot posted in user's DM.
func (h *harness) dmsTo(user string) []string {
	var out []string
	for _, m := range h.slack.Messages() {
		if m.Method == "chat.postMessage" && (m.Channel == user || m.Channel == slacktest.DMChannel(user)) {
			out = append(out, m.Text+unescapeJSON(m.Blocks))
		}
	}
	return out
}

// kitQuestions returns the question ids of a kit's replies, in order.
func (h *harness) kitQuestions(parent slacktest.Message) []string {
	var ids []string
	for _, m := range posts(h.slack) {
		if m.ThreadTS == parent.TS && strings.Contains(m.Text, "Question ") {
			ids = append(ids, questionOf(h.t, m))
		}
	}
	return ids
}

// scorecard submits the scorecard modal viewID as user: score and note
// per question id, the overall recommendation and the summary.
func (h *harness) scorecard(user, viewID string, scores, notes map[string]string, overall, summary string) slacktest.Ack {
	h.t.Helper()
	values := map[string]map[string]slacktest.ViewValue{
		"summary": {"summary": {Value: summary}},
	}
	if overall != "" {
		values["overall"] = map[string]slacktest.ViewValue{"overall": {Type: "static_select", SelectedOption: overall}}
	}
	for q, s := range scores {
		values["score:"+q] = map[string]slacktest.ViewValue{"score": {Type: "static_select", SelectedOption: s}}
	}
	for q, n := range notes {
		values["note:"+q] = map[string]slacktest.ViewValue{"note": {Value: n}}
	}
	ack, err := h.slack.ViewSubmission(h.ctx(), slacktest.Submission{UserID: user, ViewID: viewID, Values: values})
	if err != nil {
		h.t.Fatalf("%s submits the scorecard: %v", user, err)
	}
	return ack
}

// publicTexts is every message a channel sees: posts outside DMs and the
// current state of each.
func (h *harness) publicTexts() []string {
	var out []string
	for _, m := range h.slack.Messages() {
		if (m.Method == "chat.postMessage" || m.Method == "chat.update") && strings.HasPrefix(m.Channel, "C") {
			out = append(out, m.Text+unescapeJSON(m.Blocks))
		}
	}
	return out
}

// TestEndToEndPanel runs a panel of two through the real bot and the Slack
// stand-in: B's debrief before submitting shows that A has submitted and
// none of A's scores or notes; after B submits, both; an outsider gets no
// scorecard and sees nothing of them; no public message shows a score, a
// recommendation, a note or the candidate label.
func TestEndToEndPanel(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	addPanelUsers(s)
	h := startBot(t, s)

	tomorrow := time.Now().UTC().Add(24 * time.Hour).Format("2006-01-02 15:04")
	parent, id := h.panelKit(fmt.Sprintf("kit senior-backend technical 2 behavioral 1 with <@%s> <@%s|b> on %s for %s", panelA, panelB, tomorrow, e2eLabel), 3)
	qs := h.kitQuestions(parent)
	if len(qs) != 3 {
		t.Fatalf("kit questions %v, want 3", qs)
	}
	if !strings.Contains(unescapeJSON(parent.Blocks), "Scorecards: 0 of 2 in") {
		t.Errorf("parent:\n%s", unescapeJSON(parent.Blocks))
	}

	// The outsider gets no scorecard, and is told who fills it in.
	if answer, view := h.clickAs(outsider, "scorecard_open", parent); view != "" || !strings.Contains(answer, "Only the panel") {
		t.Errorf("outsider's scorecard click: answer %q, view %q", answer, view)
	}

	// A: a scorecard without a recommendation stays open, with the error.
	_, viewA := h.clickAs(panelA, "scorecard_open", parent)
	if viewA == "" {
		t.Fatal("A got no scorecard")
	}
	ack := h.scorecard(panelA, viewA, map[string]string{qs[0]: "4"}, nil, "", "")
	if !strings.Contains(string(ack.Payload), `"response_action":"errors"`) || !strings.Contains(string(ack.Payload), `"overall"`) {
		t.Errorf("scorecard without a recommendation: ack %s", ack.Payload)
	}
	ack = h.scorecard(panelA, viewA, map[string]string{qs[0]: "4", qs[1]: "3"}, map[string]string{qs[0]: e2eNoteA}, "strong_yes", e2eSummary)
	if strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("A's scorecard refused: %s", ack.Payload)
	}
	waitFor(t, "the parent's progress", func() bool {
		m, ok := s.CurrentMessage(parent.Channel, parent.TS)
		return ok && strings.Contains(unescapeJSON(m.Blocks), "Scorecards: 1 of 2 in")
	})

	// B has not submitted: B sees that A has, and nothing of A's card.
	before, _ := h.clickAs(panelB, "kit_debrief", parent)
	if !strings.Contains(before, "<@"+panelA+">") || !strings.Contains(before, "until you submit your own") {
		t.Errorf("B's debrief before submitting:\n%s", before)
	}
	if w := containsAny(before, "A-NOTE-5e1", e2eSummary, "Strong yes", "4 Strong"); w != "" {
		t.Errorf("B's debrief before submitting shows %q:\n%s", w, before)
	}
	// Nor does the outsider, in the kit's channel or anywhere else.
	outside, _ := h.clickAs(outsider, "kit_debrief", parent)
	if w := containsAny(outside, panelSecrets...); w != "" {
		t.Errorf("outsider's debrief shows %q:\n%s", w, outside)
	}
	if got := h.slash("kit show "+id, asUser(outsider), inChannel("COTHER")).all(); !strings.Contains(got, "There is no kit") {
		t.Errorf("outsider's kit show in another channel:\n%s", got)
	}

	_, viewB := h.clickAs(panelB, "scorecard_open", parent)
	if ack := h.scorecard(panelB, viewB, map[string]string{qs[0]: "1"}, map[string]string{qs[0]: e2eNoteB}, "no", ""); strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("B's scorecard refused: %s", ack.Payload)
	}
	after, _ := h.clickAs(panelB, "kit_debrief", parent)
	for _, want := range []string{"A-NOTE-5e1 ran the saga &lt;well&gt;", e2eNoteB, e2eSummary, "<@" + panelA + ">: 👍👍 Strong yes", "<@" + panelB + ">: 👎 No", "the panel disagrees"} {
		if !strings.Contains(after, want) {
			t.Errorf("B's debrief after submitting lacks %q:\n%s", want, after)
		}
	}
	if w := containsAny(h.slash("kit show "+id, asUser(outsider)).all(), panelSecrets...); w != "" {
		t.Errorf("outsider's kit show after both submitted shows %q", w)
	}

	// Reopening shows A's saved answers.
	_, viewA = h.clickAs(panelA, "scorecard_open", parent)
	vs := s.Views()
	if reopened := unescapeJSON(vs[len(vs)-1].View); !strings.Contains(reopened, "A-NOTE-5e1") || !strings.Contains(reopened, `"initial_option"`) {
		t.Errorf("reopened scorecard lacks A's answers:\n%s", reopened)
	}

	// The owner closes the kit: the thread hears the count, the owner's DM
	// gets everything.
	if got := h.slash("kit close " + id).all(); !strings.Contains(got, "is closed") {
		t.Fatalf("kit close: %s", got)
	}
	waitFor(t, "the debrief in the owner's DM", func() bool {
		for _, dm := range h.dmsTo(slacktest.DefaultUserID) {
			if strings.Contains(dm, "A-NOTE-5e1") && strings.Contains(dm, e2eNoteB) {
				return true
			}
		}
		return false
	})
	var closedNote bool
	for _, m := range posts(s) {
		if m.ThreadTS == parent.TS && strings.Contains(m.Text, "closed the scorecards") {
			closedNote = strings.Contains(m.Text, "2 of 2 in")
		}
	}
	if !closedNote {
		t.Error("no thread reply with the closing count")
	}
	if ack := h.scorecard(panelA, viewA, nil, nil, "no", ""); !strings.Contains(string(ack.Payload), "closed") {
		t.Errorf("a scorecard after close: ack %s", ack.Payload)
	}

	for _, text := range h.publicTexts() {
		if w := containsAny(text, panelSecrets...); w != "" {
			t.Errorf("a public message shows %q:\n%s", w, text)
		}
	}

	// Deleting erases the scorecards and the label from Postgres.
	if got := h.slash("kit delete " + id).all(); !strings.Contains(got, "is deleted") {
		t.Fatalf("kit delete: %s", got)
	}
	var cards int
	var label string
	db := h.db()
	if err := db.Get(&cards, `SELECT count(*) FROM scorecards WHERE kit_id = $1`, id); err != nil || cards != 0 {
		t.Errorf("%d scorecards after delete (%v)", cards, err)
	}
	if err := db.Get(&label, `SELECT candidate FROM kits WHERE id = $1`, id); err != nil || label != "" {
		t.Errorf("label %q after delete (%v)", label, err)
	}
	h.noProtocolErrors()
	if w := containsAny(h.logs.String(), panelSecrets[:4]...); w != "" {
		t.Errorf("the logs show %q", w)
	}
}

func containsAny(s string, subs ...string) string {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return sub
		}
	}
	return ""
}

// TestEndToEndPanelReminders: two replicas on one database and a kit
// whose interview ended 61 minutes ago: the member without a scorecard
// gets exactly one reminder, the one with a scorecard none.
func TestEndToEndPanelReminders(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	addPanelUsers(s)
	h := startBot(t, s)

	// The interview ended 55 minutes ago, so that the running bot's own
	// scheduler has no reminder to send before A's scorecard is in; the
	// replicas' clock then stands 61 minutes after it.
	interview := time.Now().UTC().Add(-55 * time.Minute).Truncate(time.Minute)
	parent, id := h.panelKit(fmt.Sprintf("kit senior-backend technical 2 with <@%s> <@%s> on %s for %s", panelA, panelB, interview.Format("2006-01-02 15:04"), e2eLabel), 2)
	qs := h.kitQuestions(parent)
	_, view := h.clickAs(panelA, "scorecard_open", parent)
	if ack := h.scorecard(panelA, view, map[string]string{qs[0]: "3"}, nil, "yes", ""); strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("A's scorecard refused: %s", ack.Payload)
	}
	waitFor(t, "A's scorecard", func() bool {
		var n int
		return h.db().Get(&n, `SELECT count(*) FROM scorecards WHERE kit_id = $1`, id) == nil && n == 1
	})

	clock := &fakeClock{}
	clock.Set(interview.Add(61 * time.Minute))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rs := []replica{newReplica(t, h.dsn, s, clock, "replica-1", log), newReplica(t, h.dsn, s, clock, "replica-2", log)}
	reminders := func(user string) int {
		n := 0
		for _, dm := range h.dmsTo(user) {
			if strings.Contains(dm, "Scorecard reminder") {
				n++
			}
		}
		return n
	}
	for range 3 {
		tickAll(rs, clock.Now())
		clock.Add(20 * time.Second)
	}
	if a, b := reminders(panelA), reminders(panelB); a != 0 || b != 1 {
		t.Errorf("%d reminders to A (submitted), %d to B; want 0 and 1", a, b)
	}
	dms := h.dmsTo(panelB)
	if len(dms) == 0 || !strings.Contains(dms[len(dms)-1], `"action_id":"scorecard_open"`) || !strings.Contains(dms[len(dms)-1], "/archives/"+parent.Channel) {
		t.Errorf("B's reminder lacks the button or the link: %q", dms)
	}

	// B opens the scorecard from the reminder in the DM and submits.
	var dm slacktest.Message
	for _, m := range s.Messages() {
		if m.Method == "chat.postMessage" && strings.Contains(m.Text, "Scorecard reminder") {
			dm = m
		}
	}
	views := len(s.Views())
	if _, err := s.BlockAction(h.ctx(), slacktest.Action{UserID: panelB, ActionID: "scorecard_open", MessageTS: dm.TS, ChannelID: dm.Channel}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "B's scorecard from the DM", func() bool { return len(s.Views()) > views })
	vs := s.Views()
	if ack := h.scorecard(panelB, vs[len(vs)-1].ID, nil, nil, "no", ""); strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("B's scorecard from the DM refused: %s", ack.Payload)
	}
	// Next weekday at 10:00 UTC: nobody is reminded any more.
	next := interview.Add(24 * time.Hour)
	for next.Weekday() == time.Saturday || next.Weekday() == time.Sunday {
		next = next.Add(24 * time.Hour)
	}
	clock.Set(time.Date(next.Year(), next.Month(), next.Day(), 10, 0, 30, 0, time.UTC))
	tickAll(rs, clock.Now())
	if a, b := reminders(panelA), reminders(panelB); a != 0 || b != 1 {
		t.Errorf("after B submitted: %d reminders to A, %d to B; want 0 and 1", a, b)
	}
	h.noProtocolErrors()
}

// TestEndToEndKitBuilder: `kit` alone opens the builder; submitted, it
// posts the kit in the channel the command came from.
func TestEndToEndKitBuilder(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	addPanelUsers(s)
	h := startBot(t, s)

	h.slash("kit")
	views, err := s.WaitViews(h.ctx(), 1)
	if err != nil {
		t.Fatalf("no kit builder: %v", err)
	}
	if !strings.Contains(string(views[0].View), `"callback_id":"kit_build"`) {
		t.Fatalf("modal: %s", views[0].View)
	}
	ack, err := s.ViewSubmission(h.ctx(), slacktest.Submission{ViewID: views[0].ID, Values: map[string]map[string]slacktest.ViewValue{
		"role":            {"role": {Type: "static_select", SelectedOption: "senior-backend"}},
		"count:technical": {"count:technical": {Type: "number_input", Value: "2"}},
		"count:uml":       {"count:uml": {Type: "number_input", Value: "1"}},
	}})
	if err != nil || !strings.Contains(string(ack.Payload), `"count:uml"`) {
		t.Errorf("a uml count for senior-backend: ack %s, %v; want an error on count:uml", ack.Payload, err)
	}
	ack, err = s.ViewSubmission(h.ctx(), slacktest.Submission{ViewID: views[0].ID, Values: map[string]map[string]slacktest.ViewValue{
		"role":            {"role": {Type: "static_select", SelectedOption: "senior-backend"}},
		"count:technical": {"count:technical": {Type: "number_input", Value: "2"}},
		"panel":           {"panel": {Type: "multi_users_select", SelectedOptions: []string{panelB, panelA}}},
		"candidate":       {"candidate": {Value: e2eLabel}},
	}})
	if err != nil || strings.Contains(string(ack.Payload), "errors") {
		t.Fatalf("builder refused a good kit: %s, %v", ack.Payload, err)
	}
	var parent slacktest.Message
	waitFor(t, "the kit and its replies", func() bool {
		parent = latestKitParent(s)
		return parent.TS != "" && len(h.kitQuestions(parent)) == 2
	})
	if parent.Channel != slacktest.DefaultChannelID || !strings.Contains(unescapeJSON(parent.Blocks), "<@"+panelB+">, <@"+panelA+">") {
		t.Errorf("builder's kit in %s:\n%s", parent.Channel, unescapeJSON(parent.Blocks))
	}
	if slices.ContainsFunc(h.publicTexts(), func(s string) bool { return strings.Contains(s, e2eLabel) }) {
		t.Error("the candidate label is in a public message")
	}
	h.noProtocolErrors()
}
