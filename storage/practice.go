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

// Private practice: the remembered role, the questions sent to a user's
// DM, self-checks, personal daily schedules and forget me. Operation names
// in errors never carry a question id or a score: practice history is
// private, and errors end up in logs.

// PracticeRole returns the role the user last named for `practice me`, or
// "" when they never did.
func (db *DB) PracticeRole(ctx context.Context, teamID, userID string) (string, error) {
	var role string
	err := sqlx.GetContext(ctx, db.q, &role, `SELECT role FROM practice_profiles WHERE team_id = $1 AND user_id = $2`, teamID, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", db.opError("read practice role", err)
	}
	return role, nil
}

// SavePracticeRole remembers role for the user's next `practice me`. A zero
// at means now.
func (db *DB) SavePracticeRole(ctx context.Context, teamID, userID, role string, at time.Time) error {
	if err := rules.CheckPracticeRole(teamID, userID, role); err != nil {
		return fmt.Errorf("save practice role: %w", err)
	}
	if at.IsZero() {
		at = time.Now()
	}
	const upsert = `
		INSERT INTO practice_profiles (team_id, user_id, role, updated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role, updated_at = EXCLUDED.updated_at`
	if _, err := db.q.ExecContext(ctx, upsert, teamID, userID, role, at); err != nil {
		return db.opError("save practice role", err)
	}
	return nil
}

type practiceSendRow struct {
	TeamID     string    `db:"team_id"`
	UserID     string    `db:"user_id"`
	QuestionID string    `db:"question_id"`
	MessageTS  string    `db:"message_ts"`
	Source     string    `db:"source"`
	SentAt     time.Time `db:"sent_at"`
}

// RecordPracticeSend logs a question sent to the user's DM. Recording the
// same (question, message) again is a no-op. A zero s.At means now.
func (db *DB) RecordPracticeSend(ctx context.Context, s handlers.PracticeSend) error {
	if err := rules.CheckPracticeSend(s); err != nil {
		return fmt.Errorf("record practice send: %w", err)
	}
	if s.At.IsZero() {
		s.At = time.Now()
	}
	const insert = `
		INSERT INTO practice_sends (team_id, user_id, question_id, message_ts, source, sent_at)
		VALUES (:team_id, :user_id, :question_id, :message_ts, :source, :sent_at)
		ON CONFLICT (team_id, user_id, question_id, message_ts) DO NOTHING`
	row := practiceSendRow{TeamID: s.TeamID, UserID: s.UserID, QuestionID: s.QuestionID, MessageTS: s.MessageTS, Source: s.Source, SentAt: s.At}
	if _, err := sqlx.NamedExecContext(ctx, db.q, insert, row); err != nil {
		return db.opError("record practice send", err)
	}
	return nil
}

type selfCheckRow struct {
	TeamID     string    `db:"team_id"`
	UserID     string    `db:"user_id"`
	QuestionID string    `db:"question_id"`
	Role       string    `db:"role"`
	Category   string    `db:"category"`
	Covered    int       `db:"covered"`
	Total      int       `db:"total"`
	Score      int       `db:"score"`
	Note       string    `db:"note"`
	CheckedAt  time.Time `db:"checked_at"`
}

// SaveSelfCheck records a self-check; every check is kept, so a question's
// run of strong checks can be counted. A zero c.At means now.
func (db *DB) SaveSelfCheck(ctx context.Context, c handlers.SelfCheck) error {
	if err := rules.CheckSelfCheck(c); err != nil {
		return fmt.Errorf("save self-check: %w", err)
	}
	if c.At.IsZero() {
		c.At = time.Now()
	}
	const insert = `
		INSERT INTO self_checks (team_id, user_id, question_id, role, category, covered, total, score, note, checked_at)
		VALUES (:team_id, :user_id, :question_id, :role, :category, :covered, :total, :score, :note, :checked_at)`
	row := selfCheckRow{
		TeamID: c.TeamID, UserID: c.UserID, QuestionID: c.QuestionID, Role: c.Role, Category: c.Category,
		Covered: c.Covered, Total: c.Total, Score: c.Score, Note: c.Note, CheckedAt: c.At,
	}
	if _, err := sqlx.NamedExecContext(ctx, db.q, insert, row); err != nil {
		return db.opError("save self-check", err)
	}
	return nil
}

