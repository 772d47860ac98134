package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/lib/pq/pqerror"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// kitIDAttempts bounds the retries after a random kit id collides with an
// existing one; with ~887 million ids, needing a second try is already rare.
const kitIDAttempts = 5

const kitColumns = `id, team_id, channel_id, role, created_by, created_at, parent_ts, finished_at,
	panel, interview_at, zone, candidate, closed_at, deleted_at, attempts, abandoned_at`

type kitRow struct {
	ID         string       `db:"id"`
	TeamID     string       `db:"team_id"`
	ChannelID  string       `db:"channel_id"`
	Role       string       `db:"role"`
	CreatedBy  string       `db:"created_by"`
	CreatedAt  time.Time    `db:"created_at"`
	ParentTS   string       `db:"parent_ts"`
	FinishedAt sql.NullTime `db:"finished_at"`
	// Panel kits.
	Panel       pq.StringArray `db:"panel"`
	InterviewAt sql.NullTime   `db:"interview_at"`
	Zone        string         `db:"zone"`
	Candidate   string         `db:"candidate"`
	ClosedAt    sql.NullTime   `db:"closed_at"`
	DeletedAt   sql.NullTime   `db:"deleted_at"`
	Attempts    int            `db:"attempts"`
	AbandonedAt sql.NullTime   `db:"abandoned_at"`
	// Set only when inserting: reads return the lease through ClaimKit's
	// ok, not in handlers.Kit.
	ClaimedBy      string    `db:"claimed_by"`
	ClaimExpiresAt time.Time `db:"claim_expires_at"`
}

func (r kitRow) toKit() handlers.Kit {
	k := handlers.Kit{
		ID:        r.ID,
		TeamID:    r.TeamID,
		ChannelID: r.ChannelID,
		Role:      r.Role,
		CreatedBy: r.CreatedBy,
		CreatedAt: r.CreatedAt.UTC(),
		ParentTS:  r.ParentTS,
		Finished:  r.FinishedAt.Valid,
		Zone:      r.Zone,
		Candidate: r.Candidate,
		Deleted:   r.DeletedAt.Valid,
		Attempts:  r.Attempts,
		Abandoned: r.AbandonedAt.Valid,
	}
	if len(r.Panel) > 0 {
		k.Panel = []string(r.Panel)
	}
	if r.InterviewAt.Valid {
		k.InterviewAt = r.InterviewAt.Time.UTC()
	}
	if r.ClosedAt.Valid {
		k.ClosedAt = r.ClosedAt.Time.UTC()
	}
	return k
}

type kitItemRow struct {
	TeamID     string `db:"team_id"`
	KitID      string `db:"kit_id"`
	Position   int    `db:"position"`
	QuestionID string `db:"question_id"`
	Category   string `db:"category"`
	ReplyTS    string `db:"reply_ts"`
}

type messageFeedbackRow struct {
	MessageTS string `db:"message_ts"`
	questionFeedbackRow
}

// CreateKit saves a new kit with its items, leased to owner until until, and
// returns it with its short id. Nothing of a new kit is posted yet, so
// k.ParentTS, k.Finished and the items' ReplyTS are ignored. A zero
// k.CreatedAt means now.
func (db *DB) CreateKit(ctx context.Context, k handlers.Kit, owner string, until time.Time) (handlers.Kit, error) {
	if err := rules.CheckKit(k, owner); err != nil {
		return handlers.Kit{}, fmt.Errorf("create kit: %w", err)
	}
	if k.CreatedAt.IsZero() {
		k.CreatedAt = time.Now()
	}
	k.CreatedAt = k.CreatedAt.UTC().Truncate(time.Microsecond) // as Postgres keeps it
	k.ParentTS, k.Finished = "", false
	k.ClosedAt, k.Deleted, k.Attempts, k.Abandoned = time.Time{}, false, 0, false
	k.Panel = append([]string(nil), k.Panel...)
	if !k.InterviewAt.IsZero() {
		k.InterviewAt = k.InterviewAt.UTC().Truncate(time.Microsecond)
	}
	k.Items = append([]handlers.KitItem(nil), k.Items...)
	for i := range k.Items {
		k.Items[i].ReplyTS = ""
	}

	for range kitIDAttempts {
		k.ID = rules.NewKitID()
		err := db.inTx(ctx, func(tx *DB) error { return tx.insertKit(ctx, k, owner, until) })
		if pqErr := pq.As(err, pqerror.UniqueViolation); pqErr != nil && pqErr.Constraint == "kits_pkey" {
			continue // the random id is taken: draw another
		}
		if err != nil {
			return handlers.Kit{}, db.opError("create kit", err)
		}
		return k, nil
	}
	return handlers.Kit{}, fmt.Errorf("create kit: %d random ids in a row were taken: %w", kitIDAttempts, handlers.ErrConflict)
}

