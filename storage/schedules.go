package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

const scheduleColumns = `id, team_id, channel_id, role, category, hour, minute, zone, days,
	created_by, created_at, paused_at, pause_reason`

type scheduleRow struct {
	ID          int64        `db:"id"`
	TeamID      string       `db:"team_id"`
	ChannelID   string       `db:"channel_id"`
	Role        string       `db:"role"`
	Category    string       `db:"category"`
	Hour        int          `db:"hour"`
	Minute      int          `db:"minute"`
	Zone        string       `db:"zone"`
	Days        string       `db:"days"`
	CreatedBy   string       `db:"created_by"`
	CreatedAt   time.Time    `db:"created_at"`
	PausedAt    sql.NullTime `db:"paused_at"`
	PauseReason string       `db:"pause_reason"`
}

func (r scheduleRow) toSchedule() handlers.Schedule {
	return handlers.Schedule{
		ID:          r.ID,
		TeamID:      r.TeamID,
		ChannelID:   r.ChannelID,
		Role:        r.Role,
		Category:    r.Category,
		Hour:        r.Hour,
		Minute:      r.Minute,
		Zone:        r.Zone,
		Days:        handlers.Days(r.Days),
		CreatedBy:   r.CreatedBy,
		CreatedAt:   r.CreatedAt.UTC(),
		Paused:      r.PausedAt.Valid,
		PauseReason: r.PauseReason,
	}
}

func toSchedules(rows []scheduleRow) []handlers.Schedule {
	out := make([]handlers.Schedule, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toSchedule())
	}
	return out
}

// SaveSchedule creates the channel's schedule for (role, category), or
// replaces its time, zone, days, creator and creation time and un-pauses it.
// A replaced schedule keeps its id, so its daily posts (at most one a day)
// still count. A zero s.CreatedAt means now; s.ID, s.Paused and
// s.PauseReason are ignored.
func (db *DB) SaveSchedule(ctx context.Context, s handlers.Schedule) (handlers.Schedule, error) {
	if err := rules.CheckSchedule(s); err != nil {
		return handlers.Schedule{}, fmt.Errorf("save schedule: %w", err)
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	const upsert = `
		INSERT INTO daily_schedules (team_id, channel_id, role, category, hour, minute, zone, days, created_by, created_at)
		VALUES (:team_id, :channel_id, :role, :category, :hour, :minute, :zone, :days, :created_by, :created_at)
		ON CONFLICT (team_id, channel_id, role, category) DO UPDATE
		SET hour = EXCLUDED.hour, minute = EXCLUDED.minute, zone = EXCLUDED.zone, days = EXCLUDED.days,
		    created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at,
		    paused_at = NULL, pause_reason = ''
		RETURNING ` + scheduleColumns
	query, args, err := db.q.BindNamed(upsert, scheduleRow{
		TeamID:    s.TeamID,
		ChannelID: s.ChannelID,
		Role:      s.Role,
		Category:  s.Category,
		Hour:      s.Hour,
		Minute:    s.Minute,
		Zone:      s.Zone,
		Days:      string(s.Days),
		CreatedBy: s.CreatedBy,
		CreatedAt: s.CreatedAt,
	})
	if err != nil {
		return handlers.Schedule{}, db.opError("save schedule", err)
	}
	var saved scheduleRow
	if err := sqlx.GetContext(ctx, db.q, &saved, query, args...); err != nil {
		return handlers.Schedule{}, db.opError("save schedule", err)
	}
	return saved.toSchedule(), nil
}

// ChannelSchedules returns the channel's schedules, paused ones included, in
// the order they were first made.
func (db *DB) ChannelSchedules(ctx context.Context, teamID, channelID string) ([]handlers.Schedule, error) {
	const query = `SELECT ` + scheduleColumns + ` FROM daily_schedules
		WHERE team_id = $1 AND channel_id = $2 ORDER BY id`
	var rows []scheduleRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, teamID, channelID); err != nil {
		return nil, db.opError("channel schedules", err)
	}
	return toSchedules(rows), nil
}

// DeleteChannelSchedules removes the channel's schedules, with their daily
// posts, and returns how many schedules there were.
func (db *DB) DeleteChannelSchedules(ctx context.Context, teamID, channelID string) (int, error) {
	res, err := db.q.ExecContext(ctx, `DELETE FROM daily_schedules WHERE team_id = $1 AND channel_id = $2`, teamID, channelID)
	if err != nil {
		return 0, db.opError("delete channel schedules", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, db.opError("delete channel schedules", err)
	}
	return int(n), nil
}

// ActiveSchedules returns every team's schedules that are not paused, by id.
func (db *DB) ActiveSchedules(ctx context.Context) ([]handlers.Schedule, error) {
	const query = `SELECT ` + scheduleColumns + ` FROM daily_schedules WHERE paused_at IS NULL ORDER BY id`
	var rows []scheduleRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query); err != nil {
		return nil, db.opError("active schedules", err)
	}
	return toSchedules(rows), nil
}

// PauseSchedule stops schedule id until it is saved again, saying why. It
// returns handlers.ErrNotFound when there is no such schedule.
func (db *DB) PauseSchedule(ctx context.Context, id int64, reason string) error {
	if err := rules.CheckReason(reason); err != nil {
		return fmt.Errorf("pause schedule %d: %w", id, err)
	}
	const pause = `
		UPDATE daily_schedules SET paused_at = COALESCE(paused_at, now()), pause_reason = $2
		WHERE id = $1`
	res, err := db.q.ExecContext(ctx, pause, id, reason)
	return db.affectedOne(fmt.Sprintf("pause schedule %d", id), res, err)
}
