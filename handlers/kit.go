package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

// kitStore keeps kits, their posting leases and the channel's post history.
type kitStore interface {
	postLog
	// CreateKit saves a new kit with its items, leased to owner until
	// until, and returns it with its short id.
	CreateKit(ctx context.Context, k Kit, owner string, until time.Time) (Kit, error)
	// ClaimKit leases an unfinished kit to owner when nobody else holds an
	// unexpired lease (as of now), and returns it as saved. ok is false when
	// another owner holds it or it is finished.
	ClaimKit(ctx context.Context, id, owner string, now, until time.Time) (k Kit, ok bool, err error)
	// SetKitParent and SetKitReply record the ts of a posted message.
	SetKitParent(ctx context.Context, id, ts string) error
	SetKitReply(ctx context.Context, id string, position int, ts string) error
	// FinishKit marks a kit complete (finished true) or, after a failed
	// attempt, releases its lease so that a retry may start at retryAt.
	FinishKit(ctx context.Context, id, owner string, finished bool, retryAt time.Time) error
	// Kit returns the team's kit with that id, or ErrNotFound.
	Kit(ctx context.Context, teamID, id string) (Kit, error)
	// ChannelKits returns the channel's most recent kits, newest first.
	ChannelKits(ctx context.Context, teamID, channelID string, limit int) ([]Kit, error)
	// UnfinishedKits returns kits created after since that are not
	// finished and not leased as of now: the ones a retry should resume.
	UnfinishedKits(ctx context.Context, since, now time.Time) ([]Kit, error)
	// MessageFeedback aggregates votes and ratings per message ts among
	// the given messages of a channel.
	MessageFeedback(ctx context.Context, teamID, channelID string, messageTS []string) (map[string]QuestionFeedback, error)
}

// kitSlack is what kits need from Slack: posting the parent and its
// thread, and links to them.
type kitSlack interface {
	poster
	Permalink(ctx context.Context, channelID, ts string) (string, error)
}

// kits posts interview kits (a parent message and its questions in the
// thread), resumes those left part-way, and lists and summarises them.
type kits struct {
	catalog
	store kitStore
	slack kitSlack
	now   func() time.Time
	log   *slog.Logger
	// owner names this process in the kits' posting leases.
	owner string
}

