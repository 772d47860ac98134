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

// WasPosted reports whether p.QuestionID was posted in message p.MessageTS
// of p.ChannelID: in the channel's post history, as a kit's reply, or as a
// daily post whose claim carries its ts. The kit and daily rows count too
// because they record the ts first: a crash or an outage between the post
// and the history's record must not make a real post unvotable.
func (db *DB) WasPosted(ctx context.Context, p handlers.PostedQuestion) (bool, error) {
	if p.TeamID == "" || p.ChannelID == "" || p.MessageTS == "" || p.QuestionID == "" {
		return false, nil
	}
	const query = `
		SELECT EXISTS (
			SELECT 1 FROM channel_posts
			WHERE team_id = $1 AND channel_id = $2 AND question_id = $4 AND message_ts = $3
		) OR EXISTS (
			SELECT 1 FROM kit_items i JOIN kits k ON k.team_id = i.team_id AND k.id = i.kit_id
			WHERE i.team_id = $1 AND k.channel_id = $2 AND i.reply_ts = $3 AND i.question_id = $4
		) OR EXISTS (
			SELECT 1 FROM daily_posts d JOIN daily_schedules s ON s.team_id = d.team_id AND s.id = d.schedule_id
			WHERE d.team_id = $1 AND s.channel_id = $2 AND d.message_ts = $3 AND d.question_id = $4
		)`
	var posted bool
	if err := sqlx.GetContext(ctx, db.q, &posted, query, p.TeamID, p.ChannelID, p.MessageTS, p.QuestionID); err != nil {
		return false, db.opError("was posted", err)
	}
	return posted, nil
}
