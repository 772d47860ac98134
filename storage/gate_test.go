package storage_test

import (
	"errors"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// TestHoldUntilMigrated: a store held until the schema is migrated runs no
// query before then, reads and writes alike, and fails them at once with
// ErrSchemaNotReady; once ready is closed it works as any other.
func TestHoldUntilMigrated(t *testing.T) {
	t.Parallel()
	dsn := storagetest.NewEmptyDSN(t)
	db, err := storage.Open(t.Context(), dsn, storagetest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ready := make(chan struct{})
	db.HoldUntil(ready)

	q := handlers.TeamQuestion{TeamID: "T1", Role: "senior-backend", Category: "technical", Text: "Why?", CreatedBy: "U1"}
	if _, err := db.AddTeamQuestion(t.Context(), q); !errors.Is(err, storage.ErrSchemaNotReady) {
		t.Errorf("write before the schema is ready: %v, want ErrSchemaNotReady", err)
	}
	if _, err := db.DueSchedules(t.Context(), time.Now()); !errors.Is(err, storage.ErrSchemaNotReady) {
		t.Errorf("read before the schema is ready: %v, want ErrSchemaNotReady", err)
	}

	// Migrate runs on a store of its own: the held one refuses it too.
	mig, err := storage.Open(t.Context(), dsn, storagetest.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := mig.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	mig.Close()
	close(ready)
	if _, err := db.AddTeamQuestion(t.Context(), q); err != nil {
		t.Errorf("write once the schema is ready: %v", err)
	}
}
