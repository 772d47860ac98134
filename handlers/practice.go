package handlers

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/interviewbot/interviewbot/questions"
)

// postFailureHint tells the user what to do about a failed post.
func postFailureHint(err error) string {
	if errors.Is(err, ErrChannelUnavailable) {
		return "I'm not a member of this channel (or it is archived): invite me with `/invite @interviewbot` and try again."
	}
	return "Please try again in a minute."
}

// rolePool is every question of a role, or of one of its categories,
// team questions included, read with one store call.
func (c *Commands) rolePool(ctx context.Context, teamID string, r *questions.Role, cat *questions.Category) ([]questions.Question, error) {
	team, err := c.teamQuestions(ctx, teamID)
	cats := r.Categories
	if cat != nil {
		cats = []*questions.Category{cat}
	}
	var all []questions.Question
	for _, cat := range cats {
		all = append(all, withTeam(r, cat, team)...)
	}
	return all, err
}

// leastSeen picks, among qs, one of those the channel has seen least often,
// at random so that two channels don't march through the bank in lockstep.
func leastSeen(qs []questions.Question, seen map[string]int) questions.Question {
	min := -1
	var best []questions.Question
	for _, q := range qs {
		n := seen[string(q.ID)]
		switch {
		case min == -1 || n < min:
			min, best = n, []questions.Question{q}
		case n == min:
			best = append(best, q)
		}
	}
	return best[rand.IntN(len(best))]
}

func (c *Commands) practice(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	qs, poolErr := c.rolePool(ctx, s.TeamID, cmd.Role, cmd.Category)
	if len(qs) == 0 {
		return reply(textMessage("There are no questions to practise there yet.")), nil
	}
	seen, err := c.store.PostCounts(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		// Without history any question will do; practice still works.
		poolErr = errors.Join(poolErr, fmt.Errorf("read post counts: %w", err))
	}
	q := leastSeen(qs, seen)
	m := renderQuestionPost("Practice question", cmd.Role, q, c.categoryTitle(q), true)
	m.Channel = s.ChannelID
	ts, err := c.slack.PostMessage(ctx, m)
	if err != nil {
		return failure("I couldn't post the question. " + postFailureHint(err)), fmt.Errorf("post practice question: %w", err)
	}
	err = c.store.RecordPost(ctx, Post{TeamID: s.TeamID, ChannelID: s.ChannelID, QuestionID: string(q.ID), MessageTS: ts, Source: "practice", At: c.now()})
	if err != nil {
		// The question is out; only the rotation history missed it.
		return Reply{}, errors.Join(poolErr, fmt.Errorf("record practice post: %w", err))
	}
	if poolErr != nil {
		return Reply{}, poolErr
	}
	return Reply{}, nil
}
