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
		ID:        rules.TeamQuestionID(r.ID),
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
	n, ok := rules.ParseTeamQuestionID(id)
	if !ok {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	const remove = `
		UPDATE team_questions SET deleted_at = now()
		WHERE id = $1 AND team_id = $2 AND deleted_at IS NULL`
	var affected int64
	err := db.inTx(ctx, func(tx *DB) error {
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
	cached, gen, ok := db.cache.get(teamID)
	if ok {
		return cached, nil
	}
	const query = `
		SELECT ` + teamQuestionColumns + `
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
	db.cache.put(teamID, out, gen)
	return out, nil
}

// ImportTeamQuestions adds the questions the team lacks and updates those it
// has (same role, category and text key), in one transaction. The unique
// text key decides "has", so two imports racing cannot add a question
// twice; a row whose text, guidance and follow-ups are unchanged is not
// written at all, so importing a file twice changes nothing.
func (db *DB) ImportTeamQuestions(ctx context.Context, teamID string, qs []handlers.TeamQuestion) (handlers.ImportResult, error) {
	var res handlers.ImportResult
	for i := range qs {
		qs[i].TeamID = teamID
		if err := rules.CheckTeamQuestion(qs[i]); err != nil {
			return res, fmt.Errorf("import team questions: question %d: %w", i+1, err)
		}
	}
	const upsert = `
		INSERT INTO team_questions (team_id, role, category, text, text_key, guidance, follow_ups, created_by)
		VALUES (:team_id, :role, :category, :text, :text_key, :guidance, :follow_ups, :created_by)
		ON CONFLICT (team_id, role, category, text_key) WHERE deleted_at IS NULL DO UPDATE
		SET text = EXCLUDED.text, guidance = EXCLUDED.guidance, follow_ups = EXCLUDED.follow_ups
		WHERE (team_questions.text, team_questions.guidance, team_questions.follow_ups)
		      IS DISTINCT FROM (EXCLUDED.text, EXCLUDED.guidance, EXCLUDED.follow_ups)
		RETURNING (xmax = 0) AS inserted`
	err := db.inTx(ctx, func(tx *DB) error {
		res = handlers.ImportResult{}
		for _, q := range qs {
			query, args, err := tx.q.BindNamed(upsert, toTeamQuestionRow(q))
			if err != nil {
				return err
			}
			var inserted []bool
			if err := sqlx.SelectContext(ctx, tx.q, &inserted, query, args...); err != nil {
				return err
			}
			switch {
			case len(inserted) == 0:
				res.Unchanged++
			case inserted[0]:
				res.Added++
			default:
				res.Updated++
			}
		}
		if res.Added+res.Updated == 0 {
			return nil
		}
		return tx.notifyTeam(ctx, teamID)
	})
	db.cache.invalidate(teamID)
	if err != nil {
		return handlers.ImportResult{}, db.opError("import team questions", err)
	}
	return res, nil
}
