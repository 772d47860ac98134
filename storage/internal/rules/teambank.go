package rules

import (
	"fmt"
	"slices"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
)

// Limits of a team's roles and categories, as the schema has them.
const (
	MaxTitle       = 100
	MaxRoleSummary = 2500
)

// CheckTeamRole reports why r cannot be stored, or nil. Whether its names
// clash with the bank's is for the caller (questions.Bank.Extend).
func CheckTeamRole(r questions.TeamRole) error {
	if err := required(field{"role slug", r.Slug}); err != nil {
		return err
	}
	if err := text("role title", r.Title, 1, MaxTitle); err != nil {
		return err
	}
	if err := text("role summary", r.Summary, 0, MaxRoleSummary); err != nil {
		return err
	}
	for _, a := range r.Aliases {
		if err := text("role alias", a, 1, MaxTitle); err != nil {
			return err
		}
	}
	for _, s := range r.Skills {
		if err := text("role skill", s, 1, questions.MaxText); err != nil {
			return err
		}
	}
	return nil
}

// CheckTeamCategory reports why c cannot be stored, or nil.
func CheckTeamCategory(c questions.TeamCategory) error {
	if err := required(field{"category role", c.Role}, field{"category slug", c.Slug}); err != nil {
		return err
	}
	if err := text("category title", c.Title, 1, MaxTitle); err != nil {
		return err
	}
	for _, a := range c.Aliases {
		if err := text("category alias", a, 1, MaxTitle); err != nil {
			return err
		}
	}
	return nil
}

// CheckHide reports why hiding (or, with hiddenBy "", unhiding) a
// question cannot be stored, or nil.
func CheckHide(teamID, questionID, hiddenBy string) error {
	if err := required(field{"team id", teamID}, field{"question id", questionID}); err != nil {
		return err
	}
	return storable(field{"hidden by", hiddenBy})
}

// CheckTeamImport reports why in cannot be imported for teamID, or nil.
func CheckTeamImport(teamID string, in handlers.TeamImport) error {
	for i, q := range in.Questions {
		q.TeamID = teamID
		if err := CheckTeamQuestion(q); err != nil {
			return fmt.Errorf("question %d: %w", i+1, err)
		}
	}
	for _, r := range in.Roles {
		if err := CheckTeamRole(r); err != nil {
			return err
		}
	}
	for _, c := range in.Categories {
		if err := CheckTeamCategory(c); err != nil {
			return err
		}
	}
	return nil
}

// ImportPlan is what importing a file does to a team's bank: both stores
// work it out with PlanImport from what the team has, and apply it.
type ImportPlan struct {
	Add              []handlers.TeamQuestion // ids to be assigned
	Update           []handlers.TeamQuestion // with the id of the question updated
	Remove           []handlers.TeamQuestion
	PutRoles         []questions.TeamRole // added or changed
	RemoveRoles      []string
	PutCategories    []questions.TeamCategory
	RemoveCategories []questions.TeamCategory
	Result           handlers.ImportResult
}

// TextKeyOf is the key of a team question's unique index: a team has one
// live question per role, category and text (case and spacing aside).
func TextKeyOf(q handlers.TeamQuestion) string {
	return q.Role + "\x00" + q.Category + "\x00" + questions.TextKey(q.Text)
}

