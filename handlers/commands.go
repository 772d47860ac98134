package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// Commands answers /interview, its buttons and its modals.
//
// Its methods return a Reply for the user and an error for the log. Expected
// mistakes (an unknown role, a bad time) are not errors: they come back as a
// friendly Reply. An unexpected failure comes back as an error, together with
// a Reply that says in one sentence what it means for the user (for example
// that a vote was NOT saved); the transport logs the error and sends the
// reply, so each error is handled once.
type Commands struct {
	bank   *questions.Bank
	store  Store
	slack  Slack
	admins map[string]bool
	now    func() time.Time
	log    *slog.Logger
	// owner names this process in leases on kits and daily posts.
	owner   string
	settled settledDays
	// lists holds rendered built-in-only lists by "role/category/page";
	// they depend on nothing but the bank, which never changes.
	lists sync.Map
}

// Config holds what Commands needs.
type Config struct {
	Bank   *questions.Bank
	Store  Store
	Slack  Slack
	Admins []string // Slack user ids allowed to add and remove questions
	Now    func() time.Time
	Log    *slog.Logger
	// Owner names this process in the leases that let one replica post a
	// kit or a daily question; each replica needs its own.
	Owner string
}

// New returns Commands over cfg; Now defaults to time.Now and Log to a
// logger that discards.
func New(cfg Config) *Commands {
	c := &Commands{
		bank:   cfg.Bank,
		store:  cfg.Store,
		slack:  cfg.Slack,
		admins: map[string]bool{},
		now:    cfg.Now,
		log:    cfg.Log,
		owner:  cfg.Owner,
	}
	if c.owner == "" {
		c.owner = "interviewbot"
	}
	for _, id := range cfg.Admins {
		if id = strings.TrimSpace(id); id != "" {
			c.admins[id] = true
		}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c
}

// Slash answers one /interview command.
func (c *Commands) Slash(ctx context.Context, s Slash) (Reply, error) {
	cmd := Parse(c.bank, s.Text)
	switch cmd.Kind {
	case KindInvalid:
		return reply(textMessage(cmd.Problem)), nil
	case KindHelp:
		return reply(renderHelp()), nil
	case KindRoles:
		return c.roles(ctx, s)
	case KindRole:
		return c.roleCard(ctx, s, cmd.Role)
	case KindList:
		return c.list(ctx, s.TeamID, cmd.Role, cmd.Category, 1)
	case KindPractice:
		return c.practice(ctx, s, cmd)
	case KindFeedback:
		return c.feedback(ctx, s, cmd.Role)
	case KindAdd:
		return c.add(ctx, s, cmd)
	case KindRemove:
		return c.remove(ctx, s, cmd.ID)
	case KindKit, KindKitList, KindKitShow:
		return c.kitCommand(ctx, s, cmd)
	case KindDaily, KindDailyStatus, KindDailyOff, KindDailyNow:
		return c.dailyCommand(ctx, s, cmd)
	}
	return Reply{}, fmt.Errorf("parse returned unknown kind %d", cmd.Kind)
}

func reply(m *Message) Reply { return Reply{Message: m} }

// failure is the reply that goes with an unexpected error.
func failure(text string) Reply {
	return reply(textMessage("⚠️ " + text))
}

// Action answers a button click.
func (c *Commands) Action(ctx context.Context, a Action) (Reply, error) {
	switch ActionBase(a.ActionID) {
	case ActionRateUp:
		return c.vote(ctx, a, +1)
	case ActionRateDown:
		return c.vote(ctx, a, -1)
	case ActionFeedbackOpen:
		return c.openFeedback(ctx, a)
	case ActionShareList:
		return c.shareList(ctx, a)
	case ActionShowCategory:
		return c.showCategory(ctx, a)
	case ActionShowGuidance:
		return c.showGuidance(ctx, a)
	}
	c.log.WarnContext(ctx, "unknown action", "action_id", a.ActionID)
	return reply(textMessage("That button isn't one I know any more; try the command again.")), nil
}

// Submit answers a submitted modal.
func (c *Commands) Submit(ctx context.Context, s Submission) (Reply, error) {
	if s.CallbackID == CallbackFeedback {
		return c.submitFeedback(ctx, s)
	}
	c.log.WarnContext(ctx, "unknown view submission", "callback_id", s.CallbackID)
	return Reply{}, nil
}

// pool returns a role category's questions: the built-in ones, then the
// team's. When the store fails the built-in ones still come back, with
// the error, so read-only commands keep working without a database.
func (c *Commands) pool(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category) (pool, error) {
	team, err := c.teamQuestions(ctx, teamID)
	return pool{role: r, category: cat, questions: withTeam(r, cat, team)}, err
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

func (c *Commands) teamQuestions(ctx context.Context, teamID string) ([]TeamQuestion, error) {
	tqs, err := c.store.TeamQuestions(ctx, teamID)
	if err != nil {
		return nil, fmt.Errorf("list team questions: %w", err)
	}
	return tqs, nil
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
func (c *Commands) question(ctx context.Context, teamID, id string) (questions.Question, error) {
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
func (c *Commands) questionIndex(ctx context.Context, teamID string) func(id string) questions.Question {
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

// categoryTitle names a question's category for display.
func (c *Commands) categoryTitle(q questions.Question) string {
	if r, ok := c.bank.Role(q.Role); ok {
		if cat, ok := r.Category(q.Category); ok {
			return cat.Title
		}
	}
	return q.Category
}
