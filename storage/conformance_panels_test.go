package storage_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
)

// TestPanelConformance holds both stores to the same behaviour for panel
// kits: scorecards, closing and deleting, reminder claims and retention.
func TestPanelConformance(t *testing.T) {
	t.Parallel()
	for _, impl := range implementations() {
		for _, b := range []behaviour{
			{"panels: a panel kit's fields round-trip", panelKitFields},
			{"panels: release counts attempts; abandoned kits are not resumed", kitsAttemptsAndAbandon},
			{"panels: scorecards are saved, replaced and kept per user", scorecardsSaveReplace},
			{"panels: closing locks the scorecards", scorecardsClosed},
			{"panels: deleting erases scorecards and the label", kitDeleteErases},
			{"panels: invalid scorecards are refused", scorecardsInvalid},
			{"panels: reminder kits are open panel kits in the window", reminderKitsWindow},
			{"panels: a reminder is claimed, released, sent once", reminderClaims},
			{"panels: concurrent reminder claims have one winner", reminderConcurrentClaims},
			{"panels: a restarted instance releases its reminder claims", reminderLeasesReleased},
			{"panels: retention erases old scorecards and labels", retentionErases},
		} {
			t.Run(impl.name+"/"+b.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
				defer cancel()
				b.run(ctx, t, impl.open(t))
			})
		}
	}
}

var interview = time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC)

func newPanelKit(channel string, createdAt time.Time) handlers.Kit {
	k := newKit(channel, createdAt)
	k.Panel = []string{"U-ada", "U-bob"}
	k.InterviewAt = interview
	k.Zone = "Europe/Berlin"
	k.Candidate = "Grace H. (req 4411) <&>"
	return k
}

func scorecard(k handlers.Kit, user, overall string, answers ...handlers.ScorecardAnswer) handlers.Scorecard {
	return handlers.Scorecard{TeamID: k.TeamID, KitID: k.ID, UserID: user, Overall: overall, Summary: "Summary by " + user, Answers: answers, SubmittedAt: t0}
}

func saveScorecard(ctx context.Context, t *testing.T, s store, sc handlers.Scorecard) {
	t.Helper()
	if err := s.SaveScorecard(ctx, sc); err != nil {
		t.Fatalf("SaveScorecard(%s): %v", sc.UserID, err)
	}
}

func scorecards(ctx context.Context, t *testing.T, s store, k handlers.Kit) []handlers.Scorecard {
	t.Helper()
	cards, err := s.Scorecards(ctx, k.TeamID, k.ID)
	if err != nil {
		t.Fatalf("Scorecards: %v", err)
	}
	return cards
}

func panelKitFields(ctx context.Context, t *testing.T, s store) {
	want := newPanelKit("C1", t0)
	k := createKit(ctx, t, s, want, "A", t0.Add(time.Minute))
	got, err := s.Kit(ctx, "T1", k.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Panel, want.Panel) || !got.InterviewAt.Equal(interview) || got.Zone != want.Zone || got.Candidate != want.Candidate {
		t.Errorf("Kit = panel %q at %v zone %q label %q; want %q, %v, %q, %q", got.Panel, got.InterviewAt, got.Zone, got.Candidate, want.Panel, interview, want.Zone, want.Candidate)
	}
	if !got.ClosedAt.IsZero() || got.Deleted || got.Attempts != 0 || got.Abandoned {
		t.Errorf("a new kit is closed %v, deleted %v, attempts %d, abandoned %v", got.ClosedAt, got.Deleted, got.Attempts, got.Abandoned)
	}
	plain := createKit(ctx, t, s, newKit("C1", t0), "A", t0)
	if got, err := s.Kit(ctx, "T1", plain.ID); err != nil || got.Panel != nil || !got.InterviewAt.IsZero() || got.Candidate != "" {
		t.Errorf("a kit without panel reads back as %+v, %v", got, err)
	}
}

