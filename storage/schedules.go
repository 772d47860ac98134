package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// scheduleColumns selects a daily_schedules row, aliased s, as a
// scheduleRow.
const scheduleColumns = `s.id, s.team_id, s.channel_id, s.role, s.category, s.difficulty, s.hour, s.minute,
	s.zone, s.days, s.created_by, s.created_at, s.paused_at, s.pause_reason, s.paused_by,
	COALESCE(to_char(s.paused_until, 'YYYY-MM-DD'), '') AS paused_until, s.next_due_at`

// skipsColumn adds the channel's skipped ranges as "from..to" strings: a
// few (AddSkip forgets past ones and bounds them).
const skipsColumn = `ARRAY(SELECT to_char(k.from_date, 'YYYY-MM-DD') || '..' || to_char(k.to_date, 'YYYY-MM-DD')
		FROM daily_skips k WHERE k.team_id = s.team_id AND k.channel_id = s.channel_id
		ORDER BY k.from_date, k.to_date) AS skips`

type scheduleRow struct {
	ID          int64          `db:"id"`
	TeamID      string         `db:"team_id"`
	ChannelID   string         `db:"channel_id"`
	Role        string         `db:"role"`
	Category    string         `db:"category"`
	Difficulty  int            `db:"difficulty"`
	Hour        int            `db:"hour"`
	Minute      int            `db:"minute"`
	Zone        string         `db:"zone"`
	Days        string         `db:"days"`
	CreatedBy   string         `db:"created_by"`
	CreatedAt   time.Time      `db:"created_at"`
	PausedAt    sql.NullTime   `db:"paused_at"`
	PauseReason string         `db:"pause_reason"`
	PausedBy    string         `db:"paused_by"`
	PausedUntil string         `db:"paused_until"`
	NextDue     sql.NullTime   `db:"next_due_at"`
	Skips       pq.StringArray `db:"skips"`
}

func (r scheduleRow) toSchedule() handlers.Schedule {
	sc := handlers.Schedule{
		ID:          r.ID,
		TeamID:      r.TeamID,
		ChannelID:   r.ChannelID,
		Role:        r.Role,
		Category:    r.Category,
		Difficulty:  r.Difficulty,
		Hour:        r.Hour,
		Minute:      r.Minute,
		Zone:        r.Zone,
		Days:        handlers.Days(r.Days),
		CreatedBy:   r.CreatedBy,
		CreatedAt:   r.CreatedAt.UTC(),
		Paused:      r.PausedAt.Valid,
		PauseReason: r.PauseReason,
		PausedBy:    r.PausedBy,
		PausedUntil: r.PausedUntil,
	}
	if r.NextDue.Valid {
		sc.NextDue = r.NextDue.Time.UTC()
	}
	for _, k := range r.Skips {
		from, to, _ := strings.Cut(k, "..")
		sc.Skips = append(sc.Skips, handlers.DateRange{From: from, To: to})
	}
	return sc
}

func toSchedules(rows []scheduleRow) []handlers.Schedule {
	out := make([]handlers.Schedule, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toSchedule())
	}
	return out
}

// nullTime is t for a nullable column: zero is NULL.
func nullTime(t time.Time) sql.NullTime {
	return sql.NullTime{Time: t, Valid: !t.IsZero()}
}

// nullDate is a YYYY-MM-DD date for a nullable column: "" is NULL.
func nullDate(d string) sql.NullString {
	return sql.NullString{String: d, Valid: d != ""}
}

