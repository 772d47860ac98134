package storage_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

func TestOpenRefusesMalformedDSNWithoutLeakingIt(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"",
		"   ",
		"postgres://bot:s3cret-pw@db.internal:99999/interviewbot",
		"postgres://bot:s3cret-pw@db internal/interviewbot",
		"postgres://bot:s3cret-pw@db.internal/interviewbot?sslmode=bogus",
		"mysql://bot:s3cret-pw@db.internal/interviewbot",
		"host=db.internal password=s3cret-pw port=abc",
	} {
		db, err := storage.Open(t.Context(), dsn, nil)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", dsn)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("Open(%q) error %q contains the password", dsn, err)
		}
	}
}

// TestOpenWhileDatabaseDown: the bot must start while Postgres is down, so
// Open does not connect; the outage shows on use, quickly.
func TestOpenWhileDatabaseDown(t *testing.T) {
	t.Parallel()
	// A port nobody listens on: reserve one, then free it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	db, err := storage.Open(t.Context(), "postgres://postgres@"+addr+"/interviewbot?sslmode=disable", nil)
	if err != nil {
		t.Fatalf("Open with Postgres down = %v, want success", err)
	}
	defer db.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	began := time.Now()
	if err := db.Ping(ctx); err == nil {
		t.Fatal("Ping with Postgres down succeeded")
	}
	if _, err := db.SaveVote(ctx, vote("U1", 1)); err == nil {
		t.Fatal("SaveVote with Postgres down succeeded")
	} else if errors.Is(err, handlers.ErrNotFound) || errors.Is(err, handlers.ErrConflict) {
		t.Errorf("SaveVote with Postgres down = %v, want an outage, not a sentinel", err)
	}
	if elapsed := time.Since(began); elapsed > 3*time.Second {
		t.Errorf("failing took %v, want well under the 5s deadline", elapsed)
	}
	if err := db.Migrate(ctx); err == nil {
		t.Error("Migrate with Postgres down succeeded")
	}
}

// TestDatabaseDownAndBack cuts Postgres off for real with a proxy: calls
// fail fast while it is down, and the same *storage.DB works again once it is
// back, without reopening.
func TestDatabaseDownAndBack(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := storagetest.NewProxy(t, u.Host)
	db := openStore(t, proxy.DSN(strings.TrimPrefix(u.Path, "/")))

	call := func(value int) (handlers.Tally, time.Duration, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		began := time.Now()
		tally, err := db.SaveVote(ctx, vote("U1", value))
		return tally, time.Since(began), err
	}

	// Several connections in the pool, so the outage hits idle ones too.
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			v := vote(fmt.Sprintf("U-warm-%d", i), 1)
			if _, err := db.SaveVote(t.Context(), v); err != nil {
				t.Errorf("warm-up SaveVote: %v", err)
			}
		})
	}
	wg.Wait()
	if _, _, err := call(1); err != nil {
		t.Fatalf("SaveVote through the proxy: %v", err)
	}

	proxy.Stop()
	for i := range 3 {
		_, elapsed, err := call(-1)
		if err == nil {
			t.Fatalf("SaveVote %d with the database down succeeded", i)
		}
		if elapsed > 3*time.Second {
			t.Errorf("SaveVote %d with the database down took %v, want a fast failure", i, elapsed)
		}
		t.Logf("down: %v after %v", err, elapsed)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := db.Ping(ctx); err == nil {
		t.Error("Ping with the database down succeeded")
	}

	proxy.Start()
	tally, _, err := call(-1)
	if err != nil {
		t.Fatalf("SaveVote after the database came back: %v", err)
	}
	// 4 warm-up votes up, U1 switched to down; nothing written while down.
	if want := (handlers.Tally{Up: 4, Down: 1, Mine: -1}); tally != want {
		t.Errorf("tally after the outage = %+v, want %+v", tally, want)
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping after the database came back: %v", err)
	}
}

