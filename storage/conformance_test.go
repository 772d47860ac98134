package storage_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/memstore"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// testTimeout bounds every test's store calls, so a wedged database fails the
// test instead of hanging the run.
const testTimeout = 30 * time.Second

// store is what both implementations offer: everything handlers keep, and
// the import that `interviewbot questions import` runs on the database.
type store interface {
	handlers.Store
	ImportTeamBank(ctx context.Context, teamID string, in handlers.TeamImport) (handlers.ImportResult, error)
	TeamQuestions(ctx context.Context, teamID string) ([]handlers.TeamQuestion, error)
}

// implementation is one store under test.
type implementation struct {
	name string
	open func(t *testing.T) store
}

func implementations() []implementation {
	return []implementation{
		{"postgres", func(t *testing.T) store { return storagetest.New(t) }},
		{"memstore", func(t *testing.T) store { return memstore.New() }},
	}
}

// behaviour is one rule every store must keep. run gets a fresh,
// empty store.
type behaviour struct {
	name string
	run  func(ctx context.Context, t *testing.T, s store)
}

// TestConformance runs every behaviour against every implementation, so
// memstore cannot drift from Postgres.
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, impl := range implementations() {
		for _, b := range behaviours() {
			t.Run(impl.name+"/"+b.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
				defer cancel()
				b.run(ctx, t, impl.open(t))
			})
		}
	}
}

func behaviours() []behaviour {
	return []behaviour{
		{"vote insert, switch and withdraw keep one vote per user", voteUpsert},
		{"votes are tallied per question and message", voteTallyScope},
		{"rating upsert replaces the earlier rating", ratingUpsert},
		{"a user's rating reads back as saved", userRating},
		{"feedback aggregates per question for one team", feedbackAggregates},
		{"feedback of a team without any is empty", feedbackEmpty},
		{"team questions: add, list, remove", teamQuestions},
		{"team questions: other team cannot remove", teamQuestionOtherTeam},
		{"team questions: unknown and malformed ids are not found", teamQuestionUnknownIDs},
		{"team questions: ids are not reused after removal", teamQuestionIDsNotReused},
		{"post counts per channel, recording is idempotent", postCounts},
		{"hostile text is stored byte for byte", hostileTextAccepted},
		{"text breaking a limit is refused with a clear error", limitsRefused},
		{"invalid records are refused", invalidRecordsRefused},
		{"concurrent votes by one user leave at most one vote", concurrentVotes},
		{"posted questions: only where the bot posted them", postedQuestions},
		{"a cancelled context fails the call", cancelledContext},
		{"kits: create, read, list newest first", kitsCreateAndRead},
		{"kits: parent and reply ts are recorded", kitsRecordMessages},
		{"kits: lease, release with retry time, finish", kitsLease},
		{"kits: unfinished kits since a time, all teams", kitsUnfinishedSince},
		{"kits: feedback per message", kitsMessageFeedback},
		{"kits: invalid kits are refused", kitsInvalid},
		{"team questions: one live question per text", teamQuestionsUnique},
		{"team questions: import adds, updates, is idempotent", teamQuestionsImport},
		{"team bank: import by id updates in place", teamImportByID},
		{"team bank: a dry run writes nothing", teamImportDryRun},
		{"team bank: sync removes what the file lacks", teamImportSync},
		{"team bank: two questions may swap wordings", teamImportSwap},
		{"team bank: one live question per key", teamImportConflict},
		{"team bank: roles and categories", teamImportRoles},
		{"team bank: hide and unhide", teamHide},
		{"leases: a restarted instance releases its own", releaseLeases},
		{"schedules: add, limit, update, pause, list, delete", schedulesLifecycle},
		{"schedules: due, never computed, advance", schedulesDue},
		{"schedules: a pause until a date ends on it", schedulesPauseEnds},
		{"schedules: a channel's skipped dates", schedulesSkips},
		{"schedules: invalid schedules are refused", schedulesInvalid},
		{"daily: claim, release, mark posted, skip, history", dailyClaims},
		{"daily: an expired claim is taken over", dailyExpiredClaimTakenOver},
		{"daily: unknown schedules and bad dates", dailyUnknownSchedule},
		{"daily: a schedule made again finds the day's post", dailyDeletedWithSchedule},
		{"daily: concurrent claims have one winner", dailyConcurrentClaims},
	}
}

