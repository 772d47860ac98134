// Package storagetest gives each test its own real Postgres database.
//
// Databases are cloned from a template that has every migration applied, so
// a fresh, migrated database costs one CREATE DATABASE … TEMPLATE (tens of
// milliseconds) instead of a migration run. The template is named after a
// hash of the migration files, so a changed schema gets a new template and
// stale ones are never used.
//
// Postgres is reached with TEST_DATABASE_URL (a postgres:// URL of a role
// that may create databases), by default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable. When it cannot
// be reached, tests are skipped, except with CI=true, where they fail: CI
// must never pass by skipping its database tests.
package storagetest

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/storage"
)

const defaultAdminDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// templateLockID is the session advisory lock that makes test binaries of
// different packages, which go test runs in parallel, build the template one
// at a time. It spells "ivbottpl" in ASCII.
const templateLockID int64 = 0x6976626f7474706c

// adminTimeout bounds each administrative step (connecting, creating or
// dropping a database, building the template), so a wedged server fails the
// test instead of hanging it.
const adminTimeout = 60 * time.Second

// template builds the template database at most once per test binary and
// remembers the outcome, so a missing Postgres costs one connection attempt,
// not one per test. It is the package's only process-wide state, and it is
// immutable once computed.
var template = sync.OnceValues(buildTemplate)

// New returns a store on a fresh database with every migration applied, and
// closes and drops the database when the test ends. A failed test keeps its
// database for inspection and logs its DSN.
func New(t testing.TB) *storage.DB {
	t.Helper()
	dsn := NewDSN(t)
	db, err := storage.Open(t.Context(), dsn, Logger(t))
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	// Registered after NewDSN's cleanup, so it runs first: the pool is
	// closed before the database is dropped.
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("storagetest: %v", err)
		}
	})
	return db
}

// NewDSN creates the same fresh, migrated database as New without opening
// it, for tests that open it themselves (an end-to-end test of run()). The
// database is dropped when the test ends, after the test's own cleanups, and
// WITH (FORCE), so connections left open do not keep it alive.
func NewDSN(t testing.TB) string {
	t.Helper()
	tpl := requireTemplate(t)
	return createDatabase(t, "TEMPLATE "+pq.QuoteIdentifier(tpl))
}

// NewEmptyDSN creates a fresh database with no schema at all (a copy of
// template0), for tests of Migrate itself. It is dropped like NewDSN's.
func NewEmptyDSN(t testing.TB) string {
	t.Helper()
	requireTemplate(t) // the same reachability rule as every other test
	return createDatabase(t, "TEMPLATE template0")
}

// Logger returns a logger that writes to t.Log, so the logs of parallel tests
// stay with their test.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// requireTemplate returns the template's name, or ends the test: skipped
// when Postgres is unreachable outside CI, failed otherwise.
func requireTemplate(t testing.TB) string {
	t.Helper()
	name, err := template()
	_, down := errors.AsType[unreachableError](err)
	switch {
	case err == nil:
		return name
	case down && os.Getenv("CI") != "true":
		t.Skipf("storagetest: skipped, Postgres is unreachable: %v (start it or set TEST_DATABASE_URL; with CI=true this fails)", err)
	default:
		t.Fatalf("storagetest: %v", err)
	}
	return ""
}

// unreachableError marks a failure to reach Postgres at all, which skips
// tests outside CI; any other failure is a bug and always fails them.
type unreachableError struct{ err error }

func (e unreachableError) Error() string { return e.err.Error() }
func (e unreachableError) Unwrap() error { return e.err }

// adminURL returns the parsed admin DSN.
func adminURL() (*url.URL, error) {
	raw := cmp.Or(os.Getenv("TEST_DATABASE_URL"), defaultAdminDSN)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, errors.New("TEST_DATABASE_URL must be a postgres:// URL")
	}
	return u, nil
}

