package handlers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
)

// MaxQuestionText is the longest team question, the same bound as the
// built-in bank's, so that any question renders in one section.
const MaxQuestionText = 500

var teamIDPattern = regexp.MustCompile(`^team-[1-9][0-9]{0,17}$`)

// TeamBank is what a team keeps of its own bank: its questions, the roles
// and categories it defines, and the built-in questions it retired.
type TeamBank struct {
	Roles      []questions.TeamRole
	Categories []questions.TeamCategory
	Questions  []TeamQuestion // live ones, in the order they were added
	Hidden     []string       // built-in question ids, in id order
}

// Extension is the part of tb that changes the bank's structure; its
// questions join the categories through the catalog.
func (tb TeamBank) Extension() questions.Extension {
	ext := questions.Extension{Roles: tb.Roles, Categories: tb.Categories}
	for _, id := range tb.Hidden {
		ext.Hidden = append(ext.Hidden, questions.ID(id))
	}
	return ext
}

// TeamImport is a team bank file to import (`interviewbot questions
// import`).
type TeamImport struct {
	Roles      []questions.TeamRole
	Categories []questions.TeamCategory
	// Questions with the id of one of the team's questions update it in
	// place; the others update the team's question with the same role,
	// category and text (case and spacing aside), or are added.
	Questions []TeamQuestion
	// Sync removes the team's questions the file does not have, and its
	// roles and categories that the file neither defines nor uses.
	Sync bool
	// DryRun works out the result and writes nothing.
	DryRun bool
}

// ImportResult says what an import changed, or would change on a dry run.
type ImportResult struct {
	Added     []TeamQuestion // with their new ids, except on a dry run
	Updated   []TeamQuestion // as they are after the import
	Removed   []TeamQuestion
	Unchanged int
	// Slugs of the team's roles, and "role/category" of its categories.
	Roles, Categories ImportChanges
}

// ImportChanges lists what an import did to the team's roles or categories.
type ImportChanges struct {
	Added, Updated, Removed []string
}

// Changed reports whether the import changed anything.
func (r ImportResult) Changed() bool {
	return len(r.Added)+len(r.Updated)+len(r.Removed) > 0 || r.Roles.changed() || r.Categories.changed()
}

func (c ImportChanges) changed() bool {
	return len(c.Added)+len(c.Updated)+len(c.Removed) > 0
}

// teamBankStore keeps what a team adds to or changes in the built-in bank.
type teamBankStore interface {
	AddTeamQuestion(ctx context.Context, q TeamQuestion) (TeamQuestion, error)
	// RemoveTeamQuestion returns ErrNotFound when the team has no such question.
	RemoveTeamQuestion(ctx context.Context, teamID, id string) error
	// HideQuestion retires a built-in question for the team; changed is
	// false when it was hidden already.
	HideQuestion(ctx context.Context, teamID, questionID, hiddenBy string) (changed bool, err error)
	// UnhideQuestion brings it back; changed is false when it was not
	// hidden.
	UnhideQuestion(ctx context.Context, teamID, questionID string) (changed bool, err error)
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
	case n > MaxQuestionText:
		return reply(textMessage(fmt.Sprintf("A question can be at most %d characters; this one has %d. Please shorten it.", MaxQuestionText, n))), nil
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
	if !teamIDPattern.MatchString(id) {
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