// PlanImport works out what importing in changes in cur, the team's bank
// as stored. A file question updates the team's question with its id, else
// the one with its key, else it is added; each of the team's questions is
// matched at most once. It fails, wrapping handlers.ErrConflict, when the
// file would leave two live questions with one key.
func PlanImport(cur handlers.TeamBank, in handlers.TeamImport) (ImportPlan, error) {
	var p ImportPlan
	byID := map[string]int{}
	byKey := map[string]int{}
	for i, q := range cur.Questions {
		byID[q.ID] = i
		byKey[TextKeyOf(q)] = i
	}
	claimed := make([]bool, len(cur.Questions))
	target := make([]int, len(in.Questions))
	for i, q := range in.Questions {
		target[i] = -1
		if j, ok := byID[q.ID]; ok && q.ID != "" && !claimed[j] {
			target[i], claimed[j] = j, true
		}
	}
	for i, q := range in.Questions {
		if target[i] >= 0 {
			continue
		}
		if j, ok := byKey[TextKeyOf(q)]; ok && !claimed[j] {
			target[i], claimed[j] = j, true
		}
	}

	// What stays live: the file's questions and, without Sync, the team's
	// others. No two may share a key.
	final := map[string]string{} // key → who, for the error
	for _, q := range in.Questions {
		who := fmt.Sprintf("the file's %q", clip(q.Text, 60))
		if other, dup := final[TextKeyOf(q)]; dup {
			return ImportPlan{}, fmt.Errorf("%s asks the same as %s: %w", who, other, handlers.ErrConflict)
		}
		final[TextKeyOf(q)] = who
	}
	for j, q := range cur.Questions {
		if claimed[j] {
			continue
		}
		if in.Sync {
			p.Remove = append(p.Remove, q)
			continue
		}
		if other, dup := final[TextKeyOf(q)]; dup {
			return ImportPlan{}, fmt.Errorf("%s asks the same as %s, which the file does not list; reword one, or import with sync: %w", other, q.ID, handlers.ErrConflict)
		}
		final[TextKeyOf(q)] = q.ID
	}

	used := map[string]bool{} // "role" and "role/category" of live questions
	for i, q := range in.Questions {
		used[q.Role], used[q.Role+"/"+q.Category] = true, true
		if target[i] < 0 {
			q.ID = ""
			p.Add = append(p.Add, q)
			continue
		}
		c := cur.Questions[target[i]]
		if c.Role == q.Role && c.Category == q.Category && c.Text == q.Text && slices.Equal(c.Guidance, q.Guidance) && slices.Equal(c.FollowUps, q.FollowUps) {
			p.Result.Unchanged++
			continue
		}
		c.Role, c.Category, c.Text = q.Role, q.Category, q.Text
		c.Guidance, c.FollowUps = slices.Clone(q.Guidance), slices.Clone(q.FollowUps)
		p.Update = append(p.Update, c)
	}
	for j, q := range cur.Questions {
		if !claimed[j] && !in.Sync {
			used[q.Role], used[q.Role+"/"+q.Category] = true, true
		}
	}

	curCat := map[string]questions.TeamCategory{}
	for _, c := range cur.Categories {
		curCat[c.Role+"/"+c.Slug] = c
	}
	inFile := map[string]bool{}
	for _, c := range in.Categories {
		key := c.Role + "/" + c.Slug
		inFile[key] = true
		used[c.Role] = true
		old, ok := curCat[key]
		switch {
		case !ok:
			p.Result.Categories.Added = append(p.Result.Categories.Added, key)
		case old.Title != c.Title || !slices.Equal(old.Aliases, c.Aliases):
			p.Result.Categories.Updated = append(p.Result.Categories.Updated, key)
		default:
			continue
		}
		p.PutCategories = append(p.PutCategories, c)
	}
	for _, c := range cur.Categories {
		key := c.Role + "/" + c.Slug
		switch {
		case inFile[key]:
		case in.Sync && !used[key]:
			p.RemoveCategories = append(p.RemoveCategories, c)
			p.Result.Categories.Removed = append(p.Result.Categories.Removed, key)
		default:
			used[c.Role] = true
		}
	}

	curRole := map[string]questions.TeamRole{}
	for _, r := range cur.Roles {
		curRole[r.Slug] = r
	}
	roleInFile := map[string]bool{}
	for _, r := range in.Roles {
		roleInFile[r.Slug] = true
		old, ok := curRole[r.Slug]
		switch {
		case !ok:
			p.Result.Roles.Added = append(p.Result.Roles.Added, r.Slug)
		case old.Title != r.Title || old.Summary != r.Summary || !slices.Equal(old.Aliases, r.Aliases) || !slices.Equal(old.Skills, r.Skills):
			p.Result.Roles.Updated = append(p.Result.Roles.Updated, r.Slug)
		default:
			continue
		}
		p.PutRoles = append(p.PutRoles, r)
	}
	for _, r := range cur.Roles {
		if in.Sync && !roleInFile[r.Slug] && !used[r.Slug] {
			p.RemoveRoles = append(p.RemoveRoles, r.Slug)
			p.Result.Roles.Removed = append(p.Result.Roles.Removed, r.Slug)
		}
	}

	p.Result.Added = slices.Clone(p.Add)
	p.Result.Updated = slices.Clone(p.Update)
	p.Result.Removed = slices.Clone(p.Remove)
	return p, nil
}

// clip shortens s to n runes for quoting in an error.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
