package handlers

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// postLog is a channel's history of posted questions, which rotation reads
// to prefer what the channel has seen least.
type postLog interface {
	RecordPost(ctx context.Context, p Post) error
	// PostCounts returns how often each question was posted in the channel.
	PostCounts(ctx context.Context, teamID, channelID string) (map[string]int, error)
}

// poster posts a message through Slack's Web API.
type poster interface {
	// PostMessage posts to m.Channel (in m.ThreadTS's thread when set) and
	// returns the new message's ts. It waits out 429s itself.
	PostMessage(ctx context.Context, m Message) (ts string, err error)
}

// practice posts one question to a channel on demand.
type practice struct {
	catalog
	store postLog
	slack poster
	now   func() time.Time
}

// postFailureHint tells the user what to do about a failed post.
func postFailureHint(err error) string {
	if errors.Is(err, ErrChannelUnavailable) {
		return "I'm not a member of this channel (or it is archived): invite me with `/invite @interviewbot` and try again."
	}
	return "Please try again in a minute."
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

func (p *practice) post(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	qs, poolErr := practicePool(ctx, p.catalog, s.TeamID, cmd.Role, cmd.Category, cmd.Difficulty)
	if len(qs) == 0 {
		return reply(textMessage(emptyPoolText(cmd.Role, cmd.Category, cmd.Difficulty))), nil
	}
	seen, err := p.store.PostCounts(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		// Without history any question will do; practice still works.
		poolErr = errors.Join(poolErr, fmt.Errorf("read post counts: %w", err))
	}
	q := leastSeen(qs, seen)
	m := renderQuestionPost("Practice question", cmd.Role, q, categoryTitleIn(cmd.Role, q), true)
	m.Channel = s.ChannelID
	ts, err := p.slack.PostMessage(ctx, m)
	if err != nil {
		return failure("I couldn't post the question. " + postFailureHint(err)), fmt.Errorf("post practice question: %w", err)
	}
	err = p.store.RecordPost(ctx, Post{TeamID: s.TeamID, ChannelID: s.ChannelID, QuestionID: string(q.ID), MessageTS: ts, Source: "practice", At: p.now()})
	if err != nil {
		// The question is out; only the rotation history missed it.
		return Reply{}, errors.Join(poolErr, fmt.Errorf("record practice post: %w", err))
	}
	return Reply{}, poolErr
}
