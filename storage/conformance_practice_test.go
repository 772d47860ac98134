package storage_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
)

// TestPracticeConformance holds Postgres and memstore to the same rules for
// private practice: remembered role, sends, self-checks, personal daily
// schedules with their claims, and forget me.
func TestPracticeConformance(t *testing.T) {
	t.Parallel()
	behaviours := []behaviour{
		{"practice role: none, save, replace, per user", practiceRole},
		{"practice history: sends are idempotent, checks all kept, per user", practiceHistory},
		{"practice: invalid records are refused", practiceInvalid},
		{"personal schedules: save, replace, pause, list", personalSchedules},
		{"personal schedules: invalid ones are refused", personalInvalid},
		{"personal daily: claim, release, mark sent, skip", personalClaims},
		{"personal daily: concurrent claims have one winner", personalConcurrentClaims},
		{"forget me: erases one user's data and counts it", forgetUser},
	}
	for _, impl := range implementations() {
		for _, b := range behaviours {
			t.Run(impl.name+"/"+b.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
				defer cancel()
				b.run(ctx, t, impl.open(t))
			})
		}
	}
}

func practiceRole(ctx context.Context, t *testing.T, s store) {
	if r, err := s.PracticeRole(ctx, "T1", "U1"); err != nil || r != "" {
		t.Fatalf("PracticeRole of a new user = %q, %v; want \"\"", r, err)
	}
	for _, role := range []string{"senior-backend", "business-analyst"} {
		if err := s.SavePracticeRole(ctx, "T1", "U1", role, t0); err != nil {
			t.Fatalf("SavePracticeRole(%s): %v", role, err)
		}
		if r, err := s.PracticeRole(ctx, "T1", "U1"); err != nil || r != role {
			t.Errorf("PracticeRole = %q, %v; want %q", r, err, role)
		}
	}
	for _, other := range [][2]string{{"T1", "U2"}, {"T2", "U1"}} {
		if r, err := s.PracticeRole(ctx, other[0], other[1]); err != nil || r != "" {
			t.Errorf("PracticeRole(%v) = %q, %v; want \"\"", other, r, err)
		}
	}
}

func send(user, question, ts string, at time.Time) handlers.PracticeSend {
	return handlers.PracticeSend{TeamID: "T1", UserID: user, QuestionID: question, MessageTS: ts, Source: "practice", At: at}
}

func selfCheck(user, question string, covered, total int, at time.Time) handlers.SelfCheck {
	score := 0
	if total > 0 {
		score = 100 * covered / total
	}
	return handlers.SelfCheck{TeamID: "T1", UserID: user, QuestionID: question, Role: "senior-backend", Category: "technical",
		Covered: covered, Total: total, Score: score, Note: "remember <!here> & idempotency 🙂", At: at}
}