func kitsAttemptsAndAbandon(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newKit("C1", t0), "A", t0.Add(time.Minute))
	for i := range 2 {
		if _, ok, err := s.ClaimKit(ctx, k.ID, "A", t0.Add(time.Duration(i+1)*time.Hour), t0.Add(time.Duration(i+2)*time.Hour)); err != nil || !ok {
			t.Fatalf("ClaimKit %d: %v %v", i, ok, err)
		}
		if err := s.FinishKit(ctx, k.ID, "A", false, t0); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.Kit(ctx, "T1", k.ID); got.Attempts != 2 {
		t.Errorf("after two releases Attempts = %d, want 2", got.Attempts)
	}
	if err := s.AbandonKit(ctx, k.ID, t0); err != nil {
		t.Fatalf("AbandonKit: %v", err)
	}
	if kits, err := s.UnfinishedKits(ctx, t0.Add(-time.Hour), t0.Add(24*time.Hour)); err != nil || len(kits) != 0 {
		t.Errorf("UnfinishedKits after abandon = %q, %v; want none", kitIDs(kits), err)
	}
	if got, _ := s.Kit(ctx, "T1", k.ID); !got.Abandoned || got.Finished {
		t.Errorf("abandoned kit reads abandoned %v finished %v", got.Abandoned, got.Finished)
	}
	if err := s.AbandonKit(ctx, "nope", t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("AbandonKit of an unknown kit = %v, want ErrNotFound", err)
	}
}

func scorecardsSaveReplace(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	other := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	if got := scorecards(ctx, t, s, k); len(got) != 0 {
		t.Fatalf("Scorecards of a new kit = %+v, want none", got)
	}
	ada := scorecard(k, "U-ada", handlers.OverallYes,
		handlers.ScorecardAnswer{QuestionID: "sbe-tech-01", Score: 3, Note: "Solid <b>&amp</b>"},
		handlers.ScorecardAnswer{QuestionID: "sbe-beh-01", Note: "Not scored, but noted"})
	saveScorecard(ctx, t, s, ada)
	bob := scorecard(k, "U-bob", handlers.OverallStrongNo, handlers.ScorecardAnswer{QuestionID: "sbe-tech-01", Score: 1})
	bob.SubmittedAt = t0.Add(time.Minute)
	saveScorecard(ctx, t, s, bob)

	got := scorecards(ctx, t, s, k)
	if len(got) != 2 || got[0].UserID != "U-ada" || got[1].UserID != "U-bob" {
		t.Fatalf("Scorecards = %+v, want ada's then bob's", got)
	}
	wantAda := ada
	wantAda.Answers = []handlers.ScorecardAnswer{ada.Answers[1], ada.Answers[0]} // by question id
	if !sameScorecard(got[0], wantAda) {
		t.Errorf("ada's scorecard =\n%+v\nwant\n%+v", got[0], wantAda)
	}

	// Resubmitting replaces everything, answers included.
	ada2 := scorecard(k, "U-ada", handlers.OverallStrongYes, handlers.ScorecardAnswer{QuestionID: "team-1", Score: 4})
	ada2.Summary = ""
	ada2.SubmittedAt = t0.Add(2 * time.Minute)
	saveScorecard(ctx, t, s, ada2)
	got = scorecards(ctx, t, s, k)
	if len(got) != 2 || got[1].UserID != "U-ada" || !sameScorecard(got[1], ada2) {
		t.Errorf("after resubmitting, Scorecards = %+v; want bob's then ada's new one %+v", got, ada2)
	}
	// No answers at all is a scorecard too.
	saveScorecard(ctx, t, s, scorecard(k, "U-lead", handlers.OverallNo))
	if got := scorecards(ctx, t, s, k); len(got) != 3 || got[0].UserID != "U-lead" || got[0].Answers != nil {
		t.Errorf("Scorecards = %+v; want the lead's (oldest submission, no answers) first", got)
	}

	if got := scorecards(ctx, t, s, other); len(got) != 0 {
		t.Errorf("another kit's Scorecards = %+v, want none", got)
	}
	if got, err := s.Scorecards(ctx, "T2", k.ID); err != nil || len(got) != 0 {
		t.Errorf("another team's Scorecards = %+v, %v; want none", got, err)
	}
	for _, sc := range []handlers.Scorecard{scorecard(handlers.Kit{TeamID: "T1", ID: "nope"}, "U1", handlers.OverallYes), scorecard(handlers.Kit{TeamID: "T2", ID: k.ID}, "U1", handlers.OverallYes)} {
		if err := s.SaveScorecard(ctx, sc); !errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("SaveScorecard for kit %s/%s = %v, want ErrNotFound", sc.TeamID, sc.KitID, err)
		}
	}
}

