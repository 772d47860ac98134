package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// listSlack is what browsing needs from Slack: sharing a list in the
// channel, through the click's response_url.
type listSlack interface {
	Respond(ctx context.Context, responseURL string, m Message) error
}

// lists answers the read-only browsing of the bank: roles, role cards,
// question lists with their paging and share buttons, and guidance. It
// needs no store of its own: team questions come through the catalog.
type lists struct {
	catalog
	slack listSlack
	// answers keeps the roles, role cards and list pages rendered and
	// encoded; versions says when a team's bank, which changes them,
	// changed.
	answers  *answers
	versions teamVersions
}

// teamNote tells the user that team questions are missing from an answer
// because the store failed.
const teamNote = "⚠️ Team questions can't be shown right now; these are the built-in ones."

func (l *lists) roles(ctx context.Context, s Slash) (Reply, error) {
	tv := l.teamVersion(s.TeamID)
	v, err := l.view(ctx, s.TeamID)
	render := func() *Message { return renderRoles(v.bank, v.counter()) }
	if err != nil {
		return withNote(render(), err), err
	}
	return reply(l.answer(tv, !l.plain(v), answerKey{kind: KindRoles}, render)), nil
}

func (l *lists) roleCard(ctx context.Context, s Slash, r *questions.Role) (Reply, error) {
	tv := l.teamVersion(s.TeamID)
	v, err := l.view(ctx, s.TeamID)
	render := func() *Message {
		count := v.counter()
		return renderRoleCard(r, func(cat *questions.Category) int { return count(r, cat) })
	}
	if err != nil {
		return withNote(render(), err), err
	}
	return reply(l.answer(tv, !l.plain(v), answerKey{kind: KindRole, name: r.Slug}, render)), nil
}

// withNote adds teamNote to a read-only answer whose team questions could
// not be read; the answer itself still goes out.
func withNote(m *Message, err error) Reply {
	if err != nil {
		m.Blocks = append(m.Blocks, contextBlock(teamNote))
	}
	return reply(m)
}

func (l *lists) list(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category, page int) (Reply, error) {
	tv := l.teamVersion(teamID)
	p, own, err := l.listPool(ctx, teamID, r, cat)
	if err != nil {
		return reply(renderList(p, page, "", teamNote)), err
	}
	if page != 1 {
		// A page number comes from a button's value, which a payload can
		// forge: it is brought into the list's real pages before it
		// becomes a key, so only those are ever kept. Page 1 always is.
		page = clampPage(page, len(listPages(p.questions)))
	}
	render := func() *Message {
		note := ""
		if own {
			note = l.hiddenNote(ctx, teamID, p)
		}
		return renderList(p, page, "", note)
	}
	key := answerKey{kind: KindList, name: p.role.Slug, category: p.category.Slug, page: page}
	return reply(l.answer(tv, own, key, render)), nil
}

// builtinCategory reports whether p's category is the built-in bank's own,
// not a team's copy with questions hidden or a team's category: only those
// lists are the same for every team.
func (l *lists) builtinCategory(p pool) bool {
	r, ok := l.bank.Role(p.role.Slug)
	if !ok {
		return false
	}
	c, ok := r.Category(p.category.Slug)
	return ok && c == p.category
}

// hiddenNote says which built-in questions of the category the workspace
// hid, and how to bring them back: `unhide` needs the id.
func (l *lists) hiddenNote(ctx context.Context, teamID string, p pool) string {
	v, err := l.view(ctx, teamID)
	if err != nil {
		return ""
	}
	var ids []string
	for _, id := range v.hidden {
		if q, ok := l.bank.Question(questions.ID(id)); ok && q.Role == p.role.Slug && q.Category == p.category.Slug {
			ids = append(ids, "`"+id+"`")
		}
	}
	if len(ids) == 0 {
		return ""
	}
	const most = 10
	shown := strings.Join(ids[:min(len(ids), most)], ", ")
	if len(ids) > most {
		shown += fmt.Sprintf(" and %d more", len(ids)-most)
	}
	return fmt.Sprintf("Hidden in this workspace: %s · `/interview unhide <id>` brings one back", shown)
}

// A list's place travels in its buttons. The value of share_list and
// show_category buttons is "role/category/page"; a role card's category
// button leaves the page out (page 1). The action_id of a paging button is
// "show_category:<category>:<page>" and a role card's
// "show_category:<category>", unique within their blocks; a paging click
// replaces the list it came from. The writers and readers of both are
// here, together.

