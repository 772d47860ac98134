package handlers

import (
	"context"
	"fmt"
)

// Forgotten counts what `forget me` erased.
type Forgotten struct {
	Votes      int
	Ratings    int
	Notes      int // ratings that had notes
	SelfChecks int
	Sends      int // practice questions sent to the user's DM
	Schedules  int // the personal daily schedule (0 or 1)
	Role       bool
}

// forgetStore erases a user's own data.
type forgetStore interface {
	// ForgetUser erases, in one transaction, the user's votes, ratings,
	// self-checks, practice sends, personal schedule (with its daily
	// claims) and remembered role in the team, and says how many of each.
	// Scorecards are not the user's alone: they stay.
	ForgetUser(ctx context.Context, teamID, userID string) (Forgotten, error)
}

// forgetting answers `forget me` and its confirmation button.
type forgetting struct {
	store forgetStore
	// refreshHome republishes the user's App Home, which would otherwise
	// show the erased history until they open it again.
	refreshHome func(ctx context.Context, h HomeOpened) error
}

func (f *forgetting) ask(context.Context, Slash) (Reply, error) {
	return reply(renderForgetPrompt()), nil
}

func (f *forgetting) confirm(ctx context.Context, a Action) (Reply, error) {
	gone, err := f.store.ForgetUser(ctx, a.TeamID, a.UserID)
	if err != nil {
		return failure("Nothing was erased: " + notSaved), fmt.Errorf("forget user: %w", err)
	}
	if err := f.refreshHome(ctx, HomeOpened{TeamID: a.TeamID, UserID: a.UserID}); err != nil {
		// Erased all the same; the tab is right again when next opened.
		return reply(renderForgotten(gone)), fmt.Errorf("refresh app home after forget me: %w", err)
	}
	return reply(renderForgotten(gone)), nil
}