// dsnFor returns the admin DSN pointed at database name.
func dsnFor(name string) (string, error) {
	u, err := adminURL()
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// openAdmin connects to the admin database. sql.Open does not connect, so it
// pings to tell an unreachable server apart from later failures.
func openAdmin(ctx context.Context) (*sql.DB, error) {
	u, err := adminURL()
	if err != nil {
		return nil, err
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
		u.RawQuery = q.Encode()
	}
	admin, err := sql.Open("postgres", u.String())
	if err != nil {
		return nil, fmt.Errorf("admin database %s: %w", u.Redacted(), err)
	}
	if err := admin.PingContext(ctx); err != nil {
		admin.Close()
		return nil, unreachableError{fmt.Errorf("admin database %s: %w", u.Redacted(), err)}
	}
	return admin, nil
}

// buildTemplate creates the migrated template database unless it exists.
func buildTemplate() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()

	hash, err := migrationsHash()
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	name := "interviewbot_tpl_" + hash[:12]

	admin, err := openAdmin(ctx)
	if err != nil {
		return "", err
	}
	defer admin.Close()

	// A session lock needs one session: take a single connection for it.
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", unreachableError{fmt.Errorf("admin connection: %w", err)}
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, templateLockID); err != nil {
		return "", fmt.Errorf("lock template: %w", err)
	}
	defer func() {
		// Released even when ctx has expired; closing the session would
		// release it anyway, so an error here needs no handling.
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, templateLockID)
	}()

	var exists bool
	if err := conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", fmt.Errorf("look for template %s: %w", name, err)
	}
	if exists {
		return name, nil
	}

	// Build under a scratch name and rename when complete, so a binary that
	// died half-way never leaves a template that looks finished.
	scratch := name + "_building"
	if _, err := conn.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(scratch)+` WITH (FORCE)`); err != nil {
		return "", fmt.Errorf("drop stale %s: %w", scratch, err)
	}
	if _, err := conn.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(scratch)+` TEMPLATE template0`); err != nil {
		return "", fmt.Errorf("create %s: %w", scratch, err)
	}
	if err := migrate(ctx, scratch); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, `ALTER DATABASE `+pq.QuoteIdentifier(scratch)+` RENAME TO `+pq.QuoteIdentifier(name)); err != nil {
		return "", fmt.Errorf("publish template %s: %w", name, err)
	}
	return name, nil
}

// migrate applies the migrations to database name and closes every
// connection to it: CREATE DATABASE … TEMPLATE refuses a template in use.
func migrate(ctx context.Context, name string) error {
	dsn, err := dsnFor(name)
	if err != nil {
		return err
	}
	db, err := storage.Open(ctx, dsn, nil)
	if err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return fmt.Errorf("template %s: %w", name, err)
	}
	if err := db.Close(); err != nil {
		return fmt.Errorf("template %s: %w", name, err)
	}
	return nil
}

// migrationsHash hashes the names and contents of the migration files.
func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(storage.Migrations(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(storage.Migrations(), path)
		if err != nil {
			return err
		}
		// Length-prefixed, so moving bytes between a name and a body, or
		// between files, changes the hash.
		fmt.Fprintf(h, "%d:%s%d:", len(path), path, len(body))
		h.Write(body)
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// createDatabase creates a database with a random name (CREATE DATABASE …
// <suffix>) and drops it when the test ends, unless the test failed.
func createDatabase(t testing.TB, suffix string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()

	name := "interviewbot_t_" + randomHex(8)
	dsn, err := dsnFor(name)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	admin, err := openAdmin(ctx)
	if err != nil {
		t.Fatalf("storagetest: %v", err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+pq.QuoteIdentifier(name)+` `+suffix); err != nil {
		t.Fatalf("storagetest: create database %s: %v", name, err)
	}

	t.Cleanup(func() {
		if t.Failed() {
			u, _ := url.Parse(dsn)
			t.Logf("storagetest: kept the failed test's database: %s", u.Redacted())
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
		defer cancel()
		admin, err := openAdmin(ctx)
		if err != nil {
			t.Errorf("storagetest: drop database %s: %v", name, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+pq.QuoteIdentifier(name)+` WITH (FORCE)`); err != nil {
			t.Errorf("storagetest: drop database %s: %v", name, err)
		}
	})
	return dsn
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never returns an error (crypto/rand, Go ≥ 1.24)
	return hex.EncodeToString(b)
}
