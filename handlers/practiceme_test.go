package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
	"github.com/slack-go/slack"
)

func (f *fakeSlack) PublishView(context.Context, string, slack.HomeTabViewRequest) error { return nil }

// dmSlack is the Slack of private practice: it records DMs, modals and
// App Home views, and says every user lives in tz.
type dmSlack struct {
	mu    sync.Mutex
	tz    string
	posts []handlers.Message
	views []slack.ModalViewRequest
	homes map[string]slack.HomeTabViewRequest
	fail  error // returned by PostMessage when set
}

func (f *dmSlack) PostMessage(_ context.Context, m handlers.Message) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return "", f.fail
	}
	if err := handlers.Validate(m); err != nil {
		return "", fmt.Errorf("invalid message: %w", err)
	}
	f.posts = append(f.posts, m)
	return fmt.Sprintf("1700000000.%06d", len(f.posts)), nil
}
func (f *dmSlack) PostEphemeral(context.Context, string, handlers.Message) error { return nil }
func (f *dmSlack) UpdateMessage(context.Context, string, handlers.Message) error { return nil }
func (f *dmSlack) Respond(context.Context, string, handlers.Message) error       { return nil }
func (f *dmSlack) Permalink(context.Context, string, string) (string, error)     { return "", nil }
func (f *dmSlack) User(_ context.Context, id string) (handlers.User, error) {
	return handlers.User{ID: id, TZ: f.tz}, nil
}
func (f *dmSlack) OpenView(_ context.Context, _ string, v slack.ModalViewRequest) error {
	if err := handlers.ValidateView(v); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.views = append(f.views, v)
	return nil
}
func (f *dmSlack) PublishView(_ context.Context, userID string, v slack.HomeTabViewRequest) error {
	if err := handlers.ValidateHome(v); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.homes == nil {
		f.homes = map[string]slack.HomeTabViewRequest{}
	}
	f.homes[userID] = v
	return nil
}

func (f *dmSlack) dms(user string) []handlers.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []handlers.Message
	for _, p := range f.posts {
		if p.Channel == user {
			out = append(out, p)
		}
	}
	return out
}

func (f *dmSlack) lastView() slack.ModalViewRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.views[len(f.views)-1]
}

// text is everything a message or view says, blocks included.
func text(v any) string {
	b, _ := json.Marshal(v)
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

// button finds the value of the first element whose action_id starts with
// id.
func buttonOf(t *testing.T, m handlers.Message, id string) string {
	t.Helper()
	for _, b := range m.Blocks {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok && handlers.ActionBase(btn.ActionID) == id {
					return btn.Value
				}
			}
		}
	}
	t.Fatalf("no %s button in %s", id, text(m))
	return ""
}

type practiceEnv struct {
	t     *testing.T
	db    *storage.DB
	slack *dmSlack
	clock *clock
	cmds  *handlers.Commands
}

func newPracticeEnv(t *testing.T, tz string, now time.Time) *practiceEnv {
	t.Helper()
	e := &practiceEnv{t: t, db: storagetest.New(t), slack: &dmSlack{tz: tz}, clock: &clock{now: now}}
	e.cmds = handlers.New(handlers.Config{Bank: bank(t), Store: e.db, Slack: e.slack, Now: e.clock.Now, Owner: "r1"})
	return e
}

// send puts a question in U1's DM through the Practise now button on the
// App Home (no channel), after remembering role.
func (e *practiceEnv) practiseNow(user string) handlers.Message {
	e.t.Helper()
	before := len(e.slack.dms(user))
	r, err := e.cmds.Action(context.Background(), handlers.Action{TeamID: "T1", UserID: user, ActionID: handlers.ActionPractisePrivate, Value: "next"})
	if err != nil || r.Message != nil {
		e.t.Fatalf("Practise now from the App Home = %+v, %v; want no reply", r, err)
	}
	dms := e.slack.dms(user)
	if len(dms) != before+1 {
		e.t.Fatalf("Practise now sent %d DMs, want 1", len(dms)-before)
	}
	return dms[len(dms)-1]
}

