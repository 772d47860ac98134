package storage

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

type postRow struct {
	TeamID     string    `db:"team_id"`
	ChannelID  string    `db:"channel_id"`
	QuestionID string    `db:"question_id"`
	MessageTS  string    `db:"message_ts"`
	Source     string    `db:"source"`
	PostedAt   time.Time `db:"posted_at"`
}

type postCountRow struct {
	QuestionID string `db:"question_id"`
	Posts      int    `db:"posts"`
}

// RecordPost records that p.QuestionID was posted in p.MessageTS. Recording
// the same (channel, question, message) again is a no-op, so a retried
// recording never counts twice. A zero p.At means now.
func (db *DB) RecordPost(ctx context.Context, p handlers.Post) error {
	if err := rules.CheckPost(p); err != nil {
		return fmt.Errorf("record post: %w", err)
	}
	const insert = `
		INSERT INTO channel_posts (team_id, channel_id, question_id, message_ts, source, posted_at)
		VALUES (:team_id, :channel_id, :question_id, :message_ts, :source, :posted_at)
		ON CONFLICT (team_id, channel_id, question_id, message_ts) DO NOTHING`
	at := p.At
	if at.IsZero() {
		at = time.Now()
	}
	row := postRow{
		TeamID:     p.TeamID,
		ChannelID:  p.ChannelID,
		QuestionID: p.QuestionID,
		MessageTS:  p.MessageTS,
		Source:     p.Source,
		PostedAt:   at,
	}
	if _, err := sqlx.NamedExecContext(ctx, db.q, insert, row); err != nil {
		return db.opError("record post", err)
	}
	return nil
}

// PostCounts returns how often each question was posted in the channel,
// keyed by question id; questions never posted there are absent.
func (db *DB) PostCounts(ctx context.Context, teamID, channelID string) (map[string]int, error) {
	const query = `
		SELECT question_id, count(*) AS posts
		FROM channel_posts
		WHERE team_id = $1 AND channel_id = $2
		GROUP BY question_id`
	var rows []postCountRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, teamID, channelID); err != nil {
		return nil, db.opError("post counts", err)
	}
	counts := make(map[string]int, len(rows))
	for _, r := range rows {
		counts[r.QuestionID] = r.Posts
	}
	return counts, nil
}