func vote(user string, value int) handlers.Vote {
	return handlers.Vote{
		TeamID:     "T1",
		UserID:     user,
		QuestionID: "sbe-tech-01",
		ChannelID:  "C1",
		MessageTS:  "1700000000.000100",
		Value:      value,
	}
}

func rating(user string, stars int, notes string) handlers.Rating {
	return handlers.Rating{
		TeamID:     "T1",
		UserID:     user,
		QuestionID: "sbe-tech-01",
		ChannelID:  "C1",
		MessageTS:  "1700000000.000100",
		Stars:      stars,
		Notes:      notes,
	}
}

func saveVote(ctx context.Context, t *testing.T, s store, v handlers.Vote) handlers.Tally {
	t.Helper()
	tally, err := s.SaveVote(ctx, v)
	if err != nil {
		t.Fatalf("SaveVote(%+v): %v", v, err)
	}
	return tally
}

func feedbackOf(ctx context.Context, t *testing.T, s store, teamID string) []handlers.QuestionFeedback {
	t.Helper()
	fb, err := s.Feedback(ctx, teamID)
	if err != nil {
		t.Fatalf("Feedback(%q): %v", teamID, err)
	}
	return fb
}

func voteUpsert(ctx context.Context, t *testing.T, s store) {
	steps := []struct {
		v    handlers.Vote
		want handlers.Tally
	}{
		{vote("U1", 1), handlers.Tally{Up: 1, Mine: 1}},            // first click
		{vote("U1", 1), handlers.Tally{}},                          // same button again: withdrawn
		{vote("U1", 1), handlers.Tally{Up: 1, Mine: 1}},            // and back
		{vote("U1", -1), handlers.Tally{Down: 1, Mine: -1}},        // switch
		{vote("U2", 1), handlers.Tally{Up: 1, Down: 1, Mine: 1}},   // another user
		{vote("U1", 1), handlers.Tally{Up: 2, Mine: 1}},            // switch back
		{vote("U2", -1), handlers.Tally{Up: 1, Down: 1, Mine: -1}}, // and the other
		{vote("U2", -1), handlers.Tally{Up: 1}},                    // who withdraws
	}
	for i, step := range steps {
		if got := saveVote(ctx, t, s, step.v); got != step.want {
			t.Fatalf("step %d: SaveVote(%s, %+d) = %+v, want %+v", i, step.v.UserID, step.v.Value, got, step.want)
		}
	}
	// One row per user and none for a withdrawn vote: the aggregate
	// counts one vote, not eight.
	want := []handlers.QuestionFeedback{{QuestionID: "sbe-tech-01", Up: 1}}
	if got := feedbackOf(ctx, t, s, "T1"); !slices.Equal(got, want) {
		t.Errorf("Feedback = %+v, want %+v", got, want)
	}
}

func voteTallyScope(ctx context.Context, t *testing.T, s store) {
	saveVote(ctx, t, s, vote("U1", 1))
	otherMessage := vote("U2", 1)
	otherMessage.MessageTS = "1700000000.000200"
	otherQuestion := vote("U3", 1)
	otherQuestion.QuestionID = "sbe-tech-02"
	otherChannel := vote("U4", -1)
	otherChannel.ChannelID = "C2"
	otherTeam := vote("U5", -1)
	otherTeam.TeamID = "T2"
	for _, v := range []handlers.Vote{otherMessage, otherQuestion, otherChannel, otherTeam} {
		if got, want := saveVote(ctx, t, s, v), (handlers.Tally{Up: max(v.Value, 0), Down: max(-v.Value, 0), Mine: v.Value}); got != want {
			t.Errorf("SaveVote(%+v) = %+v, want %+v (only its own vote)", v, got, want)
		}
	}
	if got, want := saveVote(ctx, t, s, vote("U6", -1)), (handlers.Tally{Up: 1, Down: 1, Mine: -1}); got != want {
		t.Errorf("tally of the first message = %+v, want %+v", got, want)
	}
}

