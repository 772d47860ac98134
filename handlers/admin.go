package handlers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
)

// MaxQuestionText is the longest team question, the same bound as the
// built-in bank's, so that any question renders in one section.
const MaxQuestionText = 500

var teamIDPattern = regexp.MustCompile(`^team-[1-9][0-9]{0,17}$`)

// isAdmin says whether user may change the team's questions and schedules:
// listed in INTERVIEWBOT_ADMINS, or a workspace admin or owner.
func (c *Commands) isAdmin(ctx context.Context, userID string) (bool, error) {
	if c.admins[userID] {
		return true, nil
	}
	u, err := c.slack.User(ctx, userID)
	if err != nil {
		return false, fmt.Errorf("look up user %s: %w", userID, err)
	}
	return (u.IsAdmin || u.IsOwner) && !u.Deleted, nil
}

// requireAdmin returns a refusal reply when the user is not an admin.
func (c *Commands) requireAdmin(ctx context.Context, userID, what string) (Reply, bool, error) {
	ok, err := c.isAdmin(ctx, userID)
	if err != nil {
		return failure("I couldn't check whether you are an admin, so I didn't " + what + ". Please try again in a minute."), false, err
	}
	if !ok {
		return reply(textMessage("Only admins can " + what + ": workspace admins and owners, and the users listed in INTERVIEWBOT_ADMINS. Ask one of them.")), false, nil
	}
	return Reply{}, true, nil
}

func (c *Commands) add(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	if r, ok, err := c.requireAdmin(ctx, s.UserID, "add questions"); !ok {
		return r, err
	}
	text := strings.TrimSpace(cmd.Text)
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return reply(textMessage("That question contains characters I can't store; please retype it.")), nil
	case n > MaxQuestionText:
		return reply(textMessage(fmt.Sprintf("A question can be at most %d characters; this one has %d. Please shorten it.", MaxQuestionText, n))), nil
	}
	p, err := c.pool(ctx, s.TeamID, cmd.Role, cmd.Category)
	if err != nil {
		return failure("The question was NOT added: " + notSaved), err
	}
	for _, q := range p.questions {
		if questions.TextKey(q.Text) == questions.TextKey(text) {
			return reply(textMessage(fmt.Sprintf("*%s — %s* already has that question (`%s`).", cmd.Role.Title, cmd.Category.Title, q.ID))), nil
		}
	}
	tq, err := c.store.AddTeamQuestion(ctx, TeamQuestion{
		TeamID: s.TeamID, Role: cmd.Role.Slug, Category: cmd.Category.Slug,
		Text: text, CreatedBy: s.UserID, CreatedAt: c.now(),
	})
	if errors.Is(err, ErrConflict) {
		// Added meanwhile, by another admin or replica.
		return reply(textMessage(fmt.Sprintf("*%s — %s* already has that question.", cmd.Role.Title, cmd.Category.Title))), nil
	}
	if err != nil {
		return failure("The question was NOT added: " + notSaved), fmt.Errorf("add team question: %w", err)
	}
	return reply(textMessage(fmt.Sprintf("Added `%s` to *%s — %s*:\n>%s\nIt now shows up in lists, practice, kits and daily questions. Remove it with `/interview remove %s`.",
		tq.ID, cmd.Role.Title, cmd.Category.Title, Escape(text), tq.ID))), nil
}

func (c *Commands) remove(ctx context.Context, s Slash, id string) (Reply, error) {
	if _, ok := c.bank.Question(questions.ID(id)); ok {
		return reply(textMessage(fmt.Sprintf("`%s` is a built-in question and can't be removed; only team questions (ids like `team-12`) can.", id))), nil
	}
	if !teamIDPattern.MatchString(id) {
		return reply(textMessage(fmt.Sprintf("`%s` is not a question id. Team question ids look like `team-12`; lists show them.", clip(id, 40)))), nil
	}
	if r, ok, err := c.requireAdmin(ctx, s.UserID, "remove questions"); !ok {
		return r, err
	}
	err := c.store.RemoveTeamQuestion(ctx, s.TeamID, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return reply(textMessage(fmt.Sprintf("There is no team question `%s` in this workspace.", id))), nil
	case err != nil:
		return failure("The question was NOT removed: " + notSaved), fmt.Errorf("remove team question: %w", err)
	}
	return reply(textMessage(fmt.Sprintf("Removed `%s`. Its past feedback is kept.", id))), nil
}
