package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// teamLockClass is the first key of the transaction-scoped advisory lock
// that serialises one team's writes to its bank ("tbnk" in ASCII); the
// second is a hash of the team id. An import plans from what it reads, so
// nothing may change the team's questions between its read and its writes.
const teamLockClass = 0x74626e6b

// lockTeam takes the team's bank lock until the transaction ends.
func (db *DB) lockTeam(ctx context.Context, teamID string) error {
	_, err := db.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1, hashtext($2))`, teamLockClass, teamID)
	return err
}

// TeamBank returns what the team keeps of its own bank, from the cache
// when CacheTeamQuestions keeps one.
func (db *DB) TeamBank(ctx context.Context, teamID string) (handlers.TeamBank, error) {
	tb, gen, ok := db.cache.get(teamID)
	if ok {
		return tb, nil
	}
	tb, err := db.readTeamBank(ctx, teamID)
	if err != nil {
		return handlers.TeamBank{}, db.opError("team bank", err)
	}
	db.cache.put(teamID, tb, gen)
	return tb, nil
}

// teamBankQuery reads a team's whole bank in one statement: one round trip
// for every command while the cache is off, and one snapshot, so that a
// concurrent import is seen whole or not at all.
const teamBankQuery = `
	SELECT
		(SELECT coalesce(json_agg(json_build_object(
				'id', id, 'team_id', team_id, 'role', role, 'category', category, 'text', text,
				'guidance', guidance, 'follow_ups', follow_ups, 'created_by', created_by, 'created_at', created_at)
			ORDER BY id), '[]')
		 FROM team_questions WHERE team_id = $1 AND deleted_at IS NULL) AS questions,
		(SELECT coalesce(json_agg(json_build_object(
				'slug', slug, 'title', title, 'aliases', aliases, 'summary', summary, 'skills', skills)
			ORDER BY id), '[]')
		 FROM team_roles WHERE team_id = $1) AS roles,
		(SELECT coalesce(json_agg(json_build_object(
				'role', role, 'slug', slug, 'title', title, 'aliases', aliases)
			ORDER BY id), '[]')
		 FROM team_categories WHERE team_id = $1) AS categories,
		(SELECT coalesce(json_agg(question_id ORDER BY question_id), '[]')
		 FROM hidden_questions WHERE team_id = $1) AS hidden`

type teamBankJSON struct {
	Questions []struct {
		ID        int64     `json:"id"`
		TeamID    string    `json:"team_id"`
		Role      string    `json:"role"`
		Category  string    `json:"category"`
		Text      string    `json:"text"`
		Guidance  []string  `json:"guidance"`
		FollowUps []string  `json:"follow_ups"`
		CreatedBy string    `json:"created_by"`
		CreatedAt time.Time `json:"created_at"`
	}
	Roles []struct {
		Slug    string   `json:"slug"`
		Title   string   `json:"title"`
		Aliases []string `json:"aliases"`
		Summary string   `json:"summary"`
		Skills  []string `json:"skills"`
	}
	Categories []struct {
		Role    string   `json:"role"`
		Slug    string   `json:"slug"`
		Title   string   `json:"title"`
		Aliases []string `json:"aliases"`
	}
	Hidden []string
}

// readTeamBank reads the team's bank from the database, in db's
// transaction when it has one.
func (db *DB) readTeamBank(ctx context.Context, teamID string) (handlers.TeamBank, error) {
	var raw [4][]byte
	if err := db.q.QueryRowxContext(ctx, teamBankQuery, teamID).Scan(&raw[0], &raw[1], &raw[2], &raw[3]); err != nil {
		return handlers.TeamBank{}, err
	}
	var j teamBankJSON
	for i, dst := range []any{&j.Questions, &j.Roles, &j.Categories, &j.Hidden} {
		if err := json.Unmarshal(raw[i], dst); err != nil {
			return handlers.TeamBank{}, fmt.Errorf("decode team bank: %w", err)
		}
	}
	var tb handlers.TeamBank
	for _, q := range j.Questions {
		tb.Questions = append(tb.Questions, handlers.TeamQuestion{
			ID: handlers.TeamQuestionID(q.ID), TeamID: q.TeamID, Role: q.Role, Category: q.Category, Text: q.Text,
			Guidance: nilIfEmpty(q.Guidance), FollowUps: nilIfEmpty(q.FollowUps),
			CreatedBy: q.CreatedBy, CreatedAt: q.CreatedAt.UTC(),
		})
	}
	for _, r := range j.Roles {
		tb.Roles = append(tb.Roles, questions.TeamRole{Slug: r.Slug, Title: r.Title, Aliases: nilIfEmpty(r.Aliases), Summary: r.Summary, Skills: nilIfEmpty(r.Skills)})
	}
	for _, c := range j.Categories {
		tb.Categories = append(tb.Categories, questions.TeamCategory{Role: c.Role, Slug: c.Slug, Title: c.Title, Aliases: nilIfEmpty(c.Aliases)})
	}
	tb.Hidden = nilIfEmpty(j.Hidden)
	return tb, nil
}

// HideQuestion retires question id for the team; changed is false when it
// was hidden already. Whether id is a built-in question is the caller's
// business: the store keeps any id.
func (db *DB) HideQuestion(ctx context.Context, teamID, questionID, hiddenBy string) (bool, error) {
	if err := rules.CheckHide(teamID, questionID, hiddenBy); err != nil {
		return false, fmt.Errorf("hide question: %w", err)
	}
	changed, err := db.writeTeam(ctx, teamID, `
		INSERT INTO hidden_questions (team_id, question_id, hidden_by) VALUES ($1, $2, $3)
		ON CONFLICT DO NOTHING`, teamID, questionID, hiddenBy)
	if err != nil {
		return false, db.opError("hide question", err)
	}
	return changed, nil
}

// UnhideQuestion brings question id back for the team; changed is false
// when it was not hidden.
func (db *DB) UnhideQuestion(ctx context.Context, teamID, questionID string) (bool, error) {
	if err := rules.CheckHide(teamID, questionID, ""); err != nil {
		return false, fmt.Errorf("unhide question: %w", err)
	}
	changed, err := db.writeTeam(ctx, teamID, `
		DELETE FROM hidden_questions WHERE team_id = $1 AND question_id = $2`, teamID, questionID)
	if err != nil {
		return false, db.opError("unhide question", err)
	}
	return changed, nil
}

// writeTeam runs one statement that changes the team's bank and, when it
// changed a row, tells every replica's cache.
func (db *DB) writeTeam(ctx context.Context, teamID, query string, args ...any) (bool, error) {
	var changed bool
	err := db.inTx(ctx, func(tx *DB) error {
		res, err := tx.q.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		changed = true
		return tx.notifyTeam(ctx, teamID)
	})
	db.cache.invalidate(teamID)
	return changed, err
}

// ImportTeamBank imports a team bank file, all or nothing, under the
// team's lock: see handlers.TeamImport for what it matches, adds, updates
// and removes. A dry run reads and plans in the same way and writes
// nothing. Importing the same file twice changes nothing the second time.
func (db *DB) ImportTeamBank(ctx context.Context, teamID string, in handlers.TeamImport) (handlers.ImportResult, error) {
	if err := rules.CheckTeamImport(teamID, in); err != nil {
		return handlers.ImportResult{}, fmt.Errorf("import team bank: %w", err)
	}
	var res handlers.ImportResult
	err := db.inTx(ctx, func(tx *DB) error {
		if err := tx.lockTeam(ctx, teamID); err != nil {
			return err
		}
		cur, err := tx.readTeamBank(ctx, teamID)
		if err != nil {
			return err
		}
		plan, err := rules.PlanImport(cur, in)
		if err != nil {
			return err
		}
		res = plan.Result
		if in.DryRun || !res.Changed() {
			return nil
		}
		if err := tx.applyImport(ctx, teamID, &plan); err != nil {
			return err
		}
		res = plan.Result
		return tx.notifyTeam(ctx, teamID)
	})
	if !in.DryRun {
		db.cache.invalidate(teamID)
	}
	if err != nil {
		return handlers.ImportResult{}, db.opError("import team bank", err)
	}
	return res, nil
}

// applyImport writes plan in db's transaction and sets the ids of the
// questions it adds in plan.Result.
func (db *DB) applyImport(ctx context.Context, teamID string, plan *rules.ImportPlan) error {
	if len(plan.Remove) > 0 {
		if _, err := db.q.ExecContext(ctx, `
			UPDATE team_questions SET deleted_at = now()
			WHERE team_id = $1 AND id = ANY($2)`, teamID, pq.Array(rowIDs(plan.Remove))); err != nil {
			return err
		}
	}
	if len(plan.Update) > 0 {
		// Two questions may swap wordings; the unique index is checked
		// per statement, so the updated rows first take keys no text
		// has (TextKey never holds a tab).
		if _, err := db.q.ExecContext(ctx, `
			UPDATE team_questions SET text_key = E'\t' || id
			WHERE team_id = $1 AND id = ANY($2)`, teamID, pq.Array(rowIDs(plan.Update))); err != nil {
			return err
		}
		for _, q := range plan.Update {
			n, _ := handlers.ParseTeamQuestionID(q.ID)
			r := toTeamQuestionRow(q)
			if _, err := db.q.ExecContext(ctx, `
				UPDATE team_questions
				SET role = $3, category = $4, text = $5, text_key = $6, guidance = $7, follow_ups = $8
				WHERE team_id = $1 AND id = $2`,
				teamID, n, r.Role, r.Category, r.Text, r.TextKey, r.Guidance, r.FollowUps); err != nil {
				return err
			}
		}
	}
	for i, q := range plan.Add {
		q.TeamID = teamID
		query, args, err := db.q.BindNamed(`
			INSERT INTO team_questions (team_id, role, category, text, text_key, guidance, follow_ups, created_by)
			VALUES (:team_id, :role, :category, :text, :text_key, :guidance, :follow_ups, :created_by)
			RETURNING `+teamQuestionColumns, toTeamQuestionRow(q))
		if err != nil {
			return err
		}
		var added teamQuestionRow
		if err := sqlx.GetContext(ctx, db.q, &added, query, args...); err != nil {
			return err
		}
		plan.Result.Added[i] = added.toTeamQuestion()
	}
	for _, r := range plan.PutRoles {
		if _, err := db.q.ExecContext(ctx, `
			INSERT INTO team_roles (team_id, slug, title, aliases, summary, skills) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (team_id, slug) DO UPDATE
			SET title = EXCLUDED.title, aliases = EXCLUDED.aliases, summary = EXCLUDED.summary, skills = EXCLUDED.skills`,
			teamID, r.Slug, r.Title, nonNil(r.Aliases), r.Summary, nonNil(r.Skills)); err != nil {
			return err
		}
	}
	if len(plan.RemoveRoles) > 0 {
		if _, err := db.q.ExecContext(ctx, `DELETE FROM team_roles WHERE team_id = $1 AND slug = ANY($2)`, teamID, pq.Array(plan.RemoveRoles)); err != nil {
			return err
		}
	}
	for _, c := range plan.PutCategories {
		if _, err := db.q.ExecContext(ctx, `
			INSERT INTO team_categories (team_id, role, slug, title, aliases) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (team_id, role, slug) DO UPDATE
			SET title = EXCLUDED.title, aliases = EXCLUDED.aliases`,
			teamID, c.Role, c.Slug, c.Title, nonNil(c.Aliases)); err != nil {
			return err
		}
	}
	for _, c := range plan.RemoveCategories {
		if _, err := db.q.ExecContext(ctx, `DELETE FROM team_categories WHERE team_id = $1 AND role = $2 AND slug = $3`, teamID, c.Role, c.Slug); err != nil {
			return err
		}
	}
	return nil
}

// rowIDs are the bigserial ids of team questions.
func rowIDs(qs []handlers.TeamQuestion) []int64 {
	ids := make([]int64, 0, len(qs))
	for _, q := range qs {
		if n, ok := handlers.ParseTeamQuestionID(q.ID); ok {
			ids = append(ids, n)
		}
	}
	return ids
}
