package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

type dailyPostRow struct {
	ScheduleID int64          `db:"schedule_id"`
	LocalDate  string         `db:"local_date"`
	State      string         `db:"state"`
	ClaimedBy  string         `db:"claimed_by"`
	QuestionID string         `db:"question_id"`
	MessageTS  string         `db:"message_ts"`
	Attempts   int            `db:"attempts"`
	History    pq.StringArray `db:"history"`
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
		History:    r.History,
	}
}

// ClaimDailyPost takes the post of scheduleID's channel, role and category
// on localDate for owner until until: it inserts the claim, or takes over a
// claim that is not posted, carries no message and whose lease (or retry
// time) is not after now. A won claim comes back with the channel's daily
// history. Otherwise ok is false and the row is returned as it stands: the
// lease is held (by anyone, owner included: two overlapping attempts of one
// process must not both post), or the day was posted or skipped, perhaps
// by a schedule since removed. A missing schedule is handlers.ErrNotFound.
//
// One statement decides, so two replicas racing for the same day cannot
// both win: the primary key serialises them.
func (db *DB) ClaimDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (handlers.DailyPost, bool, error) {
	op := fmt.Sprintf("claim daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, err)
	}
	const claim = `
		WITH sched AS (SELECT team_id, channel_id, role, category, id FROM daily_schedules WHERE id = $1),
		claim AS (
			INSERT INTO daily_posts (team_id, channel_id, role, category, schedule_id, local_date, state, claimed_by, claim_expires_at)
			SELECT team_id, channel_id, role, category, id, $2::date, 'claimed', $3::text, $5::timestamptz FROM sched
			ON CONFLICT (team_id, channel_id, role, category, local_date) DO UPDATE
			SET claimed_by = EXCLUDED.claimed_by, claim_expires_at = EXCLUDED.claim_expires_at, schedule_id = EXCLUDED.schedule_id
			WHERE daily_posts.state = 'claimed' AND daily_posts.message_ts = ''
			  AND daily_posts.claim_expires_at <= $4
			RETURNING *)
		SELECT c.schedule_id, to_char(c.local_date, 'YYYY-MM-DD') AS local_date, c.state, c.claimed_by,
		       c.question_id, c.message_ts, c.attempts,
		       ARRAY(SELECT p.question_id FROM channel_posts p
		             WHERE p.team_id = c.team_id AND p.channel_id = c.channel_id AND p.source = 'daily'
		             ORDER BY p.posted_at, p.message_ts COLLATE "C", p.question_id COLLATE "C") AS history
		FROM claim c`
	var row dailyPostRow
	err := sqlx.GetContext(ctx, db.q, &row, claim, scheduleID, localDate, owner, now, until)
	ok := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		// Held by another owner, settled, or no such schedule: which one?
		const query = `
			SELECT p.schedule_id, to_char(p.local_date, 'YYYY-MM-DD') AS local_date, p.state, p.claimed_by,
			       p.question_id, p.message_ts, p.attempts
			FROM daily_schedules s JOIN daily_posts p USING (team_id, channel_id, role, category)
			WHERE s.id = $1 AND p.local_date = $2::date`
		err = sqlx.GetContext(ctx, db.q, &row, query, scheduleID, localDate)
	}
	if err != nil {
		return handlers.DailyPost{}, false, db.opError(op, err)
	}
	return row.toDailyPost(), ok, nil
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