// sameScorecard compares scorecards, times by instant.
func sameScorecard(a, b handlers.Scorecard) bool {
	if !a.SubmittedAt.Equal(b.SubmittedAt) {
		return false
	}
	a.SubmittedAt, b.SubmittedAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func scorecardsClosed(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	saveScorecard(ctx, t, s, scorecard(k, "U-ada", handlers.OverallYes))
	closed, ok, err := s.CloseKit(ctx, "T1", k.ID, t0.Add(time.Hour))
	if err != nil || !ok || !closed.ClosedAt.Equal(t0.Add(time.Hour)) {
		t.Fatalf("CloseKit = %v at %v, %v; want closed at %v", ok, closed.ClosedAt, err, t0.Add(time.Hour))
	}
	if _, ok, err := s.CloseKit(ctx, "T1", k.ID, t0.Add(2*time.Hour)); err != nil || ok {
		t.Errorf("closing again = %v, %v; want false, nil", ok, err)
	}
	if got, _ := s.Kit(ctx, "T1", k.ID); !got.ClosedAt.Equal(t0.Add(time.Hour)) {
		t.Errorf("closed at %v after closing twice, want the first time", got.ClosedAt)
	}
	if err := s.SaveScorecard(ctx, scorecard(k, "U-bob", handlers.OverallYes)); !errors.Is(err, handlers.ErrKitClosed) {
		t.Errorf("SaveScorecard on a closed kit = %v, want ErrKitClosed", err)
	}
	if err := s.SaveScorecard(ctx, scorecard(k, "U-ada", handlers.OverallNo)); !errors.Is(err, handlers.ErrKitClosed) {
		t.Errorf("resubmitting on a closed kit = %v, want ErrKitClosed", err)
	}
	if got := scorecards(ctx, t, s, k); len(got) != 1 || got[0].Overall != handlers.OverallYes {
		t.Errorf("Scorecards after close = %+v; want ada's, unchanged", got)
	}
	for _, c := range []struct{ team, id string }{{"T1", "nope"}, {"T2", k.ID}, {"T1", "\x00"}} {
		if _, _, err := s.CloseKit(ctx, c.team, c.id, t0); !errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("CloseKit(%s, %q) = %v, want ErrNotFound", c.team, c.id, err)
		}
	}
}

func kitDeleteErases(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	keep := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	saveScorecard(ctx, t, s, scorecard(k, "U-ada", handlers.OverallYes, handlers.ScorecardAnswer{QuestionID: "sbe-tech-01", Score: 3, Note: "private"}))
	saveScorecard(ctx, t, s, scorecard(keep, "U-ada", handlers.OverallYes))
	got, err := s.DeleteKit(ctx, "T1", k.ID, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("DeleteKit: %v", err)
	}
	if !got.Deleted || got.Candidate != "" || got.ClosedAt.IsZero() || len(got.Items) != 3 {
		t.Errorf("deleted kit = %+v; want deleted, closed, no label, items kept", got)
	}
	if cards := scorecards(ctx, t, s, k); len(cards) != 0 {
		t.Errorf("Scorecards after delete = %+v, want none", cards)
	}
	if cards := scorecards(ctx, t, s, keep); len(cards) != 1 {
		t.Errorf("another kit's scorecards after delete = %+v, want its one", cards)
	}
	if err := s.SaveScorecard(ctx, scorecard(k, "U-bob", handlers.OverallYes)); !errors.Is(err, handlers.ErrKitClosed) {
		t.Errorf("SaveScorecard on a deleted kit = %v, want ErrKitClosed", err)
	}
	if _, err := s.DeleteKit(ctx, "T1", k.ID, t0.Add(2*time.Hour)); err != nil {
		t.Errorf("deleting again: %v", err)
	}
	if _, err := s.DeleteKit(ctx, "T2", k.ID, t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("DeleteKit of another team = %v, want ErrNotFound", err)
	}
}