func ratingUpsert(ctx context.Context, t *testing.T, s store) {
	if err := s.SaveRating(ctx, rating("U1", 3, "too easy for seniors")); err != nil {
		t.Fatalf("SaveRating: %v", err)
	}
	if err := s.SaveRating(ctx, rating("U1", 5, "")); err != nil {
		t.Fatalf("SaveRating again: %v", err)
	}
	want := []handlers.QuestionFeedback{{QuestionID: "sbe-tech-01", Ratings: 1, StarsSum: 5, Notes: 0}}
	if got := feedbackOf(ctx, t, s, "T1"); !slices.Equal(got, want) {
		t.Errorf("Feedback = %+v, want %+v (the second rating replaces the first)", got, want)
	}
}

func userRating(ctx context.Context, t *testing.T, s store) {
	at := handlers.PostedQuestion{TeamID: "T1", ChannelID: "C1", MessageTS: "1700000000.000100", QuestionID: "sbe-tech-01"}
	if _, err := s.UserRating(ctx, at, "U1"); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("UserRating before any = %v, want ErrNotFound", err)
	}
	saved := rating("U1", 4, "Ask about <!here> & retries\nsecond line")
	if err := s.SaveRating(ctx, saved); err != nil {
		t.Fatalf("SaveRating: %v", err)
	}
	for _, r := range []handlers.Rating{rating("U2", 1, "someone else's")} {
		if err := s.SaveRating(ctx, r); err != nil {
			t.Fatalf("SaveRating: %v", err)
		}
	}
	got, err := s.UserRating(ctx, at, "U1")
	if err != nil || got != saved {
		t.Errorf("UserRating = %+v, %v; want %+v", got, err, saved)
	}
	for name, other := range map[string]handlers.PostedQuestion{
		"another message":  {TeamID: "T1", ChannelID: "C1", MessageTS: "1700000000.000200", QuestionID: "sbe-tech-01"},
		"another question": {TeamID: "T1", ChannelID: "C1", MessageTS: "1700000000.000100", QuestionID: "sbe-tech-02"},
		"another channel":  {TeamID: "T1", ChannelID: "C2", MessageTS: "1700000000.000100", QuestionID: "sbe-tech-01"},
		"another team":     {TeamID: "T2", ChannelID: "C1", MessageTS: "1700000000.000100", QuestionID: "sbe-tech-01"},
	} {
		if r, err := s.UserRating(ctx, other, "U1"); !errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("UserRating on %s = %+v, %v; want ErrNotFound", name, r, err)
		}
	}
	if r, err := s.UserRating(ctx, at, "U3"); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("UserRating of a user who did not rate = %+v, %v; want ErrNotFound", r, err)
	}
}

func feedbackAggregates(ctx context.Context, t *testing.T, s store) {
	at := func(v handlers.Vote, question, channel, ts string) handlers.Vote {
		v.QuestionID, v.ChannelID, v.MessageTS = question, channel, ts
		return v
	}
	rateAt := func(r handlers.Rating, question, channel, ts string) handlers.Rating {
		r.QuestionID, r.ChannelID, r.MessageTS = question, channel, ts
		return r
	}
	votes := []handlers.Vote{
		at(vote("U1", 1), "q-b", "C1", "1.1"),
		at(vote("U2", 1), "q-b", "C1", "1.1"),
		at(vote("U1", -1), "q-b", "C2", "2.1"), // same user, another message: counts
		at(vote("U1", -1), "q-a", "C1", "1.2"),
	}
	otherTeam := at(vote("U9", 1), "q-a", "C1", "1.2")
	otherTeam.TeamID = "T2"
	votes = append(votes, otherTeam)
	for _, v := range votes {
		saveVote(ctx, t, s, v)
	}
	ratings := []handlers.Rating{
		rateAt(rating("U1", 4, "good follow-ups"), "q-b", "C1", "1.1"),
		rateAt(rating("U2", 2, ""), "q-b", "C1", "1.1"),
		rateAt(rating("U3", 5, "🔥"), "q-c", "C3", "3.1"), // ratings only
	}
	for _, r := range ratings {
		if err := s.SaveRating(ctx, r); err != nil {
			t.Fatalf("SaveRating(%+v): %v", r, err)
		}
	}
	want := []handlers.QuestionFeedback{
		{QuestionID: "q-a", Down: 1},
		{QuestionID: "q-b", Up: 2, Down: 1, Ratings: 2, StarsSum: 6, Notes: 1},
		{QuestionID: "q-c", Ratings: 1, StarsSum: 5, Notes: 1},
	}
	if got := feedbackOf(ctx, t, s, "T1"); !slices.Equal(got, want) {
		t.Errorf("Feedback(T1) =\n%+v\nwant\n%+v", got, want)
	}
	wantT2 := []handlers.QuestionFeedback{{QuestionID: "q-a", Up: 1}}
	if got := feedbackOf(ctx, t, s, "T2"); !slices.Equal(got, wantT2) {
		t.Errorf("Feedback(T2) = %+v, want %+v", got, wantT2)
	}
}