// MarkDailyPosted records, in one statement, that owner made the post p of
// its claim (state posted, its ts and question), logs p in the channel's
// post history and moves the schedule on as next says (see
// AdvanceSchedule). Marking the same message again is a no-op. When owner's
// claim was taken over meanwhile, p is still logged (the message is in the
// channel) but the post stays the new holder's, and the error wraps
// handlers.ErrConflict. A missing claim is handlers.ErrNotFound.
func (db *DB) MarkDailyPosted(ctx context.Context, scheduleID int64, localDate, owner string, p handlers.Post, next handlers.DailyAdvance) error {
	op := fmt.Sprintf("mark daily post %d/%s posted", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner), rules.CheckPost(p)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if p.At.IsZero() {
		p.At = time.Now()
	}
	mark := `
		WITH cur AS (SELECT state, message_ts FROM daily_posts WHERE schedule_id = $1 AND local_date = $2::date),
		mark AS (
			UPDATE daily_posts SET state = 'posted', question_id = $4, message_ts = $5, posted_at = $6
			WHERE schedule_id = $1 AND local_date = $2::date AND state = 'claimed' AND claimed_by = $3
			RETURNING 1),
		log AS (
			INSERT INTO channel_posts (team_id, channel_id, question_id, message_ts, source, posted_at)
			SELECT $7, $8, $4, $5, 'daily', $6 WHERE EXISTS (SELECT 1 FROM cur)
			ON CONFLICT (team_id, channel_id, question_id, message_ts) DO NOTHING),
		adv AS (
			UPDATE daily_schedules SET ` + fmt.Sprintf(advanceSet, "$10::timestamptz", "$2::date") + `
			WHERE id = $1 AND next_due_at IS NOT DISTINCT FROM $9 AND EXISTS (SELECT 1 FROM mark))
		SELECT (SELECT count(*) FROM mark) AS marked, COALESCE((SELECT state FROM cur), '') AS state,
		       COALESCE((SELECT message_ts FROM cur), '') AS message_ts`
	var res struct {
		Marked    int    `db:"marked"`
		State     string `db:"state"`
		MessageTS string `db:"message_ts"`
	}
	err := sqlx.GetContext(ctx, db.q, &res, mark, scheduleID, localDate, owner, p.QuestionID, p.MessageTS, p.At,
		p.TeamID, p.ChannelID, nullTime(next.From), nullTime(next.To))
	switch {
	case err != nil:
		return db.opError(op, err)
	case res.Marked == 1, res.State == "posted" && res.MessageTS == p.MessageTS:
		return nil // marked, or marked already: a retry
	case res.State == "":
		return fmt.Errorf("%s: no claim: %w", op, handlers.ErrNotFound)
	default:
		return fmt.Errorf("%s: %s no longer holds the claim: %w", op, owner, handlers.ErrConflict)
	}
}

// SkipDailyPost records that the post of scheduleID's channel, role and
// category on localDate is skipped, for reason, unless the day already has
// a row (claimed, posted or skipped), and moves the schedule on as next
// says (see AdvanceSchedule), in one statement; inserted says whether this
// call recorded the skip. A zero at means now.
func (db *DB) SkipDailyPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time, next handlers.DailyAdvance) (bool, error) {
	op := fmt.Sprintf("skip daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckReason(reason)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if at.IsZero() {
		at = time.Now()
	}
	skip := `
		WITH sched AS (SELECT team_id, channel_id, role, category, id FROM daily_schedules WHERE id = $1),
		ins AS (
			INSERT INTO daily_posts (team_id, channel_id, role, category, schedule_id, local_date, state, skipped_at, skip_reason)
			SELECT team_id, channel_id, role, category, id, $2::date, 'skipped', $4::timestamptz, $3::text FROM sched
			ON CONFLICT (team_id, channel_id, role, category, local_date) DO NOTHING
			RETURNING 1),
		adv AS (
			UPDATE daily_schedules SET ` + fmt.Sprintf(advanceSet, "$6::timestamptz", "$2::date") + `
			WHERE id = $1 AND next_due_at IS NOT DISTINCT FROM $5)
		SELECT (SELECT count(*) FROM sched) AS found, (SELECT count(*) FROM ins) AS inserted`
	var res struct {
		Found    int `db:"found"`
		Inserted int `db:"inserted"`
	}
	if err := sqlx.GetContext(ctx, db.q, &res, skip, scheduleID, localDate, reason, at, nullTime(next.From), nullTime(next.To)); err != nil {
		return false, db.opError(op, err)
	}
	if res.Found == 0 {
		return false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	return res.Inserted == 1, nil
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
