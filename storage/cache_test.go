package storage_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/memstore"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// TestTeamQuestionCache: two replicas cache team questions; a change made
// through either one is seen by the other within moments, through
// LISTEN/NOTIFY, and never a stale list after that.
func TestTeamQuestionCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := storagetest.NewDSN(t)
	open := func() *storage.DB {
		db, err := storage.Open(ctx, dsn, storagetest.Logger(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		db.CacheTeamQuestions(ctx)
		return db
	}
	a, b := open(), open()
	count := func(db *storage.DB) int {
		qs, err := db.TeamQuestions(ctx, "T1")
		if err != nil {
			t.Fatal(err)
		}
		return len(qs)
	}
	eventually := func(db *storage.DB, want int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for count(db) != want {
			if time.Now().After(deadline) {
				t.Fatalf("still %d team questions, want %d", count(db), want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	eventually(a, 0)
	eventually(b, 0)
	// cachedEventually reads until a read is served from memory. One read
	// may not be: the notification of a's own last write can still be on
	// its way, and it empties the cache when it arrives.
	cachedEventually := func(what string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for count(a); !storage.Cached(a, "T1"); count(a) {
			if time.Now().After(deadline) {
				t.Fatal(what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	cachedEventually("team questions are never served from the cache")
	q, err := b.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "senior-backend", Category: "technical", Text: "How do you size a pool?", CreatedBy: "U1"})
	if err != nil {
		t.Fatal(err)
	}
	eventually(b, 1)
	eventually(a, 1)
	if _, err := a.ImportTeamBank(ctx, "T1", handlers.TeamImport{Questions: []handlers.TeamQuestion{{Role: "senior-backend", Category: "behavioral", Text: "Tell me about an outage.", CreatedBy: "import"}}}); err != nil {
		t.Fatal(err)
	}
	eventually(b, 2)
	if err := a.RemoveTeamQuestion(ctx, "T1", q.ID); err != nil {
		t.Fatal(err)
	}
	eventually(b, 1)
	eventually(a, 1)
	cachedEventually("after a change the cache does not fill again")
	// A cached list is a copy: changing it changes nothing stored.
	qs, _ := a.TeamQuestions(ctx, "T1")
	qs[0].Text = "mutated"
	if again, _ := a.TeamQuestions(ctx, "T1"); again[0].Text == "mutated" {
		t.Error("the cache handed out its own slice")
	}
}

// TestTeamBankVersion: the version handlers key their encoded answers by
// moves after every change to a team's bank (questions, hidden questions),
// through any replica, and is trusted only while the cache listens for
// those changes.
func TestTeamBankVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	q := handlers.TeamQuestion{TeamID: "T1", Role: "senior-backend", Category: "technical", Text: "How do you size a pool?", CreatedBy: "U1"}

	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := storagetest.NewDSN(t)
		open := func() *storage.DB {
			db, err := storage.Open(ctx, dsn, storagetest.Logger(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			return db
		}
		a, b := open(), open()
		if _, ok := a.TeamBankVersion("T1"); ok {
			t.Fatal("version trusted with no cache listening")
		}
		a.CacheTeamQuestions(ctx)
		// moved waits for a's version to be trusted and differ from old.
		moved := func(old uint64, what string) uint64 {
			t.Helper()
			deadline := time.Now().Add(5 * time.Second)
			for {
				if v, ok := a.TeamBankVersion("T1"); ok && v != old {
					return v
				}
				if time.Now().After(deadline) {
					t.Fatal(what)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		v := moved(0, "the version is never trusted while the cache listens")
		added, err := b.AddTeamQuestion(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		v = moved(v, "the version did not move after another replica added a question")
		if qs, err := a.TeamQuestions(ctx, "T1"); err != nil || len(qs) != 1 {
			t.Fatalf("at the new version the team has %d questions (%v), want 1", len(qs), err)
		}
		if _, err := b.HideQuestion(ctx, "T1", "sbe-t01", "U1"); err != nil {
			t.Fatal(err)
		}
		v = moved(v, "the version did not move after another replica hid a question")
		if tb, err := a.TeamBank(ctx, "T1"); err != nil || len(tb.Hidden) != 1 {
			t.Fatalf("at the new version the team hides %v (%v), want sbe-t01", tb.Hidden, err)
		}
		if err := b.RemoveTeamQuestion(ctx, "T1", added.ID); err != nil {
			t.Fatal(err)
		}
		moved(v, "the version did not move after another replica removed a question")
		if qs, err := a.TeamQuestions(ctx, "T1"); err != nil || len(qs) != 0 {
			t.Fatalf("at the new version the team has %d questions (%v), want 0", len(qs), err)
		}
	})

	t.Run("memstore", func(t *testing.T) {
		t.Parallel()
		s := memstore.New()
		var vs []uint64
		version := func() {
			v, ok := s.TeamBankVersion("T1")
			if !ok {
				t.Fatal("memstore's version is not trusted")
			}
			vs = append(vs, v)
		}
		version()
		added, err := s.AddTeamQuestion(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		version()
		for range 2 { // the second changes nothing
			if _, err := s.HideQuestion(ctx, "T1", "sbe-t01", "U1"); err != nil {
				t.Fatal(err)
			}
			version()
		}
		if _, err := s.UnhideQuestion(ctx, "T1", "sbe-t01"); err != nil {
			t.Fatal(err)
		}
		version()
		if err := s.RemoveTeamQuestion(ctx, "T1", added.ID); err != nil {
			t.Fatal(err)
		}
		version()
		if vs[1] == vs[0] || vs[2] == vs[1] || vs[3] != vs[2] || vs[4] == vs[3] || vs[5] == vs[4] {
			t.Errorf("versions after add, hide, same hide, unhide, remove: %v", vs)
		}
	})
}

// TestTeamQuestionCacheOwnWrites: a replica sees its own change at once,
// not when its NOTIFY comes back through the listening connection: a list
// right after an add, an import or a remove on the same replica shows it.
func TestTeamQuestionCacheOwnWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := storage.Open(ctx, storagetest.NewDSN(t), storagetest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	db.CacheTeamQuestions(ctx)
	fill := func() {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			if _, err := db.TeamQuestions(ctx, "T1"); err != nil {
				t.Fatal(err)
			}
			if storage.Cached(db, "T1") {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("team questions are never served from the cache")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	has := func(id string) bool {
		qs, err := db.TeamQuestions(ctx, "T1")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range qs {
			if q.ID == id {
				return true
			}
		}
		return false
	}
	const rounds = 40
	missed := 0
	for i := range rounds {
		fill()
		q, err := db.AddTeamQuestion(ctx, handlers.TeamQuestion{TeamID: "T1", Role: "senior-backend", Category: "technical", Text: fmt.Sprintf("Question %d?", i), CreatedBy: "U1"})
		if err != nil {
			t.Fatal(err)
		}
		if !has(q.ID) {
			missed++
		}
		fill()
		if err := db.RemoveTeamQuestion(ctx, "T1", q.ID); err != nil {
			t.Fatal(err)
		}
		if has(q.ID) {
			missed++
		}
	}
	if missed > 0 {
		t.Errorf("%d of %d reads right after this replica's own write missed it", missed, 2*rounds)
	}
}
