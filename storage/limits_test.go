package storage_test

import (
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage/storagetest"
)

// TestChecksMirrorLimits ties the CHECK constraints of the migrations to
// the Go limits both stores check first: with SQL straight to the tables
// (past package rules), a value at the limit is stored and one character
// more is refused. The characters are two bytes each, so a constraint
// that counted bytes would fail too.
func TestChecksMirrorLimits(t *testing.T) {
	t.Parallel()
	db := inspect(t, storagetest.NewDSN(t))
	rating := `INSERT INTO ratings (team_id, question_id, channel_id, message_ts, user_id, stars, notes)
		VALUES ('T1', 'q', 'C1', $1, 'U1', 3, $2)`
	question := `INSERT INTO team_questions (team_id, role, category, text, text_key, created_by)
		VALUES ('T1', 'senior-backend', 'technical', $2, $1, 'U1')`
	for _, tt := range []struct {
		name  string
		sql   string
		limit int
		min   int
	}{
		{"rating notes: handlers.MaxNotes", rating, handlers.MaxNotes, 0},
		{"team question text: questions.MaxText", question, questions.MaxText, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range []int{tt.min, tt.limit, tt.limit + 1, tt.min - 1} {
				if n < 0 {
					continue
				}
				key := tt.name + strings.Repeat("x", n) // unique per row
				_, err := db.ExecContext(t.Context(), tt.sql, key, strings.Repeat("é", n))
				if ok := n >= tt.min && n <= tt.limit; ok != (err == nil) {
					t.Errorf("%d characters: err = %v, want stored %v", n, err, ok)
				}
			}
		})
	}
}
