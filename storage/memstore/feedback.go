package memstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// messageKey identifies one question in one message: what a tally counts.
// With a user id it is the primary key of storage's votes and ratings.
type messageKey struct {
	teamID, questionID, channelID, messageTS string
}

type feedbackKey struct {
	messageKey
	userID string
}

type rating struct {
	stars int
	notes string
}

// SaveVote records v and returns that message's tally for the question. A
// vote replaces the user's earlier vote on the same question in the same
// message; a vote equal to it withdraws it.
func (s *Store) SaveVote(ctx context.Context, v handlers.Vote) (handlers.Tally, error) {
	if err := rules.CheckVote(v); err != nil {
		return handlers.Tally{}, fmt.Errorf("save vote: %w", err)
	}
	if err := s.lock(ctx, "save vote"); err != nil {
		return handlers.Tally{}, err
	}
	defer s.mu.Unlock()
	k := messageKey{v.TeamID, v.QuestionID, v.ChannelID, v.MessageTS}
	byUser := s.votes[k]
	if byUser == nil {
		byUser = make(map[string]int)
		s.votes[k] = byUser
	}
	t := handlers.Tally{Mine: v.Value}
	if byUser[v.UserID] == v.Value {
		delete(byUser, v.UserID)
		t.Mine = 0
	} else {
		byUser[v.UserID] = v.Value
	}
	if len(byUser) == 0 {
		delete(s.votes, k)
	}
	for _, value := range byUser {
		if value > 0 {
			t.Up++
		} else {
			t.Down++
		}
	}
	return t, nil
}

// SaveRating records r, replacing the user's earlier rating of the same
// question in the same message.
func (s *Store) SaveRating(ctx context.Context, r handlers.Rating) error {
	if err := rules.CheckRating(r); err != nil {
		return fmt.Errorf("save rating: %w", err)
	}
	if err := s.lock(ctx, "save rating"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	k := feedbackKey{messageKey{r.TeamID, r.QuestionID, r.ChannelID, r.MessageTS}, r.UserID}
	s.ratings[k] = rating{r.Stars, r.Notes}
	return nil
}

// UserRating returns userID's rating of question p.QuestionID in message
// p.MessageTS of p.ChannelID, or handlers.ErrNotFound.
func (s *Store) UserRating(ctx context.Context, p handlers.PostedQuestion, userID string) (handlers.Rating, error) {
	if err := s.lock(ctx, "user rating"); err != nil {
		return handlers.Rating{}, err
	}
	defer s.mu.Unlock()
	r, ok := s.ratings[feedbackKey{messageKey{p.TeamID, p.QuestionID, p.ChannelID, p.MessageTS}, userID}]
	if !ok {
		return handlers.Rating{}, fmt.Errorf("user rating: %w", handlers.ErrNotFound)
	}
	return handlers.Rating{
		TeamID: p.TeamID, UserID: userID, QuestionID: p.QuestionID,
		ChannelID: p.ChannelID, MessageTS: p.MessageTS, Stars: r.stars, Notes: r.notes,
	}, nil
}

// Feedback aggregates the team's votes and ratings per question, over all
// channels and messages, ordered by question id. Notes counts the ratings
// whose notes are not empty.
func (s *Store) Feedback(ctx context.Context, teamID string) ([]handlers.QuestionFeedback, error) {
	if err := s.lock(ctx, "feedback"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	byQuestion := s.aggregate(
		func(k messageKey) bool { return k.teamID == teamID },
		func(k messageKey) string { return k.questionID },
	)
	out := make([]handlers.QuestionFeedback, 0, len(byQuestion))
	for _, f := range byQuestion {
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b handlers.QuestionFeedback) int {
		return strings.Compare(a.QuestionID, b.QuestionID)
	})
	return out, nil
}

// MessageFeedback aggregates the votes and ratings on each of the given
// messages of a channel, keyed by message ts; messages without feedback are
// absent. QuestionID is the message's question (the least id, were there
// several).
func (s *Store) MessageFeedback(ctx context.Context, teamID, channelID string, messageTS []string) (map[string]handlers.QuestionFeedback, error) {
	if err := s.lock(ctx, "message feedback"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.aggregate(
		func(k messageKey) bool {
			return k.teamID == teamID && k.channelID == channelID && slices.Contains(messageTS, k.messageTS)
		},
		func(k messageKey) string { return k.messageTS },
	), nil
}

// aggregate sums the votes and ratings whose message match selects, grouped
// by group(message). s.mu must be held.
func (s *Store) aggregate(match func(messageKey) bool, group func(messageKey) string) map[string]handlers.QuestionFeedback {
	out := make(map[string]handlers.QuestionFeedback)
	add := func(k messageKey, f func(*handlers.QuestionFeedback)) {
		g := group(k)
		qf, ok := out[g]
		if !ok || k.questionID < qf.QuestionID {
			qf.QuestionID = k.questionID
		}
		f(&qf)
		out[g] = qf
	}
	for k, byUser := range s.votes {
		if !match(k) {
			continue
		}
		for _, value := range byUser {
			add(k, func(qf *handlers.QuestionFeedback) {
				if value > 0 {
					qf.Up++
				} else {
					qf.Down++
				}
			})
		}
	}
	for k, r := range s.ratings {
		if !match(k.messageKey) {
			continue
		}
		add(k.messageKey, func(qf *handlers.QuestionFeedback) {
			qf.Ratings++
			qf.StarsSum += r.stars
			if r.notes != "" {
				qf.Notes++
			}
		})
	}
	return out
}
