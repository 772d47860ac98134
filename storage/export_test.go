package storage

// OpError exposes opError to the external tests, which provoke real
// Postgres errors no store method can (every write is an upsert).
var OpError = opError