func practiceHistory(ctx context.Context, t *testing.T, s store) {
	empty, err := s.PracticeHistory(ctx, "T1", "U1")
	if err != nil || len(empty.Sends) != 0 || len(empty.Checks) != 0 {
		t.Fatalf("PracticeHistory of a new user = %+v, %v", empty, err)
	}
	// Out of time order, with a repeat and another user's.
	sends := []handlers.PracticeSend{
		send("U1", "sbe-t02", "1700000000.000200", t0.Add(time.Hour)),
		send("U1", "sbe-t01", "1700000000.000100", t0.Add(123456*time.Microsecond)),
		send("U1", "sbe-t01", "1700000000.000100", t0.Add(time.Minute)), // same message: no-op
		send("U2", "sbe-t01", "1700000000.000300", t0),
	}
	sends[3].Source = "daily"
	for _, snd := range sends {
		if err := s.RecordPracticeSend(ctx, snd); err != nil {
			t.Fatalf("RecordPracticeSend: %v", err)
		}
	}
	checks := []handlers.SelfCheck{
		selfCheck("U1", "sbe-t01", 2, 5, t0.Add(2*time.Hour)),
		selfCheck("U1", "sbe-t01", 5, 5, t0.Add(time.Hour)),
		selfCheck("U1", "team-7", 0, 0, t0.Add(3*time.Hour)),
		selfCheck("U2", "sbe-t02", 1, 4, t0),
	}
	checks[2].Score, checks[2].Note = 70, ""
	for _, c := range checks {
		if err := s.SaveSelfCheck(ctx, c); err != nil {
			t.Fatalf("SaveSelfCheck: %v", err)
		}
	}
	h, err := s.PracticeHistory(ctx, "T1", "U1")
	if err != nil {
		t.Fatalf("PracticeHistory: %v", err)
	}
	wantSends := []handlers.PracticeSend{sends[1], sends[0]}
	if !reflect.DeepEqual(h.Sends, wantSends) {
		t.Errorf("sends =\n%+v\nwant\n%+v", h.Sends, wantSends)
	}
	wantChecks := []handlers.SelfCheck{checks[1], checks[0], checks[2]}
	if !reflect.DeepEqual(h.Checks, wantChecks) {
		t.Errorf("checks =\n%+v\nwant\n%+v", h.Checks, wantChecks)
	}
	other, err := s.PracticeHistory(ctx, "T1", "U2")
	if err != nil || len(other.Sends) != 1 || len(other.Checks) != 1 || other.Sends[0].Source != "daily" {
		t.Errorf("the other user's history = %+v, %v", other, err)
	}
	if h, err := s.PracticeHistory(ctx, "T2", "U1"); err != nil || len(h.Sends)+len(h.Checks) != 0 {
		t.Errorf("another team's history = %+v, %v; want empty", h, err)
	}
}

func practiceInvalid(ctx context.Context, t *testing.T, s store) {
	edit := func(f func(*handlers.SelfCheck)) handlers.SelfCheck {
		c := selfCheck("U1", "sbe-t01", 1, 5, t0)
		f(&c)
		return c
	}
	for name, c := range map[string]handlers.SelfCheck{
		"covered over total": edit(func(c *handlers.SelfCheck) { c.Covered = 6 }),
		"negative covered":   edit(func(c *handlers.SelfCheck) { c.Covered = -1 }),
		"11 points":          edit(func(c *handlers.SelfCheck) { c.Total, c.Covered = 11, 1 }),
		"score 101":          edit(func(c *handlers.SelfCheck) { c.Score = 101 }),
		"note too long":      edit(func(c *handlers.SelfCheck) { c.Note = strings.Repeat("é", 3001) }),
		"NUL in note":        edit(func(c *handlers.SelfCheck) { c.Note = "a\x00b" }),
		"invalid UTF-8":      edit(func(c *handlers.SelfCheck) { c.Note = "\xff" }),
		"no user":            edit(func(c *handlers.SelfCheck) { c.UserID = "" }),
		"no question":        edit(func(c *handlers.SelfCheck) { c.QuestionID = "" }),
	} {
		if err := s.SaveSelfCheck(ctx, c); err == nil {
			t.Errorf("SaveSelfCheck with %s succeeded", name)
		}
	}
	if err := s.SaveSelfCheck(ctx, edit(func(c *handlers.SelfCheck) { c.Note = strings.Repeat("é", 3000) })); err != nil {
		t.Errorf("SaveSelfCheck with a 3000-character note: %v", err)
	}
	bad := send("U1", "sbe-t01", "1.2", t0)
	bad.Source = "kit"
	if err := s.RecordPracticeSend(ctx, bad); err == nil {
		t.Error("RecordPracticeSend with source kit succeeded")
	}
	if err := s.RecordPracticeSend(ctx, send("U1", "sbe-t01", "", t0)); err == nil {
		t.Error("RecordPracticeSend without a ts succeeded")
	}
	if err := s.SavePracticeRole(ctx, "T1", "U1", "", t0); err == nil {
		t.Error("SavePracticeRole without a role succeeded")
	}
	h, err := s.PracticeHistory(ctx, "T1", "U1")
	if err != nil || len(h.Sends) != 0 || len(h.Checks) != 1 {
		t.Errorf("after refusals the history is %+v, %v; want the one valid check", h, err)
	}
}

