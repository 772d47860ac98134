package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

func wasPosted(ctx context.Context, t *testing.T, s store, p handlers.PostedQuestion) bool {
	t.Helper()
	ok, err := s.WasPosted(ctx, p)
	if err != nil {
		t.Fatalf("WasPosted(%+v): %v", p, err)
	}
	return ok
}

// postedQuestions: a question counts as posted in a message only where the
// bot posted it: a practice or daily post in the channel's history, a
// kit's reply (its ts is recorded with the kit even if the history missed
// it) or a daily post's claim. Any other (channel, message, question) is a
// forged or stale click.
func postedQuestions(ctx context.Context, t *testing.T, s store) {
	practice := handlers.Post{TeamID: "T1", ChannelID: "C1", QuestionID: "sbe-t01", MessageTS: "1700000000.000100", Source: "practice", At: t0}
	if err := s.RecordPost(ctx, practice); err != nil {
		t.Fatalf("RecordPost: %v", err)
	}

	k := createKit(ctx, t, s, newKit("C2", t0), "replica-a", t0.Add(time.Minute))
	if err := s.SetKitParent(ctx, k.ID, "1700000000.000200"); err != nil {
		t.Fatalf("SetKitParent: %v", err)
	}
	// Position 1 asks sbe-tech-01; its reply is recorded with the kit but,
	// as after a crash, not in the channel's history.
	if err := s.SetKitReply(ctx, k.ID, 1, "1700000000.000201"); err != nil {
		t.Fatalf("SetKitReply: %v", err)
	}

	sc, err := s.SaveSchedule(ctx, handlers.Schedule{TeamID: "T1", ChannelID: "C3", Role: "senior-backend", Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1"})
	if err != nil {
		t.Fatalf("SaveSchedule: %v", err)
	}
	if _, ok, err := s.ClaimDailyPost(ctx, sc.ID, "2026-03-02", "replica-a", t0, t0.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("ClaimDailyPost = %v, %v", ok, err)
	}
	daily := handlers.Post{TeamID: "T1", ChannelID: "C3", QuestionID: "sbe-t02", MessageTS: "1700000000.000300", Source: "daily", At: t0}
	next := handlers.DailyAdvance{ScheduleID: sc.ID, Date: "2026-03-02", From: t0, To: t0.Add(24 * time.Hour)}
	if err := s.MarkDailyPosted(ctx, sc.ID, "2026-03-02", "replica-a", daily, next); err != nil {
		t.Fatalf("MarkDailyPosted: %v", err)
	}

	at := func(team, channel, ts, question string) handlers.PostedQuestion {
		return handlers.PostedQuestion{TeamID: team, ChannelID: channel, MessageTS: ts, QuestionID: question}
	}
	for _, tt := range []struct {
		name string
		p    handlers.PostedQuestion
		want bool
	}{
		{"practice post", at("T1", "C1", "1700000000.000100", "sbe-t01"), true},
		{"kit reply", at("T1", "C2", "1700000000.000201", "sbe-tech-01"), true},
		{"daily post", at("T1", "C3", "1700000000.000300", "sbe-t02"), true},
		{"another question in the message", at("T1", "C1", "1700000000.000100", "sbe-t02"), false},
		{"another message", at("T1", "C1", "1700000000.000101", "sbe-t01"), false},
		{"another channel", at("T1", "C9", "1700000000.000100", "sbe-t01"), false},
		{"another team", at("T2", "C1", "1700000000.000100", "sbe-t01"), false},
		{"the kit's parent", at("T1", "C2", "1700000000.000200", "sbe-tech-01"), false},
		{"another kit item's question", at("T1", "C2", "1700000000.000201", "sbe-beh-01"), false},
		{"a kit reply in another channel", at("T1", "C1", "1700000000.000201", "sbe-tech-01"), false},
		{"a daily post in another channel", at("T1", "C1", "1700000000.000300", "sbe-t02"), false},
		{"an unposted kit item", at("T1", "C2", "", "sbe-beh-01"), false},
		{"empty", at("", "", "", ""), false},
	} {
		if got := wasPosted(ctx, t, s, tt.p); got != tt.want {
			t.Errorf("%s: WasPosted(%+v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

// TestWasPostedDailyClaim: a daily post whose claim already carries its ts
// and question, but which the channel's history has not recorded yet (the
// record is retried after an outage), is a real post. The store API has no
// call that leaves a claim in that state, so the test writes it with SQL.
func TestWasPostedDailyClaim(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	dsn := storagetest.NewDSN(t)
	db := openStore(t, dsn)
	sc, err := db.SaveSchedule(ctx, handlers.Schedule{TeamID: "T1", ChannelID: "C3", Role: "senior-backend", Hour: 9, Zone: "UTC", Days: handlers.Everyday, CreatedBy: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.ClaimDailyPost(ctx, sc.ID, "2026-03-02", "replica-a", t0, t0.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("ClaimDailyPost = %v, %v", ok, err)
	}
	if _, err := inspect(t, dsn).ExecContext(ctx, `UPDATE daily_posts SET question_id = 'sbe-t02', message_ts = '1700000000.000300'`); err != nil {
		t.Fatal(err)
	}
	if !wasPosted(ctx, t, db, handlers.PostedQuestion{TeamID: "T1", ChannelID: "C3", MessageTS: "1700000000.000300", QuestionID: "sbe-t02"}) {
		t.Error("a daily post known only from its claim is not posted")
	}
	if wasPosted(ctx, t, db, handlers.PostedQuestion{TeamID: "T1", ChannelID: "C1", MessageTS: "1700000000.000300", QuestionID: "sbe-t02"}) {
		t.Error("a daily post counts in another channel")
	}
}
