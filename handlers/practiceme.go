package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// Private practice (commands.md, "Private practice"): questions sent to the
// user's DM with the bot, self-checks against what a strong answer covers,
// and the progress shown by `me` and the App Home. None of it is ever
// posted in a channel, logged or used as a metric label: practice history
// is the user's own. Errors below therefore never name a question or a
// score.

// PracticeSend records a question sent to a user's DM for private practice.
type PracticeSend struct {
	TeamID     string
	UserID     string
	QuestionID string
	MessageTS  string
	Source     string // "practice" (practice me, Practise now) or "daily" (daily me)
	At         time.Time
}

// SelfCheck is a user's check of their answer against what a strong answer
// covers.
type SelfCheck struct {
	TeamID     string
	UserID     string
	QuestionID string
	// Role and Category are the question's when it was checked, so that
	// coverage per category survives the question's removal.
	Role     string
	Category string
	Covered  int // guidance points the user ticked
	Total    int // guidance points offered; 0 when the question has none
	// Score is the percentage the review intervals use: Covered of Total,
	// or the user's own "how did it go" when the question has no guidance.
	Score int
	Note  string
	At    time.Time
}

// PracticeHistory is everything a user practised privately.
type PracticeHistory struct {
	Sends  []PracticeSend
	Checks []SelfCheck
}

// MaxSelfCheckPoints bounds the points of one self-check: Slack shows at
// most 10 checkboxes in a group.
const MaxSelfCheckPoints = 10

// privatePracticeStore keeps a user's private practice: the role they
// practise, the questions sent to them and their self-checks.
type privatePracticeStore interface {
	// PracticeRole returns the role slug the user last practised, or ""
	// when they never named one.
	PracticeRole(ctx context.Context, teamID, userID string) (string, error)
	// SavePracticeRole remembers the user's role for `practice me`.
	SavePracticeRole(ctx context.Context, teamID, userID, role string, at time.Time) error
	// RecordPracticeSend logs a question sent to the user's DM; recording
	// the same message again is a no-op.
	RecordPracticeSend(ctx context.Context, s PracticeSend) error
	SaveSelfCheck(ctx context.Context, c SelfCheck) error
	// PracticeHistory returns the user's sends and self-checks, oldest first.
	PracticeHistory(ctx context.Context, teamID, userID string) (PracticeHistory, error)
	// PersonalSchedule returns the user's `daily me` schedule, or
	// ErrNotFound.
	PersonalSchedule(ctx context.Context, teamID, userID string) (PersonalSchedule, error)
}

// practiceSlack is what private practice needs from Slack: the DM, the
// self-check modal, the App Home and the user's time zone.
type practiceSlack interface {
	poster
	userLookup
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
	// PublishView replaces the user's App Home tab with view.
	PublishView(ctx context.Context, userID string, view slack.HomeTabViewRequest) error
}

// HomeOpened is a user opening the bot's App Home tab (the events_api
// event app_home_opened).
type HomeOpened struct {
	TeamID string
	UserID string
}

// privatePractice sends practice questions to a user's DM, takes their
// self-checks and shows their progress.
type privatePractice struct {
	catalog
	store privatePracticeStore
	slack practiceSlack
	now   func() time.Time
	log   *slog.Logger
}

// userLocation is the user's Slack time zone, UTC when it is unknown: the
// streak and "never twice a day" count in the user's own days.
func userLocation(ctx context.Context, users userLookup, log *slog.Logger, userID string) *time.Location {
	u, err := users.User(ctx, userID)
	if err != nil {
		log.WarnContext(ctx, "look up user time zone; using UTC", "err", err)
		return time.UTC
	}
	if loc, err := time.LoadLocation(u.TZ); err == nil && u.TZ != "" {
		return loc
	}
	return time.UTC
}

// practiceMe answers `practice me [role] [category] [difficulty]`: one
// question in the user's DM, and only a private note here.
func (p *privatePractice) practiceMe(ctx context.Context, s Slash, r *questions.Role, cat *questions.Category, difficulty int) (Reply, error) {
	r, err := p.practiceRole(ctx, s.TeamID, s.UserID, r)
	if err != nil {
		return failure("Nothing was sent: " + notSaved), err
	}
	if r == nil {
		return reply(textMessage("Which role are you practising for? Tell me once, for example `/interview practice me senior-backend`; after that `/interview practice me` is enough.")), nil
	}
	m, sent, err := p.sendNext(ctx, s.TeamID, s.UserID, r, cat, difficulty)
	if !sent {
		return reply(m), err
	}
	return reply(textMessage("📬 Sent to your DM with me. Answer it, then press ✅ *Check my answer* there.")), err
}

