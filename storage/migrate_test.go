package storage_test

import (
	"context"
	"database/sql"
	"io/fs"
	"path"
	"slices"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq" // the "postgres" driver, for inspecting databases

	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// migrationNames lists the embedded migration files, in applying order.
func migrationNames(t *testing.T) []string {
	t.Helper()
	files, err := fs.Glob(storage.Migrations(), "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migration files: %v, %v", files, err)
	}
	for i, f := range files {
		files[i] = path.Base(f)
	}
	slices.Sort(files)
	return files
}

// inspect opens dsn with database/sql, to check what the store did from
// outside it.
func inspect(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

type appliedMigration struct {
	name string
	at   time.Time
}

func appliedMigrations(ctx context.Context, t *testing.T, db *sql.DB) []appliedMigration {
	t.Helper()
	rows, err := db.QueryContext(ctx, `SELECT name, applied_at FROM schema_migrations ORDER BY name`)
	if err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	defer rows.Close()
	var out []appliedMigration
	for rows.Next() {
		var m appliedMigration
		if err := rows.Scan(&m.name, &m.at); err != nil {
			t.Fatalf("schema_migrations: %v", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("schema_migrations: %v", err)
	}
	return out
}

// tables lists the public tables.
func tables(ctx context.Context, t *testing.T, db *sql.DB) []string {
	t.Helper()
	rows, err := db.QueryContext(ctx, `
		SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' ORDER BY table_name COLLATE "C"`)
	if err != nil {
		t.Fatalf("tables: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatalf("tables: %v", err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("tables: %v", err)
	}
	return out
}

func wantTables() []string {
	return []string{
		"channel_posts", "daily_posts", "daily_schedules", "daily_skips", "hidden_questions", "kit_items", "kit_reminders", "kits",
		"personal_daily_posts", "personal_schedules", "practice_profiles", "practice_sends",
		"ratings", "schema_migrations", "scorecard_answers", "scorecards", "self_checks", "team_categories", "team_questions", "team_roles", "votes",
	}
}

func openStore(t *testing.T, dsn string) *storage.DB {
	t.Helper()
	db, err := storage.Open(t.Context(), dsn, storagetest.Logger(t))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMigrateTwiceIsNoop(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	dsn := storagetest.NewEmptyDSN(t)
	db := openStore(t, dsn)
	raw := inspect(t, dsn)

	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("first Migrate: %v", err)
	}
	first := appliedMigrations(ctx, t, raw)
	if err := db.Migrate(ctx); err != nil {
		t.Fatalf("second Migrate: %v", err)
	}
	second := appliedMigrations(ctx, t, raw)

	var names []string
	for _, m := range first {
		names = append(names, m.name)
	}
	if want := migrationNames(t); !slices.Equal(names, want) {
		t.Errorf("applied %q, want %q", names, want)
	}
	if !slices.EqualFunc(first, second, func(a, b appliedMigration) bool { return a.name == b.name && a.at.Equal(b.at) }) {
		t.Errorf("the second Migrate changed schema_migrations: %v, then %v", first, second)
	}
	if got := tables(ctx, t, raw); !slices.Equal(got, wantTables()) {
		t.Errorf("tables = %q, want %q", got, wantTables())
	}
}

// TestMigrateConcurrently starts three migrators at once on one empty
// database, as three replicas starting together would: all succeed and each
// migration is applied once.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	dsn := storagetest.NewEmptyDSN(t)

	const replicas = 3
	dbs := make([]*storage.DB, replicas)
	for i := range dbs {
		dbs[i] = openStore(t, dsn)
		// Connect first, so the race is between the migrations, not the
		// connection handshakes.
		if err := dbs[i].Ping(ctx); err != nil {
			t.Fatalf("Ping: %v", err)
		}
	}
	start := make(chan struct{})
	errs := make([]error, replicas)
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() {
			<-start
			errs[i] = db.Migrate(ctx)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("migrator %d: %v", i, err)
		}
	}

	raw := inspect(t, dsn)
	var names []string
	for _, m := range appliedMigrations(ctx, t, raw) {
		names = append(names, m.name)
	}
	if want := migrationNames(t); !slices.Equal(names, want) {
		t.Errorf("schema_migrations = %q, want each of %q once", names, want)
	}
	if got := tables(ctx, t, raw); !slices.Equal(got, wantTables()) {
		t.Errorf("tables = %q, want %q", got, wantTables())
	}
}

// TestMigrateOnTestDatabase checks that storagetest's databases are fully
// migrated: Migrate has nothing left to do.
func TestMigrateOnTestDatabase(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	dsn := storagetest.NewDSN(t)
	raw := inspect(t, dsn)
	before := appliedMigrations(ctx, t, raw)
	if err := openStore(t, dsn).Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	after := appliedMigrations(ctx, t, raw)
	if len(before) != len(migrationNames(t)) || len(after) != len(before) {
		t.Errorf("schema_migrations: %d rows from the template, %d after Migrate; want %d both times",
			len(before), len(after), len(migrationNames(t)))
	}
}
