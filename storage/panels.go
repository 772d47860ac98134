package storage

import (
	"cmp"
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

// Operation names in errors carry kit ids and user ids only: a scorecard's
// content, a note or a candidate label must never reach a log line.

type scorecardRow struct {
	TeamID      string    `db:"team_id"`
	KitID       string    `db:"kit_id"`
	UserID      string    `db:"user_id"`
	Overall     string    `db:"overall"`
	Summary     string    `db:"summary"`
	SubmittedAt time.Time `db:"submitted_at"`
}

type answerRow struct {
	KitID      string        `db:"kit_id"`
	UserID     string        `db:"user_id"`
	QuestionID string        `db:"question_id"`
	Score      sql.NullInt16 `db:"score"`
	Note       string        `db:"note"`
}

// SaveScorecard stores sc, replacing the user's earlier scorecard for the
// kit and all its answers. It returns handlers.ErrNotFound when the team
// has no such kit and handlers.ErrKitClosed when the kit is closed or
// deleted; the kit's row is locked meanwhile, so a close that commits first
// wins and no scorecard lands after it. A zero sc.SubmittedAt means now.
func (db *DB) SaveScorecard(ctx context.Context, sc handlers.Scorecard) error {
	op := fmt.Sprintf("save scorecard of %s on kit %q", sc.UserID, sc.KitID)
	if err := rules.CheckScorecard(sc); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if sc.SubmittedAt.IsZero() {
		sc.SubmittedAt = time.Now()
	}
	err := db.inTx(ctx, func(tx *DB) error {
		var closed bool
		const lock = `SELECT closed_at IS NOT NULL OR deleted_at IS NOT NULL FROM kits
			WHERE team_id = $1 AND id = $2 FOR SHARE`
		if err := sqlx.GetContext(ctx, tx.q, &closed, lock, sc.TeamID, sc.KitID); err != nil {
			return err
		}
		if closed {
			return handlers.ErrKitClosed
		}
		const upsert = `
			INSERT INTO scorecards (team_id, kit_id, user_id, overall, summary, submitted_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (kit_id, user_id) DO UPDATE
			SET overall = EXCLUDED.overall, summary = EXCLUDED.summary, submitted_at = EXCLUDED.submitted_at`
		if _, err := tx.q.ExecContext(ctx, upsert, sc.TeamID, sc.KitID, sc.UserID, sc.Overall, sc.Summary, sc.SubmittedAt); err != nil {
			return err
		}
		const clear = `DELETE FROM scorecard_answers WHERE kit_id = $1 AND user_id = $2`
		if _, err := tx.q.ExecContext(ctx, clear, sc.KitID, sc.UserID); err != nil {
			return err
		}
		if len(sc.Answers) == 0 {
			return nil
		}
		rows := make([]answerRow, 0, len(sc.Answers))
		for _, a := range sc.Answers {
			rows = append(rows, answerRow{
				KitID: sc.KitID, UserID: sc.UserID, QuestionID: a.QuestionID, Note: a.Note,
				Score: sql.NullInt16{Int16: int16(a.Score), Valid: a.Score != 0},
			})
		}
		const insert = `
			INSERT INTO scorecard_answers (kit_id, user_id, question_id, score, note)
			VALUES (:kit_id, :user_id, :question_id, :score, :note)`
		_, err := sqlx.NamedExecContext(ctx, tx.q, insert, rows)
		return err
	})
	if errors.Is(err, handlers.ErrKitClosed) {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err != nil {
		return db.opError(op, err)
	}
	return nil
}

// Scorecards returns the scorecards submitted for the team's kit, oldest
// submission first, each with its answers in question id order. A kit
// without any, or no such kit, gives none.
func (db *DB) Scorecards(ctx context.Context, teamID, kitID string) ([]handlers.Scorecard, error) {
	op := fmt.Sprintf("scorecards of kit %q", kitID)
	out := make([]handlers.Scorecard, 0)
	if !rules.Storable(kitID) || !rules.Storable(teamID) {
		return out, nil
	}
	const cards = `
		SELECT team_id, kit_id, user_id, overall, summary, submitted_at FROM scorecards
		WHERE team_id = $1 AND kit_id = $2
		ORDER BY submitted_at, user_id COLLATE "C"`
	var rows []scorecardRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, cards, teamID, kitID); err != nil {
		return nil, db.opError(op, err)
	}
	if len(rows) == 0 {
		return out, nil
	}
	const answers = `
		SELECT a.kit_id, a.user_id, a.question_id, a.score, a.note
		FROM scorecard_answers a JOIN scorecards s USING (kit_id, user_id)
		WHERE s.team_id = $1 AND a.kit_id = $2
		ORDER BY a.user_id, a.question_id COLLATE "C"`
	var ans []answerRow
	if err := sqlx.SelectContext(ctx, db.q, &ans, answers, teamID, kitID); err != nil {
		return nil, db.opError(op, err)
	}
	byUser := make(map[string][]handlers.ScorecardAnswer, len(rows))
	for _, a := range ans {
		byUser[a.UserID] = append(byUser[a.UserID], handlers.ScorecardAnswer{QuestionID: a.QuestionID, Score: int(a.Score.Int16), Note: a.Note})
	}
	for _, r := range rows {
		out = append(out, handlers.Scorecard{
			TeamID: r.TeamID, KitID: r.KitID, UserID: r.UserID, Overall: r.Overall, Summary: r.Summary,
			Answers: byUser[r.UserID], SubmittedAt: r.SubmittedAt.UTC(),
		})
	}
	return out, nil
}

// CloseKit locks the team's kit id's scorecards as of at. It returns the kit
// and whether this call closed it (false: it was closed already).
func (db *DB) CloseKit(ctx context.Context, teamID, id string, at time.Time) (handlers.Kit, bool, error) {
	op := fmt.Sprintf("close kit %q", id)
	if !rules.Storable(id) {
		return handlers.Kit{}, false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	const closeKit = `UPDATE kits SET closed_at = $3 WHERE team_id = $1 AND id = $2 AND closed_at IS NULL`
	res, err := db.q.ExecContext(ctx, closeKit, teamID, id, at)
	if err != nil {
		return handlers.Kit{}, false, db.opError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return handlers.Kit{}, false, db.opError(op, err)
	}
	k, err := db.Kit(ctx, teamID, id)
	if err != nil {
		return handlers.Kit{}, false, err
	}
	return k, n == 1, nil
}

// DeleteKit erases the team's kit id's scorecards (notes included) and its
// candidate label, and marks it deleted (and closed), in one transaction.
// The kit and its questions stay. Deleting again changes nothing.
func (db *DB) DeleteKit(ctx context.Context, teamID, id string, at time.Time) (handlers.Kit, error) {
	op := fmt.Sprintf("delete kit %q", id)
	if !rules.Storable(id) {
		return handlers.Kit{}, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	err := db.inTx(ctx, func(tx *DB) error {
		const mark = `
			UPDATE kits SET candidate = '', deleted_at = COALESCE(deleted_at, $3), closed_at = COALESCE(closed_at, $3)
			WHERE team_id = $1 AND id = $2`
		res, err := tx.q.ExecContext(ctx, mark, teamID, id, at)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmp.Or(err, sql.ErrNoRows)
		}
		_, err = tx.q.ExecContext(ctx, `DELETE FROM scorecards WHERE team_id = $1 AND kit_id = $2`, teamID, id)
		return err
	})
	if err != nil {
		return handlers.Kit{}, db.opError(op, err)
	}
	return db.Kit(ctx, teamID, id)
}

// ReminderKits returns the kits of every team, oldest interview first,
// that have a panel, a posted parent and an interview time in (from, to],
// and are neither closed nor deleted: the ones whose panel may need a
// reminder.
func (db *DB) ReminderKits(ctx context.Context, from, to time.Time) ([]handlers.Kit, error) {
	const query = `
		SELECT ` + kitColumns + ` FROM kits
		WHERE interview_at > $1 AND interview_at <= $2 AND closed_at IS NULL
		  AND deleted_at IS NULL AND erased_at IS NULL
		  AND cardinality(panel) > 0 AND parent_ts <> ''
		ORDER BY interview_at, id COLLATE "C"`
	var rows []kitRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, from, to); err != nil {
		return nil, db.opError("reminder kits", err)
	}
	kits, err := db.withItems(ctx, rows)
	if err != nil {
		return nil, db.opError("reminder kits", err)
	}
	return kits, nil
}

// ClaimReminder takes reminder r for owner until until: it inserts the
// claim, or takes over a claim that was not sent and whose lease (or retry
// time) is not after now. ok is false when the reminder was sent or
// someone holds its lease (owner included). A missing kit is
// handlers.ErrNotFound.
//
// One statement decides, so replicas racing for the same reminder cannot
// both win: the primary key serialises them.
func (db *DB) ClaimReminder(ctx context.Context, r handlers.Reminder, owner string, now, until time.Time) (bool, error) {
	op := fmt.Sprintf("claim reminder %d of %s on kit %q", r.N, r.UserID, r.KitID)
	if err := errors.Join(rules.CheckReminder(r), rules.CheckOwner(owner)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	const claim = `
		INSERT INTO kit_reminders (kit_id, user_id, n, state, claimed_by, claim_expires_at)
		VALUES ($1, $2, $3, 'claimed', $4, $6)
		ON CONFLICT (kit_id, user_id, n) DO UPDATE
		SET claimed_by = EXCLUDED.claimed_by, claim_expires_at = EXCLUDED.claim_expires_at
		WHERE kit_reminders.state = 'claimed' AND kit_reminders.claim_expires_at <= $5`
	res, err := db.q.ExecContext(ctx, claim, r.KitID, r.UserID, r.N, owner, now, until)
	if err != nil {
		return false, db.opError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, db.opError(op, err)
	}
	return n == 1, nil
}

// MarkReminderSent records that owner sent reminder r as message ts.
// Marking it again with the same ts is a no-op; when owner's claim was
// taken over meanwhile the error wraps handlers.ErrConflict, and when
// there is no claim, handlers.ErrNotFound.
func (db *DB) MarkReminderSent(ctx context.Context, r handlers.Reminder, owner, ts string, at time.Time) error {
	op := fmt.Sprintf("mark reminder %d of %s on kit %q sent", r.N, r.UserID, r.KitID)
	if err := errors.Join(rules.CheckReminder(r), rules.CheckOwner(owner), rules.CheckMessageTS(ts)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	const mark = `
		UPDATE kit_reminders SET state = 'sent', message_ts = $5, sent_at = $6, claimed_by = '', claim_expires_at = NULL
		WHERE kit_id = $1 AND user_id = $2 AND n = $3
		  AND ((state = 'claimed' AND claimed_by = $4) OR (state = 'sent' AND message_ts = $5))`
	res, err := db.q.ExecContext(ctx, mark, r.KitID, r.UserID, r.N, owner, ts, at)
	if err := db.affectedOne(op, res, err); !errors.Is(err, handlers.ErrNotFound) {
		return err
	}
	var exists bool
	const query = `SELECT EXISTS (SELECT 1 FROM kit_reminders WHERE kit_id = $1 AND user_id = $2 AND n = $3)`
	if err := sqlx.GetContext(ctx, db.q, &exists, query, r.KitID, r.UserID, r.N); err != nil {
		return db.opError(op, err)
	}
	if exists {
		return fmt.Errorf("%s: %s no longer holds the claim: %w", op, owner, handlers.ErrConflict)
	}
	return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
}

// ReleaseReminder gives up owner's claim on r after a failed send so that
// any replica may retry from retryAt. It returns handlers.ErrNotFound when
// owner holds no claim on r.
func (db *DB) ReleaseReminder(ctx context.Context, r handlers.Reminder, owner string, retryAt time.Time) error {
	op := fmt.Sprintf("release reminder %d of %s on kit %q", r.N, r.UserID, r.KitID)
	if err := errors.Join(rules.CheckReminder(r), rules.CheckOwner(owner)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	const release = `
		UPDATE kit_reminders SET claimed_by = '', claim_expires_at = $5
		WHERE kit_id = $1 AND user_id = $2 AND n = $3 AND state = 'claimed' AND claimed_by = $4`
	res, err := db.q.ExecContext(ctx, release, r.KitID, r.UserID, r.N, owner, retryAt)
	return db.affectedOne(op, res, err)
}

// eraseBatch bounds one retention run, so that a first run over a large
// backlog does not hold locks on thousands of kits at once; the next run
// goes on where this one stopped.
const eraseBatch = 500

// EraseExpired erases the scorecards (notes included) and candidate labels
// of kits closed before cutoff, or never closed and created before it, and
// marks them erased as of now. It returns how many kits it erased, at most
// a batch; call it again while it returns a full batch.
func (db *DB) EraseExpired(ctx context.Context, cutoff, now time.Time) (int, error) {
	var ids []string
	err := db.inTx(ctx, func(tx *DB) error {
		const mark = `
			UPDATE kits SET candidate = '', erased_at = $2
			WHERE id IN (
				SELECT id FROM kits
				WHERE erased_at IS NULL AND COALESCE(closed_at, created_at) < $1
				ORDER BY COALESCE(closed_at, created_at)
				LIMIT $3
				FOR UPDATE SKIP LOCKED)
			RETURNING id`
		if err := sqlx.SelectContext(ctx, tx.q, &ids, mark, cutoff, now, eraseBatch); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		_, err := tx.q.ExecContext(ctx, `DELETE FROM scorecards WHERE kit_id = ANY($1)`, pq.Array(ids))
		return err
	})
	if err != nil {
		return 0, db.opError("erase expired scorecards", err)
	}
	return len(ids), nil
}
