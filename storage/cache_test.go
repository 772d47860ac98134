package storage_test

import (
	"context"
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
	if _, err := a.ImportTeamQuestions(ctx, "T1", []handlers.TeamQuestion{{Role: "senior-backend", Category: "behavioral", Text: "Tell me about an outage.", CreatedBy: "import"}}); err != nil {
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

// TestTeamQuestionsVersion: the version handlers key their encoded answers
// by moves after every change to a team's questions, through any replica,
// and is trusted only while the cache listens for those changes.
func TestTeamQuestionsVersion(t *testing.T) {
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
		if _, ok := a.TeamQuestionsVersion("T1"); ok {
			t.Fatal("version trusted with no cache listening")
		}
		a.CacheTeamQuestions(ctx)
		// moved waits for a's version to be trusted and differ from old.
		moved := func(old uint64, what string) uint64 {
			t.Helper()
			deadline := time.Now().Add(5 * time.Second)
			for {
				if v, ok := a.TeamQuestionsVersion("T1"); ok && v != old {
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
		v0, ok := s.TeamQuestionsVersion("T1")
		if !ok {
			t.Fatal("memstore's version is not trusted")
		}
		added, err := s.AddTeamQuestion(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		v1, _ := s.TeamQuestionsVersion("T1")
		imp := []handlers.TeamQuestion{{Role: q.Role, Category: q.Category, Text: q.Text, Guidance: []string{"Little's law"}}}
		if _, err := s.ImportTeamQuestions(ctx, "T1", imp); err != nil {
			t.Fatal(err)
		}
		v2, _ := s.TeamQuestionsVersion("T1")
		if _, err := s.ImportTeamQuestions(ctx, "T1", imp); err != nil { // unchanged
			t.Fatal(err)
		}
		v3, _ := s.TeamQuestionsVersion("T1")
		if err := s.RemoveTeamQuestion(ctx, "T1", added.ID); err != nil {
			t.Fatal(err)
		}
		v4, _ := s.TeamQuestionsVersion("T1")
		if v1 == v0 || v2 == v1 || v3 != v2 || v4 == v3 {
			t.Errorf("versions after add, import, same import, remove: %d %d %d %d %d", v0, v1, v2, v3, v4)
		}
	})
}
