package memstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// dailyKey is what a day's post is keyed by: what the channel sees, so
// that a schedule removed and made again finds the day's post.
type dailyKey struct {
	teamID, channelID, role, category string
	localDate                         string
}

// dailyPost is the row of one day's post. expires is the claim's lease, or
// after a release the time a retry may start.
type dailyPost struct {
	p       handlers.DailyPost
	expires time.Time
}

// postOf finds the row schedule id claimed for localDate. s.mu must be
// held.
func (s *Store) postOf(scheduleID int64, localDate string) *dailyPost {
	for _, row := range s.dailyPosts {
		if row.p.ScheduleID == scheduleID && row.p.LocalDate == localDate {
			return row
		}
	}
	return nil
}

// ClaimDailyPost takes the post of scheduleID's channel, role and category
// on localDate for owner until until: it inserts the claim, or takes over a
// claim that is not posted, carries no message and whose lease (or retry
// time) is not after now. A won claim comes back with the channel's daily
// history. Otherwise ok is false and the row is returned as it stands. A
// missing schedule is handlers.ErrNotFound.
func (s *Store) ClaimDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (handlers.DailyPost, bool, error) {
	op := fmt.Sprintf("claim daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return handlers.DailyPost{}, false, err
	}
	defer s.mu.Unlock()
	sc, ok := s.schedules[scheduleID]
	if !ok {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	k := dailyKey{sc.TeamID, sc.ChannelID, sc.Role, sc.Category, localDate}
	row, ok := s.dailyPosts[k]
	if !ok {
		row = &dailyPost{p: handlers.DailyPost{LocalDate: localDate, State: "claimed"}}
		s.dailyPosts[k] = row
	} else if row.p.State != "claimed" || row.p.MessageTS != "" || row.expires.After(now) {
		return row.p, false, nil
	}
	row.p.ScheduleID, row.p.ClaimedBy, row.expires = scheduleID, owner, micro(until)
	won := row.p
	won.History = s.dailyHistory(sc.TeamID, sc.ChannelID)
	return won, true, nil
}

// ReleaseDailyPost gives up owner's claim after a failed attempt, counting
// the attempt, so that any replica may retry from retryAt. It returns
// handlers.ErrNotFound when owner holds no claim on that post.
func (s *Store) ReleaseDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error {
	op := fmt.Sprintf("release daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	row := s.postOf(scheduleID, localDate)
	if row == nil || row.p.State != "claimed" || row.p.ClaimedBy != owner {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	row.p.ClaimedBy, row.expires = "", micro(retryAt)
	row.p.Attempts++
	return nil
}

// MarkDailyPosted records that owner made the post p of its claim (state
// posted, its ts and question), logs p in the channel's post history and
// moves the schedule on as next says, at once. Marking the same message
// again is a no-op. When owner's claim was taken over meanwhile, p is
// still logged (the message is in the channel) but the post stays the new
// holder's, and the error wraps handlers.ErrConflict. A missing claim is
// handlers.ErrNotFound.
func (s *Store) MarkDailyPosted(ctx context.Context, scheduleID int64, localDate, owner string, p handlers.Post, next handlers.DailyAdvance) error {
	op := fmt.Sprintf("mark daily post %d/%s posted", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner), rules.CheckPost(p)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	row := s.postOf(scheduleID, localDate)
	if row == nil {
		return fmt.Errorf("%s: no claim: %w", op, handlers.ErrNotFound)
	}
	s.recordPost(p)
	switch {
	case row.p.State == "claimed" && row.p.ClaimedBy == owner:
		row.p.State, row.p.QuestionID, row.p.MessageTS = "posted", p.QuestionID, p.MessageTS
		next.ScheduleID, next.Date = scheduleID, localDate
		s.advance(next)
	case row.p.State == "posted" && row.p.MessageTS == p.MessageTS:
		// Marked already: a retry.
	default:
		return fmt.Errorf("%s: %s no longer holds the claim: %w", op, owner, handlers.ErrConflict)
	}
	return nil
}

// SkipDailyPost records that the post of scheduleID's channel, role and
// category on localDate is skipped unless the day already has a row
// (claimed, posted or skipped), and moves the schedule on as next says;
// inserted says whether this call recorded the skip. reason and at are
// checked but not kept: storage keeps them for operators, and nothing
// reads them back.
func (s *Store) SkipDailyPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time, next handlers.DailyAdvance) (bool, error) {
	op := fmt.Sprintf("skip daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckReason(reason)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	sc, ok := s.schedules[scheduleID]
	if !ok {
		return false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	next.ScheduleID, next.Date = scheduleID, localDate
	defer s.advance(next)
	k := dailyKey{sc.TeamID, sc.ChannelID, sc.Role, sc.Category, localDate}
	if _, ok := s.dailyPosts[k]; ok {
		return false, nil
	}
	s.dailyPosts[k] = &dailyPost{p: handlers.DailyPost{ScheduleID: scheduleID, LocalDate: localDate, State: "skipped"}}
	return true, nil
}
