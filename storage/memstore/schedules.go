package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// channelKey names one channel of one team.
type channelKey struct{ teamID, channelID string }

// SaveSchedule stores s. A new schedule (s.ID 0) is added to its channel,
// unless the channel has one for the same role and category already
// (handlers.ErrConflict) or handlers.MaxChannelSchedules of them
// (handlers.ErrLimit); a zero s.CreatedAt means now. An existing one (by
// s.ID, in s.TeamID) gets s's difficulty, time, zone, days, pause and next
// due instant; its channel, role, category and creator stay, and a missing
// one is handlers.ErrNotFound. s.Skips is ignored. It returns the schedule
// as stored, with its channel's skips.
func (s *Store) SaveSchedule(ctx context.Context, sc handlers.Schedule) (handlers.Schedule, error) {
	if err := rules.CheckSchedule(sc); err != nil {
		return handlers.Schedule{}, fmt.Errorf("save schedule: %w", err)
	}
	if err := s.lock(ctx, "save schedule"); err != nil {
		return handlers.Schedule{}, err
	}
	defer s.mu.Unlock()
	sc.NextDue = micro(sc.NextDue)
	if !sc.Paused {
		sc.PauseReason, sc.PausedBy, sc.PausedUntil = "", "", ""
	}
	sc.Skips = nil
	if sc.ID != 0 {
		old, ok := s.schedules[sc.ID]
		if !ok || old.TeamID != sc.TeamID {
			return handlers.Schedule{}, fmt.Errorf("update schedule %d: %w", sc.ID, handlers.ErrNotFound)
		}
		old.Difficulty, old.Hour, old.Minute, old.Zone, old.Days = sc.Difficulty, sc.Hour, sc.Minute, sc.Zone, sc.Days
		old.Paused, old.PauseReason, old.PausedBy, old.PausedUntil = sc.Paused, sc.PauseReason, sc.PausedBy, sc.PausedUntil
		old.NextDue = sc.NextDue
		return s.withSkips(*old), nil
	}
	n := 0
	for _, old := range s.schedules {
		if old.TeamID == sc.TeamID && old.ChannelID == sc.ChannelID {
			n++
		}
	}
	if n >= handlers.MaxChannelSchedules {
		return handlers.Schedule{}, fmt.Errorf("add schedule: the channel has %d schedules: %w", n, handlers.ErrLimit)
	}
	// Postgres' bigserial advances even when the insert then conflicts;
	// so does this, so that ids match between the stores.
	s.scheduleSeq++
	for _, old := range s.schedules {
		if old.TeamID == sc.TeamID && old.ChannelID == sc.ChannelID && old.Role == sc.Role && old.Category == sc.Category {
			return handlers.Schedule{}, fmt.Errorf("add schedule: %w", handlers.ErrConflict)
		}
	}
	sc.ID = s.scheduleSeq
	sc.CreatedAt = stored(sc.CreatedAt)
	saved := sc
	s.schedules[sc.ID] = &saved
	return s.withSkips(sc), nil
}

// withSkips returns sc with its channel's skips. s.mu must be held.
func (s *Store) withSkips(sc handlers.Schedule) handlers.Schedule {
	sc.Skips = slices.Clone(s.skips[channelKey{sc.TeamID, sc.ChannelID}])
	slices.SortFunc(sc.Skips, func(a, b handlers.DateRange) int { return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To)) })
	return sc
}

// sortedSchedules returns copies of the schedules keep selects, with their
// skips, in order. s.mu must be held.
func (s *Store) sortedSchedules(keep func(*handlers.Schedule) bool, order func(a, b handlers.Schedule) int) []handlers.Schedule {
	out := make([]handlers.Schedule, 0)
	for _, sc := range s.schedules {
		if keep(sc) {
			out = append(out, s.withSkips(*sc))
		}
	}
	slices.SortFunc(out, order)
	return out
}

func byID(a, b handlers.Schedule) int { return cmp.Compare(a.ID, b.ID) }

