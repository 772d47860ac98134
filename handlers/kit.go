package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// Kit posting holds a lease on the kit so that only one replica posts its
// messages at a time; an attempt that fails part-way is resumed, by any
// replica, from the first message without a recorded ts.
const (
	kitLease = 3 * time.Minute
	// kitResumeWindow: an unfinished kit older than this is left alone; a
	// panel that waited a day has moved on.
	kitResumeWindow = 24 * time.Hour
	// kitAttempts is how often one command tries to finish its kit before
	// leaving the rest to the background resume.
	kitAttempts  = 3
	kitListLimit = 15
)

// defaultKit is 5 technical and 3 behavioral questions, or 5 of each
// category for a role that lacks either.
func defaultKit(r *questions.Role) []KitPart {
	tech, okT := r.Category("technical")
	beh, okB := r.Category("behavioral")
	if okT && okB {
		return []KitPart{{Category: tech, N: 5}, {Category: beh, N: 3}}
	}
	var parts []KitPart
	for _, c := range r.Categories {
		if len(parts) == 0 || sum(parts)+5 <= MaxKitQuestions {
			parts = append(parts, KitPart{Category: c, N: 5})
		}
	}
	return parts
}

func sum(parts []KitPart) int {
	n := 0
	for _, p := range parts {
		n += p.N
	}
	return n
}

func (c *Commands) kitCommand(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	switch cmd.Kind {
	case KindKitList:
		return c.kitList(ctx, s)
	case KindKitShow:
		return c.kitShow(ctx, s, cmd.ID)
	}
	return c.kit(ctx, s, cmd)
}

// pickKit chooses each part's questions: least seen in the channel first,
// never two questions of one theme in the kit. It returns the items and a
// note for parts that could not be filled.
func (c *Commands) pickKit(ctx context.Context, teamID string, r *questions.Role, parts []KitPart, seen map[string]int) ([]KitItem, []string, error) {
	team, poolErr := c.teamQuestions(ctx, teamID)
	themes := map[string]bool{}
	var items []KitItem
	var notes []string
	for _, part := range parts {
		var candidates []questions.Question
		for _, q := range withTeam(r, part.Category, team) {
			if !themes[themeOf(q)] {
				candidates = append(candidates, q)
			}
		}
		got := 0
		for got < part.N && len(candidates) > 0 {
			q := leastSeen(candidates, seen)
			themes[themeOf(q)] = true
			items = append(items, KitItem{Position: len(items) + 1, QuestionID: string(q.ID), Category: part.Category.Slug})
			got++
			kept := candidates[:0]
			for _, cand := range candidates {
				if themeOf(cand) != themeOf(q) {
					kept = append(kept, cand)
				}
			}
			candidates = kept
		}
		if got < part.N {
			notes = append(notes, fmt.Sprintf("%s has %d distinct questions (variants of one theme count once), so the kit has %d, not %d.", part.Category.Title, got, got, part.N))
		}
	}
	return items, notes, poolErr
}

// themeOf is a question's theme, or its id when it has none.
func themeOf(q questions.Question) string {
	if q.Theme != "" {
		return q.Theme
	}
	return string(q.ID)
}