// pickKit chooses each part's questions: least seen in the channel first,
// never two questions of one theme in the kit. It returns the items and a
// note for parts that could not be filled.
func (ks *kits) pickKit(ctx context.Context, teamID string, r *questions.Role, parts []KitPart, seen map[string]int) ([]KitItem, []string, error) {
	team, poolErr := ks.teamQuestions(ctx, teamID)
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

func (ks *kits) post(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	parts := cmd.Parts
	if len(parts) == 0 {
		parts = defaultKit(cmd.Role)
	}
	seen, err := ks.store.PostCounts(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("The kit was NOT posted: " + notSaved), fmt.Errorf("kit: read post counts: %w", err)
	}
	items, notes, err := ks.pickKit(ctx, s.TeamID, cmd.Role, parts, seen)
	if err != nil {
		return failure("The kit was NOT posted: " + notSaved), fmt.Errorf("kit: %w", err)
	}
	if len(items) == 0 {
		return reply(textMessage("There are no questions for that kit yet.")), nil
	}
	now := ks.now()
	k, err := ks.store.CreateKit(ctx, Kit{
		TeamID: s.TeamID, ChannelID: s.ChannelID, Role: cmd.Role.Slug,
		CreatedBy: s.UserID, CreatedAt: now, Items: items,
	}, ks.owner, now.Add(kitLease))
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
		if k, postErr = ks.postKit(ctx, k); postErr == nil {
			break
		}
	}
	if postErr != nil {
		ks.releaseKit(ctx, k)
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
func (ks *kits) releaseKit(ctx context.Context, k Kit) {
	ctx = context.WithoutCancel(ctx)
	if err := ks.store.FinishKit(ctx, k.ID, ks.owner, false, ks.now()); err != nil {
		ks.log.WarnContext(ctx, "release kit lease", "kit", k.ID, "err", err)
	}
}

// postKit posts what of k is not posted yet, recording each ts as soon as
// Slack returns it, so that a retry never posts a message twice.
func (ks *kits) postKit(ctx context.Context, k Kit) (Kit, error) {
	r, ok, err := ks.role(ctx, k.TeamID, k.Role)
	if !ok && err != nil {
		return k, fmt.Errorf("kit %s: %w", k.ID, err)
	}
	if !ok {
		return k, fmt.Errorf("kit %s: role %q is not in the bank", k.ID, k.Role)
	}
	if k.ParentTS == "" {
		m := renderKitParent(r, k)
		m.Channel = k.ChannelID
		ts, err := ks.slack.PostMessage(ctx, m)
		if err != nil {
			return k, fmt.Errorf("post kit parent: %w", err)
		}
		k.ParentTS = ts
		if err := ks.store.SetKitParent(ctx, k.ID, ts); err != nil {
			return k, fmt.Errorf("record kit parent: %w", err)
		}
	}
	for i, it := range k.Items {
		if it.ReplyTS != "" {
			continue
		}
		q, err := ks.question(ctx, k.TeamID, it.QuestionID)
		if errors.Is(err, ErrNotFound) {
			// A team question removed meanwhile: say so rather than stall.
			q = questions.Question{ID: questions.ID(it.QuestionID), Text: "(this team question was removed)"}
		} else if err != nil {
			return k, err
		}
		m := renderKitReply(r, q, categoryTitleIn(r, q), it.Position, len(k.Items))
		m.Channel, m.ThreadTS = k.ChannelID, k.ParentTS
		ts, err := ks.slack.PostMessage(ctx, m)
		if err != nil {
			return k, fmt.Errorf("post kit reply %d: %w", it.Position, err)
		}
		k.Items[i].ReplyTS = ts
		if err := ks.store.SetKitReply(ctx, k.ID, it.Position, ts); err != nil {
			return k, fmt.Errorf("record kit reply %d: %w", it.Position, err)
		}
		if err := ks.store.RecordPost(ctx, Post{TeamID: k.TeamID, ChannelID: k.ChannelID, QuestionID: it.QuestionID, MessageTS: ts, Source: "kit", At: ks.now()}); err != nil {
			ks.log.WarnContext(ctx, "record kit post", "kit", k.ID, "err", err)
		}
	}
	if err := ks.store.FinishKit(ctx, k.ID, ks.owner, true, time.Time{}); err != nil {
		return k, fmt.Errorf("finish kit: %w", err)
	}
	k.Finished = true
	return k, nil
}

// resume finishes kits that an earlier attempt left part-way (a Slack
// error, a crash, a restart). Every replica may call it; the lease lets one
// of them post each kit.
func (ks *kits) resume(ctx context.Context) error {
	now := ks.now()
	pending, err := ks.store.UnfinishedKits(ctx, now.Add(-kitResumeWindow), now)
	if err != nil {
		return fmt.Errorf("list unfinished kits: %w", err)
	}
	var errs []error
	for _, unfinished := range pending {
		k, ok, err := ks.store.ClaimKit(ctx, unfinished.ID, ks.owner, now, now.Add(kitLease))
		if err != nil {
			errs = append(errs, fmt.Errorf("claim kit %s: %w", unfinished.ID, err))
			continue
		}
		if !ok {
			continue
		}
		if _, err := ks.postKit(ctx, k); err != nil {
			ks.releaseKit(ctx, k)
			errs = append(errs, fmt.Errorf("resume kit %s: %w", k.ID, err))
			continue
		}
		ks.log.InfoContext(ctx, "resumed kit", "kit", k.ID, "channel", k.ChannelID)
	}
	return errors.Join(errs...)
}

func (ks *kits) list(ctx context.Context, s Slash) (Reply, error) {
	recent, err := ks.store.ChannelKits(ctx, s.TeamID, s.ChannelID, kitListLimit)
	if err != nil {
		return failure("I can't list the kits right now: " + notSaved), fmt.Errorf("list kits: %w", err)
	}
	if len(recent) == 0 {
		return reply(textMessage("No kits have been shared in this channel yet. Post one with `/interview kit senior-backend`.")), nil
	}
	lines := make([]string, 0, len(recent))
	for _, k := range recent {
		title := ks.roleTitle(k.Role)
		link := ""
		if k.ParentTS != "" {
			if l, err := ks.slack.Permalink(ctx, k.ChannelID, k.ParentTS); err == nil {
				link = fmt.Sprintf(" · <%s|open>", l)
			} else {
				ks.log.WarnContext(ctx, "kit permalink", "kit", k.ID, "err", err)
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
func (ks *kits) show(ctx context.Context, s Slash, id string) (Reply, error) {
	k, err := ks.store.Kit(ctx, s.TeamID, id)
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
	fb, err := ks.store.MessageFeedback(ctx, k.TeamID, k.ChannelID, tss)
	if err != nil {
		return failure("I can't read the kit's feedback right now: " + notSaved), fmt.Errorf("kit feedback: %w", err)
	}
	lookup := ks.questionIndex(ctx, s.TeamID)
	lines := make([]string, 0, len(k.Items))
	for _, it := range k.Items {
		f := fb[it.ReplyTS]
		stats := fmt.Sprintf("%d 👍 · %d 👎", f.Up, f.Down)
		if f.Ratings > 0 {
			stats += fmt.Sprintf(" · %.1f★ from %s · %s", float64(f.StarsSum)/float64(f.Ratings), nounCount(f.Ratings, "rating", "ratings"), nounCount(f.Notes, "note", "notes"))
		}
		lines = append(lines, fmt.Sprintf("%d. %s\n      _%s_", it.Position, Escape(Truncate(lookup(it.QuestionID).Text, 300)), stats))
	}
	title := ks.roleTitle(k.Role)
	blocks := []slack.Block{header(fmt.Sprintf("Kit %s · %s", k.ID, title))}
	blocks = append(blocks, chunkSections(lines, "\n")...)
	blocks = append(blocks, contextBlock(fmt.Sprintf("Shared by <@%s> %s", k.CreatedBy, slackDate(k.CreatedAt))))
	return reply(&Message{Text: "Kit " + k.ID, Blocks: blocks}), nil
}