// check opens the self-check on a DM'd question and submits it with the
// given points ticked.
func (e *practiceEnv) check(user string, dm handlers.Message, ticked ...string) handlers.Message {
	e.t.Helper()
	ctx := context.Background()
	id := buttonOf(e.t, dm, handlers.ActionSelfCheckOpen)
	if _, err := e.cmds.Action(ctx, handlers.Action{TeamID: "T1", ChannelID: "D1", UserID: user, ActionID: handlers.ActionSelfCheckOpen, Value: id, TriggerID: "trig"}); err != nil {
		e.t.Fatalf("open self-check: %v", err)
	}
	v := e.slack.lastView()
	if v.CallbackID != handlers.CallbackSelfCheck {
		e.t.Fatalf("modal callback %q", v.CallbackID)
	}
	before := len(e.slack.dms(user))
	r, err := e.cmds.Submit(ctx, handlers.Submission{
		TeamID: "T1", UserID: user, CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata,
		Values:   map[string]map[string]string{"note": {"note": "say the word idempotent"}},
		Selected: map[string]map[string][]string{"covered": {"covered": ticked}},
	})
	if err != nil || len(r.Errors) > 0 {
		e.t.Fatalf("submit self-check = %+v, %v", r, err)
	}
	dms := e.slack.dms(user)
	if len(dms) != before+1 {
		e.t.Fatalf("the self-check sent %d DMs, want 1", len(dms)-before)
	}
	return dms[len(dms)-1]
}

