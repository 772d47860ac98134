package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

type teamQuestionRow struct {
	ID        int64          `db:"id"`
	TeamID    string         `db:"team_id"`
	Role      string         `db:"role"`
	Category  string         `db:"category"`
	Text      string         `db:"text"`
	TextKey   string         `db:"text_key"`
	Guidance  pq.StringArray `db:"guidance"`
	FollowUps pq.StringArray `db:"follow_ups"`
	CreatedBy string         `db:"created_by"`
	CreatedAt time.Time      `db:"created_at"`
}

func toTeamQuestionRow(q handlers.TeamQuestion) teamQuestionRow {
	return teamQuestionRow{
		TeamID:    q.TeamID,
		Role:      q.Role,
		Category:  q.Category,
		Text:      q.Text,
		TextKey:   questions.TextKey(q.Text),
		Guidance:  nonNil(q.Guidance),
		FollowUps: nonNil(q.FollowUps),
		CreatedBy: q.CreatedBy,
	}
}

// nonNil keeps NOT NULL array columns happy: lib/pq sends a nil slice as NULL.
func nonNil(s []string) pq.StringArray {
	if s == nil {
		return pq.StringArray{}
	}
	return s
}

const teamQuestionColumns = `id, team_id, role, category, text, text_key, guidance, follow_ups, created_by, created_at`

func (r teamQuestionRow) toTeamQuestion() handlers.TeamQuestion {
	return handlers.TeamQuestion{
		ID:        handlers.TeamQuestionID(r.ID),
		TeamID:    r.TeamID,
		Role:      r.Role,
		Category:  r.Category,
		Text:      r.Text,
		Guidance:  nilIfEmpty(r.Guidance),
		FollowUps: nilIfEmpty(r.FollowUps),
		CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(),
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

// AddTeamQuestion stores q and returns it with its id ("team-<n>") and
// creation time set by the store; q.ID and q.CreatedAt are ignored. The text
// is stored byte for byte.
func (db *DB) AddTeamQuestion(ctx context.Context, q handlers.TeamQuestion) (handlers.TeamQuestion, error) {
	if err := rules.CheckTeamQuestion(q); err != nil {
		return handlers.TeamQuestion{}, fmt.Errorf("add team question: %w", err)
	}
	const insert = `
		INSERT INTO team_questions (team_id, role, category, text, text_key, guidance, follow_ups, created_by)
		VALUES (:team_id, :role, :category, :text, :text_key, :guidance, :follow_ups, :created_by)
		RETURNING ` + teamQuestionColumns
	query, args, err := db.q.BindNamed(insert, toTeamQuestionRow(q))
	if err != nil {
		return handlers.TeamQuestion{}, db.opError("add team question", err)
	}
	var added teamQuestionRow
	err = db.inTx(ctx, func(tx *DB) error {
		if err := tx.lockTeam(ctx, q.TeamID); err != nil {
			return err
		}
		if err := sqlx.GetContext(ctx, tx.q, &added, query, args...); err != nil {
			return err
		}
		return tx.notifyTeam(ctx, q.TeamID)
	})
	db.cache.invalidate(q.TeamID)
	if err != nil {
		return handlers.TeamQuestion{}, db.opError("add team question", err)
	}
	return added.toTeamQuestion(), nil
}

// RemoveTeamQuestion removes the team's question id. It returns
// handlers.ErrNotFound when the team has no such question: the id is another
// team's, unknown, already removed or not a "team-<n>" id at all.
func (db *DB) RemoveTeamQuestion(ctx context.Context, teamID, id string) error {
	n, ok := handlers.ParseTeamQuestionID(id)
	if !ok {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	const remove = `
		UPDATE team_questions SET deleted_at = now()
		WHERE id = $1 AND team_id = $2 AND deleted_at IS NULL`
	var affected int64
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.lockTeam(ctx, teamID); err != nil {
			return err
		}
		res, err := tx.q.ExecContext(ctx, remove, n, teamID)
		if err != nil {
			return err
		}
		if affected, err = res.RowsAffected(); err != nil || affected == 0 {
			return err
		}
		return tx.notifyTeam(ctx, teamID)
	})
	db.cache.invalidate(teamID)
	if err != nil {
		return db.opError("remove team question", err)
	}
	if affected == 0 {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	return nil
}

// TeamQuestions lists the team's questions in the order they were added,
// from the cache when CacheTeamQuestions keeps one.
func (db *DB) TeamQuestions(ctx context.Context, teamID string) ([]handlers.TeamQuestion, error) {
	tb, err := db.TeamBank(ctx, teamID)
	if err != nil {
		return nil, err
	}
	if tb.Questions == nil {
		return []handlers.TeamQuestion{}, nil
	}
	return tb.Questions, nil
}
