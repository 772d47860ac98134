package handlers

import (
	"context"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
)

// me answers `me`: the user's practice progress, only to them.
func (p *privatePractice) me(ctx context.Context, s Slash) (Reply, error) {
	pr, daily, err := p.progressOf(ctx, s.TeamID, s.UserID)
	if err != nil {
		return failure("I can't read your practice history right now: " + notSaved), err
	}
	return reply(renderProgress(pr, daily)), nil
}

// homeOpened publishes the user's App Home: the same progress as `me`, or,
// when the database is unreachable, a tab that says so and still offers
// the button.
func (p *privatePractice) homeOpened(ctx context.Context, h HomeOpened) error {
	pr, daily, err := p.progressOf(ctx, h.TeamID, h.UserID)
	view := renderHome(pr, daily)
	if err != nil {
		view.Blocks.BlockSet = append([]slack.Block{section("⚠️ I can't read your practice history right now: " + notSaved)}, view.Blocks.BlockSet...)
	}
	if perr := p.slack.PublishView(ctx, h.UserID, view); perr != nil {
		err = errors.Join(err, fmt.Errorf("publish app home: %w", perr))
	}
	return err
}

// progressOf reads and sums up the user's practice. On an error the
// progress is empty, never partial.
func (p *privatePractice) progressOf(ctx context.Context, teamID, userID string) (progress, string, error) {
	hist, err := p.store.PracticeHistory(ctx, teamID, userID)
	if err != nil {
		return progress{}, "", fmt.Errorf("read practice history: %w", err)
	}
	role, err := p.practiceRole(ctx, teamID, userID, nil)
	if err != nil {
		return progress{}, "", err
	}
	daily := ""
	ps, err := p.store.PersonalSchedule(ctx, teamID, userID)
	switch {
	case err == nil:
		daily = "📅 " + describePersonal(p.bank, ps, p.now())
	case errors.Is(err, ErrNotFound):
		daily = "📅 Get one question a day in your DM: `/interview daily me senior-backend at 9:00`."
	default:
		return progress{}, "", fmt.Errorf("read personal schedule: %w", err)
	}
	// Without the team's questions the pools count the built-in ones.
	count, _ := p.counter(ctx, teamID)
	lookup := p.questionIndex(ctx, teamID)
	loc := userLocation(ctx, p.slack, p.log, userID)
	return computeProgress(hist, p.now(), loc, p.bank, role, lookup, count), daily, nil
}

// ValidateHome checks an App Home view against Slack's limits.
func ValidateHome(v slack.HomeTabViewRequest) error {
	if v.Type != slack.VTHomeTab {
		return fmt.Errorf("view type %q, want %q", v.Type, slack.VTHomeTab)
	}
	if n := len(v.PrivateMetadata); n > maxPrivateMetadata {
		return fmt.Errorf("private_metadata has %d characters, more than %d", n, maxPrivateMetadata)
	}
	if n := len(v.CallbackID); n > maxCallbackID {
		return fmt.Errorf("callback_id has %d characters, more than %d", n, maxCallbackID)
	}
	return validateBlocks(v.Blocks.BlockSet, maxViewBlocks)
}