// TestConcurrentVotesLeaveOneRow checks the database itself, beyond what the
// conformance test can see through the interface.
func TestConcurrentVotesLeaveOneRow(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	dsn := storagetest.NewDSN(t)
	db := openStore(t, dsn)

	const clicks = 20
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range clicks {
		wg.Go(func() {
			<-start
			if _, err := db.SaveVote(ctx, vote("U1", 1-2*(i%2))); err != nil {
				t.Errorf("SaveVote: %v", err)
			}
		})
	}
	close(start)
	wg.Wait()

	var rows int
	if err := inspect(t, dsn).QueryRowContext(ctx, `SELECT count(*) FROM votes`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows > 1 {
		t.Errorf("votes has %d rows after %d concurrent clicks by one user, want at most 1", rows, clicks)
	}
}

// TestHostileNotesStoredByteForByte reads the notes back with SQL, since no
// store method returns them.
func TestHostileNotesStoredByteForByte(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	dsn := storagetest.NewDSN(t)
	db := openStore(t, dsn)
	raw := inspect(t, dsn)

	for name, text := range hostileTexts() {
		r := rating("U-"+name, 2, text)
		if err := db.SaveRating(ctx, r); err != nil {
			t.Errorf("%s: SaveRating: %v", name, err)
			continue
		}
		var got []byte
		err := raw.QueryRowContext(ctx, `SELECT notes FROM ratings WHERE user_id = $1`, r.UserID).Scan(&got)
		if err != nil {
			t.Errorf("%s: read back: %v", name, err)
			continue
		}
		if string(got) != text {
			t.Errorf("%s: read back %q, want %q", name, got, text)
		}
	}
	var tablesLeft int
	if err := raw.QueryRowContext(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_name IN ('votes', 'team_questions')`).Scan(&tablesLeft); err != nil || tablesLeft != 2 {
		t.Errorf("votes and team_questions present: %d, %v; want 2", tablesLeft, err)
	}
}

func TestErrorsMapToSentinels(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want error
	}{
		{sql.ErrNoRows, handlers.ErrNotFound},
		{&pq.Error{Code: "23505", Message: "duplicate key value violates unique constraint"}, handlers.ErrConflict},
		{fmt.Errorf("exec: %w", &pq.Error{Code: "23505"}), handlers.ErrConflict},
		{&pq.Error{Code: "23503"}, handlers.ErrNotFound},
		{&pq.Error{Code: "23514"}, nil},
		{errors.New("connection refused"), nil},
	}
	for _, c := range cases {
		got := storage.OpError("do thing", c.err)
		if !strings.HasPrefix(got.Error(), "do thing: ") {
			t.Errorf("OpError(%v) = %q, want the operation first", c.err, got)
		}
		if !errors.Is(got, c.err) {
			t.Errorf("OpError(%v) lost the original error", c.err)
		}
		for _, sentinel := range []error{handlers.ErrNotFound, handlers.ErrConflict} {
			if is, want := errors.Is(got, sentinel), sentinel == c.want; is != want {
				t.Errorf("errors.Is(OpError(%v), %v) = %v, want %v", c.err, sentinel, is, want)
			}
		}
	}
}

// TestUniqueViolationIsConflict provokes a real 23505 through the schema:
// no store method can, since every write is an upsert.
func TestUniqueViolationIsConflict(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	raw := inspect(t, storagetest.NewDSN(t))
	const insert = `INSERT INTO kits (id, team_id, channel_id, role, created_by) VALUES ('k1', 'T1', 'C1', 'r', 'U1')`
	if _, err := raw.ExecContext(ctx, insert); err != nil {
		t.Fatal(err)
	}
	_, err := raw.ExecContext(ctx, insert)
	if got := storage.OpError("save kit", err); !errors.Is(got, handlers.ErrConflict) {
		t.Errorf("second insert: %v, want ErrConflict", got)
	}
}

// TestDailyClaimAcrossReplicas plays two replicas with two *storage.DB on
// one database, each racing with several goroutines for the same posts.
func TestDailyClaimAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	dsn := storagetest.NewDSN(t)
	replicas := []*storage.DB{openStore(t, dsn), openStore(t, dsn)}
	sc, err := replicas[0].SaveSchedule(ctx, newSchedule("C1", ""))
	if err != nil {
		t.Fatal(err)
	}

	days := []string{"2026-03-02", "2026-03-03", "2026-03-04"}
	var mu sync.Mutex
	winners := make(map[string][]string)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for r, db := range replicas {
		for g := range 5 {
			wg.Go(func() {
				<-start
				owner := fmt.Sprintf("replica-%d/%d", r, g)
				for _, day := range days {
					_, ok, err := db.ClaimDailyPost(ctx, sc.ID, day, owner, t0, t0.Add(time.Minute))
					if err != nil {
						t.Errorf("ClaimDailyPost(%s, %s): %v", owner, day, err)
						continue
					}
					if ok {
						mu.Lock()
						winners[day] = append(winners[day], owner)
						mu.Unlock()
					}
				}
			})
		}
	}
	close(start)
	wg.Wait()
	for _, day := range days {
		if len(winners[day]) != 1 {
			t.Errorf("%s: winners %q, want exactly one", day, winners[day])
		}
	}
}