func scorecardsInvalid(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	answer := func(a handlers.ScorecardAnswer) handlers.Scorecard {
		return scorecard(k, "U-ada", handlers.OverallYes, a)
	}
	for name, sc := range map[string]handlers.Scorecard{
		"overall maybe":          scorecard(k, "U-ada", "maybe"),
		"no user":                scorecard(k, "", handlers.OverallYes),
		"score 5":                answer(handlers.ScorecardAnswer{QuestionID: "q", Score: 5}),
		"score -1":               answer(handlers.ScorecardAnswer{QuestionID: "q", Score: -1}),
		"neither score nor note": answer(handlers.ScorecardAnswer{QuestionID: "q"}),
		"note of 1001":           answer(handlers.ScorecardAnswer{QuestionID: "q", Note: strings.Repeat("é", 1001)}),
		"note with NUL":          answer(handlers.ScorecardAnswer{QuestionID: "q", Note: "a\x00b"}),
		"no question id":         answer(handlers.ScorecardAnswer{Score: 2}),
		"summary of 3001":        {TeamID: "T1", KitID: k.ID, UserID: "U-ada", Overall: handlers.OverallYes, Summary: strings.Repeat("s", 3001)},
		"a question twice": scorecard(k, "U-ada", handlers.OverallYes,
			handlers.ScorecardAnswer{QuestionID: "q", Score: 1}, handlers.ScorecardAnswer{QuestionID: "q", Score: 2}),
	} {
		err := s.SaveScorecard(ctx, sc)
		if err == nil || errors.Is(err, handlers.ErrNotFound) || errors.Is(err, handlers.ErrConflict) {
			t.Errorf("%s: SaveScorecard = %v, want a plain refusal", name, err)
		}
	}
	ok := scorecard(k, "U-ada", handlers.OverallYes, handlers.ScorecardAnswer{QuestionID: "q", Note: strings.Repeat("é", 1000)})
	ok.Summary = strings.Repeat("s", 3000)
	saveScorecard(ctx, t, s, ok)
	if got := scorecards(ctx, t, s, k); len(got) != 1 {
		t.Errorf("Scorecards = %+v, want only the valid one", got)
	}

	bad := newPanelKit("C1", t0)
	bad.Candidate = strings.Repeat("c", 81)
	if _, err := s.CreateKit(ctx, bad, "A", t0); err == nil {
		t.Error("CreateKit with an 81-character label succeeded")
	}
	bad = newPanelKit("C1", t0)
	bad.Panel = []string{"U1", "U1"}
	if _, err := s.CreateKit(ctx, bad, "A", t0); err == nil {
		t.Error("CreateKit with a panel member twice succeeded")
	}
}

func reminderKitsWindow(ctx context.Context, t *testing.T, s store) {
	posted := func(k handlers.Kit) handlers.Kit {
		t.Helper()
		k = createKit(ctx, t, s, k, "A", t0)
		if err := s.SetKitParent(ctx, k.ID, "1.1"); err != nil {
			t.Fatal(err)
		}
		return k
	}
	due := posted(newPanelKit("C1", t0))
	noPanel := newPanelKit("C1", t0)
	noPanel.Panel = nil
	posted(noPanel)
	noTime := newPanelKit("C1", t0)
	noTime.InterviewAt = time.Time{}
	posted(noTime)
	createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0) // parent not posted
	closed := posted(newPanelKit("C1", t0))
	if _, _, err := s.CloseKit(ctx, "T1", closed.ID, t0); err != nil {
		t.Fatal(err)
	}
	deleted := posted(newPanelKit("C1", t0))
	if _, err := s.DeleteKit(ctx, "T1", deleted.ID, t0); err != nil {
		t.Fatal(err)
	}
	later := newPanelKit("C2", t0)
	later.TeamID = "T2"
	later.InterviewAt = interview.Add(time.Hour)
	later = posted(later)

	for _, c := range []struct {
		from, to time.Time
		want     []string
	}{
		{interview.Add(-time.Hour), interview.Add(2 * time.Hour), []string{due.ID, later.ID}},
		{interview, interview.Add(2 * time.Hour), []string{later.ID}}, // from is exclusive
		{interview.Add(-time.Hour), interview, []string{due.ID}},      // to is inclusive
		{interview.Add(3 * time.Hour), interview.Add(4 * time.Hour), nil},
	} {
		kits, err := s.ReminderKits(ctx, c.from, c.to)
		if err != nil {
			t.Fatalf("ReminderKits: %v", err)
		}
		if got := kitIDs(kits); !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
			t.Errorf("ReminderKits(%v, %v) = %q, want %q", c.from.Sub(interview), c.to.Sub(interview), got, c.want)
		}
		if len(kits) > 0 && (len(kits[0].Items) != 3 || kits[0].Candidate == "") {
			t.Errorf("ReminderKits returned %+v; want the kit with its items and label", kits[0])
		}
	}
}

