package storage_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
)

// t0 is a fixed "now" for lease tests: stores must compare the times they
// are given, not their own clock (handlers' clock is injectable).
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newKit(channel string, createdAt time.Time) handlers.Kit {
	return handlers.Kit{
		TeamID:    "T1",
		ChannelID: channel,
		Role:      "senior-backend",
		CreatedBy: "U-lead",
		CreatedAt: createdAt,
		Items: []handlers.KitItem{
			{Position: 2, QuestionID: "sbe-beh-01", Category: "behavioral"},
			{Position: 1, QuestionID: "sbe-tech-01", Category: "technical"},
			{Position: 3, QuestionID: "team-1", Category: "technical"},
		},
	}
}

func createKit(ctx context.Context, t *testing.T, s store, k handlers.Kit, owner string, until time.Time) handlers.Kit {
	t.Helper()
	created, err := s.CreateKit(ctx, k, owner, until)
	if err != nil {
		t.Fatalf("CreateKit: %v", err)
	}
	return created
}

// sameKit compares kits, times by instant.
func sameKit(a, b handlers.Kit) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return false
	}
	a.CreatedAt, b.CreatedAt = time.Time{}, time.Time{}
	return reflect.DeepEqual(a, b)
}

func kitIDs(kits []handlers.Kit) []string {
	out := make([]string, 0, len(kits))
	for _, k := range kits {
		out = append(out, k.ID)
	}
	return out
}

func kitsCreateAndRead(ctx context.Context, t *testing.T, s store) {
	older := createKit(ctx, t, s, newKit("C1", t0), "replica-a", t0.Add(3*time.Minute))
	newer := createKit(ctx, t, s, newKit("C1", t0.Add(time.Hour)), "replica-a", t0.Add(time.Hour))
	createKit(ctx, t, s, newKit("C2", t0.Add(2*time.Hour)), "replica-a", t0)

	if len(older.ID) != 6 || older.ID == newer.ID {
		t.Errorf("kit ids %q and %q: want two distinct 6-character ids", older.ID, newer.ID)
	}
	got, err := s.Kit(ctx, "T1", older.ID)
	if err != nil {
		t.Fatalf("Kit: %v", err)
	}
	want := older
	want.Items = []handlers.KitItem{want.Items[1], want.Items[0], want.Items[2]} // by position
	if !sameKit(got, want) {
		t.Errorf("Kit =\n%+v\nwant\n%+v", got, want)
	}
	if !got.CreatedAt.Equal(t0) || got.Finished || got.ParentTS != "" {
		t.Errorf("Kit: created %v finished %v parent %q; want %v, false, \"\"", got.CreatedAt, got.Finished, got.ParentTS, t0)
	}

	for _, id := range []string{older.ID + "x", "", "nope", "a\x00b", "\xff"} {
		if _, err := s.Kit(ctx, "T1", id); !errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("Kit(T1, %q) = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := s.Kit(ctx, "T2", older.ID); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("Kit of another team = %v, want ErrNotFound", err)
	}

	for _, c := range []struct {
		limit int
		want  []string
	}{
		{0, []string{newer.ID, older.ID}},
		{-1, []string{newer.ID, older.ID}},
		{1, []string{newer.ID}},
		{15, []string{newer.ID, older.ID}},
	} {
		kits, err := s.ChannelKits(ctx, "T1", "C1", c.limit)
		if err != nil {
			t.Fatalf("ChannelKits: %v", err)
		}
		if got := kitIDs(kits); !slices.Equal(got, c.want) {
			t.Errorf("ChannelKits(limit %d) = %q, want %q (newest first)", c.limit, got, c.want)
		}
		if len(kits) > 0 && len(kits[0].Items) != 3 {
			t.Errorf("ChannelKits: items %+v, want 3", kits[0].Items)
		}
	}
	if kits, err := s.ChannelKits(ctx, "T2", "C1", 0); err != nil || len(kits) != 0 {
		t.Errorf("ChannelKits of another team = %+v, %v; want none", kits, err)
	}
}

func kitsRecordMessages(ctx context.Context, t *testing.T, s store) {
	k := createKit(ctx, t, s, newKit("C1", t0), "replica-a", t0.Add(time.Minute))
	if err := s.SetKitParent(ctx, k.ID, "100.1"); err != nil {
		t.Fatalf("SetKitParent: %v", err)
	}
	if err := s.SetKitReply(ctx, k.ID, 2, "100.3"); err != nil {
		t.Fatalf("SetKitReply: %v", err)
	}
	got, err := s.Kit(ctx, "T1", k.ID)
	if err != nil {
		t.Fatalf("Kit: %v", err)
	}
	if got.ParentTS != "100.1" || got.Items[0].ReplyTS != "" || got.Items[1].ReplyTS != "100.3" {
		t.Errorf("after recording, Kit = %+v; want parent 100.1 and reply 2 at 100.3", got)
	}
	for name, err := range map[string]error{
		"SetKitParent of an unknown kit":   s.SetKitParent(ctx, "nope", "1.1"),
		"SetKitReply of an unknown kit":    s.SetKitReply(ctx, "nope", 1, "1.1"),
		"SetKitReply of an unknown item":   s.SetKitReply(ctx, k.ID, 9, "1.1"),
		"FinishKit of an unknown kit":      s.FinishKit(ctx, "nope", "replica-a", true, time.Time{}),
		"release of an unknown kit":        s.FinishKit(ctx, "nope", "replica-a", false, t0),
		"SetKitParent of a NUL id":         s.SetKitParent(ctx, "\x00", "1.1"),
		"SetKitReply with a NUL id":        s.SetKitReply(ctx, "\x00", 1, "1.1"),
		"FinishKit with an invalid UTF-8 ": s.FinishKit(ctx, "\xff", "replica-a", true, time.Time{}),
	} {
		if !errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("%s = %v, want ErrNotFound", name, err)
		}
	}
	if _, _, err := s.ClaimKit(ctx, "nope", "replica-a", t0, t0); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("ClaimKit of an unknown kit = %v, want ErrNotFound", err)
	}
	if err := s.SetKitParent(ctx, k.ID, ""); err == nil {
		t.Error("SetKitParent with an empty ts succeeded")
	}
}

