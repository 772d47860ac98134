package handlers

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// teamNote tells the user that team questions are missing from an answer
// because the store failed.
const teamNote = "⚠️ Team questions can't be shown right now; these are the built-in ones."

// counter counts a category's questions, team questions included when the
// store answers.
func (c *Commands) counter(ctx context.Context, teamID string) (func(*questions.Role, *questions.Category) int, error) {
	tqs, err := c.teamQuestions(ctx, teamID)
	extra := map[string]int{}
	for _, tq := range tqs {
		extra[tq.Role+"/"+tq.Category]++
	}
	return func(r *questions.Role, cat *questions.Category) int {
		return len(cat.Questions) + extra[r.Slug+"/"+cat.Slug]
	}, err
}

func (c *Commands) roles(ctx context.Context, s Slash) (Reply, error) {
	count, err := c.counter(ctx, s.TeamID)
	m := renderRoles(c.bank, count)
	return withNote(m, err), err
}

func (c *Commands) roleCard(ctx context.Context, s Slash, r *questions.Role) (Reply, error) {
	count, err := c.counter(ctx, s.TeamID)
	m := renderRoleCard(r, func(cat *questions.Category) int { return count(r, cat) })
	return withNote(m, err), err
}

// withNote adds teamNote to a read-only answer whose team questions could
// not be read; the answer itself still goes out.
func withNote(m *Message, err error) Reply {
	if err != nil {
		m.Blocks = append(m.Blocks, contextBlock(teamNote))
	}
	return reply(m)
}

func (c *Commands) list(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category, page int) (Reply, error) {
	p, err := c.pool(ctx, teamID, r, cat)
	note := ""
	if err != nil {
		note = teamNote
	}
	if note == "" && len(p.questions) == len(cat.Questions) {
		key := r.Slug + "/" + cat.Slug + "/" + strconv.Itoa(page)
		m, ok := c.lists.Load(key)
		if !ok {
			m, _ = c.lists.LoadOrStore(key, renderList(p, page, "", ""))
		}
		cp := *m.(*Message)
		cp.Blocks = slices.Clip(cp.Blocks) // an append must not write into the shared array
		return reply(&cp), nil
	}
	return reply(renderList(p, page, "", note)), err
}

// parseListValue reads a list button's value, "role/category[/page]".
func (c *Commands) parseListValue(v string) (*questions.Role, *questions.Category, int, bool) {
	parts := strings.Split(v, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return nil, nil, 0, false
	}
	r, ok := c.bank.Role(parts[0])
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

func (c *Commands) showCategory(ctx context.Context, a Action) (Reply, error) {
	r, cat, page, ok := c.parseListValue(a.Value)
	if !ok {
		return staleButton(), nil
	}
	rep, err := c.list(ctx, a.TeamID, r, cat, page)
	// Paging replaces the list in place; a role card's button adds a list.
	rep.Message.ReplaceOriginal = strings.Count(a.ActionID, ":") == 2
	return rep, err
}

func (c *Commands) showGuidance(ctx context.Context, a Action) (Reply, error) {
	q, err := c.question(ctx, a.TeamID, a.Value)
	switch {
	case errors.Is(err, ErrNotFound):
		return staleButton(), nil
	case err != nil:
		return failure("I can't read that question right now: " + notSaved), fmt.Errorf("show guidance: %w", err)
	}
	g, ok := renderGuidance(q)
	if !ok {
		return reply(textMessage("There is no guidance for this question yet.")), nil
	}
	g.Blocks = append([]slack.Block{section(">" + Escape(q.Text))}, g.Blocks...)
	return reply(&g), nil
}

// shareList posts the list the user is looking at to the channel, attributed
// to them. It answers through the response_url with response_type
// in_channel, which works in any channel where the command does, without
// inviting the bot; chat.postMessage is the fallback when there is no
// response_url.
func (c *Commands) shareList(ctx context.Context, a Action) (Reply, error) {
	r, cat, page, ok := c.parseListValue(a.Value)
	if !ok {
		return staleButton(), nil
	}
	p, err := c.pool(ctx, a.TeamID, r, cat)
	if err != nil {
		return failure("I couldn't read the team's questions just now, so nothing was shared. Please try again in a minute."), err
	}
	m := renderList(p, page, a.UserID, "")
	if a.ResponseURL != "" {
		err = c.slack.Respond(ctx, a.ResponseURL, *m)
	} else {
		m.Channel = a.ChannelID
		_, err = c.slack.PostMessage(ctx, *m)
	}
	if err != nil {
		return failure("I couldn't share the list in this channel. " + postFailureHint(err)), fmt.Errorf("share list: %w", err)
	}
	return Reply{}, nil
}
