package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// dailyPostColumns selects a daily_posts row as a dailyPostRow; the date
// comes back as text so it reads exactly as handlers wrote it.
const dailyPostColumns = `schedule_id, to_char(local_date, 'YYYY-MM-DD') AS local_date, state,
	claimed_by, question_id, message_ts, attempts`

type dailyPostRow struct {
	ScheduleID int64  `db:"schedule_id"`
	LocalDate  string `db:"local_date"`
	State      string `db:"state"`
	ClaimedBy  string `db:"claimed_by"`
	QuestionID string `db:"question_id"`
	MessageTS  string `db:"message_ts"`
	Attempts   int    `db:"attempts"`
}

func (r dailyPostRow) toDailyPost() handlers.DailyPost {
	return handlers.DailyPost{
		ScheduleID: r.ScheduleID,
		LocalDate:  r.LocalDate,
		State:      r.State,
		ClaimedBy:  r.ClaimedBy,
		QuestionID: r.QuestionID,
		MessageTS:  r.MessageTS,
		Attempts:   r.Attempts,
	}
}

// ClaimDailyPost takes the post of (scheduleID, localDate) for owner until
// until: it inserts the claim, or takes over a claim that is not posted and
// whose lease (or retry time) is not after now. It returns the row as it
// stands; ok is false when the lease is held (by anyone, owner included:
// two overlapping attempts of one process must not both post) or the day
// was posted or skipped. A missing schedule is handlers.ErrNotFound.
//
// One statement decides, so two replicas racing for the same day cannot
// both win: the primary key serialises them.
func (db *DB) ClaimDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (handlers.DailyPost, bool, error) {
	op := fmt.Sprintf("claim daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, err)
	}
	const claim = `
		INSERT INTO daily_posts (team_id, schedule_id, local_date, state, claimed_by, claim_expires_at)
		SELECT team_id, id, $2::date, 'claimed', $3::text, $5::timestamptz FROM daily_schedules WHERE id = $1
		ON CONFLICT (schedule_id, local_date) DO UPDATE
		SET claimed_by = EXCLUDED.claimed_by, claim_expires_at = EXCLUDED.claim_expires_at
		WHERE daily_posts.state = 'claimed'
		  AND daily_posts.claim_expires_at <= $4
		RETURNING ` + dailyPostColumns
	var row dailyPostRow
	err := sqlx.GetContext(ctx, db.q, &row, claim, scheduleID, localDate, owner, now, until)
	ok := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		// Held by another owner, settled, or no such schedule: which one?
		err = db.dailyPost(ctx, &row, scheduleID, localDate)
	}
	if err != nil {
		return handlers.DailyPost{}, false, db.opError(op, err)
	}
	return row.toDailyPost(), ok, nil
}

func (db *DB) dailyPost(ctx context.Context, row *dailyPostRow, scheduleID int64, localDate string) error {
	const query = `SELECT ` + dailyPostColumns + ` FROM daily_posts WHERE schedule_id = $1 AND local_date = $2::date`
	return sqlx.GetContext(ctx, db.q, row, query, scheduleID, localDate)
}

// ReleaseDailyPost gives up owner's claim after a failed attempt, counting
// the attempt, so that any replica may retry from retryAt. It returns
// handlers.ErrNotFound when owner holds no claim on that post.
func (db *DB) ReleaseDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error {
	op := fmt.Sprintf("release daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	const release = `
		UPDATE daily_posts SET claimed_by = '', claim_expires_at = $4, attempts = attempts + 1
		WHERE schedule_id = $1 AND local_date = $2::date AND state = 'claimed' AND claimed_by = $3`
	res, err := db.q.ExecContext(ctx, release, scheduleID, localDate, owner, retryAt)
	return db.affectedOne(op, res, err)
}

// MarkDailyPosted records that owner made the post p (state posted, its ts
// and question) and logs p in the channel's post history, in one
// transaction. Marking the same message again is a no-op. When owner's claim
// was taken over meanwhile, p is still logged (the message is in the
// channel) but the post stays the new holder's, and the error wraps
// handlers.ErrConflict.
func (db *DB) MarkDailyPosted(ctx context.Context, scheduleID int64, localDate, owner string, p handlers.Post) error {
	op := fmt.Sprintf("mark daily post %d/%s posted", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner), rules.CheckPost(p)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if p.At.IsZero() {
		p.At = time.Now()
	}
	var lost bool
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.RecordPost(ctx, p); err != nil {
			return err
		}
		const mark = `
			UPDATE daily_posts SET state = 'posted', question_id = $4, message_ts = $5, posted_at = $6
			WHERE schedule_id = $1 AND local_date = $2::date AND state = 'claimed' AND claimed_by = $3`
		res, err := tx.q.ExecContext(ctx, mark, scheduleID, localDate, owner, p.QuestionID, p.MessageTS, p.At)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var row dailyPostRow
		if err := tx.dailyPost(ctx, &row, scheduleID, localDate); err != nil {
			return err
		}
		// Marked already with this message (a retry), or someone else's.
		lost = row.State != "posted" || row.MessageTS != p.MessageTS
		return nil
	})
	if err != nil {
		return db.opError(op, err)
	}
	if lost {
		return fmt.Errorf("%s: %s no longer holds the claim: %w", op, owner, handlers.ErrConflict)
	}
	return nil
}

// SkipDailyPost records that (scheduleID, localDate) is skipped, for reason,
// unless the day already has a row (claimed, posted or skipped); inserted
// says whether this call recorded it. A zero at means now.
func (db *DB) SkipDailyPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time) (bool, error) {
	op := fmt.Sprintf("skip daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckReason(reason)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if at.IsZero() {
		at = time.Now()
	}
	const skip = `
		INSERT INTO daily_posts (team_id, schedule_id, local_date, state, skipped_at, skip_reason)
		SELECT team_id, id, $2::date, 'skipped', $4::timestamptz, $3::text FROM daily_schedules WHERE id = $1
		ON CONFLICT (schedule_id, local_date) DO NOTHING`
	res, err := db.q.ExecContext(ctx, skip, scheduleID, localDate, reason, at)
	if err := db.affectedOne(op, res, err); !errors.Is(err, handlers.ErrNotFound) {
		return err == nil, err
	}
	// Nothing inserted: the day has a row already, or there is no such
	// schedule.
	var row dailyPostRow
	if err := db.dailyPost(ctx, &row, scheduleID, localDate); err != nil {
		return false, db.opError(op, err)
	}
	return false, nil
}

// DailyHistory returns the ids of the questions daily schedules posted in
// the channel (by schedule or `daily now`), oldest first.
func (db *DB) DailyHistory(ctx context.Context, teamID, channelID string) ([]string, error) {
	const query = `
		SELECT question_id FROM channel_posts
		WHERE team_id = $1 AND channel_id = $2 AND source = 'daily'
		ORDER BY posted_at, message_ts COLLATE "C", question_id COLLATE "C"`
	ids := make([]string, 0)
	if err := sqlx.SelectContext(ctx, db.q, &ids, query, teamID, channelID); err != nil {
		return nil, db.opError("daily history", err)
	}
	return ids, nil
}
