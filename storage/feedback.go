package storage

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// feedbackKey is the natural key of a vote and of a rating: one per user,
// question and message.
type feedbackKey struct {
	TeamID     string `db:"team_id"`
	QuestionID string `db:"question_id"`
	ChannelID  string `db:"channel_id"`
	MessageTS  string `db:"message_ts"`
	UserID     string `db:"user_id"`
}

type ratingRow struct {
	feedbackKey
	Stars int    `db:"stars"`
	Notes string `db:"notes"`
}

type tallyRow struct {
	Up   int `db:"up"`
	Down int `db:"down"`
}

type questionFeedbackRow struct {
	QuestionID string `db:"question_id"`
	Up         int    `db:"up"`
	Down       int    `db:"down"`
	Ratings    int    `db:"ratings"`
	StarsSum   int    `db:"stars_sum"`
	Notes      int    `db:"notes"`
}

func (r questionFeedbackRow) toFeedback() handlers.QuestionFeedback {
	return handlers.QuestionFeedback{
		QuestionID: r.QuestionID,
		Up:         r.Up,
		Down:       r.Down,
		Ratings:    r.Ratings,
		StarsSum:   r.StarsSum,
		Notes:      r.Notes,
	}
}

// SaveVote records v and returns that message's tally for the question. A
// vote replaces the user's earlier vote on the same question in the same
// message; a vote equal to it withdraws it (the same button clicked again).
// One statement decides which, and the primary key keeps concurrent clicks
// by one user to at most one row.
func (db *DB) SaveVote(ctx context.Context, v handlers.Vote) (handlers.Tally, error) {
	if err := rules.CheckVote(v); err != nil {
		return handlers.Tally{}, fmt.Errorf("save vote: %w", err)
	}
	// The INSERT runs only when the DELETE found no equal vote; its WHERE
	// skips rewriting the row (and its updated_at) when a concurrent click
	// stored the same value first.
	const toggle = `
		WITH withdrawn AS (
			DELETE FROM votes
			WHERE team_id = $1 AND question_id = $2 AND channel_id = $3 AND message_ts = $4 AND user_id = $5
			  AND value = $6
			RETURNING 1
		), saved AS (
			INSERT INTO votes (team_id, question_id, channel_id, message_ts, user_id, value)
			SELECT $1, $2, $3, $4, $5, $6
			WHERE NOT EXISTS (SELECT 1 FROM withdrawn)
			ON CONFLICT (team_id, question_id, channel_id, message_ts, user_id) DO UPDATE
			SET value = EXCLUDED.value, updated_at = now()
			WHERE votes.value <> EXCLUDED.value
			RETURNING 1
		)
		SELECT EXISTS (SELECT 1 FROM withdrawn)`
	var withdrawn bool
	if err := sqlx.GetContext(ctx, db.q, &withdrawn, toggle, v.TeamID, v.QuestionID, v.ChannelID, v.MessageTS, v.UserID, v.Value); err != nil {
		return handlers.Tally{}, db.opError("save vote", err)
	}

	const tally = `
		SELECT count(*) FILTER (WHERE value = 1)  AS up,
		       count(*) FILTER (WHERE value = -1) AS down
		FROM votes
		WHERE team_id = $1 AND question_id = $2 AND channel_id = $3 AND message_ts = $4`
	var t tallyRow
	if err := sqlx.GetContext(ctx, db.q, &t, tally, v.TeamID, v.QuestionID, v.ChannelID, v.MessageTS); err != nil {
		return handlers.Tally{}, db.opError("save vote: tally", err)
	}
	mine := v.Value
	if withdrawn {
		mine = 0
	}
	return handlers.Tally{Up: t.Up, Down: t.Down, Mine: mine}, nil
}

// SaveRating records r, replacing the user's earlier rating of the same
// question in the same message. Notes are stored byte for byte.
func (db *DB) SaveRating(ctx context.Context, r handlers.Rating) error {
	if err := rules.CheckRating(r); err != nil {
		return fmt.Errorf("save rating: %w", err)
	}
	const upsert = `
		INSERT INTO ratings (team_id, question_id, channel_id, message_ts, user_id, stars, notes)
		VALUES (:team_id, :question_id, :channel_id, :message_ts, :user_id, :stars, :notes)
		ON CONFLICT (team_id, question_id, channel_id, message_ts, user_id) DO UPDATE
		SET stars = EXCLUDED.stars, notes = EXCLUDED.notes, updated_at = now()`
	row := ratingRow{
		feedbackKey: feedbackKey{r.TeamID, r.QuestionID, r.ChannelID, r.MessageTS, r.UserID},
		Stars:       r.Stars,
		Notes:       r.Notes,
	}
	if _, err := sqlx.NamedExecContext(ctx, db.q, upsert, row); err != nil {
		return db.opError("save rating", err)
	}
	return nil
}

// UserRating returns userID's rating of question p.QuestionID in message
// p.MessageTS of p.ChannelID, notes byte for byte, or handlers.ErrNotFound.
func (db *DB) UserRating(ctx context.Context, p handlers.PostedQuestion, userID string) (handlers.Rating, error) {
	const query = `
		SELECT team_id, question_id, channel_id, message_ts, user_id, stars, notes
		FROM ratings
		WHERE team_id = $1 AND question_id = $2 AND channel_id = $3 AND message_ts = $4 AND user_id = $5`
	var row ratingRow
	if err := sqlx.GetContext(ctx, db.q, &row, query, p.TeamID, p.QuestionID, p.ChannelID, p.MessageTS, userID); err != nil {
		return handlers.Rating{}, db.opError("user rating", err) // no row: ErrNotFound
	}
	return handlers.Rating{
		TeamID: row.TeamID, UserID: row.UserID, QuestionID: row.QuestionID,
		ChannelID: row.ChannelID, MessageTS: row.MessageTS, Stars: row.Stars, Notes: row.Notes,
	}, nil
}

// Feedback aggregates the team's votes and ratings per question, over all
// channels and messages, ordered by question id. Notes counts the ratings
// whose notes are not empty. A team without feedback gets an empty slice.
func (db *DB) Feedback(ctx context.Context, teamID string) ([]handlers.QuestionFeedback, error) {
	// COLLATE "C" orders by bytes, as memstore does, whatever the locale.
	const query = `
		WITH v AS (
			SELECT question_id,
			       count(*) FILTER (WHERE value = 1)  AS up,
			       count(*) FILTER (WHERE value = -1) AS down
			FROM votes
			WHERE team_id = $1
			GROUP BY question_id
		), r AS (
			SELECT question_id,
			       count(*)                           AS ratings,
			       sum(stars)                         AS stars_sum,
			       count(*) FILTER (WHERE notes <> '') AS notes
			FROM ratings
			WHERE team_id = $1
			GROUP BY question_id
		)
		SELECT question_id,
		       COALESCE(v.up, 0)        AS up,
		       COALESCE(v.down, 0)      AS down,
		       COALESCE(r.ratings, 0)   AS ratings,
		       COALESCE(r.stars_sum, 0) AS stars_sum,
		       COALESCE(r.notes, 0)     AS notes
		FROM v FULL JOIN r USING (question_id)
		ORDER BY question_id COLLATE "C"`
	var rows []questionFeedbackRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, teamID); err != nil {
		return nil, db.opError("feedback", err)
	}
	out := make([]handlers.QuestionFeedback, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toFeedback())
	}
	return out, nil
}