// PracticeHistory returns the user's practice sends and self-checks, each
// oldest first.
func (db *DB) PracticeHistory(ctx context.Context, teamID, userID string) (handlers.PracticeHistory, error) {
	var sends []practiceSendRow
	const sendsQuery = `
		SELECT team_id, user_id, question_id, message_ts, source, sent_at FROM practice_sends
		WHERE team_id = $1 AND user_id = $2
		ORDER BY sent_at, message_ts COLLATE "C", question_id COLLATE "C"`
	if err := sqlx.SelectContext(ctx, db.q, &sends, sendsQuery, teamID, userID); err != nil {
		return handlers.PracticeHistory{}, db.opError("read practice history", err)
	}
	var checks []selfCheckRow
	const checksQuery = `
		SELECT team_id, user_id, question_id, role, category, covered, total, score, note, checked_at FROM self_checks
		WHERE team_id = $1 AND user_id = $2
		ORDER BY checked_at, id`
	if err := sqlx.SelectContext(ctx, db.q, &checks, checksQuery, teamID, userID); err != nil {
		return handlers.PracticeHistory{}, db.opError("read practice history", err)
	}
	h := handlers.PracticeHistory{
		Sends:  make([]handlers.PracticeSend, 0, len(sends)),
		Checks: make([]handlers.SelfCheck, 0, len(checks)),
	}
	for _, r := range sends {
		h.Sends = append(h.Sends, handlers.PracticeSend{
			TeamID: r.TeamID, UserID: r.UserID, QuestionID: r.QuestionID, MessageTS: r.MessageTS, Source: r.Source, At: r.SentAt.UTC(),
		})
	}
	for _, r := range checks {
		h.Checks = append(h.Checks, handlers.SelfCheck{
			TeamID: r.TeamID, UserID: r.UserID, QuestionID: r.QuestionID, Role: r.Role, Category: r.Category,
			Covered: r.Covered, Total: r.Total, Score: r.Score, Note: r.Note, At: r.CheckedAt.UTC(),
		})
	}
	return h, nil
}

const personalColumns = `id, team_id, user_id, role, category, difficulty, hour, minute, zone, days,
	created_at, paused_at, pause_reason`

type personalRow struct {
	ID          int64        `db:"id"`
	TeamID      string       `db:"team_id"`
	UserID      string       `db:"user_id"`
	Role        string       `db:"role"`
	Category    string       `db:"category"`
	Difficulty  int          `db:"difficulty"`
	Hour        int          `db:"hour"`
	Minute      int          `db:"minute"`
	Zone        string       `db:"zone"`
	Days        string       `db:"days"`
	CreatedAt   time.Time    `db:"created_at"`
	PausedAt    sql.NullTime `db:"paused_at"`
	PauseReason string       `db:"pause_reason"`
}

func (r personalRow) toPersonal() handlers.PersonalSchedule {
	return handlers.PersonalSchedule{
		ID: r.ID, TeamID: r.TeamID, UserID: r.UserID, Role: r.Role, Category: r.Category,
		Difficulty: r.Difficulty, Hour: r.Hour, Minute: r.Minute, Zone: r.Zone, Days: handlers.Days(r.Days),
		CreatedAt: r.CreatedAt.UTC(), Paused: r.PausedAt.Valid, PauseReason: r.PauseReason,
	}
}

// SavePersonalSchedule creates the user's personal schedule, or replaces
// everything but its id and un-pauses it: a replaced schedule keeps its
// daily claims, so a change of time never brings a second question the
// same day. A zero ps.CreatedAt means now; ps.ID, ps.Paused and
// ps.PauseReason are ignored.
func (db *DB) SavePersonalSchedule(ctx context.Context, ps handlers.PersonalSchedule) (handlers.PersonalSchedule, error) {
	if err := rules.CheckPersonalSchedule(ps); err != nil {
		return handlers.PersonalSchedule{}, fmt.Errorf("save personal schedule: %w", err)
	}
	if ps.CreatedAt.IsZero() {
		ps.CreatedAt = time.Now()
	}
	const upsert = `
		INSERT INTO personal_schedules (team_id, user_id, role, category, difficulty, hour, minute, zone, days, created_at)
		VALUES (:team_id, :user_id, :role, :category, :difficulty, :hour, :minute, :zone, :days, :created_at)
		ON CONFLICT (team_id, user_id) DO UPDATE
		SET role = EXCLUDED.role, category = EXCLUDED.category, difficulty = EXCLUDED.difficulty,
		    hour = EXCLUDED.hour, minute = EXCLUDED.minute, zone = EXCLUDED.zone, days = EXCLUDED.days,
		    created_at = EXCLUDED.created_at, paused_at = NULL, pause_reason = ''
		RETURNING ` + personalColumns
	query, args, err := db.q.BindNamed(upsert, personalRow{
		TeamID: ps.TeamID, UserID: ps.UserID, Role: ps.Role, Category: ps.Category, Difficulty: ps.Difficulty,
		Hour: ps.Hour, Minute: ps.Minute, Zone: ps.Zone, Days: string(ps.Days), CreatedAt: ps.CreatedAt,
	})
	if err != nil {
		return handlers.PersonalSchedule{}, db.opError("save personal schedule", err)
	}
	var saved personalRow
	if err := sqlx.GetContext(ctx, db.q, &saved, query, args...); err != nil {
		return handlers.PersonalSchedule{}, db.opError("save personal schedule", err)
	}
	return saved.toPersonal(), nil
}