// SaveSchedule stores s. A new schedule (s.ID 0) is added to its channel,
// unless the channel has one for the same role and category already
// (handlers.ErrConflict) or handlers.MaxChannelSchedules of them
// (handlers.ErrLimit); a zero s.CreatedAt means now. An existing one (by
// s.ID, in s.TeamID) gets s's difficulty, time, zone, days, pause and next
// due instant; its channel, role, category and creator stay, and a missing
// one is handlers.ErrNotFound. s.Skips is ignored. It returns the schedule
// as stored, with its channel's skips.
func (db *DB) SaveSchedule(ctx context.Context, s handlers.Schedule) (handlers.Schedule, error) {
	if err := rules.CheckSchedule(s); err != nil {
		return handlers.Schedule{}, fmt.Errorf("save schedule: %w", err)
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = time.Now()
	}
	pausedAt := sql.NullTime{}
	if s.Paused {
		pausedAt = nullTime(time.Now())
	}
	var saved scheduleRow
	if s.ID != 0 {
		// paused_at keeps the time of the first pause.
		const update = `
			WITH s AS (
				UPDATE daily_schedules SET difficulty = $3, hour = $4, minute = $5, zone = $6, days = $7,
				    paused_at = CASE WHEN $8::timestamptz IS NULL THEN NULL ELSE COALESCE(paused_at, $8) END,
				    pause_reason = $9, paused_by = $10, paused_until = $11, next_due_at = $12
				WHERE team_id = $1 AND id = $2
				RETURNING *)
			SELECT ` + scheduleColumns + `, ` + skipsColumn + ` FROM s`
		err := sqlx.GetContext(ctx, db.q, &saved, update, s.TeamID, s.ID, s.Difficulty, s.Hour, s.Minute,
			s.Zone, string(s.Days), pausedAt, s.PauseReason, s.PausedBy, nullDate(s.PausedUntil), nullTime(s.NextDue))
		if err != nil {
			return handlers.Schedule{}, db.opError(fmt.Sprintf("update schedule %d", s.ID), err)
		}
		return saved.toSchedule(), nil
	}
	err := db.inTx(ctx, func(tx *DB) error {
		// One writer per channel at a time, so that two schedules made at
		// once cannot both be the sixth.
		const lock = `SELECT pg_advisory_xact_lock(hashtextextended('daily_schedules/' || $1 || '/' || $2, 0))`
		if _, err := tx.q.ExecContext(ctx, lock, s.TeamID, s.ChannelID); err != nil {
			return err
		}
		var n int
		const count = `SELECT count(*) FROM daily_schedules WHERE team_id = $1 AND channel_id = $2`
		if err := sqlx.GetContext(ctx, tx.q, &n, count, s.TeamID, s.ChannelID); err != nil {
			return err
		}
		if n >= handlers.MaxChannelSchedules {
			return fmt.Errorf("the channel has %d schedules: %w", n, handlers.ErrLimit)
		}
		const insert = `
			WITH s AS (
				INSERT INTO daily_schedules (team_id, channel_id, role, category, difficulty, hour, minute, zone, days,
				    created_by, created_at, paused_at, pause_reason, paused_by, paused_until, next_due_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
				RETURNING *)
			SELECT ` + scheduleColumns + `, ` + skipsColumn + ` FROM s`
		return sqlx.GetContext(ctx, tx.q, &saved, insert, s.TeamID, s.ChannelID, s.Role, s.Category,
			s.Difficulty, s.Hour, s.Minute, s.Zone, string(s.Days), s.CreatedBy, s.CreatedAt, pausedAt, s.PauseReason,
			s.PausedBy, nullDate(s.PausedUntil), nullTime(s.NextDue))
	})
	if errors.Is(err, handlers.ErrLimit) {
		return handlers.Schedule{}, fmt.Errorf("add schedule: %w", err)
	}
	if err != nil {
		return handlers.Schedule{}, db.opError("add schedule", err)
	}
	return saved.toSchedule(), nil
}

// ChannelSchedules returns the channel's schedules, paused ones included, in
// the order they were made, each with the channel's skips that are not
// forgotten.
func (db *DB) ChannelSchedules(ctx context.Context, teamID, channelID string) ([]handlers.Schedule, error) {
	const query = `SELECT ` + scheduleColumns + `, ` + skipsColumn + ` FROM daily_schedules s
		WHERE s.team_id = $1 AND s.channel_id = $2 ORDER BY s.id`
	var rows []scheduleRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, teamID, channelID); err != nil {
		return nil, db.opError("channel schedules", err)
	}
	return toSchedules(rows), nil
}

// DeleteSchedules removes the team's schedules with the given ids and says
// how many there were. The days they posted stay recorded: a schedule made
// again for the same channel, role and category does not post those days
// twice.
func (db *DB) DeleteSchedules(ctx context.Context, teamID string, ids []int64) (int, error) {
	res, err := db.q.ExecContext(ctx, `DELETE FROM daily_schedules WHERE team_id = $1 AND id = ANY($2)`, teamID, pq.Array(ids))
	if err != nil {
		return 0, db.opError("delete schedules", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, db.opError("delete schedules", err)
	}
	return int(n), nil
}

// DueSchedules returns every team's schedules whose next post is due at
// now, and those whose next post was never computed (made before it was
// kept) and are not paused, with their channels' skips. Both are read
// through an index: a tick costs what is due, not what exists.
func (db *DB) DueSchedules(ctx context.Context, now time.Time) ([]handlers.Schedule, error) {
	const query = `
		SELECT ` + scheduleColumns + `, ` + skipsColumn + ` FROM daily_schedules s WHERE s.next_due_at <= $1
		UNION ALL
		SELECT ` + scheduleColumns + `, ` + skipsColumn + ` FROM daily_schedules s WHERE s.next_due_at IS NULL AND s.paused_at IS NULL
		ORDER BY next_due_at NULLS FIRST, id`
	var rows []scheduleRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, now); err != nil {
		return nil, db.opError("due schedules", err)
	}
	return toSchedules(rows), nil
}