func reminderClaims(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	r := handlers.Reminder{KitID: k.ID, UserID: "U-ada", N: 1}
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	claim := func(r handlers.Reminder, owner string, now, until time.Time, want bool) {
		t.Helper()
		ok, err := s.ClaimReminder(ctx, r, owner, now, until)
		if err != nil || ok != want {
			t.Fatalf("ClaimReminder(%v, %s at %v) = %v, %v; want %v", r, owner, now.Sub(t0), ok, err, want)
		}
	}
	claim(r, "A", at(0), at(2), true)
	claim(r, "B", at(1), at(3), false)
	claim(r, "A", at(1), at(3), false) // one attempt at a time, even for its holder
	claim(handlers.Reminder{KitID: k.ID, UserID: "U-bob", N: 1}, "B", at(1), at(3), true)
	claim(handlers.Reminder{KitID: k.ID, UserID: "U-ada", N: 2}, "B", at(1), at(3), true)
	claim(r, "B", at(2), at(4), true) // A's lease ran out
	if err := s.MarkReminderSent(ctx, r, "A", "9.1", at(2)); !errors.Is(err, handlers.ErrConflict) {
		t.Errorf("MarkReminderSent by the old holder = %v, want ErrConflict", err)
	}
	if err := s.ReleaseReminder(ctx, r, "A", at(5)); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("ReleaseReminder by the old holder = %v, want ErrNotFound", err)
	}
	if err := s.ReleaseReminder(ctx, r, "B", at(10)); err != nil {
		t.Fatalf("ReleaseReminder: %v", err)
	}
	claim(r, "C", at(9), at(12), false) // retry time not reached
	claim(r, "C", at(10), at(12), true)
	if err := s.MarkReminderSent(ctx, r, "C", "9.2", at(10)); err != nil {
		t.Fatalf("MarkReminderSent: %v", err)
	}
	if err := s.MarkReminderSent(ctx, r, "C", "9.2", at(11)); err != nil {
		t.Errorf("marking sent again with the same ts: %v", err)
	}
	if err := s.MarkReminderSent(ctx, r, "D", "9.3", at(11)); !errors.Is(err, handlers.ErrConflict) {
		t.Errorf("marking a sent reminder with another ts = %v, want ErrConflict", err)
	}
	claim(r, "D", at(100), at(102), false) // sent: never again
	if err := s.ReleaseReminder(ctx, r, "C", at(100)); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("releasing a sent reminder = %v, want ErrNotFound", err)
	}

	if _, err := s.ClaimReminder(ctx, handlers.Reminder{KitID: "nope", UserID: "U1", N: 1}, "A", t0, t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("ClaimReminder for an unknown kit = %v, want ErrNotFound", err)
	}
	if err := s.MarkReminderSent(ctx, handlers.Reminder{KitID: k.ID, UserID: "U-zed", N: 1}, "A", "1.1", t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("MarkReminderSent without a claim = %v, want ErrNotFound", err)
	}
	for _, bad := range []handlers.Reminder{{KitID: k.ID, UserID: "U1", N: 0}, {KitID: k.ID, UserID: "U1", N: 4}, {KitID: k.ID, N: 1}} {
		if _, err := s.ClaimReminder(ctx, bad, "A", t0, t0); err == nil || errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("ClaimReminder(%+v) = %v, want a plain refusal", bad, err)
		}
	}
}