func feedbackEmpty(ctx context.Context, t *testing.T, s store) {
	saveVote(ctx, t, s, vote("U1", 1))
	if got := feedbackOf(ctx, t, s, "T-none"); len(got) != 0 {
		t.Errorf("Feedback(T-none) = %+v, want none", got)
	}
}

func addQuestion(ctx context.Context, t *testing.T, s store, teamID, text string) handlers.TeamQuestion {
	t.Helper()
	q, err := s.AddTeamQuestion(ctx, handlers.TeamQuestion{
		TeamID:    teamID,
		Role:      "senior-backend",
		Category:  "technical",
		Text:      text,
		CreatedBy: "U-admin",
	})
	if err != nil {
		t.Fatalf("AddTeamQuestion(%q, %.40q): %v", teamID, text, err)
	}
	return q
}

func listQuestions(ctx context.Context, t *testing.T, s store, teamID string) []handlers.TeamQuestion {
	t.Helper()
	qs, err := s.TeamQuestions(ctx, teamID)
	if err != nil {
		t.Fatalf("TeamQuestions(%q): %v", teamID, err)
	}
	return qs
}

func ids(qs []handlers.TeamQuestion) []string {
	out := make([]string, 0, len(qs))
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

func teamQuestions(ctx context.Context, t *testing.T, s store) {
	before := time.Now().Add(-time.Minute)
	first := addQuestion(ctx, t, s, "T1", "How would you shard a write-heavy table?")
	second := addQuestion(ctx, t, s, "T1", "Tell me about a rollback you led.")

	if first.ID != "team-1" || second.ID != "team-2" {
		t.Errorf("ids = %q, %q; want team-1, team-2 (a fresh store numbers from 1)", first.ID, second.ID)
	}
	want := handlers.TeamQuestion{
		ID:        "team-1",
		TeamID:    "T1",
		Role:      "senior-backend",
		Category:  "technical",
		Text:      "How would you shard a write-heavy table?",
		CreatedBy: "U-admin",
		CreatedAt: first.CreatedAt,
	}
	if !reflect.DeepEqual(first, want) {
		t.Errorf("AddTeamQuestion = %+v, want %+v", first, want)
	}
	if first.CreatedAt.Before(before) || first.CreatedAt.After(time.Now().Add(time.Minute)) {
		t.Errorf("CreatedAt = %v, want about now", first.CreatedAt)
	}

	got := listQuestions(ctx, t, s, "T1")
	if len(got) != 2 || !got[0].CreatedAt.Equal(first.CreatedAt) || got[0].Text != first.Text || got[1].ID != second.ID {
		t.Fatalf("TeamQuestions = %+v, want [%+v %+v]", got, first, second)
	}

	if err := s.RemoveTeamQuestion(ctx, "T1", first.ID); err != nil {
		t.Fatalf("RemoveTeamQuestion(%s): %v", first.ID, err)
	}
	if got := ids(listQuestions(ctx, t, s, "T1")); !slices.Equal(got, []string{"team-2"}) {
		t.Errorf("after removing team-1, TeamQuestions = %q, want [team-2]", got)
	}
	if err := s.RemoveTeamQuestion(ctx, "T1", first.ID); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("removing team-1 twice = %v, want ErrNotFound", err)
	}
}