// PersonalSchedule returns the user's personal schedule, paused or not, or
// handlers.ErrNotFound.
func (db *DB) PersonalSchedule(ctx context.Context, teamID, userID string) (handlers.PersonalSchedule, error) {
	var row personalRow
	err := sqlx.GetContext(ctx, db.q, &row, `SELECT `+personalColumns+` FROM personal_schedules WHERE team_id = $1 AND user_id = $2`, teamID, userID)
	if err != nil {
		return handlers.PersonalSchedule{}, db.opError("read personal schedule", err)
	}
	return row.toPersonal(), nil
}

// ActivePersonalSchedules returns every team's personal schedules that are
// not paused, by id.
func (db *DB) ActivePersonalSchedules(ctx context.Context) ([]handlers.PersonalSchedule, error) {
	var rows []personalRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, `SELECT `+personalColumns+` FROM personal_schedules WHERE paused_at IS NULL ORDER BY id`); err != nil {
		return nil, db.opError("active personal schedules", err)
	}
	out := make([]handlers.PersonalSchedule, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.toPersonal())
	}
	return out, nil
}

// PausePersonalSchedule stops personal schedule id until it is saved again,
// saying why; handlers.ErrNotFound when there is none.
func (db *DB) PausePersonalSchedule(ctx context.Context, id int64, reason string) error {
	if err := rules.CheckReason(reason); err != nil {
		return fmt.Errorf("pause personal schedule %d: %w", id, err)
	}
	const pause = `
		UPDATE personal_schedules SET paused_at = COALESCE(paused_at, now()), pause_reason = $2
		WHERE id = $1`
	res, err := db.q.ExecContext(ctx, pause, id, reason)
	return db.affectedOne(fmt.Sprintf("pause personal schedule %d", id), res, err)
}

// personalPostColumns selects a personal_daily_posts row as a dailyPostRow;
// the date comes back as text so it reads exactly as handlers wrote it.
const personalPostColumns = `schedule_id, to_char(local_date, 'YYYY-MM-DD') AS local_date, state,
	claimed_by, question_id, message_ts, attempts`

func (db *DB) personalPost(ctx context.Context, row *dailyPostRow, scheduleID int64, localDate string) error {
	const query = `SELECT ` + personalPostColumns + ` FROM personal_daily_posts WHERE schedule_id = $1 AND local_date = $2::date`
	return sqlx.GetContext(ctx, db.q, row, query, scheduleID, localDate)
}

// ClaimPersonalPost takes the question of (scheduleID, localDate) for owner
// until until, as ClaimDailyPost does for a channel's post.
func (db *DB) ClaimPersonalPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (handlers.DailyPost, bool, error) {
	op := fmt.Sprintf("claim personal daily question %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, err)
	}
	const claim = `
		INSERT INTO personal_daily_posts (team_id, schedule_id, local_date, state, claimed_by, claim_expires_at)
		SELECT team_id, id, $2::date, 'claimed', $3::text, $5::timestamptz FROM personal_schedules WHERE id = $1
		ON CONFLICT (schedule_id, local_date) DO UPDATE
		SET claimed_by = EXCLUDED.claimed_by, claim_expires_at = EXCLUDED.claim_expires_at
		WHERE personal_daily_posts.state = 'claimed'
		  AND personal_daily_posts.claim_expires_at <= $4
		RETURNING ` + personalPostColumns
	var row dailyPostRow
	err := sqlx.GetContext(ctx, db.q, &row, claim, scheduleID, localDate, owner, now, until)
	ok := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		err = db.personalPost(ctx, &row, scheduleID, localDate)
	}
	if err != nil {
		return handlers.DailyPost{}, false, db.opError(op, err)
	}
	return row.toDailyPost(), ok, nil
}

