// Package memstore keeps interviewbot's state in process memory, for
// `interviewbot shell` without DATABASE_URL; everything is lost on exit. It
// implements handlers.Store with the same behaviour as package storage
// (Postgres): the same ids, upsert and lease semantics, limits and errors.
// The conformance test in package storage holds the two to that.
//
// One mutex guards everything: the shell has one user, and a single lock
// makes every method atomic, as each storage method is a statement or a
// transaction.
package memstore

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
)

// Store is an in-process handlers.Store. It is safe for concurrent use.
type Store struct {
	mu sync.Mutex

	votes     map[messageKey]map[string]int // user id → +1 or -1
	ratings   map[feedbackKey]rating
	questions []teamQuestion // in id order; index i holds "team-<i+1>"
	team      teamBanks      // team roles, categories and hidden questions
	posts     map[postKey]handlers.Post

	kits   map[string]*kit // by id
	panels panelState      // scorecards and reminders of panel kits

	schedules map[int64]*handlers.Schedule
	// scheduleSeq mirrors Postgres' bigserial, which an upsert advances
	// even when it updates, so ids match between the stores.
	scheduleSeq int64
	dailyPosts  map[dailyKey]*dailyPost
	skips       map[channelKey][]handlers.DateRange

	private practiceData

	// bankVersion counts the changes to teams' banks.
	bankVersion uint64
}

var _ handlers.Store = (*Store)(nil)

// New returns an empty Store.
func New() *Store {
	return &Store{
		votes:      make(map[messageKey]map[string]int),
		ratings:    make(map[feedbackKey]rating),
		posts:      make(map[postKey]handlers.Post),
		kits:       make(map[string]*kit),
		schedules:  make(map[int64]*handlers.Schedule),
		dailyPosts: make(map[dailyKey]*dailyPost),
	}
}

// stored returns t as Postgres keeps a timestamptz (UTC here, microsecond
// precision), so values read back compare the same in both stores; a zero t
// means now.
func stored(t time.Time) time.Time {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// lock takes the store's lock unless ctx is already done, mirroring a
// database call that fails on a cancelled context. Callers unlock.
func (s *Store) lock(ctx context.Context, op string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	s.mu.Lock()
	return nil
}

// micro returns t at the precision Postgres keeps, leaving zero as zero.
func micro(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}