func teamQuestionOtherTeam(ctx context.Context, t *testing.T, s store) {
	mine := addQuestion(ctx, t, s, "T1", "Design a rate limiter.")
	if err := s.RemoveTeamQuestion(ctx, "T2", mine.ID); !errors.Is(err, handlers.ErrNotFound) {
		t.Errorf("T2 removing T1's %s = %v, want ErrNotFound", mine.ID, err)
	}
	if got := ids(listQuestions(ctx, t, s, "T1")); !slices.Equal(got, []string{mine.ID}) {
		t.Errorf("T1's questions after T2's attempt = %q, want [%s]", got, mine.ID)
	}
	if got := listQuestions(ctx, t, s, "T2"); len(got) != 0 {
		t.Errorf("T2's questions = %+v, want none", got)
	}
}

func teamQuestionUnknownIDs(ctx context.Context, t *testing.T, s store) {
	addQuestion(ctx, t, s, "T1", "Explain idempotency keys.") // team-1 exists
	for _, id := range []string{
		"team-2", "team-999", "team-9223372036854775807", "team-99999999999999999999",
		"team-0", "team--1", "team-+1", "team-01", "TEAM-1", "Team-1", " team-1", "team-1 ",
		"team-", "team", "1", "", "team-1'; DROP TABLE team_questions; --", "sbe-tech-01",
	} {
		if err := s.RemoveTeamQuestion(ctx, "T1", id); !errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("RemoveTeamQuestion(%q) = %v, want ErrNotFound", id, err)
		}
	}
	if got := ids(listQuestions(ctx, t, s, "T1")); !slices.Equal(got, []string{"team-1"}) {
		t.Errorf("TeamQuestions = %q, want [team-1] untouched", got)
	}
}

func teamQuestionIDsNotReused(ctx context.Context, t *testing.T, s store) {
	a := addQuestion(ctx, t, s, "T1", "Question A")
	b := addQuestion(ctx, t, s, "T2", "Question B") // ids are numbered across teams
	if err := s.RemoveTeamQuestion(ctx, "T2", b.ID); err != nil {
		t.Fatalf("RemoveTeamQuestion: %v", err)
	}
	c := addQuestion(ctx, t, s, "T1", "Question C")
	if got, want := []string{a.ID, b.ID, c.ID}, []string{"team-1", "team-2", "team-3"}; !slices.Equal(got, want) {
		t.Errorf("ids = %q, want %q", got, want)
	}
}

func postCounts(ctx context.Context, t *testing.T, s store) {
	record := func(team, channel, question, ts, source string) {
		t.Helper()
		p := handlers.Post{TeamID: team, ChannelID: channel, QuestionID: question, MessageTS: ts, Source: source}
		if err := s.RecordPost(ctx, p); err != nil {
			t.Fatalf("RecordPost(%+v): %v", p, err)
		}
	}
	record("T1", "C1", "q-a", "1.1", "practice")
	record("T1", "C1", "q-a", "1.1", "practice") // a retry: not counted twice
	record("T1", "C1", "q-a", "1.2", "daily")
	record("T1", "C1", "q-b", "1.3", "kit")
	record("T1", "C1", "q-c", "1.3", "kit") // a kit's parent and replies may share nothing but the channel
	record("T1", "C2", "q-a", "2.1", "practice")
	record("T2", "C1", "q-a", "9.1", "practice")

	got, err := s.PostCounts(ctx, "T1", "C1")
	if err != nil {
		t.Fatalf("PostCounts: %v", err)
	}
	if want := map[string]int{"q-a": 2, "q-b": 1, "q-c": 1}; !maps.Equal(got, want) {
		t.Errorf("PostCounts(T1, C1) = %v, want %v", got, want)
	}
	got, err = s.PostCounts(ctx, "T1", "C-none")
	if err != nil {
		t.Fatalf("PostCounts: %v", err)
	}
	if got == nil || len(got) != 0 {
		t.Errorf("PostCounts of an unused channel = %#v, want an empty map", got)
	}
}

