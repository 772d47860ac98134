package storage

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/interviewbot/interviewbot/handlers"
)

// opError wraps err with the operation that failed, once, and adds the
// handlers sentinel the failure means, so callers can use errors.Is while the
// log keeps Postgres' own message (constraint name, SQLSTATE). A failure
// that is no sentinel (the database unreachable, a timeout, a bug) is
// counted for Failures.
func (db *DB) opError(op string, err error) error {
	if errors.Is(err, handlers.ErrNotFound) || errors.Is(err, handlers.ErrConflict) {
		return fmt.Errorf("%s: %w", op, err) // mapped by an inner call already
	}
	if sentinel := sentinelFor(err); sentinel != nil {
		return fmt.Errorf("%s: %w: %w", op, sentinel, err)
	}
	db.failures.Add(1)
	return fmt.Errorf("%s: %w", op, err)
}

// Failures counts the operations that failed for another reason than a
// missing or conflicting record, since Open: what an operator watches.
func (db *DB) Failures() uint64 { return db.failures.Load() }

// sentinelFor maps an error from database/sql or lib/pq to the handlers
// sentinel it stands for, or nil.
func sentinelFor(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return handlers.ErrNotFound
	}
	if pqErr := pq.As(err); pqErr != nil {
		switch pqErr.Code {
		case pqerror.UniqueViolation, pqerror.ExclusionViolation:
			return handlers.ErrConflict
		case pqerror.ForeignKeyViolation:
			// The row written refers to a parent that does not exist (for
			// this team), or was deleted meanwhile.
			return handlers.ErrNotFound
		}
	}
	return nil
}