func reminderConcurrentClaims(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	r := handlers.Reminder{KitID: k.ID, UserID: "U-ada", N: 1}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ClaimReminder(ctx, r, fmt.Sprintf("replica-%d", i), t0, t0.Add(time.Minute))
			if err != nil {
				t.Errorf("ClaimReminder: %v", err)
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
		t.Errorf("%d replicas won the claim, want 1", wins)
	}
}

func reminderLeasesReleased(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)
	mine := handlers.Reminder{KitID: k.ID, UserID: "U-ada", N: 1}
	theirs := handlers.Reminder{KitID: k.ID, UserID: "U-bob", N: 1}
	for _, c := range []struct {
		r     handlers.Reminder
		owner string
	}{{mine, "A"}, {theirs, "B"}} {
		if ok, err := s.ClaimReminder(ctx, c.r, c.owner, t0, t0.Add(time.Hour)); err != nil || !ok {
			t.Fatalf("ClaimReminder: %v %v", ok, err)
		}
	}
	now := t0.Add(time.Minute)
	if err := s.ReleaseLeases(ctx, "A", now); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.ClaimReminder(ctx, mine, "A2", now, now.Add(time.Hour)); err != nil || !ok {
		t.Errorf("claim of A's reminder after release: %v %v, want taken over", ok, err)
	}
	if ok, err := s.ClaimReminder(ctx, theirs, "A2", now, now.Add(time.Hour)); err != nil || ok {
		t.Errorf("claim of B's reminder after A's release: %v %v, want still B's", ok, err)
	}
}

func retentionErases(ctx context.Context, t *testing.T, s store) {
	day := 24 * time.Hour
	old := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)               // never closed, made at t0
	closedLate := createKit(ctx, t, s, newPanelKit("C1", t0), "A", t0)        // made at t0, closed 10 days later
	young := createKit(ctx, t, s, newPanelKit("C1", t0.Add(20*day)), "A", t0) // made later
	for _, k := range []handlers.Kit{old, closedLate, young} {
		saveScorecard(ctx, t, s, scorecard(k, "U-ada", handlers.OverallYes, handlers.ScorecardAnswer{QuestionID: "sbe-tech-01", Score: 2, Note: "n"}))
	}
	if _, _, err := s.CloseKit(ctx, "T1", closedLate.ID, t0.Add(10*day)); err != nil {
		t.Fatal(err)
	}
	erased := func(cutoff time.Time, want int) {
		t.Helper()
		n, err := s.EraseExpired(ctx, cutoff, cutoff)
		if err != nil || n != want {
			t.Fatalf("EraseExpired(t0+%v) = %d, %v; want %d", cutoff.Sub(t0), n, err, want)
		}
	}
	erased(t0, 0) // before is strict
	erased(t0.Add(5*day), 1)
	check := func(k handlers.Kit, gone bool) {
		t.Helper()
		got, err := s.Kit(ctx, "T1", k.ID)
		if err != nil {
			t.Fatal(err)
		}
		cards := scorecards(ctx, t, s, k)
		if gone != (got.Candidate == "" && len(cards) == 0) || !gone && (got.Candidate == "" || len(cards) != 1) {
			t.Errorf("kit made %v: label %q, %d scorecards; erased should be %v", got.CreatedAt.Sub(t0), got.Candidate, len(cards), gone)
		}
		if len(got.Items) != 3 {
			t.Errorf("retention dropped the kit's questions: %+v", got.Items)
		}
	}
	check(old, true)
	check(closedLate, false)
	check(young, false)
	erased(t0.Add(5*day), 0) // done once
	erased(t0.Add(15*day), 1)
	check(closedLate, true)
	check(young, false)
	erased(t0.Add(21*day), 1)
	check(young, true)
}