func (db *DB) insertKit(ctx context.Context, k handlers.Kit, owner string, until time.Time) error {
	const insertKit = `
		INSERT INTO kits (id, team_id, channel_id, role, created_by, created_at, claimed_by, claim_expires_at,
			panel, interview_at, zone, candidate)
		VALUES (:id, :team_id, :channel_id, :role, :created_by, :created_at, :claimed_by, :claim_expires_at,
			:panel, :interview_at, :zone, :candidate)`
	row := kitRow{
		ID:             k.ID,
		TeamID:         k.TeamID,
		ChannelID:      k.ChannelID,
		Role:           k.Role,
		CreatedBy:      k.CreatedBy,
		CreatedAt:      k.CreatedAt,
		ClaimedBy:      owner,
		ClaimExpiresAt: until,
		Panel:          pq.StringArray(k.Panel),
		InterviewAt:    sql.NullTime{Time: k.InterviewAt, Valid: !k.InterviewAt.IsZero()},
		Zone:           k.Zone,
		Candidate:      k.Candidate,
	}
	if row.Panel == nil {
		row.Panel = pq.StringArray{} // the column is NOT NULL
	}
	if _, err := sqlx.NamedExecContext(ctx, db.q, insertKit, row); err != nil {
		return err
	}
	const insertItems = `
		INSERT INTO kit_items (team_id, kit_id, position, question_id, category)
		VALUES (:team_id, :kit_id, :position, :question_id, :category)`
	items := make([]kitItemRow, 0, len(k.Items))
	for _, it := range k.Items {
		items = append(items, kitItemRow{
			TeamID:     k.TeamID,
			KitID:      k.ID,
			Position:   it.Position,
			QuestionID: it.QuestionID,
			Category:   it.Category,
		})
	}
	_, err := sqlx.NamedExecContext(ctx, db.q, insertItems, items)
	return err
}

// ClaimKit leases the unfinished kit id to owner until until, unless another
// owner holds an unexpired lease as of now (or a released lease's retry time
// is still ahead). It returns the kit as saved; ok is false when the kit is
// finished or leased to someone else. Owner may renew its own lease.
func (db *DB) ClaimKit(ctx context.Context, id, owner string, now, until time.Time) (handlers.Kit, bool, error) {
	if err := rules.CheckOwner(owner); err != nil {
		return handlers.Kit{}, false, fmt.Errorf("claim kit: %w", err)
	}
	if !rules.Storable(id) {
		return handlers.Kit{}, false, fmt.Errorf("claim kit %q: %w", id, handlers.ErrNotFound)
	}
	const claim = `
		UPDATE kits SET claimed_by = $2, claim_expires_at = $4
		WHERE id = $1 AND finished_at IS NULL
		  AND (claim_expires_at IS NULL OR claim_expires_at <= $3)
		RETURNING ` + kitColumns
	var row kitRow
	err := sqlx.GetContext(ctx, db.q, &row, claim, id, owner, now, until)
	ok := err == nil
	if errors.Is(err, sql.ErrNoRows) {
		// Finished, leased to another owner, or no such kit: which one?
		err = sqlx.GetContext(ctx, db.q, &row, `SELECT `+kitColumns+` FROM kits WHERE id = $1`, id)
	}
	if err != nil {
		return handlers.Kit{}, false, db.opError(fmt.Sprintf("claim kit %q", id), err)
	}
	kits, err := db.withItems(ctx, []kitRow{row})
	if err != nil {
		return handlers.Kit{}, false, db.opError(fmt.Sprintf("claim kit %q", id), err)
	}
	return kits[0], ok, nil
}