// advanceSet is the SET of an UPDATE of daily_schedules that moves the next
// post on to $next after the post of local date $date, ending a pause
// whose last day is before $date.
const advanceSet = `next_due_at = %[1]s,
	paused_at = CASE WHEN paused_until <= %[2]s THEN NULL ELSE paused_at END,
	paused_by = CASE WHEN paused_until <= %[2]s THEN '' ELSE paused_by END,
	paused_until = CASE WHEN paused_until <= %[2]s THEN NULL ELSE paused_until END`

// AdvanceSchedule moves a's schedule on to a.To after the day a.Date,
// unless its next post is no longer a.From (a change made meanwhile
// stands); moved says whether it did.
func (db *DB) AdvanceSchedule(ctx context.Context, a handlers.DailyAdvance) (moved bool, err error) {
	op := fmt.Sprintf("advance schedule %d", a.ScheduleID)
	if err := rules.CheckLocalDate(a.Date); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	update := `UPDATE daily_schedules SET ` + fmt.Sprintf(advanceSet, "$3", "$4::date") + `
		WHERE id = $1 AND next_due_at IS NOT DISTINCT FROM $2`
	res, err := db.q.ExecContext(ctx, update, a.ScheduleID, nullTime(a.From), nullTime(a.To), a.Date)
	if err != nil {
		return false, db.opError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, db.opError(op, err)
	}
	return n == 1, nil
}

// PauseSchedule stops schedule id until it is resumed, saying why: the bot
// pauses a schedule whose channel refuses its posts. It returns
// handlers.ErrNotFound when there is no such schedule.
func (db *DB) PauseSchedule(ctx context.Context, id int64, reason string) error {
	if err := rules.CheckReason(reason); err != nil {
		return fmt.Errorf("pause schedule %d: %w", id, err)
	}
	const pause = `
		UPDATE daily_schedules SET paused_at = COALESCE(paused_at, now()), pause_reason = $2,
		    paused_by = '', paused_until = NULL, next_due_at = NULL
		WHERE id = $1`
	res, err := db.q.ExecContext(ctx, pause, id, reason)
	return db.affectedOne(fmt.Sprintf("pause schedule %d", id), res, err)
}

// AddSkip records that the channel has no daily posts on the local dates
// of r, for the user by. Ranges that ended before since are forgotten on
// the way; a channel keeps at most handlers.MaxChannelSkips ranges
// (handlers.ErrLimit). Adding a range again changes nothing.
func (db *DB) AddSkip(ctx context.Context, teamID, channelID string, r handlers.DateRange, by, since string) error {
	op := "add skip"
	if err := errors.Join(rules.CheckLocalDate(r.From), rules.CheckLocalDate(r.To), rules.CheckLocalDate(since),
		rules.CheckSkip(teamID, channelID, r, by)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	err := db.inTx(ctx, func(tx *DB) error {
		const lock = `SELECT pg_advisory_xact_lock(hashtextextended('daily_skips/' || $1 || '/' || $2, 0))`
		if _, err := tx.q.ExecContext(ctx, lock, teamID, channelID); err != nil {
			return err
		}
		const prune = `DELETE FROM daily_skips WHERE team_id = $1 AND channel_id = $2 AND to_date < $3::date`
		if _, err := tx.q.ExecContext(ctx, prune, teamID, channelID, since); err != nil {
			return err
		}
		const insert = `
			INSERT INTO daily_skips (team_id, channel_id, from_date, to_date, created_by)
			SELECT $1, $2, $3, $4, $5
			WHERE (SELECT count(*) FROM daily_skips WHERE team_id = $1 AND channel_id = $2) < $6
			ON CONFLICT DO NOTHING`
		res, err := tx.q.ExecContext(ctx, insert, teamID, channelID, r.From, r.To, by, handlers.MaxChannelSkips)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var exists bool
		const has = `SELECT EXISTS (SELECT 1 FROM daily_skips WHERE team_id = $1 AND channel_id = $2 AND from_date = $3 AND to_date = $4)`
		if err := sqlx.GetContext(ctx, tx.q, &exists, has, teamID, channelID, r.From, r.To); err != nil || exists {
			return err
		}
		return fmt.Errorf("the channel has %d skipped ranges: %w", handlers.MaxChannelSkips, handlers.ErrLimit)
	})
	if errors.Is(err, handlers.ErrLimit) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err != nil {
		return db.opError(op, err)
	}
	return nil
}
