package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
)

// teamBankStore keeps the questions a team adds to the built-in bank.
type teamBankStore interface {
	AddTeamQuestion(ctx context.Context, q TeamQuestion) (TeamQuestion, error)
	// RemoveTeamQuestion returns ErrNotFound when the team has no such question.
	RemoveTeamQuestion(ctx context.Context, teamID, id string) error
}

// teamBank lets admins add questions of their own to the bank, and remove
// them.
type teamBank struct {
	catalog
	store  teamBankStore
	admins admins
	now    func() time.Time
}

func (b *teamBank) add(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	if r, ok, err := b.admins.require(ctx, s.UserID, "add questions"); !ok {
		return r, err
	}
	text := strings.TrimSpace(cmd.Text)
	switch n := utf8.RuneCountInString(text); {
	case !utf8.ValidString(text) || strings.ContainsRune(text, 0):
		return reply(textMessage("That question contains characters I can't store; please retype it.")), nil
	case n > questions.MaxText:
		return reply(textMessage(fmt.Sprintf("A question can be at most %d characters; this one has %d. Please shorten it.", questions.MaxText, n))), nil
	}
	p, err := b.pool(ctx, s.TeamID, cmd.Role, cmd.Category)
	if err != nil {
		return failure("The question was NOT added: " + notSaved), err
	}
	for _, q := range p.questions {
		if questions.TextKey(q.Text) == questions.TextKey(text) {
			return reply(textMessage(fmt.Sprintf("*%s — %s* already has that question (`%s`).", cmd.Role.Title, cmd.Category.Title, q.ID))), nil
		}
	}
	tq, err := b.store.AddTeamQuestion(ctx, TeamQuestion{
		TeamID: s.TeamID, Role: cmd.Role.Slug, Category: cmd.Category.Slug,
		Text: text, CreatedBy: s.UserID, CreatedAt: b.now(),
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

func (b *teamBank) remove(ctx context.Context, s Slash, id string) (Reply, error) {
	if _, ok := b.bank.Question(questions.ID(id)); ok {
		return reply(textMessage(fmt.Sprintf("`%s` is a built-in question and can't be removed; only team questions (ids like `team-12`) can.", id))), nil
	}
	if _, ok := ParseTeamQuestionID(id); !ok {
		return reply(textMessage(fmt.Sprintf("`%s` is not a question id. Team question ids look like `team-12`; lists show them.", clip(id, 40)))), nil
	}
	if r, ok, err := b.admins.require(ctx, s.UserID, "remove questions"); !ok {
		return r, err
	}
	err := b.store.RemoveTeamQuestion(ctx, s.TeamID, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return reply(textMessage(fmt.Sprintf("There is no team question `%s` in this workspace.", id))), nil
	case err != nil:
		return failure("The question was NOT removed: " + notSaved), fmt.Errorf("remove team question: %w", err)
	}
	return reply(textMessage(fmt.Sprintf("Removed `%s`. Its past feedback is kept.", id))), nil
}