func newPersonal(user string) handlers.PersonalSchedule {
	return handlers.PersonalSchedule{
		TeamID: "T1", UserID: user, Role: "senior-backend", Category: "technical", Difficulty: 2,
		Hour: 8, Minute: 15, Zone: "Asia/Tokyo", Days: handlers.Weekdays, CreatedAt: t0,
	}
}

func savePersonal(ctx context.Context, t *testing.T, s store, ps handlers.PersonalSchedule) handlers.PersonalSchedule {
	t.Helper()
	saved, err := s.SavePersonalSchedule(ctx, ps)
	if err != nil {
		t.Fatalf("SavePersonalSchedule(%+v): %v", ps, err)
	}
	return saved
}

func personalSchedules(ctx context.Context, t *testing.T, s store) {
	if _, err := s.PersonalSchedule(ctx, "T1", "U1"); !errors.Is(err, handlers.ErrNotFound) {
		t.Fatalf("PersonalSchedule of a new user: %v, want ErrNotFound", err)
	}
	first := savePersonal(ctx, t, s, newPersonal("U1"))
	want := newPersonal("U1")
	want.ID = first.ID
	if first != want || first.ID <= 0 {
		t.Errorf("SavePersonalSchedule =\n%+v\nwant\n%+v", first, want)
	}
	other := savePersonal(ctx, t, s, newPersonal("U2"))
	if got, err := s.PersonalSchedule(ctx, "T1", "U1"); err != nil || got != first {
		t.Errorf("PersonalSchedule = %+v, %v; want %+v", got, err, first)
	}
	if err := s.PausePersonalSchedule(ctx, first.ID, "I can't send you direct messages."); err != nil {
		t.Fatalf("PausePersonalSchedule: %v", err)
	}
	paused, err := s.PersonalSchedule(ctx, "T1", "U1")
	if err != nil || !paused.Paused || paused.PauseReason != "I can't send you direct messages." {
		t.Errorf("after pausing: %+v, %v", paused, err)
	}
	if active, err := s.ActivePersonalSchedules(ctx); err != nil || len(active) != 1 || active[0].ID != other.ID {
		t.Errorf("ActivePersonalSchedules = %+v, %v; want only %d", active, err, other.ID)
	}
	again := newPersonal("U1")
	again.Role, again.Category, again.Difficulty, again.Hour, again.Minute, again.Zone, again.Days = "business-analyst", "", 0, 21, 0, "UTC", "mon,wed,fri"
	again.CreatedAt = t0.Add(time.Hour)
	replaced := savePersonal(ctx, t, s, again)
	again.ID = first.ID
	if replaced != again {
		t.Errorf("replacing: %+v\nwant %+v", replaced, again)
	}
	if active, err := s.ActivePersonalSchedules(ctx); err != nil || len(active) != 2 || active[0].ID != first.ID {
		t.Errorf("ActivePersonalSchedules after re-saving = %+v, %v; want both, by id", active, err)
	}
	if err := s.PausePersonalSchedule(ctx, 1<<40, "x"); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("PausePersonalSchedule of an unknown id = %v, want ErrNotFound", err)
	}
}

func personalInvalid(ctx context.Context, t *testing.T, s store) {
	edit := func(f func(*handlers.PersonalSchedule)) handlers.PersonalSchedule {
		ps := newPersonal("U1")
		f(&ps)
		return ps
	}
	for name, ps := range map[string]handlers.PersonalSchedule{
		"hour 24":       edit(func(ps *handlers.PersonalSchedule) { ps.Hour = 24 }),
		"minute 60":     edit(func(ps *handlers.PersonalSchedule) { ps.Minute = 60 }),
		"difficulty 4":  edit(func(ps *handlers.PersonalSchedule) { ps.Difficulty = 4 }),
		"no zone":       edit(func(ps *handlers.PersonalSchedule) { ps.Zone = "" }),
		"no days":       edit(func(ps *handlers.PersonalSchedule) { ps.Days = "" }),
		"no user":       edit(func(ps *handlers.PersonalSchedule) { ps.UserID = "" }),
		"no role":       edit(func(ps *handlers.PersonalSchedule) { ps.Role = "" }),
		"NUL in the id": edit(func(ps *handlers.PersonalSchedule) { ps.Category = "a\x00" }),
	} {
		if _, err := s.SavePersonalSchedule(ctx, ps); err == nil {
			t.Errorf("SavePersonalSchedule with %s succeeded", name)
		}
	}
	if active, err := s.ActivePersonalSchedules(ctx); err != nil || len(active) != 0 {
		t.Errorf("refused schedules were stored: %+v, %v", active, err)
	}
}