func kitsLease(ctx context.Context, t *testing.T, s store) {
	at := func(m int) time.Time { return t0.Add(time.Duration(m) * time.Minute) }
	k := createKit(ctx, t, s, newKit("C1", t0), "A", at(3))

	claim := func(owner string, now, until time.Time, want bool) handlers.Kit {
		t.Helper()
		got, ok, err := s.ClaimKit(ctx, k.ID, owner, now, until)
		if err != nil {
			t.Fatalf("ClaimKit(%s at %v): %v", owner, now, err)
		}
		if ok != want {
			t.Fatalf("ClaimKit(%s at %v) ok = %v, want %v", owner, now.Sub(t0), ok, want)
		}
		if got.ID != k.ID || len(got.Items) != 3 {
			t.Fatalf("ClaimKit returned %+v, want kit %s with its items", got, k.ID)
		}
		return got
	}
	unfinished := func(now time.Time) []string {
		t.Helper()
		kits, err := s.UnfinishedKits(ctx, t0.Add(-time.Hour), now)
		if err != nil {
			t.Fatalf("UnfinishedKits: %v", err)
		}
		return kitIDs(kits)
	}
	finish := func(owner string, finished bool, retryAt time.Time) {
		t.Helper()
		if err := s.FinishKit(ctx, k.ID, owner, finished, retryAt); err != nil {
			t.Fatalf("FinishKit(%s, %v): %v", owner, finished, err)
		}
	}

	claim("B", at(1), at(4), false) // A's lease runs to 3
	if got := unfinished(at(1)); len(got) != 0 {
		t.Errorf("UnfinishedKits while leased = %q, want none", got)
	}
	claim("A", at(1), at(4), false) // held even against its owner: one attempt at a time
	claim("B", at(2), at(6), false)
	claim("B", at(3), at(6), true) // expired: B takes over until 6
	finish("A", false, at(5))      // A lost it: no change
	claim("C", at(5), at(9), false)
	finish("B", false, at(8)) // B releases; retry from 8
	claim("C", at(7), at(9), false)
	if got := unfinished(at(7)); len(got) != 0 {
		t.Errorf("UnfinishedKits before the retry time = %q, want none", got)
	}
	if got := unfinished(at(8)); !slices.Equal(got, []string{k.ID}) {
		t.Errorf("UnfinishedKits at the retry time = %q, want [%s]", got, k.ID)
	}
	claim("C", at(8), at(11), true)
	finish("A", true, time.Time{}) // complete, whoever finishes
	if got := claim("C", at(9), at(12), false); !got.Finished {
		t.Errorf("ClaimKit of a finished kit returned Finished = false")
	}
	if got := unfinished(at(100)); len(got) != 0 {
		t.Errorf("UnfinishedKits after finishing = %q, want none", got)
	}
	finish("C", false, at(20)) // releasing a finished kit changes nothing
	if got, err := s.Kit(ctx, "T1", k.ID); err != nil || !got.Finished {
		t.Errorf("Kit after finishing = %+v, %v; want finished", got, err)
	}
}

func kitsUnfinishedSince(ctx context.Context, t *testing.T, s store) {
	old := createKit(ctx, t, s, newKit("C1", t0.Add(-48*time.Hour)), "A", t0.Add(-47*time.Hour))
	recent := createKit(ctx, t, s, newKit("C1", t0.Add(-time.Hour)), "A", t0.Add(-50*time.Minute))
	other := newKit("C9", t0.Add(-30*time.Minute))
	other.TeamID = "T2"
	otherTeam := createKit(ctx, t, s, other, "A", t0.Add(-20*time.Minute))
	kits, err := s.UnfinishedKits(ctx, t0.Add(-24*time.Hour), t0)
	if err != nil {
		t.Fatalf("UnfinishedKits: %v", err)
	}
	if got, want := kitIDs(kits), []string{recent.ID, otherTeam.ID}; !slices.Equal(got, want) {
		t.Errorf("UnfinishedKits = %q, want %q (not %s, created before since; oldest first; all teams)", got, want, old.ID)
	}
}

