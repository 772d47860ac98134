package handlers

import (
	"context"
	"fmt"

	"github.com/interviewbot/interviewbot/questions"
)

// teamQuestionReader is the one store call every capability shares: what
// a team keeps of its own bank, which changes the built-in one everywhere.
type teamQuestionReader interface {
	TeamBank(ctx context.Context, teamID string) (TeamBank, error)
}

// catalog finds questions for a team: the built-in bank plus the team's
// own questions. Every capability holds one.
type catalog struct {
	bank *questions.Bank
	team teamQuestionReader
}

// pool returns a role category's questions: the built-in ones, then the
// team's. When the store fails the built-in ones still come back, with
// the error, so read-only commands keep working without a database.
func (c catalog) pool(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category) (pool, error) {
	team, err := c.teamQuestions(ctx, teamID)
	return pool{role: r, category: cat, questions: withTeam(r, cat, team)}, err
}

// rolePool is every question of a role, or of one of its categories,
// team questions included, read with one store call.
func (c catalog) rolePool(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category) ([]questions.Question, error) {
	team, err := c.teamQuestions(ctx, teamID)
	cats := r.Categories
	if cat != nil {
		cats = []*questions.Category{cat}
	}
	var all []questions.Question
	for _, cat := range cats {
		all = append(all, withTeam(r, cat, team)...)
	}
	return all, err
}

// withTeam is a category's built-in questions followed by the team's.
func withTeam(r *questions.Role, cat *questions.Category, team []TeamQuestion) []questions.Question {
	qs := make([]questions.Question, 0, len(cat.Questions)+len(team))
	qs = append(qs, cat.Questions...)
	for _, tq := range team {
		if tq.Role == r.Slug && tq.Category == cat.Slug {
			qs = append(qs, teamQuestion(tq))
		}
	}
	return qs
}

func (c catalog) teamQuestions(ctx context.Context, teamID string) ([]TeamQuestion, error) {
	tb, err := c.team.TeamBank(ctx, teamID)
	if err != nil {
		return nil, fmt.Errorf("list team questions: %w", err)
	}
	return tb.Questions, nil
}

// teamQuestion presents a team question like a built-in one. Its theme is
// its own id: nothing says it is a variant of another question.
func teamQuestion(tq TeamQuestion) questions.Question {
	return questions.Question{
		ID:        questions.ID(tq.ID),
		Role:      tq.Role,
		Category:  tq.Category,
		Text:      tq.Text,
		Theme:     tq.ID,
		Guidance:  tq.Guidance,
		FollowUps: tq.FollowUps,
	}
}

// question finds a built-in or team question by id.
func (c catalog) question(ctx context.Context, teamID, id string) (questions.Question, error) {
	if q, ok := c.bank.Question(questions.ID(id)); ok {
		return q, nil
	}
	if !isTeamQuestion(questions.ID(id)) {
		return questions.Question{}, ErrNotFound
	}
	tqs, err := c.teamQuestions(ctx, teamID)
	if err != nil {
		return questions.Question{}, err
	}
	for _, tq := range tqs {
		if tq.ID == id {
			return teamQuestion(tq), nil
		}
	}
	return questions.Question{}, ErrNotFound
}

// questionIndex looks up built-in and team questions by id for summaries
// with one read of the team's questions. A question removed since it was
// rated comes back with its id as text and no role.
func (c catalog) questionIndex(ctx context.Context, teamID string) func(id string) questions.Question {
	team := map[string]questions.Question{}
	if tqs, err := c.teamQuestions(ctx, teamID); err == nil {
		for _, tq := range tqs {
			team[tq.ID] = teamQuestion(tq)
		}
	}
	return func(id string) questions.Question {
		if q, ok := c.bank.Question(questions.ID(id)); ok {
			return q
		}
		if q, ok := team[id]; ok {
			return q
		}
		return questions.Question{ID: questions.ID(id), Text: "(removed question " + id + ")"}
	}
}

// counter counts a category's questions, team questions included when the
// store answers.
func (c catalog) counter(ctx context.Context, teamID string) (func(*questions.Role, *questions.Category) int, error) {
	tqs, err := c.teamQuestions(ctx, teamID)
	extra := map[string]int{}
	for _, tq := range tqs {
		extra[tq.Role+"/"+tq.Category]++
	}
	return func(r *questions.Role, cat *questions.Category) int {
		return len(cat.Questions) + extra[r.Slug+"/"+cat.Slug]
	}, err
}

// categoryTitle names a question's category for display.
func (c catalog) categoryTitle(q questions.Question) string {
	if r, ok := c.bank.Role(q.Role); ok {
		if cat, ok := r.Category(q.Category); ok {
			return cat.Title
		}
	}
	return q.Category
}

// roleTitle names a role slug for display; a role gone from the bank shows
// as its slug.
func (c catalog) roleTitle(slug string) string {
	if r, ok := c.bank.Role(slug); ok {
		return r.Title
	}
	return slug
}
