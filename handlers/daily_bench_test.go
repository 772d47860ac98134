package handlers_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// countingStore counts the schedules the tick reads from the database.
type countingStore struct {
	*storage.DB
	rows int
}

func (s *countingStore) DueSchedules(ctx context.Context, now time.Time) ([]handlers.Schedule, error) {
	scs, err := s.DB.DueSchedules(ctx, now)
	s.rows += len(scs)
	return scs, err
}

// BenchmarkDailyTick measures what a tick costs to find the posts due with
// 100,000 schedules, 1,000 of them due (issue 12). Run it with
//
//	go test -run '^$' -bench DailyTick -benchtime 20x ./handlers
func BenchmarkDailyTick(b *testing.B) {
	const total, due = 100_000, 1_000
	dsn := storagetest.NewDSN(b)
	raw, err := sql.Open("postgres", dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	now := time.Date(2026, 11, 26, 9, 0, 30, 0, time.UTC)
	// Due: 09:00 UTC every day. Not due: 10:00.
	_, err = raw.ExecContext(b.Context(), `
		INSERT INTO daily_schedules (team_id, channel_id, role, category, hour, minute, zone, days, created_by, created_at, next_due_at)
		SELECT 'T' || (i % 100), 'C' || i, 'senior-backend', '', CASE WHEN i <= $2 THEN 9 ELSE 10 END, 0, 'UTC', 'everyday', 'U1',
		       $3::timestamptz - interval '1 day', date_trunc('hour', $3::timestamptz) + CASE WHEN i <= $2 THEN interval '0' ELSE interval '1 hour' END
		FROM generate_series(1, $1) AS i`, total, due, now)
	if err == nil {
		_, err = raw.ExecContext(b.Context(), `ANALYZE daily_schedules`)
	}
	if err != nil {
		b.Fatal(err)
	}
	db, err := storage.Open(b.Context(), dsn, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	store := &countingStore{DB: db}
	c := handlers.New(handlers.Config{Bank: bank(b), Store: store, Slack: &fakeSlack{}, Now: func() time.Time { return now }})
	b.ResetTimer()
	for b.Loop() {
		store.rows = 0
		scs, err := c.DueSchedules(b.Context(), now)
		if err != nil || len(scs) != due {
			b.Fatalf("DueSchedules = %d schedules, %v; want %d", len(scs), err, due)
		}
	}
	b.ReportMetric(float64(store.rows), "rows/tick")
}
