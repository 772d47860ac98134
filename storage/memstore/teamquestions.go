package memstore

import (
	"context"
	"fmt"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// teamQuestion is a stored team question; removed ones are kept, as storage
// keeps them, so an id is never reissued.
type teamQuestion struct {
	q       handlers.TeamQuestion
	removed bool
}

// AddTeamQuestion stores q and returns it with its id ("team-<n>", numbered
// across all teams as Postgres' sequence numbers them) and creation time set;
// q.ID and q.CreatedAt are ignored.
func (s *Store) AddTeamQuestion(ctx context.Context, q handlers.TeamQuestion) (handlers.TeamQuestion, error) {
	if err := rules.CheckTeamQuestion(q); err != nil {
		return handlers.TeamQuestion{}, fmt.Errorf("add team question: %w", err)
	}
	if err := s.lock(ctx, "add team question"); err != nil {
		return handlers.TeamQuestion{}, err
	}
	defer s.mu.Unlock()
	q.ID = rules.TeamQuestionID(int64(len(s.questions) + 1))
	q.CreatedAt = stored(time.Time{})
	s.questions = append(s.questions, teamQuestion{q: q})
	return q, nil
}

// RemoveTeamQuestion removes the team's question id. It returns
// handlers.ErrNotFound when the team has no such question: the id is another
// team's, unknown, already removed or not a "team-<n>" id at all.
func (s *Store) RemoveTeamQuestion(ctx context.Context, teamID, id string) error {
	n, ok := rules.ParseTeamQuestionID(id)
	if !ok {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	if err := s.lock(ctx, "remove team question"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if n > int64(len(s.questions)) {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	tq := &s.questions[n-1]
	if tq.removed || tq.q.TeamID != teamID {
		return fmt.Errorf("remove team question %q: %w", id, handlers.ErrNotFound)
	}
	tq.removed = true
	return nil
}

// TeamQuestions lists the team's questions in the order they were added.
func (s *Store) TeamQuestions(ctx context.Context, teamID string) ([]handlers.TeamQuestion, error) {
	if err := s.lock(ctx, "team questions"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]handlers.TeamQuestion, 0)
	for _, tq := range s.questions {
		if !tq.removed && tq.q.TeamID == teamID {
			out = append(out, tq.q)
		}
	}
	return out, nil
}