// hostileTexts are accepted and must come back unchanged.
func hostileTexts() map[string]string {
	return map[string]string{
		"sql injection":   `'; drop table votes; --`,
		"quotes":          `Robert'); DROP TABLE team_questions;-- "x" \' \\ $1 :name ::text`,
		"unicode":         "Qu'est-ce qu'une clé étrangère ? 外部キーとは？ Что такое внешний ключ?",
		"rtl override":    "abc\u202edcba\u202c and עברית עם ערבית: العربية",
		"emoji":           "Scale this 🚀🔥 to 10⁶ users 👩🏽‍💻",
		"zero-width":      "zero\u200bwidth\u200c joiner\u200d family 👨\u200d👩\u200d👧\u200d👦 BOM\ufeff",
		"control chars":   "tab\tnew\nline\r\nbell\a esc\x1b[31m",
		"max code points": strings.Repeat("\U0010ffff", 10),
		"exactly 500":     strings.Repeat("é", 500),
		"combining marks": "e\u0301\u0302\u0303 Z̸̢̛̬̩a̵l̴g̷o̸",
	}
}

func hostileTextAccepted(ctx context.Context, t *testing.T, s store) {
	for name, text := range hostileTexts() {
		q := addQuestion(ctx, t, s, "T1", text)
		if q.Text != text {
			t.Errorf("%s: AddTeamQuestion returned %q, want %q", name, q.Text, text)
		}
		r := rating("U-"+name, 4, text)
		if err := s.SaveRating(ctx, r); err != nil {
			t.Errorf("%s: SaveRating: %v", name, err)
		}
	}
	read := make(map[string]bool)
	for _, q := range listQuestions(ctx, t, s, "T1") {
		read[q.Text] = true
	}
	for name, text := range hostileTexts() {
		if !read[text] {
			t.Errorf("%s: %q was not read back byte for byte", name, text)
		}
	}
	// The injection attempt was data: the votes table still works.
	saveVote(ctx, t, s, vote("U1", 1))
	fb := feedbackOf(ctx, t, s, "T1")
	if len(fb) != 1 || fb[0].Ratings != len(hostileTexts()) || fb[0].Notes != len(hostileTexts()) {
		t.Errorf("Feedback = %+v, want %d ratings with notes", fb, len(hostileTexts()))
	}
}

func limitsRefused(ctx context.Context, t *testing.T, s store) {
	tenKB := strings.Repeat("x", 10*1024)
	cases := []struct {
		name    string
		call    func() error
		mention []string // the error must name these
	}{
		{"question text of 10 KB", func() error {
			_, err := s.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "r", Category: "c", Text: tenKB})
			return err
		}, []string{"question text", "10240", "500"}},
		{"question text of 501 characters", func() error {
			_, err := s.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "r", Category: "c", Text: strings.Repeat("é", 501)})
			return err
		}, []string{"question text", "501", "500"}},
		{"empty question text", func() error {
			_, err := s.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "r", Category: "c"})
			return err
		}, []string{"question text", "empty"}},
		{"question text with NUL", func() error {
			_, err := s.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "r", Category: "c", Text: "a\x00b"})
			return err
		}, []string{"question text", "NUL"}},
		{"question text not UTF-8", func() error {
			_, err := s.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "r", Category: "c", Text: "caf\xe9"})
			return err
		}, []string{"question text", "UTF-8"}},
		{"notes of 10 KB", func() error { return s.SaveRating(ctx, rating("U1", 3, tenKB)) },
			[]string{"notes", "10240", "3000"}},
		{"notes of 3001 characters", func() error { return s.SaveRating(ctx, rating("U1", 3, strings.Repeat("ß", 3001))) },
			[]string{"notes", "3001", "3000"}},
		{"notes with NUL", func() error { return s.SaveRating(ctx, rating("U1", 3, "\x00")) },
			[]string{"notes", "NUL"}},
	}
	for _, c := range cases {
		err := c.call()
		if err == nil {
			t.Errorf("%s: accepted, want an error", c.name)
			continue
		}
		if errors.Is(err, handlers.ErrConflict) || errors.Is(err, handlers.ErrNotFound) {
			t.Errorf("%s: error %v wraps a sentinel; a limit is neither a conflict nor a miss", c.name, err)
		}
		for _, m := range c.mention {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("%s: error %q does not mention %q", c.name, err, m)
			}
		}
	}
	// Nothing refused was stored; the limits themselves are accepted.
	if got := listQuestions(ctx, t, s, "T1"); len(got) != 0 {
		t.Errorf("refused questions were stored: %+v", got)
	}
	addQuestion(ctx, t, s, "T1", strings.Repeat("é", 500))
	if err := s.SaveRating(ctx, rating("U1", 3, strings.Repeat("ß", 3000))); err != nil {
		t.Errorf("notes of exactly 3000 characters: %v", err)
	}
}

