package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

type teamQuestionRow struct {
	ID        int64     `db:"id"`
	TeamID    string    `db:"team_id"`
	Role      string    `db:"role"`
	Category  string    `db:"category"`
	Text      string    `db:"text"`
	CreatedBy string    `db:"created_by"`
	CreatedAt time.Time `db:"created_at"`
}

func (r teamQuestionRow) toTeamQuestion() handlers.TeamQuestion {
	return handlers.TeamQuestion{
		ID:        rules.TeamQuestionID(r.ID),
		TeamID:    r.TeamID,
		Role:      r.Role,
		Category:  r.Category,
		Text:      r.Text,
		CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(),
	}
}

// AddTeamQuestion stores q and returns it with its id ("team-<n>") and
// creation time set by the store; q.ID and q.CreatedAt are ignored. The text
// is stored byte for byte.
func (db *DB) AddTeamQuestion(ctx context.Context, q handlers.TeamQuestion) (handlers.TeamQuestion, error) {
	if err := rules.CheckTeamQuestion(q); err != nil {
		return handlers.TeamQuestion{}, fmt.Errorf("add team question: %w", err)
	}
	const insert = `
		INSERT INTO team_questions (team_id, role, category, text, created_by)
		VALUES (:team_id, :role, :category, :text, :created_by)
		RETURNING id, team_id, role, category, text, created_by, created_at`
	query, args, err := db.q.BindNamed(insert, teamQuestionRow{
		TeamID:    q.TeamID,
		Role:      q.Role,
		Category:  q.Category,
		Text:      q.Text,
		CreatedBy: q.CreatedBy,
	})
	if err != nil {
		return handlers.TeamQuestion{}, db.opError("add team question", err)
	}
	var added teamQuestionRow
	if err := sqlx.GetContext(ctx, db.q, &added, query, args...); err != nil {
		return handlers.TeamQuestion{}, db.opError("add team question", err)
	}
	return added.toTeamQuestion(), nil
}

// RemoveTeamQuestion removes the team's question id. It returns
// handlers.ErrNotFound when the team has no such question: the id is another
// team's, unknown, already removed or not a "team-<n>" id at all.
func (db *DB) RemoveTeamQuestion(ctx context.Context, teamID, id string) error {
	n, ok := rules.ParseTeamQuestionID(id)
	if !ok {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	const remove = `
		UPDATE team_questions SET deleted_at = now()
		WHERE id = $1 AND team_id = $2 AND deleted_at IS NULL`
	res, err := db.q.ExecContext(ctx, remove, n, teamID)
	if err != nil {
		return db.opError("remove team question", err)
	}
	affected, err := res.RowsAffected()
	if err != nil {
		return db.opError("remove team question", err)
	}
	if affected == 0 {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	return nil
}

// TeamQuestions lists the team's questions in the order they were added.
func (db *DB) TeamQuestions(ctx context.Context, teamID string) ([]handlers.TeamQuestion, error) {
	const query = `
		SELECT id, team_id, role, category, text, created_by, created_at
		FROM team_questions
		WHERE team_id = $1 AND deleted_at IS NULL
		ORDER BY id`
	var rows []teamQuestionRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, teamID); err != nil {
		return nil, db.opError("team questions", err)
	}
	out := make([]handlers.TeamQuestion, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toTeamQuestion())
	}
	return out, nil
}
