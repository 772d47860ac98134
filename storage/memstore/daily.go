package memstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

type dailyKey struct {
	scheduleID int64
	localDate  string
}

// dailyPost is the row of one schedule's post for one local date. expires
// is the claim's lease, or after a release the time a retry may start.
type dailyPost struct {
	p       handlers.DailyPost
	expires time.Time
}

// ClaimDailyPost takes the post of (scheduleID, localDate) for owner until
// until: it inserts the claim, or takes over a claim that is not posted and
// whose lease (or retry time) is not after now. It returns the row as it
// stands; ok is false when the lease is held (by anyone, owner included:
// two overlapping attempts of one process must not both post) or the day
// was posted or skipped. A missing schedule is handlers.ErrNotFound.
func (s *Store) ClaimDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (handlers.DailyPost, bool, error) {
	op := fmt.Sprintf("claim daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return handlers.DailyPost{}, false, err
	}
	defer s.mu.Unlock()
	if _, ok := s.schedules[scheduleID]; !ok {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	k := dailyKey{scheduleID, localDate}
	row, ok := s.dailyPosts[k]
	if !ok {
		row = &dailyPost{p: handlers.DailyPost{ScheduleID: scheduleID, LocalDate: localDate, State: "claimed"}}
		s.dailyPosts[k] = row
	} else if row.p.State != "claimed" || row.expires.After(now) {
		return row.p, false, nil
	}
	row.p.ClaimedBy, row.expires = owner, micro(until)
	return row.p, true, nil
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
	row, ok := s.dailyPosts[dailyKey{scheduleID, localDate}]
	if !ok || row.p.State != "claimed" || row.p.ClaimedBy != owner {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	row.p.ClaimedBy, row.expires = "", micro(retryAt)
	row.p.Attempts++
	return nil
}

// MarkDailyPosted records that owner made the post p (state posted, its ts
// and question) and logs p in the channel's post history, at once. Marking
// the same message again is a no-op. When owner's claim was taken over
// meanwhile, p is still logged (the message is in the channel) but the post
// stays the new holder's, and the error wraps handlers.ErrConflict.
func (s *Store) MarkDailyPosted(ctx context.Context, scheduleID int64, localDate, owner string, p handlers.Post) error {
	op := fmt.Sprintf("mark daily post %d/%s posted", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner), rules.CheckPost(p)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	row, ok := s.dailyPosts[dailyKey{scheduleID, localDate}]
	if !ok {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	s.recordPost(p)
	switch {
	case row.p.State == "claimed" && row.p.ClaimedBy == owner:
		row.p.State, row.p.QuestionID, row.p.MessageTS = "posted", p.QuestionID, p.MessageTS
	case row.p.State == "posted" && row.p.MessageTS == p.MessageTS:
		// Marked already: a retry.
	default:
		return fmt.Errorf("%s: %s no longer holds the claim: %w", op, owner, handlers.ErrConflict)
	}
	return nil
}

// SkipDailyPost records that (scheduleID, localDate) is skipped unless the
// day already has a row (claimed, posted or skipped); inserted says whether
// this call recorded it. reason and at are checked but not kept: storage
// keeps them for operators, and nothing reads them back.
func (s *Store) SkipDailyPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time) (bool, error) {
	op := fmt.Sprintf("skip daily post %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckReason(reason)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	if _, ok := s.schedules[scheduleID]; !ok {
		return false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	k := dailyKey{scheduleID, localDate}
	if _, ok := s.dailyPosts[k]; ok {
		return false, nil
	}
	s.dailyPosts[k] = &dailyPost{p: handlers.DailyPost{ScheduleID: scheduleID, LocalDate: localDate, State: "skipped"}}
	return true, nil
}