func invalidRecordsRefused(ctx context.Context, t *testing.T, s store) {
	noTeam := vote("U1", 1)
	noTeam.TeamID = ""
	noMessage := rating("U1", 3, "")
	noMessage.MessageTS = ""
	cases := map[string]func() error{
		"vote of 0":       func() error { _, err := s.SaveVote(ctx, vote("U1", 0)); return err },
		"vote of 2":       func() error { _, err := s.SaveVote(ctx, vote("U1", 2)); return err },
		"vote of no team": func() error { _, err := s.SaveVote(ctx, noTeam); return err },
		"0 stars":         func() error { return s.SaveRating(ctx, rating("U1", 0, "")) },
		"6 stars":         func() error { return s.SaveRating(ctx, rating("U1", 6, "")) },
		"rating of no message": func() error {
			return s.SaveRating(ctx, noMessage)
		},
		"question of no role": func() error {
			_, err := s.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Category: "c", Text: "x"})
			return err
		},
		"post of an unknown source": func() error {
			return s.RecordPost(ctx, handlers.Post{TeamID: "T1", ChannelID: "C1", QuestionID: "q", MessageTS: "1.1", Source: "spam"})
		},
		"post without ts": func() error {
			return s.RecordPost(ctx, handlers.Post{TeamID: "T1", ChannelID: "C1", QuestionID: "q", Source: "daily"})
		},
	}
	for name, call := range cases {
		if err := call(); err == nil {
			t.Errorf("%s: accepted, want an error", name)
		}
	}
	if fb := feedbackOf(ctx, t, s, "T1"); len(fb) != 0 {
		t.Errorf("refused feedback was stored: %+v", fb)
	}
}

func concurrentVotes(ctx context.Context, t *testing.T, s store) {
	const clicks = 20
	start := make(chan struct{})
	errs := make(chan error, clicks)
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Go(func() {
			<-start
			value := 1
			if i%2 == 1 {
				value = -1
			}
			_, err := s.SaveVote(ctx, vote("U1", value))
			errs <- err
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("SaveVote: %v", err)
		}
	}
	// Clicks toggle, so the last one may have withdrawn the vote; what
	// must never happen is one user's vote counted twice.
	fb := feedbackOf(ctx, t, s, "T1")
	if len(fb) > 1 || len(fb) == 1 && fb[0].Up+fb[0].Down != 1 {
		t.Errorf("after %d concurrent clicks by one user, Feedback = %+v, want at most one vote", clicks, fb)
	}
}

func cancelledContext(ctx context.Context, t *testing.T, s store) {
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	calls := map[string]func() error{
		"SaveVote":   func() error { _, err := s.SaveVote(cancelled, vote("U1", 1)); return err },
		"SaveRating": func() error { return s.SaveRating(cancelled, rating("U1", 1, "")) },
		"Feedback":   func() error { _, err := s.Feedback(cancelled, "T1"); return err },
		"TeamQuestions": func() error {
			_, err := s.TeamQuestions(cancelled, "T1")
			return err
		},
		"PostCounts": func() error { _, err := s.PostCounts(cancelled, "T1", "C1"); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %v, want context.Canceled", name, err)
		}
	}
	if fb := feedbackOf(ctx, t, s, "T1"); len(fb) != 0 {
		t.Errorf("a call with a cancelled context stored %+v", fb)
	}
}