func (c *Commands) kit(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	parts := cmd.Parts
	if len(parts) == 0 {
		parts = defaultKit(cmd.Role)
	}
	seen, err := c.store.PostCounts(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("The kit was NOT posted: " + notSaved), fmt.Errorf("kit: read post counts: %w", err)
	}
	items, notes, err := c.pickKit(ctx, s.TeamID, cmd.Role, parts, seen)
	if err != nil {
		return failure("The kit was NOT posted: " + notSaved), fmt.Errorf("kit: %w", err)
	}
	if len(items) == 0 {
		return reply(textMessage("There are no questions for that kit yet.")), nil
	}
	now := c.now()
	k, err := c.store.CreateKit(ctx, Kit{
		TeamID: s.TeamID, ChannelID: s.ChannelID, Role: cmd.Role.Slug,
		CreatedBy: s.UserID, CreatedAt: now, Items: items,
	}, c.owner, now.Add(kitLease))
	if err != nil {
		return failure("The kit was NOT posted: " + notSaved), fmt.Errorf("create kit: %w", err)
	}
	var postErr error
	for attempt := range kitAttempts {
		if attempt > 0 {
			if err := sleep(ctx, time.Duration(attempt)*time.Second); err != nil {
				break
			}
		}
		if k, postErr = c.postKit(ctx, k); postErr == nil {
			break
		}
	}
	if postErr != nil {
		c.releaseKit(ctx, k)
		posted := k.posted()
		return failure(fmt.Sprintf("Kit `%s` is only partly posted (%d of %d messages). %s I'll finish it automatically, without repeating what's there.",
			k.ID, posted, len(k.Items)+1, postFailureHint(postErr))), fmt.Errorf("post kit %s: %w", k.ID, postErr)
	}
	if len(notes) > 0 {
		return reply(textMessage(fmt.Sprintf("Kit `%s` is posted. Note: %s", k.ID, strings.Join(notes, " ")))), nil
	}
	return Reply{}, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// posted counts the kit's messages already in Slack.
func (k Kit) posted() int {
	n := 0
	if k.ParentTS != "" {
		n++
	}
	for _, it := range k.Items {
		if it.ReplyTS != "" {
			n++
		}
	}
	return n
}

// releaseKit gives up the lease after failed attempts, so that the next
// tick of any replica resumes the kit; the attempts already waited.
func (c *Commands) releaseKit(ctx context.Context, k Kit) {
	ctx = context.WithoutCancel(ctx)
	if err := c.store.FinishKit(ctx, k.ID, c.owner, false, c.now()); err != nil {
		c.log.WarnContext(ctx, "release kit lease", "kit", k.ID, "err", err)
	}
}

// postKit posts what of k is not posted yet, recording each ts as soon as
// Slack returns it, so that a retry never posts a message twice.
func (c *Commands) postKit(ctx context.Context, k Kit) (Kit, error) {
	r, ok := c.bank.Role(k.Role)
	if !ok {
		return k, fmt.Errorf("kit %s: role %q is not in the bank", k.ID, k.Role)
	}
	if k.ParentTS == "" {
		m := renderKitParent(r, k)
		m.Channel = k.ChannelID
		ts, err := c.slack.PostMessage(ctx, m)
		if err != nil {
			return k, fmt.Errorf("post kit parent: %w", err)
		}
		k.ParentTS = ts
		if err := c.store.SetKitParent(ctx, k.ID, ts); err != nil {
			return k, fmt.Errorf("record kit parent: %w", err)
		}
	}
	for i, it := range k.Items {
		if it.ReplyTS != "" {
			continue
		}
		q, err := c.question(ctx, k.TeamID, it.QuestionID)
		if errors.Is(err, ErrNotFound) {
			// A team question removed meanwhile: say so rather than stall.
			q = questions.Question{ID: questions.ID(it.QuestionID), Text: "(this team question was removed)"}
		} else if err != nil {
			return k, err
		}
		m := renderKitReply(r, q, c.categoryTitle(q), it.Position, len(k.Items))
		m.Channel, m.ThreadTS = k.ChannelID, k.ParentTS
		ts, err := c.slack.PostMessage(ctx, m)
		if err != nil {
			return k, fmt.Errorf("post kit reply %d: %w", it.Position, err)
		}
		k.Items[i].ReplyTS = ts
		if err := c.store.SetKitReply(ctx, k.ID, it.Position, ts); err != nil {
			return k, fmt.Errorf("record kit reply %d: %w", it.Position, err)
		}
		if err := c.store.RecordPost(ctx, Post{TeamID: k.TeamID, ChannelID: k.ChannelID, QuestionID: it.QuestionID, MessageTS: ts, Source: "kit", At: c.now()}); err != nil {
			c.log.WarnContext(ctx, "record kit post", "kit", k.ID, "err", err)
		}
	}
	if err := c.store.FinishKit(ctx, k.ID, c.owner, true, time.Time{}); err != nil {
		return k, fmt.Errorf("finish kit: %w", err)
	}
	k.Finished = true
	return k, nil
}

// ResumeKits finishes kits that an earlier attempt left part-way (a Slack
// error, a crash, a restart). Every replica may call it; the lease lets one
// of them post each kit.
func (c *Commands) ResumeKits(ctx context.Context) error {
	now := c.now()
	kits, err := c.store.UnfinishedKits(ctx, now.Add(-kitResumeWindow), now)
	if err != nil {
		return fmt.Errorf("list unfinished kits: %w", err)
	}
	var errs []error
	for _, unfinished := range kits {
		k, ok, err := c.store.ClaimKit(ctx, unfinished.ID, c.owner, now, now.Add(kitLease))
		if err != nil {
			errs = append(errs, fmt.Errorf("claim kit %s: %w", unfinished.ID, err))
			continue
		}
		if !ok {
			continue
		}
		if _, err := c.postKit(ctx, k); err != nil {
			c.releaseKit(ctx, k)
			errs = append(errs, fmt.Errorf("resume kit %s: %w", k.ID, err))
			continue
		}
		c.log.InfoContext(ctx, "resumed kit", "kit", k.ID, "channel", k.ChannelID)
	}
	return errors.Join(errs...)
}

func (c *Commands) kitList(ctx context.Context, s Slash) (Reply, error) {
	kits, err := c.store.ChannelKits(ctx, s.TeamID, s.ChannelID, kitListLimit)
	if err != nil {
		return failure("I can't list the kits right now: " + notSaved), fmt.Errorf("list kits: %w", err)
	}
	if len(kits) == 0 {
		return reply(textMessage("No kits have been shared in this channel yet. Post one with `/interview kit senior-backend`.")), nil
	}
	lines := make([]string, 0, len(kits))
	for _, k := range kits {
		title := k.Role
		if r, ok := c.bank.Role(k.Role); ok {
			title = r.Title
		}
		link := ""
		if k.ParentTS != "" {
			if l, err := c.slack.Permalink(ctx, k.ChannelID, k.ParentTS); err == nil {
				link = fmt.Sprintf(" · <%s|open>", l)
			} else {
				c.log.WarnContext(ctx, "kit permalink", "kit", k.ID, "err", err)
			}
		}
		state := ""
		if !k.Finished {
			state = " · _being posted_"
		}
		lines = append(lines, fmt.Sprintf("`%s` · *%s* · %s · by <@%s> · %s%s%s",
			k.ID, Escape(title), questionCount(len(k.Items)), k.CreatedBy, slackDate(k.CreatedAt), link, state))
	}
	blocks := []slack.Block{header("Kits in this channel")}
	blocks = append(blocks, chunkSections(lines, "\n")...)
	blocks = append(blocks, contextBlock("See how the panel rated a kit's questions with `/interview kit show <id>`."))
	return reply(&Message{Text: "Kits in this channel", Blocks: blocks}), nil
}

// slackDate shows t in each reader's own time zone.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}

// kitShow summarises the panel's votes and ratings on a kit's questions.
// A summary on demand was chosen over a live tally on the parent message:
// it needs no chat.update traffic or cross-replica throttling, it can show
// the ratings and notes counts a tally has no room for, and the parent
// stays what the panel agreed to ask.
func (c *Commands) kitShow(ctx context.Context, s Slash, id string) (Reply, error) {
	k, err := c.store.Kit(ctx, s.TeamID, id)
	switch {
	case errors.Is(err, ErrNotFound):
		return reply(textMessage(fmt.Sprintf("There is no kit `%s` in this workspace; `/interview kit list` shows a channel's kits.", clip(id, 20)))), nil
	case err != nil:
		return failure("I can't read that kit right now: " + notSaved), fmt.Errorf("kit show: %w", err)
	}
	var tss []string
	for _, it := range k.Items {
		if it.ReplyTS != "" {
			tss = append(tss, it.ReplyTS)
		}
	}
	fb, err := c.store.MessageFeedback(ctx, k.TeamID, k.ChannelID, tss)
	if err != nil {
		return failure("I can't read the kit's feedback right now: " + notSaved), fmt.Errorf("kit feedback: %w", err)
	}
	lookup := c.questionIndex(ctx, s.TeamID)
	lines := make([]string, 0, len(k.Items))
	for _, it := range k.Items {
		f := fb[it.ReplyTS]
		stats := fmt.Sprintf("%d 👍 · %d 👎", f.Up, f.Down)
		if f.Ratings > 0 {
			stats += fmt.Sprintf(" · %.1f★ from %d · %d notes", float64(f.StarsSum)/float64(f.Ratings), f.Ratings, f.Notes)
		}
		lines = append(lines, fmt.Sprintf("%d. %s\n      _%s_", it.Position, Escape(truncate(lookup(it.QuestionID).Text, 300)), stats))
	}
	title := k.Role
	if r, ok := c.bank.Role(k.Role); ok {
		title = r.Title
	}
	blocks := []slack.Block{header(fmt.Sprintf("Kit %s · %s", k.ID, title))}
	blocks = append(blocks, chunkSections(lines, "\n")...)
	blocks = append(blocks, contextBlock(fmt.Sprintf("Shared by <@%s> %s", k.CreatedBy, slackDate(k.CreatedAt))))
	return reply(&Message{Text: "Kit " + k.ID, Blocks: blocks}), nil
}

// RecoverLeases ends the leases a previous process of this instance name
// held when it died, so that its unfinished kits and daily posts resume at
// the next tick. Call it at start, before any work, and only with an
// instance name no other running process uses.
func (c *Commands) RecoverLeases(ctx context.Context) error {
	if err := c.store.ReleaseLeases(ctx, c.owner, c.now()); err != nil {
		return fmt.Errorf("recover leases of %s: %w", c.owner, err)
	}
	return nil
}
