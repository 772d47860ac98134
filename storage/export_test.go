package storage

import "sync/atomic"

// OpError exposes opError to the external tests, which provoke real
// Postgres errors no store method can (every write is an upsert).
func OpError(op string, err error) error {
	db := &DB{failures: new(atomic.Uint64)}
	return db.opError(op, err)
}