// categoryButton is a role card's button that opens a category's list.
func categoryButton(r *questions.Role, cat *questions.Category, label string) *slack.ButtonBlockElement {
	return button(ActionShowCategory+":"+cat.Slug, r.Slug+"/"+cat.Slug, label)
}

// pageButton shows page of a list in place of the page on screen.
func pageButton(r *questions.Role, cat *questions.Category, page int, label string) *slack.ButtonBlockElement {
	return button(fmt.Sprintf("%s:%s:%d", ActionShowCategory, cat.Slug, page), listValue(r, cat, page), label)
}

// listValue is the value of a list's share and paging buttons.
func listValue(r *questions.Role, cat *questions.Category, page int) string {
	return fmt.Sprintf("%s/%s/%d", r.Slug, cat.Slug, page)
}

// isPageButton tells a paging button's action_id from a role card's.
func isPageButton(actionID string) bool {
	return strings.Count(actionID, ":") == 2
}

// parseListValue reads a list button's value, "role/category[/page]",
// against the bank as the team sees it.
func (l *lists) parseListValue(bank *questions.Bank, v string) (*questions.Role, *questions.Category, int, bool) {
	parts := strings.Split(v, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, nil, 0, false
	}
	r, ok := bank.Role(parts[0])
	if !ok {
		return nil, nil, 0, false
	}
	cat, ok := r.Category(parts[1])
	if !ok {
		return nil, nil, 0, false
	}
	page := 1
	if len(parts) == 3 {
		n, err := strconv.Atoi(parts[2])
		if err != nil || n < 1 {
			return nil, nil, 0, false
		}
		page = n
	}
	return r, cat, page, true
}

// staleButton answers a click on a button whose value no longer makes sense
// (an old message after a bank change, or a forged payload).
func staleButton() Reply {
	return reply(textMessage("That button refers to something I no longer have; run the command again."))
}

func (l *lists) showCategory(ctx context.Context, a Action) (Reply, error) {
	bank, _ := l.bankFor(ctx, a.TeamID)
	r, cat, page, ok := l.parseListValue(bank, a.Value)
	if !ok {
		return staleButton(), nil
	}
	rep, err := l.list(ctx, a.TeamID, r, cat, page)
	// Paging replaces the list in place; a role card's button adds a list.
	rep.Message.ReplaceOriginal = isPageButton(a.ActionID)
	return rep, err
}

func (l *lists) showGuidance(ctx context.Context, a Action) (Reply, error) {
	q, err := l.question(ctx, a.TeamID, a.Value)
	switch {
	case errors.Is(err, ErrNotFound):
		return staleButton(), nil
	case err != nil:
		return failure("I can't read that question right now: " + notSaved), fmt.Errorf("show guidance: %w", err)
	}
	r, _ := l.bank.Role(q.Role)
	g, ok := renderGuidance(q, categoryNote(r, q))
	if !ok {
		text := "There is no guidance for this question yet."
		if isTeamQuestion(q.ID) {
			text += " An admin can add it with the team's bank file (`interviewbot questions import`)."
		}
		return reply(&Message{Text: text, Blocks: []slack.Block{section(blockQuote(q.Text)), section(text)}}), nil
	}
	g.Blocks = append([]slack.Block{section(blockQuote(q.Text))}, g.Blocks...)
	return reply(&g), nil
}

// shareList posts the list the user is looking at to the channel, attributed
// to them. It answers through the response_url with response_type
// in_channel, which works in any channel where the command does, without
// inviting the bot. Slack ties a response_url to the conversation the list
// was asked in; the payload's channel id is only a claim, so a click
// without a response_url is refused rather than posted to the channel it
// names.
func (l *lists) shareList(ctx context.Context, a Action) (Reply, error) {
	bank, _ := l.bankFor(ctx, a.TeamID)
	r, cat, page, ok := l.parseListValue(bank, a.Value)
	if !ok {
		return staleButton(), nil
	}
	if a.ResponseURL == "" {
		return reply(textMessage("I can only share a list where you asked for it. Run `/interview " + r.Slug + " " + cat.Slug + "` in the channel and click *Share in channel* there.")), nil
	}
	p, err := l.pool(ctx, a.TeamID, r, cat)
	if err != nil {
		return failure("I couldn't read the team's questions just now, so nothing was shared. Please try again in a minute."), err
	}
	m := renderList(p, page, a.UserID, "")
	if err := l.slack.Respond(ctx, a.ResponseURL, *m); err != nil {
		return failure("I couldn't share the list in this channel. " + postFailureHint(err)), fmt.Errorf("share list: %w", err)
	}
	return Reply{}, nil
}
