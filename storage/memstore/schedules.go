package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// SaveSchedule creates the channel's schedule for (role, category), or
// replaces its time, zone, days, creator and creation time and un-pauses it.
// A replaced schedule keeps its id, so its daily posts (at most one a day)
// still count. A zero s.CreatedAt means now; s.ID, s.Paused and
// s.PauseReason are ignored.
func (s *Store) SaveSchedule(ctx context.Context, sc handlers.Schedule) (handlers.Schedule, error) {
	if err := rules.CheckSchedule(sc); err != nil {
		return handlers.Schedule{}, fmt.Errorf("save schedule: %w", err)
	}
	if err := s.lock(ctx, "save schedule"); err != nil {
		return handlers.Schedule{}, err
	}
	defer s.mu.Unlock()
	s.scheduleSeq++
	sc.ID = s.scheduleSeq
	sc.CreatedAt = stored(sc.CreatedAt)
	sc.Paused, sc.PauseReason = false, ""
	for _, old := range s.schedules {
		if old.TeamID == sc.TeamID && old.ChannelID == sc.ChannelID && old.Role == sc.Role && old.Category == sc.Category {
			sc.ID = old.ID
			break
		}
	}
	saved := sc
	s.schedules[sc.ID] = &saved
	return sc, nil
}

// sortedSchedules returns copies of the schedules keep selects, by id.
// s.mu must be held.
func (s *Store) sortedSchedules(keep func(*handlers.Schedule) bool) []handlers.Schedule {
	out := make([]handlers.Schedule, 0)
	for _, sc := range s.schedules {
		if keep(sc) {
			out = append(out, *sc)
		}
	}
	slices.SortFunc(out, func(a, b handlers.Schedule) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// ChannelSchedules returns the channel's schedules, paused ones included, in
// the order they were first made.
func (s *Store) ChannelSchedules(ctx context.Context, teamID, channelID string) ([]handlers.Schedule, error) {
	if err := s.lock(ctx, "channel schedules"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.sortedSchedules(func(sc *handlers.Schedule) bool {
		return sc.TeamID == teamID && sc.ChannelID == channelID
	}), nil
}

// DeleteChannelSchedules removes the channel's schedules, with their daily
// posts, and returns how many schedules there were.
func (s *Store) DeleteChannelSchedules(ctx context.Context, teamID, channelID string) (int, error) {
	if err := s.lock(ctx, "delete channel schedules"); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	n := 0
	for id, sc := range s.schedules {
		if sc.TeamID != teamID || sc.ChannelID != channelID {
			continue
		}
		delete(s.schedules, id)
		for k := range s.dailyPosts {
			if k.scheduleID == id {
				delete(s.dailyPosts, k)
			}
		}
		n++
	}
	return n, nil
}

// ActiveSchedules returns every team's schedules that are not paused, by id.
func (s *Store) ActiveSchedules(ctx context.Context) ([]handlers.Schedule, error) {
	if err := s.lock(ctx, "active schedules"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.sortedSchedules(func(sc *handlers.Schedule) bool { return !sc.Paused }), nil
}

// PauseSchedule stops schedule id until it is saved again, saying why. It
// returns handlers.ErrNotFound when there is no such schedule.
func (s *Store) PauseSchedule(ctx context.Context, id int64, reason string) error {
	if err := rules.CheckReason(reason); err != nil {
		return fmt.Errorf("pause schedule %d: %w", id, err)
	}
	if err := s.lock(ctx, "pause schedule"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	sc, ok := s.schedules[id]
	if !ok {
		return fmt.Errorf("pause schedule %d: %w", id, handlers.ErrNotFound)
	}
	sc.Paused, sc.PauseReason = true, reason
	return nil
}