// TestLimitErrorText pins the whole message: it ends up in logs and, until
// handlers check limits themselves, is what an operator sees.
func TestLimitErrorText(t *testing.T) {
	t.Parallel()
	s := memstore.New()
	err := s.SaveRating(t.Context(), rating("U1", 3, strings.Repeat("x", 3001)))
	if got, want := fmt.Sprint(err), "save rating: notes: 3001 characters, over the limit of 3000"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

// teamQuestionsUnique: a team has each question once (case and spacing
// ignored); a removed one may be added again.
func teamQuestionsUnique(ctx context.Context, t *testing.T, s store) {
	q := addQuestion(ctx, t, s, "T1", "How would you shard a write-heavy table?")
	dup := handlers.TeamQuestion{TeamID: "T1", Role: "senior-backend", Category: "technical", Text: "  how would you SHARD a   write-heavy table?", CreatedBy: "U-admin"}
	if _, err := s.AddTeamQuestion(ctx, dup); !errors.Is(err, handlers.ErrConflict) {
		t.Errorf("duplicate add: %v, want ErrConflict", err)
	}
	other := dup
	other.TeamID = "T2"
	if _, err := s.AddTeamQuestion(ctx, other); err != nil {
		t.Errorf("the same text in another team: %v", err)
	}
	if err := s.RemoveTeamQuestion(ctx, "T1", q.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddTeamQuestion(ctx, dup); err != nil {
		t.Errorf("re-adding a removed question: %v", err)
	}
}

func teamQuestionsImport(ctx context.Context, t *testing.T, s store) {
	bankRows := func() []handlers.TeamQuestion {
		return []handlers.TeamQuestion{
			{Role: "senior-backend", Category: "technical", Text: "How do you size a connection pool?", Guidance: []string{"Little's law", "pool per instance × instances ≤ max_connections"}, FollowUps: []string{"What happens at the limit?"}, CreatedBy: "import"},
			{Role: "senior-backend", Category: "behavioral", Text: "Tell me about an outage you led.", CreatedBy: "import"},
		}
	}
	addQuestion(ctx, t, s, "T1", "How do you size a connection pool?") // added by hand earlier, no guidance
	res, err := s.ImportTeamBank(ctx, "T1", handlers.TeamImport{Questions: bankRows()})
	if err != nil {
		t.Fatal(err)
	}
	if got := counts(res); got != "1 added, 1 updated, 0 removed, 0 unchanged" {
		t.Errorf("first import: %s, want 1 added, 1 updated", got)
	}
	if len(res.Added) != 1 || res.Added[0].ID != "team-2" || res.Updated[0].ID != "team-1" {
		t.Errorf("first import: added %+v, updated %+v", res.Added, res.Updated)
	}
	res, err = s.ImportTeamBank(ctx, "T1", handlers.TeamImport{Questions: bankRows()})
	if err != nil || counts(res) != "0 added, 0 updated, 0 removed, 2 unchanged" || res.Changed() {
		t.Errorf("second import = %s, %v; want 2 unchanged", counts(res), err)
	}
	got := listQuestions(ctx, t, s, "T1")
	if len(got) != 2 || !reflect.DeepEqual(got[0].Guidance, bankRows()[0].Guidance) || !reflect.DeepEqual(got[0].FollowUps, bankRows()[0].FollowUps) || got[1].Guidance != nil {
		t.Errorf("after import: %+v", got)
	}
	// All or nothing: a bad row refuses the whole import.
	bad := append(bankRows(), handlers.TeamQuestion{Role: "senior-backend", Category: "technical", Text: strings.Repeat("x", 501), CreatedBy: "import"})
	bad[1].Guidance = []string{"changed"}
	if _, err := s.ImportTeamBank(ctx, "T1", handlers.TeamImport{Questions: bad}); err == nil {
		t.Fatal("an import with an over-long question succeeded")
	}
	if after := listQuestions(ctx, t, s, "T1"); !reflect.DeepEqual(after, got) {
		t.Errorf("a refused import changed the bank: %+v", after)
	}
}
