package main

// Migrations at start. The bot takes no envelope before its schema is in
// place, so the first command on a fresh database, or after a deploy that
// adds a migration, finds its tables. Only when Postgres does not answer at
// all does the bot start without it (lists and help work, writes say they
// were not saved) and migrate in the background; the serving store is held
// until then (storage.DB.HoldUntil).

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/interviewbot/interviewbot/storage"
)

const (
	// startMigrateTimeout bounds the migrations made before connecting to
	// Slack while Postgres answers. Replicas starting together take turns
	// (an advisory lock), so one may wait for another's migrations.
	startMigrateTimeout = 60 * time.Second
	// migrateAttemptTimeout bounds one attempt, the wait for the lock
	// included.
	migrateAttemptTimeout = 30 * time.Second
	// pingTimeout bounds the check that Postgres answers at all.
	pingTimeout = 5 * time.Second
	// maxMigrateRetry caps the pause between attempts, and so how long
	// writes stay refused after Postgres came back.
	maxMigrateRetry = 5 * time.Second
)

// migrator applies the migrations through a store of its own, since the
// serving store refuses every query until they have succeeded.
type migrator struct {
	dsn   string
	log   *slog.Logger
	start time.Time
	// done is closed once the migrations have succeeded.
	done chan struct{}
}

func newMigrator(dsn string, log *slog.Logger) *migrator {
	return &migrator{dsn: dsn, log: log, start: time.Now(), done: make(chan struct{})}
}

// atStart migrates, retrying while Postgres answers, for up to
// startMigrateTimeout. It returns migrated=false and no error when Postgres
// does not answer: the caller then starts without it and calls background.
// It returns an error when Postgres answers but the migrations keep failing.
func (m *migrator) atStart(ctx context.Context) (migrated bool, err error) {
	delay := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		if err := m.ping(ctx); err != nil {
			if ctx.Err() == nil {
				m.log.Warn("database unreachable at start: serving without it, and refusing writes until the migrations have run",
					"err", err, "waited", time.Since(m.start).Round(time.Millisecond).String())
			}
			return false, nil
		}
		err := m.migrate(ctx)
		if err == nil {
			m.migrated(attempt)
			return true, nil
		}
		if ctx.Err() != nil {
			return false, nil
		}
		if time.Since(m.start)+delay > startMigrateTimeout {
			return false, fmt.Errorf("DATABASE_URL: the migrations did not succeed within %v: %w", startMigrateTimeout, err)
		}
		m.log.Warn("database migration failed; retrying", "err", err, "attempt", attempt, "retry_in", delay)
		if !sleep(ctx, delay) {
			return false, nil
		}
		delay = min(2*delay, maxMigrateRetry)
	}
}

// background migrates until it succeeds or ctx ends, for a bot that
// started while Postgres was unreachable. Every replica runs it; the
// advisory lock serialises them.
func (m *migrator) background(ctx context.Context) {
	delay := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := m.migrate(ctx)
		if err == nil {
			m.migrated(attempt)
			return
		}
		if ctx.Err() != nil {
			return
		}
		m.log.Error("database migration failed; retrying", "err", err, "attempt", attempt, "retry_in", delay)
		if !sleep(ctx, delay) {
			return
		}
		delay = min(2*delay, maxMigrateRetry)
	}
}

func (m *migrator) migrated(attempts int) {
	m.log.Info("database migrated", "took", time.Since(m.start).Round(time.Millisecond).String(), "attempts", attempts)
	close(m.done)
}

// ping checks that Postgres answers.
func (m *migrator) ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	return m.withStore(ctx, func(db *storage.DB) error { return db.Ping(ctx) })
}

// migrate makes one attempt.
func (m *migrator) migrate(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, migrateAttemptTimeout)
	defer cancel()
	return m.withStore(ctx, func(db *storage.DB) error { return db.Migrate(ctx) })
}

// withStore runs f with a store of its own, closed after: attempts are
// rare, and a failed one leaves no pool behind.
func (m *migrator) withStore(ctx context.Context, f func(*storage.DB) error) error {
	db, err := storage.Open(ctx, m.dsn, m.log)
	if err != nil {
		return err
	}
	defer db.Close()
	return f(db)
}

// sleep waits d or until ctx ends, and says whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
