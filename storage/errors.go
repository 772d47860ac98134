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
// log keeps Postgres' own message (constraint name, SQLSTATE).
func opError(op string, err error) error {
	if errors.Is(err, handlers.ErrNotFound) || errors.Is(err, handlers.ErrConflict) {
		return fmt.Errorf("%s: %w", op, err) // mapped by an inner call already
	}
	if sentinel := sentinelFor(err); sentinel != nil {
		return fmt.Errorf("%s: %w: %w", op, sentinel, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

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