func kitsMessageFeedback(ctx context.Context, t *testing.T, s store) {
	on := func(v handlers.Vote, question, channel, ts string) handlers.Vote {
		v.QuestionID, v.ChannelID, v.MessageTS = question, channel, ts
		return v
	}
	saveVote(ctx, t, s, on(vote("U1", 1), "q-1", "C1", "200.1"))
	saveVote(ctx, t, s, on(vote("U2", -1), "q-1", "C1", "200.1"))
	saveVote(ctx, t, s, on(vote("U1", 1), "q-1", "C2", "200.1")) // another channel
	saveVote(ctx, t, s, on(vote("U1", 1), "q-9", "C1", "200.9")) // not asked for
	r := rating("U3", 4, "clear")
	r.QuestionID, r.MessageTS = "q-2", "200.2"
	if err := s.SaveRating(ctx, r); err != nil {
		t.Fatalf("SaveRating: %v", err)
	}
	got, err := s.MessageFeedback(ctx, "T1", "C1", []string{"200.1", "200.2", "200.3"})
	if err != nil {
		t.Fatalf("MessageFeedback: %v", err)
	}
	want := map[string]handlers.QuestionFeedback{
		"200.1": {QuestionID: "q-1", Up: 1, Down: 1},
		"200.2": {QuestionID: "q-2", Ratings: 1, StarsSum: 4, Notes: 1},
	}
	if !maps.Equal(got, want) {
		t.Errorf("MessageFeedback = %+v, want %+v", got, want)
	}
	if got, err := s.MessageFeedback(ctx, "T1", "C1", nil); err != nil || got == nil || len(got) != 0 {
		t.Errorf("MessageFeedback of no messages = %#v, %v; want an empty map", got, err)
	}
}

func kitsInvalid(ctx context.Context, t *testing.T, s store) {
	noItems := newKit("C1", t0)
	noItems.Items = nil
	twice := newKit("C1", t0)
	twice.Items[0].Position = 1
	zero := newKit("C1", t0)
	zero.Items[0].Position = 0
	noQuestion := newKit("C1", t0)
	noQuestion.Items[0].QuestionID = ""
	tooBig := newKit("C1", t0)
	tooBig.Items = nil
	for i := range handlers.MaxKitQuestions + 1 {
		tooBig.Items = append(tooBig.Items, handlers.KitItem{Position: i + 1, QuestionID: fmt.Sprintf("q%d", i), Category: "technical"})
	}
	for name, c := range map[string]struct {
		k     handlers.Kit
		owner string
	}{
		"no items":                        {noItems, "A"},
		"a position twice":                {twice, "A"},
		"position 0":                      {zero, "A"},
		"an item of no question":          {noQuestion, "A"},
		"no owner":                        {newKit("C1", t0), ""},
		"more than MaxKitQuestions items": {tooBig, "A"},
	} {
		if _, err := s.CreateKit(ctx, c.k, c.owner, t0); err == nil {
			t.Errorf("CreateKit with %s succeeded", name)
		}
	}
	if kits, err := s.ChannelKits(ctx, "T1", "C1", 0); err != nil || len(kits) != 0 {
		t.Errorf("refused kits were stored: %+v, %v", kits, err)
	}
}

// releaseLeases: an instance that restarts under the same name releases the
// leases its dead predecessor held, on kits and daily posts, and no other's.
func releaseLeases(ctx context.Context, t *testing.T, s store) {
	mine := createKit(ctx, t, s, newKit("C1", t0), "A", t0.Add(time.Hour))
	theirs := createKit(ctx, t, s, newKit("C2", t0), "B", t0.Add(time.Hour))
	sc := saveSchedule(ctx, t, s, newSchedule("C1", ""))
	if _, ok, err := s.ClaimDailyPost(ctx, sc.ID, "2026-03-02", "A", t0, t0.Add(time.Hour)); err != nil || !ok {
		t.Fatalf("ClaimDailyPost: %v, %v", ok, err)
	}
	now := t0.Add(time.Minute)
	if err := s.ReleaseLeases(ctx, "A", now); err != nil {
		t.Fatalf("ReleaseLeases: %v", err)
	}
	unfinished, err := s.UnfinishedKits(ctx, t0.Add(-time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if got := kitIDs(unfinished); !slices.Equal(got, []string{mine.ID}) {
		t.Errorf("unfinished kits after release = %v, want only %s (not %s, still leased by B)", got, mine.ID, theirs.ID)
	}
	if _, ok, err := s.ClaimDailyPost(ctx, sc.ID, "2026-03-02", "A2", now, now.Add(time.Hour)); err != nil || !ok {
		t.Errorf("daily claim after release: ok=%v err=%v, want taken over", ok, err)
	}
}
