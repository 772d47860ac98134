package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
)

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

// builtin finds the built-in question a hide or unhide names, or says in
// a reply why id is not one.
func (b *teamBank) builtin(id string) (questions.Question, *Reply) {
	if q, ok := b.bank.Question(questions.ID(id)); ok {
		return q, nil
	}
	var r Reply
	if _, ok := ParseTeamQuestionID(id); ok {
		r = reply(textMessage(fmt.Sprintf("`%s` is a team question, not a built-in one: remove it with `/interview remove %s`.", id, id)))
	} else {
		r = reply(textMessage(fmt.Sprintf("There is no built-in question `%s`. Every posted question shows its id (like `sbe-t07`) under it.", clip(id, 40))))
	}
	return questions.Question{}, &r
}

// hide retires a built-in question for the workspace: it leaves lists,
// kits, practice and daily pools; history and feedback that refer to it
// stay. A category keeps at least one question, so that every command
// that names it still has something to give.
func (b *teamBank) hide(ctx context.Context, s Slash, id string) (Reply, error) {
	q, refused := b.builtin(id)
	if refused != nil {
		return *refused, nil
	}
	if r, ok, err := b.admins.require(ctx, s.UserID, "hide questions"); !ok {
		return r, err
	}
	v, err := b.view(ctx, s.TeamID)
	if err != nil {
		return failure("The question was NOT hidden: " + notSaved), fmt.Errorf("hide %s: %w", id, err)
	}
	if slices.Contains(v.hidden, id) {
		return reply(textMessage(fmt.Sprintf("`%s` is already hidden in this workspace. `/interview unhide %s` brings it back.", id, id))), nil
	}
	r, cat := b.place(q)
	p, err := b.pool(ctx, s.TeamID, r, cat)
	if err != nil {
		return failure("The question was NOT hidden: " + notSaved), fmt.Errorf("hide %s: %w", id, err)
	}
	if len(p.questions) <= 1 {
		return reply(textMessage(fmt.Sprintf("`%s` is the last question of *%s — %s*, and a category keeps at least one. Add one of your own first with `/interview add %s %s <question>`.",
			id, r.Title, cat.Title, r.Slug, cat.Slug))), nil
	}
	if _, err := b.store.HideQuestion(ctx, s.TeamID, id, s.UserID); err != nil {
		return failure("The question was NOT hidden: " + notSaved), fmt.Errorf("hide question: %w", err)
	}
	return reply(textMessage(fmt.Sprintf("Hid `%s` in this workspace:\n>%s\n*%s — %s* now has %d questions. It no longer shows up in lists, kits, practice or daily questions; its history and feedback are kept. `/interview unhide %s` brings it back.",
		id, Escape(q.Text), r.Title, cat.Title, len(p.questions)-1, id))), nil
}

// unhide brings a hidden built-in question back.
func (b *teamBank) unhide(ctx context.Context, s Slash, id string) (Reply, error) {
	q, refused := b.builtin(id)
	if refused != nil {
		return *refused, nil
	}
	if r, ok, err := b.admins.require(ctx, s.UserID, "unhide questions"); !ok {
		return r, err
	}
	changed, err := b.store.UnhideQuestion(ctx, s.TeamID, id)
	if err != nil {
		return failure("The question was NOT brought back: " + notSaved), fmt.Errorf("unhide question: %w", err)
	}
	if !changed {
		return reply(textMessage(fmt.Sprintf("`%s` is not hidden in this workspace; nothing to do.", id))), nil
	}
	r, cat := b.place(q)
	text := fmt.Sprintf("`%s` is back in *%s — %s*:\n>%s", id, r.Title, cat.Title, Escape(q.Text))
	if p, err := b.pool(ctx, s.TeamID, r, cat); err == nil {
		text += fmt.Sprintf("\nIt now has %d questions.", len(p.questions))
	}
	return reply(textMessage(text)), nil
}

// place is a built-in question's role and category.
func (b *teamBank) place(q questions.Question) (*questions.Role, *questions.Category) {
	r, _ := b.bank.Role(q.Role)
	cat, _ := r.Category(q.Category)
	return r, cat
}
