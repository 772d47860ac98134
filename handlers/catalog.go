package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync"

	"github.com/interviewbot/interviewbot/questions"
)

// teamQuestionReader is the one store call every capability shares: what
// a team keeps of its own bank, which changes the built-in one everywhere.
type teamQuestionReader interface {
	TeamBank(ctx context.Context, teamID string) (TeamBank, error)
}

// catalog finds questions for a team: the bank as the team sees it (the
// built-in roles less the questions it hid, plus its own roles and
// categories) and the team's own questions. Every capability holds one.
type catalog struct {
	bank  *questions.Bank // built in
	team  teamQuestionReader
	views *teamViews
	log   *slog.Logger
}

func newCatalog(bank *questions.Bank, team teamQuestionReader, log *slog.Logger) catalog {
	return catalog{bank: bank, team: team, views: &teamViews{}, log: log}
}

// teamView is what one read of a team's bank gives the commands.
type teamView struct {
	bank      *questions.Bank // built in, as the team changed it
	questions []TeamQuestion
	hidden    []string
}

// view reads the team's bank. When the store fails it returns the built-in
// bank with the error, so read-only commands keep working without a
// database.
func (c catalog) view(ctx context.Context, teamID string) (teamView, error) {
	tb, err := c.team.TeamBank(ctx, teamID)
	if err != nil {
		return teamView{bank: c.bank}, fmt.Errorf("read the team's bank: %w", err)
	}
	ext := tb.Extension()
	v := teamView{questions: tb.Questions, hidden: tb.Hidden}
	v.bank = c.views.get(teamID, ext, func() *questions.Bank {
		b, problems := c.bank.Extend(ext)
		for _, p := range problems {
			if c.log == nil {
				break
			}
			// A built-in name added since the team defined its own.
			c.log.Warn("team bank definition left out", "team", teamID, "problem", p.Error())
		}
		return b
	})
	return v, nil
}

// roleNow finds a role by slug in the team's view as last read, without
// I/O, for display code that has no context: the command or tick that
// calls it has read the view already. Without one it looks in the built-in
// bank.
func (c catalog) roleNow(teamID, slug string) (*questions.Role, bool) {
	bank := c.views.last(teamID)
	if bank == nil {
		bank = c.bank
	}
	return bank.Role(slug)
}

// bankFor is the bank as the team sees it, for the parser.
func (c catalog) bankFor(ctx context.Context, teamID string) (*questions.Bank, error) {
	v, err := c.view(ctx, teamID)
	return v.bank, err
}

// role finds a role by slug as the team sees it.
func (c catalog) role(ctx context.Context, teamID, slug string) (*questions.Role, bool, error) {
	v, err := c.view(ctx, teamID)
	r, ok := v.bank.Role(slug)
	return r, ok, err
}

// resolve finds r and cat (which may come from another view of the bank,
// or be nil) in v by slug; what v lacks comes back as given.
func (v teamView) resolve(r *questions.Role, cat *questions.Category) (*questions.Role, *questions.Category) {
	vr, ok := v.bank.Role(r.Slug)
	if !ok || vr.Slug != r.Slug {
		return r, cat
	}
	if cat == nil {
		return vr, nil
	}
	for _, c := range vr.Categories {
		if c.Slug == cat.Slug {
			return vr, c
		}
	}
	return vr, cat
}

// teamViews caches each team's view of the bank: building one copies the
// roles it changes and indexes every name, which is worth doing once per
// change of the team's roles, categories or hidden questions, not once per
// command.
type teamViews struct {
	mu    sync.Mutex
	views map[string]cachedView
}

type cachedView struct {
	ext  questions.Extension
	bank *questions.Bank
}

// last returns the team's view as last built, or nil.
func (t *teamViews) last(teamID string) *questions.Bank {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.views[teamID].bank
}

// maxViews bounds the cache; a workspace is one team, an Enterprise Grid
// org a few hundred.
const maxViews = 1000

// get returns the team's view for ext, building it when ext changed. A
// team that changes nothing is cached too (as the built-in bank), so that
// last never returns a view the team has since dropped.
func (t *teamViews) get(teamID string, ext questions.Extension, build func() *questions.Bank) *questions.Bank {
	if t == nil { // a catalog made without newCatalog, in tests
		return build()
	}
	t.mu.Lock()
	cv, ok := t.views[teamID]
	t.mu.Unlock()
	// Most teams change nothing: that needs no reflection to compare, and
	// every command of theirs asks.
	if ok && (cv.ext.IsZero() && ext.IsZero() || reflect.DeepEqual(cv.ext, ext)) {
		return cv.bank
	}
	b := build()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.views == nil || len(t.views) >= maxViews {
		t.views = map[string]cachedView{}
	}
	t.views[teamID] = cachedView{ext: ext, bank: b}
	return b
}

// pool returns a role category's questions as the team sees them: the
// built-in ones it did not hide, then its own. r and cat are looked up
// again in the team's view, so a caller may pass the built-in ones. When
// the store fails the built-in questions still come back, with the error.
func (c catalog) pool(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category) (pool, error) {
	v, err := c.view(ctx, teamID)
	r, cat = v.resolve(r, cat)
	return pool{role: r, category: cat, questions: withTeam(r, cat, v.questions)}, err
}

// rolePool is every question of a role, or of one of its categories, as
// the team sees them, read with one store call.
func (c catalog) rolePool(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category) ([]questions.Question, error) {
	v, err := c.view(ctx, teamID)
	r, cat = v.resolve(r, cat)
	cats := r.Categories
	if cat != nil {
		cats = []*questions.Category{cat}
	}
	var all []questions.Question
	for _, cat := range cats {
		all = append(all, withTeam(r, cat, v.questions)...)
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
	v, err := c.view(ctx, teamID)
	return v.questions, err
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

// question finds a built-in or team question by id. A built-in question
// the team hid is still found: history, kits and feedback refer to it.
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

// counter counts a category's questions as the team sees them, its own
// included when the store answers. It accepts roles and categories of any
// view of the bank.
func (c catalog) counter(ctx context.Context, teamID string) (func(*questions.Role, *questions.Category) int, error) {
	v, err := c.view(ctx, teamID)
	return v.counter(), err
}

func (v teamView) counter() func(*questions.Role, *questions.Category) int {
	extra := map[string]int{}
	for _, tq := range v.questions {
		extra[tq.Role+"/"+tq.Category]++
	}
	return func(r *questions.Role, cat *questions.Category) int {
		_, cat = v.resolve(r, cat)
		return len(cat.Questions) + extra[r.Slug+"/"+cat.Slug]
	}
}

// categoryTitleIn names a question's category as r, from the team's view,
// has it: team categories have titles only there.
func categoryTitleIn(r *questions.Role, q questions.Question) string {
	if r != nil && r.Slug == q.Role {
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