// SetKitParent records the ts of kit id's parent message.
func (db *DB) SetKitParent(ctx context.Context, id, ts string) error {
	if err := rules.CheckMessageTS(ts); err != nil {
		return fmt.Errorf("set kit parent: %w", err)
	}
	if !rules.Storable(id) {
		return fmt.Errorf("set kit %q parent: %w", id, handlers.ErrNotFound)
	}
	res, err := db.q.ExecContext(ctx, `UPDATE kits SET parent_ts = $2 WHERE id = $1`, id, ts)
	return db.affectedOne(fmt.Sprintf("set kit %q parent", id), res, err)
}

// SetKitReply records the ts of the reply for kit id's item at position.
func (db *DB) SetKitReply(ctx context.Context, id string, position int, ts string) error {
	if err := rules.CheckMessageTS(ts); err != nil {
		return fmt.Errorf("set kit reply: %w", err)
	}
	if !rules.Storable(id) {
		return fmt.Errorf("set kit %q reply %d: %w", id, position, handlers.ErrNotFound)
	}
	const update = `UPDATE kit_items SET reply_ts = $3 WHERE kit_id = $1 AND position = $2`
	res, err := db.q.ExecContext(ctx, update, id, position, ts)
	return db.affectedOne(fmt.Sprintf("set kit %q reply %d", id, position), res, err)
}

