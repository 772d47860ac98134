package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

type postKey struct {
	teamID, channelID, questionID, messageTS string
}

// RecordPost records that p.QuestionID was posted in p.MessageTS. Recording
// the same (channel, question, message) again is a no-op. A zero p.At means
// now.
func (s *Store) RecordPost(ctx context.Context, p handlers.Post) error {
	if err := rules.CheckPost(p); err != nil {
		return fmt.Errorf("record post: %w", err)
	}
	if err := s.lock(ctx, "record post"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.recordPost(p)
	return nil
}

// recordPost stores p unless it is recorded already. s.mu must be held.
func (s *Store) recordPost(p handlers.Post) {
	p.At = stored(p.At)
	k := postKey{p.TeamID, p.ChannelID, p.QuestionID, p.MessageTS}
	if _, ok := s.posts[k]; !ok {
		s.posts[k] = p
	}
}

// PostCounts returns how often each question was posted in the channel,
// keyed by question id; questions never posted there are absent.
func (s *Store) PostCounts(ctx context.Context, teamID, channelID string) (map[string]int, error) {
	if err := s.lock(ctx, "post counts"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	counts := make(map[string]int)
	for k := range s.posts {
		if k.teamID == teamID && k.channelID == channelID {
			counts[k.questionID]++
		}
	}
	return counts, nil
}

// DailyHistory returns the ids of the questions daily schedules posted in
// the channel (by schedule or `daily now`), oldest first.
func (s *Store) DailyHistory(ctx context.Context, teamID, channelID string) ([]string, error) {
	if err := s.lock(ctx, "daily history"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.dailyHistory(teamID, channelID), nil
}

// dailyHistory is DailyHistory with s.mu held.
func (s *Store) dailyHistory(teamID, channelID string) []string {
	var posts []handlers.Post
	for k, p := range s.posts {
		if k.teamID == teamID && k.channelID == channelID && p.Source == "daily" {
			posts = append(posts, p)
		}
	}
	slices.SortFunc(posts, func(a, b handlers.Post) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.MessageTS, b.MessageTS), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	ids := make([]string, 0, len(posts))
	for _, p := range posts {
		ids = append(ids, p.QuestionID)
	}
	return ids
}

// WasPosted reports whether p.QuestionID was posted in message p.MessageTS
// of p.ChannelID: in the channel's post history, as a kit's reply, or as a
// daily post whose claim carries its ts.
func (s *Store) WasPosted(ctx context.Context, p handlers.PostedQuestion) (bool, error) {
	if err := s.lock(ctx, "was posted"); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	if p.TeamID == "" || p.ChannelID == "" || p.MessageTS == "" || p.QuestionID == "" {
		return false, nil
	}
	if _, ok := s.posts[postKey{p.TeamID, p.ChannelID, p.QuestionID, p.MessageTS}]; ok {
		return true, nil
	}
	for _, kt := range s.kits {
		if kt.k.TeamID != p.TeamID || kt.k.ChannelID != p.ChannelID {
			continue
		}
		for _, it := range kt.k.Items {
			if it.ReplyTS == p.MessageTS && it.QuestionID == p.QuestionID {
				return true, nil
			}
		}
	}
	for _, row := range s.dailyPosts {
		sc, ok := s.schedules[row.p.ScheduleID]
		if ok && sc.TeamID == p.TeamID && sc.ChannelID == p.ChannelID && row.p.MessageTS == p.MessageTS && row.p.QuestionID == p.QuestionID {
			return true, nil
		}
	}
	return false, nil
}