// practiceRole is r, remembered for next time, or the role the user named
// last time when r is nil; nil when there is none.
func (p *privatePractice) practiceRole(ctx context.Context, teamID, userID string, r *questions.Role) (*questions.Role, error) {
	if r != nil {
		if err := p.store.SavePracticeRole(ctx, teamID, userID, r.Slug, p.now()); err != nil {
			return nil, fmt.Errorf("remember practice role: %w", err)
		}
		return r, nil
	}
	slug, err := p.store.PracticeRole(ctx, teamID, userID)
	if err != nil {
		return nil, fmt.Errorf("read practice role: %w", err)
	}
	if r, ok, _ := p.role(ctx, teamID, slug); ok {
		return r, nil
	}
	return nil, nil
}

// sendNext sends the user's next question of (r, cat, difficulty) to their
// DM. When nothing was sent, m says why, for the user.
func (p *privatePractice) sendNext(ctx context.Context, teamID, userID string, r *questions.Role, cat *questions.Category, difficulty int) (m *Message, sent bool, err error) {
	pool, err := practicePool(ctx, p.catalog, teamID, r, cat, difficulty)
	if len(pool) == 0 {
		return textMessage(emptyPoolText(r, cat, difficulty)), false, err
	}
	hist, err := p.store.PracticeHistory(ctx, teamID, userID)
	if err != nil {
		return failure("Nothing was sent: " + notSaved).Message, false, fmt.Errorf("read practice history: %w", err)
	}
	now := p.now()
	loc := userLocation(ctx, p.slack, p.log, userID)
	pk, ok := nextPractice(pool, hist, now, loc, userID+"/"+localDate(now, loc))
	if !ok {
		return textMessage("You have practised every question there today. Come back tomorrow, or pick another category or difficulty."), false, nil
	}
	dm := renderPracticeQuestion("Practice question", r, pk, categoryTitleIn(r, pk.question))
	dm.Channel = userID
	ts, err := p.slack.PostMessage(ctx, dm)
	if err != nil {
		return failure("I couldn't send you a DM. Please try again in a minute.").Message, false, fmt.Errorf("send practice question: %w", err)
	}
	err = p.store.RecordPracticeSend(ctx, PracticeSend{TeamID: teamID, UserID: userID, QuestionID: string(pk.question.ID), MessageTS: ts, Source: "practice", At: now})
	if err != nil {
		// The question is out; only "never twice a day" may miss it.
		return nil, true, fmt.Errorf("record practice send: %w", err)
	}
	return nil, true, nil
}

// practicePool is the questions of a role (or one of its categories) at a
// difficulty (0: any). Team questions have no difficulty, so a difficulty
// leaves them out.
func practicePool(ctx context.Context, c catalog, teamID string, r *questions.Role, cat *questions.Category, difficulty int) ([]questions.Question, error) {
	qs, err := c.rolePool(ctx, teamID, r, cat)
	if difficulty == 0 {
		return qs, err
	}
	kept := qs[:0]
	for _, q := range qs {
		if q.Difficulty == difficulty {
			kept = append(kept, q)
		}
	}
	return kept, err
}

func emptyPoolText(r *questions.Role, cat *questions.Category, difficulty int) string {
	what := r.Title
	if cat != nil {
		what += " — " + cat.Title
	}
	if difficulty > 0 {
		return fmt.Sprintf("There are no %s questions for *%s* yet. Try another difficulty, or leave it out.", difficultyName(difficulty), Escape(what))
	}
	return fmt.Sprintf("There are no questions to practise for *%s* yet.", Escape(what))
}

func difficultyName(d int) string {
	switch d {
	case 1:
		return "easy"
	case 2:
		return "medium"
	case 3:
		return "hard"
	}
	return "unrated"
}

// practiseNow answers the practice_private button (on `me` and the App
// Home): the next question of the remembered role, in the DM. A click on
// the App Home has no channel to answer in, so the DM says what happened.
func (p *privatePractice) practiseNow(ctx context.Context, a Action) (Reply, error) {
	r, err := p.practiceRole(ctx, a.TeamID, a.UserID, nil)
	var m *Message
	sent := false
	switch {
	case err != nil:
		m = failure("Nothing was sent: " + notSaved).Message
	case r == nil:
		m = textMessage("Which role are you practising for? Tell me once with `/interview practice me senior-backend` (any role from `/interview roles`); then *Practise now* sends the next question.")
	default:
		m, sent, err = p.sendNext(ctx, a.TeamID, a.UserID, r, nil, 0)
	}
	if sent {
		m = textMessage("📬 Sent to your DM with me.")
	}
	if a.ChannelID != "" {
		return reply(m), err
	}
	if !sent {
		// From the App Home: only the DM can carry the answer.
		m.Channel = a.UserID
		if _, postErr := p.slack.PostMessage(ctx, *m); postErr != nil {
			err = errors.Join(err, fmt.Errorf("tell the user why nothing was sent: %w", postErr))
		}
	}
	return Reply{}, err
}
