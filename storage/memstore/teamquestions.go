package memstore

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// teamQuestion is a stored team question; removed ones are kept, as storage
// keeps them, so an id is never reissued.
type teamQuestion struct {
	q       handlers.TeamQuestion
	removed bool
}

// AddTeamQuestion stores q and returns it with its id ("team-<n>", numbered
// across all teams as Postgres' sequence numbers them) and creation time set;
// q.ID and q.CreatedAt are ignored.
func (s *Store) AddTeamQuestion(ctx context.Context, q handlers.TeamQuestion) (handlers.TeamQuestion, error) {
	if err := rules.CheckTeamQuestion(q); err != nil {
		return handlers.TeamQuestion{}, fmt.Errorf("add team question: %w", err)
	}
	if err := s.lock(ctx, "add team question"); err != nil {
		return handlers.TeamQuestion{}, err
	}
	defer s.mu.Unlock()
	if s.liveTeamQuestion(q) >= 0 {
		return handlers.TeamQuestion{}, fmt.Errorf("add team question: %w", handlers.ErrConflict)
	}
	return s.addTeamQuestionLocked(q), nil
}

func (s *Store) addTeamQuestionLocked(q handlers.TeamQuestion) handlers.TeamQuestion {
	q.ID = handlers.TeamQuestionID(int64(len(s.questions) + 1))
	q.CreatedAt = stored(time.Time{})
	q.Guidance, q.FollowUps = slices.Clone(q.Guidance), slices.Clone(q.FollowUps)
	s.questions = append(s.questions, teamQuestion{q: q})
	s.bankVersion++
	return q
}

// liveTeamQuestion returns the index of the team's live question with q's
// role, category and text key, or -1: Postgres' unique index, in memory.
func (s *Store) liveTeamQuestion(q handlers.TeamQuestion) int {
	key := questions.TextKey(q.Text)
	for i, tq := range s.questions {
		if !tq.removed && tq.q.TeamID == q.TeamID && tq.q.Role == q.Role && tq.q.Category == q.Category && questions.TextKey(tq.q.Text) == key {
			return i
		}
	}
	return -1
}

