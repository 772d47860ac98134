package memstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
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
	if s.liveTeamQuestion(q) >= 0 {
		return handlers.TeamQuestion{}, fmt.Errorf("add team question: %w", handlers.ErrConflict)
	}
	return s.addTeamQuestionLocked(q), nil
}

func (s *Store) addTeamQuestionLocked(q handlers.TeamQuestion) handlers.TeamQuestion {
	q.ID = handlers.TeamQuestionID(int64(len(s.questions) + 1))
	q.CreatedAt = stored(time.Time{})
	q.Guidance, q.FollowUps = slices.Clone(q.Guidance), slices.Clone(q.FollowUps)
	s.questions = append(s.questions, teamQuestion{q: q})
	s.questionsVersion++
	return q
}

// liveTeamQuestion returns the index of the team's live question with q's
// role, category and text key, or -1: Postgres' unique index, in memory.
func (s *Store) liveTeamQuestion(q handlers.TeamQuestion) int {
	key := questions.TextKey(q.Text)
	for i, tq := range s.questions {
		if !tq.removed && tq.q.TeamID == q.TeamID && tq.q.Role == q.Role && tq.q.Category == q.Category && questions.TextKey(tq.q.Text) == key {
			return i
		}
	}
	return -1
}

// ImportTeamQuestions adds the questions the team lacks and updates those it
// has, all or nothing.
func (s *Store) ImportTeamQuestions(ctx context.Context, teamID string, qs []handlers.TeamQuestion) (handlers.ImportResult, error) {
	var res handlers.ImportResult
	for i := range qs {
		qs[i].TeamID = teamID
		if err := rules.CheckTeamQuestion(qs[i]); err != nil {
			return res, fmt.Errorf("import team questions: question %d: %w", i+1, err)
		}
	}
	if err := s.lock(ctx, "import team questions"); err != nil {
		return res, err
	}
	defer s.mu.Unlock()
	for _, q := range qs {
		i := s.liveTeamQuestion(q)
		if i < 0 {
			s.addTeamQuestionLocked(q)
			res.Added++
			continue
		}
		cur := &s.questions[i].q
		if cur.Text == q.Text && slices.Equal(cur.Guidance, q.Guidance) && slices.Equal(cur.FollowUps, q.FollowUps) {
			res.Unchanged++
			continue
		}
		cur.Text, cur.Guidance, cur.FollowUps = q.Text, slices.Clone(q.Guidance), slices.Clone(q.FollowUps)
		s.questionsVersion++
		res.Updated++
	}
	return res, nil
}

// RemoveTeamQuestion removes the team's question id. It returns
// handlers.ErrNotFound when the team has no such question: the id is another
// team's, unknown, already removed or not a "team-<n>" id at all.
func (s *Store) RemoveTeamQuestion(ctx context.Context, teamID, id string) error {
	n, ok := handlers.ParseTeamQuestionID(id)
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
	s.questionsVersion++
	return nil
}

// TeamQuestionsVersion returns a number that every change to any team's
// questions moves; in one process it can always be trusted.
func (s *Store) TeamQuestionsVersion(string) (uint64, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.questionsVersion, true
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
			q := tq.q
			q.Guidance, q.FollowUps = slices.Clone(q.Guidance), slices.Clone(q.FollowUps)
			out = append(out, q)
		}
	}
	return out, nil
}