// ReleasePersonalPost gives up owner's claim, counting the attempt, so that
// any replica may retry from retryAt; handlers.ErrNotFound when owner holds
// no claim on it.
func (db *DB) ReleasePersonalPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error {
	op := fmt.Sprintf("release personal daily question %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	const release = `
		UPDATE personal_daily_posts SET claimed_by = '', claim_expires_at = $4, attempts = attempts + 1
		WHERE schedule_id = $1 AND local_date = $2::date AND state = 'claimed' AND claimed_by = $3`
	res, err := db.q.ExecContext(ctx, release, scheduleID, localDate, owner, retryAt)
	return db.affectedOne(op, res, err)
}

// MarkPersonalPosted records that owner sent s for (scheduleID, localDate)
// and logs s in the user's practice history, in one transaction. As with
// MarkDailyPosted, a claim taken over meanwhile still logs s (the message
// is out) and returns an error wrapping handlers.ErrConflict.
func (db *DB) MarkPersonalPosted(ctx context.Context, scheduleID int64, localDate, owner string, s handlers.PracticeSend) error {
	op := fmt.Sprintf("mark personal daily question %d/%s sent", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner), rules.CheckPracticeSend(s)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if s.At.IsZero() {
		s.At = time.Now()
	}
	var lost bool
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.RecordPracticeSend(ctx, s); err != nil {
			return err
		}
		const mark = `
			UPDATE personal_daily_posts SET state = 'posted', question_id = $4, message_ts = $5, posted_at = $6
			WHERE schedule_id = $1 AND local_date = $2::date AND state = 'claimed' AND claimed_by = $3`
		res, err := tx.q.ExecContext(ctx, mark, scheduleID, localDate, owner, s.QuestionID, s.MessageTS, s.At)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var row dailyPostRow
		if err := tx.personalPost(ctx, &row, scheduleID, localDate); err != nil {
			return err
		}
		lost = row.State != "posted" || row.MessageTS != s.MessageTS
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

// SkipPersonalPost records that (scheduleID, localDate) is skipped, unless
// the day has a row already; inserted says whether this call recorded it.
// A missing schedule is handlers.ErrNotFound. A zero at means now.
func (db *DB) SkipPersonalPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time) (bool, error) {
	op := fmt.Sprintf("skip personal daily question %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckReason(reason)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if at.IsZero() {
		at = time.Now()
	}
	const skip = `
		INSERT INTO personal_daily_posts (team_id, schedule_id, local_date, state, skipped_at, skip_reason)
		SELECT team_id, id, $2::date, 'skipped', $4::timestamptz, $3::text FROM personal_schedules WHERE id = $1
		ON CONFLICT (schedule_id, local_date) DO NOTHING`
	res, err := db.q.ExecContext(ctx, skip, scheduleID, localDate, reason, at)
	if err := db.affectedOne(op, res, err); !errors.Is(err, handlers.ErrNotFound) {
		return err == nil, err
	}
	var row dailyPostRow
	if err := db.personalPost(ctx, &row, scheduleID, localDate); err != nil {
		return false, db.opError(op, err)
	}
	return false, nil
}

// ForgetUser erases, in one transaction, the user's votes, ratings,
// self-checks, practice sends, personal schedule (its daily claims go with
// it) and remembered role in the team, and counts what it erased.
// Scorecards belong to a hiring process and are not touched.
func (db *DB) ForgetUser(ctx context.Context, teamID, userID string) (handlers.Forgotten, error) {
	var f handlers.Forgotten
	count := func(tx *DB, n *int, query string) error {
		res, err := tx.q.ExecContext(ctx, query, teamID, userID)
		if err != nil {
			return err
		}
		affected, err := res.RowsAffected()
		*n = int(affected)
		return err
	}
	err := db.inTx(ctx, func(tx *DB) error {
		if err := count(tx, &f.Votes, `DELETE FROM votes WHERE team_id = $1 AND user_id = $2`); err != nil {
			return err
		}
		var notes []bool
		if err := sqlx.SelectContext(ctx, tx.q, &notes, `DELETE FROM ratings WHERE team_id = $1 AND user_id = $2 RETURNING notes <> ''`, teamID, userID); err != nil {
			return err
		}
		f.Ratings = len(notes)
		for _, n := range notes {
			if n {
				f.Notes++
			}
		}
		if err := count(tx, &f.SelfChecks, `DELETE FROM self_checks WHERE team_id = $1 AND user_id = $2`); err != nil {
			return err
		}
		if err := count(tx, &f.Sends, `DELETE FROM practice_sends WHERE team_id = $1 AND user_id = $2`); err != nil {
			return err
		}
		if err := count(tx, &f.Schedules, `DELETE FROM personal_schedules WHERE team_id = $1 AND user_id = $2`); err != nil {
			return err
		}
		var roles int
		if err := count(tx, &roles, `DELETE FROM practice_profiles WHERE team_id = $1 AND user_id = $2`); err != nil {
			return err
		}
		f.Role = roles > 0
		return nil
	})
	if err != nil {
		return handlers.Forgotten{}, db.opError("forget user", err)
	}
	return f, nil
}