func personalClaims(ctx context.Context, t *testing.T, s store) {
	ps := savePersonal(ctx, t, s, newPersonal("U1"))
	const date = "2026-03-03"
	claim := func(owner string, now time.Time, wantOK bool) handlers.DailyPost {
		t.Helper()
		p, ok, err := s.ClaimPersonalPost(ctx, ps.ID, date, owner, now, now.Add(5*time.Minute))
		if err != nil || ok != wantOK {
			t.Fatalf("ClaimPersonalPost(%s at +%v) = %+v, %v, %v; want ok %v", owner, now.Sub(t0), p, ok, err, wantOK)
		}
		return p
	}
	claim("a", t0, true)
	claim("b", t0.Add(time.Minute), false)
	claim("a", t0.Add(time.Minute), false) // its own lease holds it too
	if err := s.ReleasePersonalPost(ctx, ps.ID, date, "b", t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("ReleasePersonalPost by a non-holder = %v, want ErrNotFound", err)
	}
	if err := s.ReleasePersonalPost(ctx, ps.ID, date, "a", t0.Add(2*time.Minute)); err != nil {
		t.Fatalf("ReleasePersonalPost: %v", err)
	}
	claim("b", t0.Add(time.Minute), false) // not before the retry time
	p := claim("b", t0.Add(2*time.Minute), true)
	if p.Attempts != 1 || p.ClaimedBy != "b" {
		t.Errorf("claim after a release = %+v, want 1 attempt, held by b", p)
	}
	snd := send("U1", "sbe-t03", "1700000000.000900", t0.Add(2*time.Minute))
	snd.Source = "daily"
	if err := s.MarkPersonalPosted(ctx, ps.ID, date, "a", snd); !errors.Is(err, handlers.ErrConflict) {
		t.Errorf("MarkPersonalPosted by a lost claim = %v, want ErrConflict", err)
	}
	if err := s.MarkPersonalPosted(ctx, ps.ID, date, "b", snd); err != nil {
		t.Fatalf("MarkPersonalPosted: %v", err)
	}
	if err := s.MarkPersonalPosted(ctx, ps.ID, date, "b", snd); err != nil {
		t.Errorf("MarkPersonalPosted again (a retry): %v", err)
	}
	if p := claim("c", t0.Add(time.Hour), false); p.State != "posted" || p.MessageTS != snd.MessageTS || p.QuestionID != "sbe-t03" {
		t.Errorf("after posting the row is %+v", p)
	}
	h, err := s.PracticeHistory(ctx, "T1", "U1")
	if err != nil || len(h.Sends) != 1 || h.Sends[0] != snd {
		t.Errorf("history after the daily question = %+v, %v; want the send", h, err)
	}
	if inserted, err := s.SkipPersonalPost(ctx, ps.ID, date, "late", t0); err != nil || inserted {
		t.Errorf("SkipPersonalPost of a posted day = %v, %v; want not inserted", inserted, err)
	}
	if inserted, err := s.SkipPersonalPost(ctx, ps.ID, "2026-03-04", "2h0m0s late", t0); err != nil || !inserted {
		t.Errorf("SkipPersonalPost = %v, %v; want inserted", inserted, err)
	}
	if p, ok, err := s.ClaimPersonalPost(ctx, ps.ID, "2026-03-04", "a", t0, t0.Add(time.Minute)); err != nil || ok || p.State != "skipped" {
		t.Errorf("claiming a skipped day = %+v, %v, %v", p, ok, err)
	}
	if _, _, err := s.ClaimPersonalPost(ctx, 1<<40, date, "a", t0, t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("ClaimPersonalPost of an unknown schedule = %v, want ErrNotFound", err)
	}
	if _, err := s.SkipPersonalPost(ctx, 1<<40, date, "x", t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("SkipPersonalPost of an unknown schedule = %v, want ErrNotFound", err)
	}
	if _, _, err := s.ClaimPersonalPost(ctx, ps.ID, "2026-02-30", "a", t0, t0); err == nil {
		t.Error("ClaimPersonalPost of 2026-02-30 succeeded")
	}
}