func TestPractiseNowNeedsARole(t *testing.T) {
	t.Parallel()
	e := newPracticeEnv(t, "Europe/Berlin", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	// From `me` (a channel): the answer is the reply.
	r, err := e.cmds.Action(context.Background(), handlers.Action{TeamID: "T1", ChannelID: "C1", UserID: "U1", ActionID: handlers.ActionPractisePrivate})
	if err != nil || r.Message == nil || !strings.Contains(text(r.Message), "Which role") {
		t.Errorf("Practise now without a role = %+v, %v", r, err)
	}
	// From the App Home: the answer goes to the DM.
	r, err = e.cmds.Action(context.Background(), handlers.Action{TeamID: "T1", UserID: "U1", ActionID: handlers.ActionPractisePrivate})
	if err != nil || r.Message != nil {
		t.Errorf("Practise now from the App Home = %+v, %v", r, err)
	}
	if dms := e.slack.dms("U1"); len(dms) != 1 || !strings.Contains(text(dms[0]), "Which role") {
		t.Errorf("DMs = %s", text(dms))
	}
}

// TestSelfCheckLoop: questions go to the DM, a self-check answers with the
// score, what was missed and the follow-ups, the App Home shows the
// streak, and a weak check brings the question back the next local day.
func TestSelfCheckLoop(t *testing.T) {
	t.Parallel()
	// 23:30 in Berlin on Monday 2 November is 22:30 UTC.
	e := newPracticeEnv(t, "Europe/Berlin", time.Date(2026, 11, 2, 22, 30, 0, 0, time.UTC))
	ctx := context.Background()
	if err := e.db.SavePracticeRole(ctx, "T1", "U1", "senior-backend", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	first := e.practiseNow("U1")
	q1 := buttonOf(t, first, handlers.ActionSelfCheckOpen)
	result := e.check("U1", first, "0")
	q, _ := bank(t).Question(questions.ID(q1))
	if want := fmt.Sprintf("1 of %d", min(len(q.Guidance), handlers.MaxSelfCheckPoints)); !strings.Contains(text(result), want) || !strings.Contains(text(result), "Missed") || !strings.Contains(text(result), "Follow-ups") {
		t.Errorf("self-check result lacks %q: %s", want, text(result))
	}
	second := e.practiseNow("U1")
	if q2 := buttonOf(t, second, handlers.ActionSelfCheckOpen); q2 == q1 {
		t.Errorf("the second question of the day is the first again: %s", q1)
	}

	if err := e.cmds.HomeOpened(ctx, handlers.HomeOpened{TeamID: "T1", UserID: "U1"}); err != nil {
		t.Fatal(err)
	}
	home := text(e.slack.homes["U1"])
	for _, want := range []string{"*1 question* practised", "Streak: *1 day*", `"action_id":"practice_private"`} {
		if !strings.Contains(home, want) {
			t.Errorf("App Home lacks %q: %s", want, home)
		}
	}

	// 00:10 in Berlin the next day (23:10 UTC, still Monday in UTC): the 20%
	// question is due again.
	e.clock.Set(time.Date(2026, 11, 2, 23, 10, 0, 0, time.UTC))
	again := e.practiseNow("U1")
	if q := buttonOf(t, again, handlers.ActionSelfCheckOpen); q != q1 {
		t.Errorf("the next local day brought %s, want the weak %s back", q, q1)
	}
	if !strings.Contains(text(again), "due for review") {
		t.Errorf("the review does not say why: %s", text(again))
	}
}

func TestSelfCheckRefusesBadForms(t *testing.T) {
	t.Parallel()
	e := newPracticeEnv(t, "UTC", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	submit := func(meta string, ticked []string, note string) handlers.Reply {
		r, err := e.cmds.Submit(ctx, handlers.Submission{
			TeamID: "T1", UserID: "U1", CallbackID: handlers.CallbackSelfCheck, PrivateMetadata: meta,
			Values:   map[string]map[string]string{"note": {"note": note}},
			Selected: map[string]map[string][]string{"covered": {"covered": ticked}},
		})
		if err != nil && !strings.Contains(meta, "{") {
			return r // unreadable metadata is logged
		}
		if err != nil {
			t.Errorf("submit: %v", err)
		}
		return r
	}
	for name, tt := range map[string]struct {
		meta, note string
		ticked     []string
		block      string
	}{
		"expired form":      {"garbage", "", nil, "note"},
		"unknown point":     {`{"q":"sbe-t01","n":5}`, "", []string{"5"}, "covered"},
		"odd point":         {`{"q":"sbe-t01","n":5}`, "", []string{"01"}, "covered"},
		"changed checklist": {`{"q":"sbe-t01","n":4}`, "", []string{"0"}, "note"},
		"note too long":     {`{"q":"sbe-t01","n":5}`, strings.Repeat("x", 3001), nil, "note"},
		"removed question":  {`{"q":"team-999","n":0}`, "", nil, "note"},
	} {
		if r := submit(tt.meta, tt.ticked, tt.note); r.Errors[tt.block] == "" {
			t.Errorf("%s: reply %+v, want an error on %s", name, r, tt.block)
		}
	}
	if h, err := e.db.PracticeHistory(ctx, "T1", "U1"); err != nil || len(h.Checks) != 0 {
		t.Errorf("refused forms were saved: %+v, %v", h, err)
	}
	// Nothing ticked is a valid 0 of 5.
	if r := submit(`{"q":"sbe-t01","n":5}`, nil, ""); len(r.Errors) > 0 {
		t.Errorf("nothing ticked: %+v", r)
	}
	if dms := e.slack.dms("U1"); len(dms) != 1 || !strings.Contains(text(dms[0]), "0 of 5") {
		t.Errorf("DMs = %s", text(dms))
	}
}

func TestSelfCheckWithoutGuidance(t *testing.T) {
	t.Parallel()
	e := newPracticeEnv(t, "UTC", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	tq, err := e.db.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "senior-backend", Category: "technical", Text: "How do you size a connection pool?", CreatedBy: "U9"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cmds.Action(ctx, handlers.Action{TeamID: "T1", ChannelID: "D1", UserID: "U1", ActionID: handlers.ActionSelfCheckOpen, Value: tq.ID, TriggerID: "t"}); err != nil {
		t.Fatal(err)
	}
	v := e.slack.lastView()
	if strings.Contains(text(v), `"block_id":"covered"`) || !strings.Contains(text(v), `"block_id":"how"`) {
		t.Fatalf("modal for a question without guidance: %s", text(v))
	}
	sub := handlers.Submission{TeamID: "T1", UserID: "U1", CallbackID: v.CallbackID, PrivateMetadata: v.PrivateMetadata}
	if r, _ := e.cmds.Submit(ctx, sub); r.Errors["how"] == "" {
		t.Errorf("no answer to how it went: %+v", r)
	}
	sub.Values = map[string]map[string]string{"how": {"how": "1"}}
	if r, err := e.cmds.Submit(ctx, sub); err != nil || len(r.Errors) > 0 {
		t.Fatalf("submit: %+v, %v", r, err)
	}
	h, err := e.db.PracticeHistory(ctx, "T1", "U1")
	if err != nil || len(h.Checks) != 1 || h.Checks[0].Score != 70 || h.Checks[0].Total != 0 {
		t.Errorf("saved %+v, %v", h, err)
	}
}

func TestForgetConfirm(t *testing.T) {
	t.Parallel()
	e := newPracticeEnv(t, "UTC", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	e.db.SavePracticeRole(ctx, "T1", "U1", "senior-backend", e.clock.Now())
	e.check("U1", e.practiseNow("U1"), "0", "1")
	r, err := e.cmds.Action(ctx, handlers.Action{TeamID: "T1", ChannelID: "C1", UserID: "U1", ActionID: handlers.ActionForgetConfirm, Value: "me"})
	if err != nil || r.Message == nil {
		t.Fatalf("forget_confirm = %+v, %v", r, err)
	}
	for _, want := range []string{"1 self-check", "1 practice question sent to you", "the role I remembered", "Scorecards"} {
		if !strings.Contains(text(r.Message), want) {
			t.Errorf("forget reply lacks %q: %s", want, text(r.Message))
		}
	}
	if home := text(e.slack.homes["U1"]); !strings.Contains(home, "*0 questions* practised") {
		t.Errorf("App Home after forget me: %s", home)
	}
}

// TestDailyMeOncePerDay runs three replicas' ticks minute by minute through
// two days of a user in Tokyo: one DM per local day, at 08:15 Tokyo time,
// and never the same question twice on a day.
func TestDailyMeOncePerDay(t *testing.T) {
	t.Parallel()
	db := storagetest.New(t)
	fs := &dmSlack{tz: "Asia/Tokyo"}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	start := time.Date(2026, 11, 2, 7, 0, 0, 0, tokyo) // a Monday
	ctx := context.Background()
	_, err := db.SavePersonalSchedule(ctx, handlers.PersonalSchedule{
		TeamID: "T1", UserID: "U1", Role: "senior-backend", Category: "technical", Difficulty: 2,
		Hour: 8, Minute: 15, Zone: "Asia/Tokyo", Days: handlers.Weekdays, CreatedAt: start,
	})
	if err != nil {
		t.Fatal(err)
	}
	var replicas []*handlers.Commands
	for i := range 3 {
		replicas = append(replicas, handlers.New(handlers.Config{Bank: bank(t), Store: db, Slack: fs, Now: func() time.Time { return start }, Owner: fmt.Sprintf("r%d", i)}))
	}
	for now := start; now.Before(start.Add(26 * time.Hour)); now = now.Add(time.Minute) {
		var wg sync.WaitGroup
		for _, c := range replicas {
			wg.Add(1)
			go func() {
				defer wg.Done()
				due, err := c.DuePersonalSchedules(ctx, now)
				if err != nil {
					t.Errorf("DuePersonalSchedules: %v", err)
				}
				for _, d := range due {
					if _, err := c.RunPersonalSchedule(ctx, d, now); err != nil {
						t.Errorf("RunPersonalSchedule: %v", err)
					}
				}
			}()
		}
		wg.Wait()
	}
	dms := fs.dms("U1")
	if len(dms) != 2 {
		t.Fatalf("%d DMs in two days, want 2", len(dms))
	}
	h, err := db.PracticeHistory(ctx, "T1", "U1")
	if err != nil || len(h.Sends) != 2 {
		t.Fatalf("history = %+v, %v", h, err)
	}
	for i, s := range h.Sends {
		if got := s.At.In(tokyo).Format("15:04"); got != "08:15" || s.Source != "daily" {
			t.Errorf("send %d at %s (%s), want 08:15 daily", i, got, s.Source)
		}
	}
	if h.Sends[0].QuestionID == h.Sends[1].QuestionID {
		t.Errorf("the same question both days without a self-check: %s", h.Sends[0].QuestionID)
	}
	if !strings.Contains(text(dms[0]), "Your daily question") || !strings.Contains(text(dms[0]), "selfcheck_open") {
		t.Errorf("daily DM: %s", text(dms[0]))
	}
}

func (e *practiceEnv) slash(user, text string) handlers.Reply {
	e.t.Helper()
	r, err := e.cmds.Slash(context.Background(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: user, Text: text})
	if err != nil {
		e.t.Fatalf("/interview %s: %v", text, err)
	}
	if r.Message == nil || r.Message.InChannel {
		e.t.Fatalf("/interview %s answered %+v, want a private answer", text, r.Message)
	}
	return r
}

// TestDifficultyFilters: practice (in the channel) and practice me keep to
// the difficulty asked for, and say so when there is none of it.
func TestDifficultyFilters(t *testing.T) {
	t.Parallel()
	e := newPracticeEnv(t, "UTC", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	b := bank(t)
	difficultyOf := func(m handlers.Message, button string) int {
		q, ok := b.Question(questions.ID(buttonOf(t, m, button)))
		if !ok {
			t.Fatalf("unknown question in %s", text(m))
		}
		return q.Difficulty
	}
	for word, want := range map[string]int{"easy": 1, "medium": 2, "hard": 3} {
		for range 3 {
			r, err := e.cmds.Slash(context.Background(), handlers.Slash{TeamID: "T1", ChannelID: "C1", UserID: "U1", Text: "practice senior-backend technical " + word})
			if err != nil || r.Message != nil {
				t.Fatalf("practice %s = %+v, %v", word, r, err)
			}
			posts := e.slack.dms("C1")
			if got := difficultyOf(posts[len(posts)-1], handlers.ActionRateUp); got != want {
				t.Errorf("practice … %s posted a question of difficulty %d", word, got)
			}
			e.slash("U1", "practice me senior-backend "+word)
			dms := e.slack.dms("U1")
			if got := difficultyOf(dms[len(dms)-1], handlers.ActionSelfCheckOpen); got != want {
				t.Errorf("practice me … %s sent a question of difficulty %d", word, got)
			}
		}
	}
	// The business analyst's UML category has no hard question.
	if r := e.slash("U1", "practice me business-analyst uml hard"); !strings.Contains(text(r.Message), "no hard questions") {
		t.Errorf("practice me with no question of that difficulty: %s", text(r.Message))
	}
}

// TestPracticeMeSlash: the role is needed once, then remembered; the
// answer is private and the question goes to the DM only.
func TestPracticeMeSlash(t *testing.T) {
	t.Parallel()
	e := newPracticeEnv(t, "UTC", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	if r := e.slash("U1", "practice me"); !strings.Contains(text(r.Message), "Which role") || len(e.slack.dms("U1")) != 0 {
		t.Errorf("practice me without a role: %s", text(r.Message))
	}
	if r := e.slash("U1", "practice me sbe technical"); !strings.Contains(text(r.Message), "Sent to your DM") {
		t.Errorf("practice me: %s", text(r.Message))
	}
	if r := e.slash("U1", "practise me"); !strings.Contains(text(r.Message), "Sent to your DM") {
		t.Errorf("practice me with the role remembered: %s", text(r.Message))
	}
	if n := len(e.slack.dms("U1")); n != 2 {
		t.Errorf("%d DMs, want 2", n)
	}
	if n := len(e.slack.dms("C1")); n != 0 {
		t.Errorf("%d posts in the channel, want none", n)
	}
	me := text(e.slash("U1", "me").Message)
	for _, want := range []string{"*0 questions* practised", "Technical 0/", "practice_private"} {
		if !strings.Contains(me, want) {
			t.Errorf("me lacks %q: %s", want, me)
		}
	}
	if r := e.slash("U1", "forget me"); !strings.Contains(text(r.Message), "forget_confirm") || !strings.Contains(text(r.Message), "Scorecards") {
		t.Errorf("forget me: %s", text(r.Message))
	}
	// Asking is not erasing.
	if h, err := e.db.PracticeHistory(context.Background(), "T1", "U1"); err != nil || len(h.Sends) != 2 {
		t.Errorf("history after forget me without confirming = %+v, %v", h, err)
	}
}

func TestDailyMeSlash(t *testing.T) {
	t.Parallel()
	e := newPracticeEnv(t, "Asia/Kolkata", time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC))
	r := e.slash("U1", "daily me senior-backend behavioral easy at 7:45am mon,wed,fri")
	for _, want := range []string{"07:45 Asia/Kolkata on Mon, Wed, Fri", "Behavioral, easy", "Next: *Wed 4 Nov 07:45 IST*"} {
		if !strings.Contains(text(r.Message), want) {
			t.Errorf("daily me reply lacks %q: %s", want, text(r.Message))
		}
	}
	ps, err := e.db.PersonalSchedule(context.Background(), "T1", "U1")
	if err != nil || ps.Hour != 7 || ps.Minute != 45 || ps.Zone != "Asia/Kolkata" || ps.Days != "mon,wed,fri" || ps.Difficulty != 1 || ps.Category != "behavioral" {
		t.Errorf("saved %+v, %v", ps, err)
	}
	// Again: replaced, not added.
	e.slash("U1", "daily me senior-backend")
	again, err := e.db.PersonalSchedule(context.Background(), "T1", "U1")
	if err != nil || again.ID != ps.ID || again.Hour != 9 || again.Days != handlers.Weekdays || again.Category != "" {
		t.Errorf("replaced %+v, %v", again, err)
	}
	if me := text(e.slash("U1", "me").Message); !strings.Contains(me, "Your daily question") {
		t.Errorf("me does not show the daily question: %s", me)
	}
	// A user without a zone gets UTC, and is told.
	e.slack.tz = ""
	if r := e.slash("U2", "daily me sbe"); !strings.Contains(text(r.Message), "UTC") || !strings.Contains(text(r.Message), "no time zone") {
		t.Errorf("daily me without a zone: %s", text(r.Message))
	}
}