// RemoveTeamQuestion removes the team's question id. It returns
// handlers.ErrNotFound when the team has no such question: the id is another
// team's, unknown, already removed or not a "team-<n>" id at all.
func (s *Store) RemoveTeamQuestion(ctx context.Context, teamID, id string) error {
	n, ok := handlers.ParseTeamQuestionID(id)
	if !ok {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	if err := s.lock(ctx, "remove team question"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if n > int64(len(s.questions)) {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	tq := &s.questions[n-1]
	if tq.removed || tq.q.TeamID != teamID {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	tq.removed = true
	s.bankVersion++
	return nil
}

// TeamBankVersion returns a number that every change to any team's bank
// moves; in one process it can always be trusted.
func (s *Store) TeamBankVersion(string) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bankVersion, true
}

// TeamQuestions lists the team's questions in the order they were added.
func (s *Store) TeamQuestions(ctx context.Context, teamID string) ([]handlers.TeamQuestion, error) {
	tb, err := s.TeamBank(ctx, teamID)
	if err != nil {
		return nil, err
	}
	if tb.Questions == nil {
		return []handlers.TeamQuestion{}, nil
	}
	return tb.Questions, nil
}

// teamBanks holds what teams define beyond their questions.
type teamBanks struct {
	roles      map[string][]questions.TeamRole     // by team, in the order added
	categories map[string][]questions.TeamCategory // by team, in the order added
	hidden     map[string]map[string]string        // team → question id → hidden by
}

// TeamBank returns what the team keeps of its own bank.
func (s *Store) TeamBank(ctx context.Context, teamID string) (handlers.TeamBank, error) {
	if err := s.lock(ctx, "team bank"); err != nil {
		return handlers.TeamBank{}, err
	}
	defer s.mu.Unlock()
	return s.teamBankLocked(teamID), nil
}

func (s *Store) teamBankLocked(teamID string) handlers.TeamBank {
	var tb handlers.TeamBank
	for _, tq := range s.questions {
		if !tq.removed && tq.q.TeamID == teamID {
			q := tq.q
			q.Guidance, q.FollowUps = slices.Clone(q.Guidance), slices.Clone(q.FollowUps)
			tb.Questions = append(tb.Questions, q)
		}
	}
	for _, r := range s.team.roles[teamID] {
		r.Aliases, r.Skills = slices.Clone(r.Aliases), slices.Clone(r.Skills)
		tb.Roles = append(tb.Roles, r)
	}
	for _, c := range s.team.categories[teamID] {
		c.Aliases = slices.Clone(c.Aliases)
		tb.Categories = append(tb.Categories, c)
	}
	tb.Hidden = slices.Sorted(maps.Keys(s.team.hidden[teamID]))
	return tb
}

// HideQuestion retires question id for the team; changed is false when it
// was hidden already.
func (s *Store) HideQuestion(ctx context.Context, teamID, questionID, hiddenBy string) (bool, error) {
	if err := rules.CheckHide(teamID, questionID, hiddenBy); err != nil {
		return false, fmt.Errorf("hide question: %w", err)
	}
	if err := s.lock(ctx, "hide question"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	if s.team.hidden == nil {
		s.team.hidden = map[string]map[string]string{}
	}
	if s.team.hidden[teamID] == nil {
		s.team.hidden[teamID] = map[string]string{}
	}
	if _, ok := s.team.hidden[teamID][questionID]; ok {
		return false, nil
	}
	s.team.hidden[teamID][questionID] = hiddenBy
	s.bankVersion++
	return true, nil
}

// UnhideQuestion brings question id back for the team; changed is false
// when it was not hidden.
func (s *Store) UnhideQuestion(ctx context.Context, teamID, questionID string) (bool, error) {
	if err := rules.CheckHide(teamID, questionID, ""); err != nil {
		return false, fmt.Errorf("unhide question: %w", err)
	}
	if err := s.lock(ctx, "unhide question"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	if _, ok := s.team.hidden[teamID][questionID]; !ok {
		return false, nil
	}
	delete(s.team.hidden[teamID], questionID)
	s.bankVersion++
	return true, nil
}

// ImportTeamBank imports a team bank file, all or nothing; see
// handlers.TeamImport.
func (s *Store) ImportTeamBank(ctx context.Context, teamID string, in handlers.TeamImport) (handlers.ImportResult, error) {
	if err := rules.CheckTeamImport(teamID, in); err != nil {
		return handlers.ImportResult{}, fmt.Errorf("import team bank: %w", err)
	}
	if err := s.lock(ctx, "import team bank"); err != nil {
		return handlers.ImportResult{}, err
	}
	defer s.mu.Unlock()
	plan, err := rules.PlanImport(s.teamBankLocked(teamID), in)
	if err != nil {
		return handlers.ImportResult{}, fmt.Errorf("import team bank: %w", err)
	}
	if in.DryRun {
		return plan.Result, nil
	}
	s.bankVersion++
	for _, q := range plan.Remove {
		n, _ := handlers.ParseTeamQuestionID(q.ID)
		s.questions[n-1].removed = true
	}
	for _, q := range plan.Update {
		n, _ := handlers.ParseTeamQuestionID(q.ID)
		cur := &s.questions[n-1].q
		cur.Role, cur.Category, cur.Text = q.Role, q.Category, q.Text
		cur.Guidance, cur.FollowUps = slices.Clone(q.Guidance), slices.Clone(q.FollowUps)
	}
	for i, q := range plan.Add {
		q.TeamID = teamID
		plan.Result.Added[i] = s.addTeamQuestionLocked(q)
	}
	if s.team.roles == nil {
		s.team.roles = map[string][]questions.TeamRole{}
		s.team.categories = map[string][]questions.TeamCategory{}
	}
	for _, r := range plan.PutRoles {
		r.Aliases, r.Skills = slices.Clone(r.Aliases), slices.Clone(r.Skills)
		roles := s.team.roles[teamID]
		if i := slices.IndexFunc(roles, func(o questions.TeamRole) bool { return o.Slug == r.Slug }); i >= 0 {
			roles[i] = r
		} else {
			s.team.roles[teamID] = append(roles, r)
		}
	}
	s.team.roles[teamID] = slices.DeleteFunc(s.team.roles[teamID], func(r questions.TeamRole) bool { return slices.Contains(plan.RemoveRoles, r.Slug) })
	for _, c := range plan.PutCategories {
		c.Aliases = slices.Clone(c.Aliases)
		cats := s.team.categories[teamID]
		if i := slices.IndexFunc(cats, func(o questions.TeamCategory) bool { return o.Role == c.Role && o.Slug == c.Slug }); i >= 0 {
			cats[i] = c
		} else {
			s.team.categories[teamID] = append(cats, c)
		}
	}
	s.team.categories[teamID] = slices.DeleteFunc(s.team.categories[teamID], func(c questions.TeamCategory) bool {
		return slices.ContainsFunc(plan.RemoveCategories, func(r questions.TeamCategory) bool { return r.Role == c.Role && r.Slug == c.Slug })
	})
	return plan.Result, nil
}
