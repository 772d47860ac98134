package storage_test

import (
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/storage"
)

// TestOpenKeyValueDSNErrorEchoesNothing: lib/pq's messages about a
// key=value connection string quote the part they choke on, which can be
// part of the password (an unquoted space in it, a stray quote). Open names
// the problem without echoing any of the string.
func TestOpenKeyValueDSNErrorEchoesNothing(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{
		"host=db.internal password=pw s3cret",
		"host=db.internal password='s3cret",
		`host=db.internal password=s3cret\`,
		"host=db.internal password=s3cret sslmode=s3cret",
		"host=db.internal port=s3cret",
	} {
		db, err := storage.Open(t.Context(), dsn, nil)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", dsn)
			continue
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Open(%q) error %q echoes part of the connection string", dsn, err)
		}
		if !strings.Contains(err.Error(), "key=value") {
			t.Errorf("Open(%q) error %q does not say what is wrong", dsn, err)
		}
	}
}