// FinishKit marks kit id complete (finished true), whoever holds it, or
// releases owner's lease after a failed attempt so that any replica may
// retry from retryAt. Releasing a lease owner no longer holds (it expired
// and was taken over, or the kit is finished) changes nothing.
func (db *DB) FinishKit(ctx context.Context, id, owner string, finished bool, retryAt time.Time) error {
	op := fmt.Sprintf("finish kit %q", id)
	if !rules.Storable(id) {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	if finished {
		const finish = `
			UPDATE kits SET finished_at = COALESCE(finished_at, now()), claimed_by = '', claim_expires_at = NULL
			WHERE id = $1`
		res, err := db.q.ExecContext(ctx, finish, id)
		return db.affectedOne(op, res, err)
	}
	if err := rules.CheckOwner(owner); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	const release = `
		UPDATE kits SET claimed_by = '', claim_expires_at = $3, attempts = attempts + 1
		WHERE id = $1 AND claimed_by = $2 AND finished_at IS NULL`
	res, err := db.q.ExecContext(ctx, release, id, owner, retryAt)
	if err := db.affectedOne(op, res, err); !errors.Is(err, handlers.ErrNotFound) {
		return err
	}
	var exists bool
	if err := sqlx.GetContext(ctx, db.q, &exists, `SELECT EXISTS (SELECT 1 FROM kits WHERE id = $1)`, id); err != nil {
		return db.opError(op, err)
	}
	if !exists {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	return nil
}

// AbandonKit stops posting kit id for good: it is no longer resumed and
// its lease is ended. Abandoning a finished or abandoned kit changes
// nothing.
func (db *DB) AbandonKit(ctx context.Context, id string, at time.Time) error {
	op := fmt.Sprintf("abandon kit %q", id)
	if !rules.Storable(id) {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	const abandon = `
		UPDATE kits SET abandoned_at = COALESCE(abandoned_at, $2), claimed_by = '', claim_expires_at = NULL
		WHERE id = $1 AND finished_at IS NULL`
	res, err := db.q.ExecContext(ctx, abandon, id, at)
	if err := db.affectedOne(op, res, err); !errors.Is(err, handlers.ErrNotFound) {
		return err
	}
	var exists bool
	if err := sqlx.GetContext(ctx, db.q, &exists, `SELECT EXISTS (SELECT 1 FROM kits WHERE id = $1)`, id); err != nil {
		return db.opError(op, err)
	}
	if !exists {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	return nil
}

// Kit returns the team's kit id with its items, or handlers.ErrNotFound.
func (db *DB) Kit(ctx context.Context, teamID, id string) (handlers.Kit, error) {
	op := fmt.Sprintf("kit %q", id)
	if !rules.Storable(id) {
		// A NUL or invalid UTF-8 cannot be in any stored id, and Postgres
		// would refuse the query rather than find nothing.
		return handlers.Kit{}, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	var row kitRow
	const query = `SELECT ` + kitColumns + ` FROM kits WHERE team_id = $1 AND id = $2`
	if err := sqlx.GetContext(ctx, db.q, &row, query, teamID, id); err != nil {
		return handlers.Kit{}, db.opError(op, err)
	}
	kits, err := db.withItems(ctx, []kitRow{row})
	if err != nil {
		return handlers.Kit{}, db.opError(op, err)
	}
	return kits[0], nil
}

// ChannelKits returns the channel's most recent kits with their items,
// newest first, at most limit of them (all when limit ≤ 0).
func (db *DB) ChannelKits(ctx context.Context, teamID, channelID string, limit int) ([]handlers.Kit, error) {
	const query = `
		SELECT ` + kitColumns + ` FROM kits
		WHERE team_id = $1 AND channel_id = $2
		ORDER BY created_at DESC, id COLLATE "C" DESC
		LIMIT $3`
	var limitArg sql.NullInt64 // NULL: no limit
	if limit > 0 {
		limitArg = sql.NullInt64{Int64: int64(limit), Valid: true}
	}
	var rows []kitRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, teamID, channelID, limitArg); err != nil {
		return nil, db.opError("channel kits", err)
	}
	kits, err := db.withItems(ctx, rows)
	if err != nil {
		return nil, db.opError("channel kits", err)
	}
	return kits, nil
}

// UnfinishedKits returns the kits of every team created after since that
// are not finished and that nobody may be posting as of now (no unexpired
// lease, no retry time ahead), oldest first: the ones to resume.
func (db *DB) UnfinishedKits(ctx context.Context, since, now time.Time) ([]handlers.Kit, error) {
	const query = `
		SELECT ` + kitColumns + ` FROM kits
		WHERE finished_at IS NULL AND abandoned_at IS NULL AND created_at > $1
		  AND (claim_expires_at IS NULL OR claim_expires_at <= $2)
		ORDER BY created_at, id COLLATE "C"`
	var rows []kitRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, since, now); err != nil {
		return nil, db.opError("unfinished kits", err)
	}
	kits, err := db.withItems(ctx, rows)
	if err != nil {
		return nil, db.opError("unfinished kits", err)
	}
	return kits, nil
}

// withItems converts rows to kits and loads their items, in position order,
// with one query.
func (db *DB) withItems(ctx context.Context, rows []kitRow) ([]handlers.Kit, error) {
	kits := make([]handlers.Kit, 0, len(rows))
	if len(rows) == 0 {
		return kits, nil
	}
	ids := make([]string, 0, len(rows))
	index := make(map[string]int, len(rows))
	for i, r := range rows {
		ids = append(ids, r.ID)
		index[r.ID] = i
		kits = append(kits, r.toKit())
	}
	const query = `
		SELECT team_id, kit_id, position, question_id, category, reply_ts
		FROM kit_items WHERE kit_id = ANY($1)
		ORDER BY kit_id, position`
	var items []kitItemRow
	if err := sqlx.SelectContext(ctx, db.q, &items, query, pq.Array(ids)); err != nil {
		return nil, fmt.Errorf("kit items: %w", err)
	}
	for _, it := range items {
		k := &kits[index[it.KitID]]
		k.Items = append(k.Items, handlers.KitItem{
			Position:   it.Position,
			QuestionID: it.QuestionID,
			Category:   it.Category,
			ReplyTS:    it.ReplyTS,
		})
	}
	return kits, nil
}

// MessageFeedback aggregates the votes and ratings on each of the given
// messages of a channel, keyed by message ts; messages without feedback are
// absent. Each message carries one question (a kit reply, a practice or
// daily post); QuestionID is that question's id (the least one, were there
// several).
func (db *DB) MessageFeedback(ctx context.Context, teamID, channelID string, messageTS []string) (map[string]handlers.QuestionFeedback, error) {
	out := make(map[string]handlers.QuestionFeedback)
	if len(messageTS) == 0 {
		return out, nil
	}
	const query = `
		WITH v AS (
			SELECT message_ts,
			       min(question_id COLLATE "C")        AS question_id,
			       count(*) FILTER (WHERE value = 1)  AS up,
			       count(*) FILTER (WHERE value = -1) AS down
			FROM votes
			WHERE team_id = $1 AND channel_id = $2 AND message_ts = ANY($3)
			GROUP BY message_ts
		), r AS (
			SELECT message_ts,
			       min(question_id COLLATE "C")         AS question_id,
			       count(*)                             AS ratings,
			       sum(stars)                           AS stars_sum,
			       count(*) FILTER (WHERE notes <> '')  AS notes
			FROM ratings
			WHERE team_id = $1 AND channel_id = $2 AND message_ts = ANY($3)
			GROUP BY message_ts
		)
		SELECT message_ts,
		       LEAST(v.question_id, r.question_id) AS question_id,
		       COALESCE(v.up, 0)        AS up,
		       COALESCE(v.down, 0)      AS down,
		       COALESCE(r.ratings, 0)   AS ratings,
		       COALESCE(r.stars_sum, 0) AS stars_sum,
		       COALESCE(r.notes, 0)     AS notes
		FROM v FULL JOIN r USING (message_ts)`
	var rows []messageFeedbackRow
	if err := sqlx.SelectContext(ctx, db.q, &rows, query, teamID, channelID, pq.Array(messageTS)); err != nil {
		return nil, db.opError("message feedback", err)
	}
	for _, r := range rows {
		out[r.MessageTS] = r.toFeedback()
	}
	return out, nil
}

// affectedOne turns an UPDATE's outcome into the method's error:
// handlers.ErrNotFound when it matched no row.
func (db *DB) affectedOne(op string, res sql.Result, err error) error {
	if err != nil {
		return db.opError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return db.opError(op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	return nil
}

// ReleaseLeases ends every lease owner holds, on kits and on daily posts,
// in one transaction: owner's previous process died, so its unfinished
// work may be resumed at once instead of when the leases expire.
func (db *DB) ReleaseLeases(ctx context.Context, owner string, now time.Time) error {
	if err := rules.CheckOwner(owner); err != nil {
		return fmt.Errorf("release leases: %w", err)
	}
	err := db.inTx(ctx, func(tx *DB) error {
		const kits = `UPDATE kits SET claimed_by = '', claim_expires_at = $2
			WHERE claimed_by = $1 AND finished_at IS NULL`
		if _, err := tx.q.ExecContext(ctx, kits, owner, now); err != nil {
			return err
		}
		const daily = `UPDATE daily_posts SET claimed_by = '', claim_expires_at = $2
			WHERE claimed_by = $1 AND state = 'claimed'`
		if _, err := tx.q.ExecContext(ctx, daily, owner, now); err != nil {
			return err
		}
		const reminders = `UPDATE kit_reminders SET claimed_by = '', claim_expires_at = $2
			WHERE claimed_by = $1 AND state = 'claimed'`
		_, err := tx.q.ExecContext(ctx, reminders, owner, now)
		return err
	})
	if err != nil {
		return db.opError("release leases", err)
	}
	return nil
}