// ChannelSchedules returns the channel's schedules, paused ones included, in
// the order they were made, each with the channel's skips.
func (s *Store) ChannelSchedules(ctx context.Context, teamID, channelID string) ([]handlers.Schedule, error) {
	if err := s.lock(ctx, "channel schedules"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.sortedSchedules(func(sc *handlers.Schedule) bool {
		return sc.TeamID == teamID && sc.ChannelID == channelID
	}, byID), nil
}

// DeleteSchedules removes the team's schedules with the given ids and says
// how many there were. The days they posted stay recorded.
func (s *Store) DeleteSchedules(ctx context.Context, teamID string, ids []int64) (int, error) {
	if err := s.lock(ctx, "delete schedules"); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	n := 0
	for _, id := range ids {
		if sc, ok := s.schedules[id]; ok && sc.TeamID == teamID {
			delete(s.schedules, id)
			n++
		}
	}
	return n, nil
}

// DueSchedules returns every team's schedules whose next post is due at
// now, and those whose next post was never computed and are not paused.
func (s *Store) DueSchedules(ctx context.Context, now time.Time) ([]handlers.Schedule, error) {
	if err := s.lock(ctx, "due schedules"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return s.sortedSchedules(func(sc *handlers.Schedule) bool {
		if sc.NextDue.IsZero() {
			return !sc.Paused
		}
		return !sc.NextDue.After(now)
	}, func(a, b handlers.Schedule) int {
		if a.NextDue.IsZero() != b.NextDue.IsZero() {
			if a.NextDue.IsZero() {
				return -1
			}
			return 1
		}
		return cmp.Or(a.NextDue.Compare(b.NextDue), cmp.Compare(a.ID, b.ID))
	}), nil
}

// AdvanceSchedule moves a's schedule on to a.To after the day a.Date,
// unless its next post is no longer a.From; moved says whether it did.
func (s *Store) AdvanceSchedule(ctx context.Context, a handlers.DailyAdvance) (bool, error) {
	op := fmt.Sprintf("advance schedule %d", a.ScheduleID)
	if err := rules.CheckLocalDate(a.Date); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	return s.advance(a), nil
}

// advance is AdvanceSchedule with s.mu held.
func (s *Store) advance(a handlers.DailyAdvance) bool {
	sc, ok := s.schedules[a.ScheduleID]
	if !ok || !sc.NextDue.Equal(micro(a.From)) {
		return false
	}
	sc.NextDue = micro(a.To)
	if sc.PausedUntil != "" && sc.PausedUntil <= a.Date {
		sc.Paused, sc.PausedBy, sc.PausedUntil = false, "", ""
	}
	return true
}

// PauseSchedule stops schedule id until it is resumed, saying why. It
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
	sc.Paused, sc.PauseReason, sc.PausedBy, sc.PausedUntil, sc.NextDue = true, reason, "", "", time.Time{}
	return nil
}

// AddSkip records that the channel has no daily posts on the local dates
// of r. Ranges that ended before since are forgotten on the way; a channel
// keeps at most handlers.MaxChannelSkips ranges (handlers.ErrLimit).
// Adding a range again changes nothing.
func (s *Store) AddSkip(ctx context.Context, teamID, channelID string, r handlers.DateRange, by, since string) error {
	op := "add skip"
	if err := errors.Join(rules.CheckLocalDate(r.From), rules.CheckLocalDate(r.To), rules.CheckLocalDate(since),
		rules.CheckSkip(teamID, channelID, r, by)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if s.skips == nil {
		s.skips = map[channelKey][]handlers.DateRange{}
	}
	k := channelKey{teamID, channelID}
	s.skips[k] = slices.DeleteFunc(s.skips[k], func(old handlers.DateRange) bool { return old.To < since })
	if slices.Contains(s.skips[k], r) {
		return nil
	}
	if len(s.skips[k]) >= handlers.MaxChannelSkips {
		return fmt.Errorf("%s: the channel has %d skipped ranges: %w", op, handlers.MaxChannelSkips, handlers.ErrLimit)
	}
	s.skips[k] = append(s.skips[k], r)
	return nil
}