func personalConcurrentClaims(ctx context.Context, t *testing.T, s store) {
	ps := savePersonal(ctx, t, s, newPersonal("U1"))
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := s.ClaimPersonalPost(ctx, ps.ID, "2026-03-03", string(rune('a'+i)), t0, t0.Add(time.Minute))
			if err != nil {
				t.Errorf("ClaimPersonalPost: %v", err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d claims won, want 1", wins)
	}
}

func forgetUser(ctx context.Context, t *testing.T, s store) {
	for _, user := range []string{"U1", "U2"} {
		saveVote(ctx, t, s, vote(user, 1))
		v := vote(user, -1)
		v.MessageTS = "1700000000.000200"
		saveVote(ctx, t, s, v)
		for i, notes := range []string{"", "good"} {
			r := rating(user, 4, notes)
			r.MessageTS = []string{"1.1", "1.2"}[i]
			if err := s.SaveRating(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SaveSelfCheck(ctx, selfCheck(user, "sbe-t01", 1, 5, t0)); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordPracticeSend(ctx, send(user, "sbe-t01", "1.9", t0)); err != nil {
			t.Fatal(err)
		}
		if err := s.SavePracticeRole(ctx, "T1", user, "senior-backend", t0); err != nil {
			t.Fatal(err)
		}
		ps := savePersonal(ctx, t, s, newPersonal(user))
		if _, ok, err := s.ClaimPersonalPost(ctx, ps.ID, "2026-03-03", "a", t0, t0.Add(time.Minute)); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
	}
	// The same user in another team keeps everything.
	if err := s.SavePracticeRole(ctx, "T2", "U1", "senior-backend", t0); err != nil {
		t.Fatal(err)
	}
	got, err := s.ForgetUser(ctx, "T1", "U1")
	if err != nil {
		t.Fatalf("ForgetUser: %v", err)
	}
	want := handlers.Forgotten{Votes: 2, Ratings: 2, Notes: 1, SelfChecks: 1, Sends: 1, Schedules: 1, Role: true}
	if got != want {
		t.Errorf("ForgetUser = %+v, want %+v", got, want)
	}
	if again, err := s.ForgetUser(ctx, "T1", "U1"); err != nil || again != (handlers.Forgotten{}) {
		t.Errorf("ForgetUser again = %+v, %v; want nothing", again, err)
	}
	if h, err := s.PracticeHistory(ctx, "T1", "U1"); err != nil || len(h.Sends)+len(h.Checks) != 0 {
		t.Errorf("history after forget = %+v, %v", h, err)
	}
	if _, err := s.PersonalSchedule(ctx, "T1", "U1"); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("personal schedule after forget: %v", err)
	}
	if r, _ := s.PracticeRole(ctx, "T1", "U1"); r != "" {
		t.Errorf("role after forget = %q", r)
	}
	if r, _ := s.PracticeRole(ctx, "T2", "U1"); r != "senior-backend" {
		t.Errorf("the other team's role after forget = %q", r)
	}
	// U2's data is all there.
	if h, err := s.PracticeHistory(ctx, "T1", "U2"); err != nil || len(h.Sends) != 1 || len(h.Checks) != 1 {
		t.Errorf("U2's history = %+v, %v", h, err)
	}
	fb := feedbackOf(ctx, t, s, "T1")
	if len(fb) != 1 || fb[0].Up != 1 || fb[0].Down != 1 || fb[0].Ratings != 2 || fb[0].Notes != 1 {
		t.Errorf("feedback after forgetting U1 = %+v, want only U2's", fb)
	}
	if active, err := s.ActivePersonalSchedules(ctx); err != nil || len(active) != 1 || active[0].UserID != "U2" {
		t.Errorf("active personal schedules = %+v, %v; want U2's", active, err)
	}
}
