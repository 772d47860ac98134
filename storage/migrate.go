package storage

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/jmoiron/sqlx"
)

// migrationFiles are the schema changes, applied in lexical order of their
// names. Never edit one that may have been applied somewhere; add a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockID is the pg_advisory_xact_lock key that serialises Migrate
// across replicas. Any constant works as long as nothing else in the database
// uses it; this one spells "ivbotmig" in ASCII.
const migrateLockID int64 = 0x6976626f746d6967

// Migrations returns the embedded migration files, migrations/*.sql, which
// Migrate applies in lexical order. storagetest hashes them to name its
// template database, so a changed schema gets a fresh template.
func Migrations() fs.FS {
	return migrationFiles
}

// Migrate applies the migrations that have not been applied yet, all in one
// transaction: either the schema moves to the newest version or nothing
// changes. A transaction-scoped advisory lock makes replicas that start
// together take turns; Postgres DDL is transactional, so a replica that waited
// finds nothing left to do. ctx bounds the whole run, including the wait.
//
// Migration files must not use statements that refuse to run in a
// transaction (CREATE INDEX CONCURRENTLY, ALTER TYPE … ADD VALUE on old
// servers).
func (db *DB) Migrate(ctx context.Context) error {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// The order is the contract, so it is stated here rather than left to
	// fs.Glob's implementation.
	slices.Sort(names)

	var applied []string
	err = db.inTx(ctx, func(tx *DB) error {
		if _, err := tx.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLockID); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		if _, err := tx.q.ExecContext(ctx, `
			CREATE TABLE IF NOT EXISTS schema_migrations (
				name       text        PRIMARY KEY,
				applied_at timestamptz NOT NULL DEFAULT now()
			)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		var done []string
		if err := sqlx.SelectContext(ctx, tx.q, &done, `SELECT name FROM schema_migrations`); err != nil {
			return fmt.Errorf("list applied: %w", err)
		}
		isDone := make(map[string]bool, len(done))
		for _, n := range done {
			isDone[n] = true
		}

		for _, file := range names {
			name := path.Base(file)
			if isDone[name] {
				continue
			}
			body, err := migrationFiles.ReadFile(file)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			// Without arguments lib/pq uses the simple query protocol, which
			// runs a file of several statements in one round trip.
			if _, err := tx.q.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if _, err := tx.q.ExecContext(ctx, `INSERT INTO schema_migrations (name) VALUES ($1)`, name); err != nil {
				return fmt.Errorf("record %s: %w", name, err)
			}
			applied = append(applied, name)
		}
		return nil
	})
	if err != nil {
		return db.opError("migrate", err)
	}
	if len(applied) > 0 {
		db.log.InfoContext(ctx, "applied migrations", "migrations", strings.Join(applied, ","))
	}
	return nil
}
