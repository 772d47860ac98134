package storage

import "sync/atomic"

// OpError exposes opError to the external tests, which provoke real
// Postgres errors no store method can (every write is an upsert).
func OpError(op string, err error) error {
	db := &DB{failures: new(atomic.Uint64)}
	return db.opError(op, err)
}

// Cached says whether db would answer the team's questions from memory.
func Cached(db *DB, teamID string) bool {
	_, _, ok := db.cache.get(teamID)
	return ok
}
