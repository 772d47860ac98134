// Package storage keeps interviewbot's state in Postgres. *DB implements the
// interfaces declared by package handlers (handlers.Store) and returns
// handlers' sentinel errors (handlers.ErrNotFound, handlers.ErrConflict).
//
// Records that break a rule the schema enforces (notes over 3000 characters,
// question text outside 1..500 characters, a NUL character or invalid UTF-8,
// a vote other than ±1, a schedule at 24:00…) are refused before any SQL
// with an error naming the field and the limit; memstore refuses them with
// the same words. Such an error wraps no sentinel: handlers validate user
// input first, so reaching it means a bug, shown as an unexpected error.
package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/handlers"
)

// Pool settings. The bot's queries are short; a small pool bounds the load
// each replica can put on Postgres (several replicas share max_connections).
const (
	maxOpenConns    = 10
	connMaxIdleTime = 5 * time.Minute
	// Recycling connections lets a failover or a pgbouncer restart be picked
	// up without restarting the bot.
	connMaxLifetime = 30 * time.Minute
	// defaultConnectTimeout applies when the DSN sets no connect_timeout, so
	// a database that is down or unroutable fails a request instead of
	// hanging it (requests also carry their own context deadline).
	defaultConnectTimeout = 5 * time.Second
)

// DB is interviewbot's Postgres store. It is safe for concurrent use.
type DB struct {
	pool *sqlx.DB
	// q runs the queries: pool, or a transaction in the copy made by inTx,
	// so the same methods work either way.
	q   sqlx.ExtContext
	log *slog.Logger
	// failures and cache are shared with the copies inTx makes.
	failures *atomic.Uint64
	cache    *teamCache
	// dsn is kept for the LISTEN connection of the cache; never logged.
	dsn       string
	stopCache context.CancelFunc
	cacheDone *sync.WaitGroup
	// gate is the pool's connector; HoldUntil closes it.
	gate *gatedConnector
}

var _ handlers.Store = (*DB)(nil)

// Open validates dsn and prepares a connection pool. It does not connect:
// the bot starts, and keeps answering from the built-in question bank,
// while Postgres is down; the first query (or Ping, or Migrate) reports the
// outage, and the pool reconnects by itself once Postgres is back.
//
// Open does no I/O, so ctx is only checked; it is taken for symmetry with
// the other methods and so that a caller that is shutting down gets an
// error. A nil log discards the store's logs.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	if strings.TrimSpace(dsn) == "" {
		return nil, errors.New("open database: the connection string is empty")
	}
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", dsnError(err, dsn))
	}
	if cfg.ConnectTimeout <= 0 {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	connector, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", dsnError(err, dsn))
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}

	gate := &gatedConnector{Connector: connector}
	sqlDB := sql.OpenDB(gate)
	sqlDB.SetMaxOpenConns(maxOpenConns)
	sqlDB.SetMaxIdleConns(maxOpenConns)
	sqlDB.SetConnMaxIdleTime(connMaxIdleTime)
	sqlDB.SetConnMaxLifetime(connMaxLifetime)
	pool := sqlx.NewDb(sqlDB, "postgres")
	return &DB{pool: pool, q: pool, log: log, failures: new(atomic.Uint64), cache: &teamCache{}, dsn: dsn, cacheDone: new(sync.WaitGroup), gate: gate}, nil
}

// ErrSchemaNotReady is the error of every operation of a store held by
// HoldUntil before its schema is migrated.
var ErrSchemaNotReady = errors.New("the database schema is not migrated yet")

// HoldUntil makes the store open no connection until ready is closed:
// every operation until then, Migrate included, fails at once with
// ErrSchemaNotReady. Call it right after Open, before any use, and migrate
// through another store, closing ready once that succeeded.
//
// A bot that started while Postgres was down serves without it; when
// Postgres comes back, its writes must not reach a schema that is missing
// or older than the code until its migrations have run.
func (db *DB) HoldUntil(ready <-chan struct{}) {
	db.gate.ready.Store(&ready)
}

// gatedConnector refuses to connect until its ready channel, if any, is
// closed. A pool that never connected has no idle connection to bypass it.
type gatedConnector struct {
	driver.Connector
	ready atomic.Pointer[<-chan struct{}]
}

func (c *gatedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	if ready := c.ready.Load(); ready != nil {
		select {
		case <-*ready:
		default:
			return nil, ErrSchemaNotReady
		}
	}
	return c.Connector.Connect(ctx)
}

// Close closes the pool's connections. Call it last, after everything that
// uses the store has stopped.
func (db *DB) Close() error {
	if db.stopCache != nil {
		db.stopCache()
		done := make(chan struct{})
		go func() { db.cacheDone.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(2 * defaultConnectTimeout):
			// A listener stuck in a handshake gives up at its connect
			// timeout; don't hold a shutdown hostage to it meanwhile.
			db.log.Warn("team question cache did not stop in time")
		}
	}
	if err := db.pool.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Ping checks that Postgres answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error {
	if err := db.pool.PingContext(ctx); err != nil {
		return fmt.Errorf("ping database: %w", err)
	}
	return nil
}

// inTx runs fn with a copy of db whose queries run in one transaction, and
// commits if fn returns nil.
//
// Waiting for a connection is bounded by ctx, and so is every statement fn
// runs, but the transaction itself is begun without ctx's cancellation:
// database/sql would otherwise roll it back from a background goroutine the
// moment ctx ends and throw the connection away. Rolling back ourselves works
// after ctx is done too, so a request that timed out between two statements
// still releases its locks at once.
func (db *DB) inTx(ctx context.Context, fn func(tx *DB) error) error {
	conn, err := db.pool.Connx(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTxx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&DB{pool: db.pool, q: tx, log: db.log, failures: db.failures, cache: db.cache}); err != nil {
		// A statement cancelled by ctx makes lib/pq close the connection,
		// which ends the transaction server-side; only other failures are
		// worth a line.
		if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) && !errors.Is(rbErr, driver.ErrBadConn) {
			db.log.WarnContext(ctx, "rollback failed", "err", rbErr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// errKeyValueDSN is the whole error for a key=value connection string lib/pq
// refuses: its own message quotes the part it choked on, which may be a piece
// of the password (after an unquoted space, a stray quote).
var errKeyValueDSN = errors.New("malformed key=value connection string: " +
	"put a value holding spaces, quotes or backslashes in single quotes, " +
	`escaping ' and \ inside with a backslash, and check the values of port, ` +
	"sslmode and connect_timeout")

// dsnError describes why dsn was refused without any part of dsn, which may
// hold a password and would end up in logs.
func dsnError(err error, dsn string) error {
	if !strings.Contains(dsn, "://") {
		return errKeyValueDSN
	}
	return fmt.Errorf("malformed connection string: %w", redact(err, dsn))
}

// redact removes the connection string (and so any password in it) from a
// DSN parse error, which would otherwise end up in logs.
func redact(err error, dsn string) error {
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		err = urlErr.Err
	}
	msg := strings.ReplaceAll(err.Error(), dsn, "[connection string]")
	if u, uErr := url.Parse(dsn); uErr == nil {
		if pw, ok := u.User.Password(); ok && pw != "" {
			msg = strings.ReplaceAll(msg, pw, "[redacted]")
		}
	}
	return errors.New(msg)
}
