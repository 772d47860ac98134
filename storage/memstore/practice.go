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

// userKey identifies one user of one team: everything of private practice
// hangs off it, as (team_id, user_id) leads storage's keys.
type userKey struct {
	teamID, userID string
}

type sendKey struct {
	userKey
	questionID, messageTS string
}

// practiceData is private practice's part of the Store, guarded by its
// mutex; init makes its maps on first use.
type practiceData struct {
	roles    map[userKey]string
	sends    map[sendKey]handlers.PracticeSend
	checks   map[userKey][]handlers.SelfCheck // in insertion order
	personal map[int64]*handlers.PersonalSchedule
	seq      int64 // mirrors personal_schedules' bigserial
	posts    map[personalKey]*dailyPost
	initDone bool
}

// practice returns the practice data with its maps made. s.mu must be held.
func (s *Store) practice() *practiceData {
	p := &s.private
	if !p.initDone {
		p.roles = map[userKey]string{}
		p.sends = map[sendKey]handlers.PracticeSend{}
		p.checks = map[userKey][]handlers.SelfCheck{}
		p.personal = map[int64]*handlers.PersonalSchedule{}
		p.posts = map[personalKey]*dailyPost{}
		p.initDone = true
	}
	return p
}

// PracticeRole returns the role the user last named, or "".
func (s *Store) PracticeRole(ctx context.Context, teamID, userID string) (string, error) {
	if err := s.lock(ctx, "read practice role"); err != nil {
		return "", err
	}
	defer s.mu.Unlock()
	return s.practice().roles[userKey{teamID, userID}], nil
}

// SavePracticeRole remembers role for the user's next `practice me`.
func (s *Store) SavePracticeRole(ctx context.Context, teamID, userID, role string, _ time.Time) error {
	if err := rules.CheckPracticeRole(teamID, userID, role); err != nil {
		return fmt.Errorf("save practice role: %w", err)
	}
	if err := s.lock(ctx, "save practice role"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.practice().roles[userKey{teamID, userID}] = role
	return nil
}

// RecordPracticeSend logs a question sent to the user's DM; the same
// (question, message) again is a no-op.
func (s *Store) RecordPracticeSend(ctx context.Context, snd handlers.PracticeSend) error {
	if err := rules.CheckPracticeSend(snd); err != nil {
		return fmt.Errorf("record practice send: %w", err)
	}
	if err := s.lock(ctx, "record practice send"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.recordSend(snd)
	return nil
}

// recordSend logs snd unless it is there. s.mu must be held.
func (s *Store) recordSend(snd handlers.PracticeSend) {
	k := sendKey{userKey{snd.TeamID, snd.UserID}, snd.QuestionID, snd.MessageTS}
	if _, ok := s.practice().sends[k]; !ok {
		snd.At = stored(snd.At)
		s.practice().sends[k] = snd
	}
}

// SaveSelfCheck records a self-check.
func (s *Store) SaveSelfCheck(ctx context.Context, c handlers.SelfCheck) error {
	if err := rules.CheckSelfCheck(c); err != nil {
		return fmt.Errorf("save self-check: %w", err)
	}
	if err := s.lock(ctx, "save self-check"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	c.At = stored(c.At)
	k := userKey{c.TeamID, c.UserID}
	s.practice().checks[k] = append(s.practice().checks[k], c)
	return nil
}

// PracticeHistory returns the user's sends and self-checks, oldest first,
// in storage's order.
func (s *Store) PracticeHistory(ctx context.Context, teamID, userID string) (handlers.PracticeHistory, error) {
	if err := s.lock(ctx, "read practice history"); err != nil {
		return handlers.PracticeHistory{}, err
	}
	defer s.mu.Unlock()
	h := handlers.PracticeHistory{Sends: []handlers.PracticeSend{}, Checks: []handlers.SelfCheck{}}
	for k, snd := range s.practice().sends {
		if k.userKey == (userKey{teamID, userID}) {
			h.Sends = append(h.Sends, snd)
		}
	}
	slices.SortFunc(h.Sends, func(a, b handlers.PracticeSend) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.MessageTS, b.MessageTS), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	h.Checks = append(h.Checks, s.practice().checks[userKey{teamID, userID}]...)
	// Stable: checks at the same instant keep their insertion (id) order.
	slices.SortStableFunc(h.Checks, func(a, b handlers.SelfCheck) int { return a.At.Compare(b.At) })
	return h, nil
}

// SavePersonalSchedule creates the user's personal schedule or replaces
// everything but its id, un-pausing it.
func (s *Store) SavePersonalSchedule(ctx context.Context, ps handlers.PersonalSchedule) (handlers.PersonalSchedule, error) {
	if err := rules.CheckPersonalSchedule(ps); err != nil {
		return handlers.PersonalSchedule{}, fmt.Errorf("save personal schedule: %w", err)
	}
	if err := s.lock(ctx, "save personal schedule"); err != nil {
		return handlers.PersonalSchedule{}, err
	}
	defer s.mu.Unlock()
	p := s.practice()
	p.seq++
	ps.ID = p.seq
	ps.CreatedAt = stored(ps.CreatedAt)
	ps.Paused, ps.PauseReason = false, ""
	for _, old := range p.personal {
		if old.TeamID == ps.TeamID && old.UserID == ps.UserID {
			ps.ID = old.ID
			break
		}
	}
	saved := ps
	p.personal[ps.ID] = &saved
	return ps, nil
}

// PersonalSchedule returns the user's personal schedule or
// handlers.ErrNotFound.
func (s *Store) PersonalSchedule(ctx context.Context, teamID, userID string) (handlers.PersonalSchedule, error) {
	if err := s.lock(ctx, "read personal schedule"); err != nil {
		return handlers.PersonalSchedule{}, err
	}
	defer s.mu.Unlock()
	for _, ps := range s.practice().personal {
		if ps.TeamID == teamID && ps.UserID == userID {
			return *ps, nil
		}
	}
	return handlers.PersonalSchedule{}, fmt.Errorf("read personal schedule: %w", handlers.ErrNotFound)
}

// ActivePersonalSchedules returns every team's personal schedules that are
// not paused, by id.
func (s *Store) ActivePersonalSchedules(ctx context.Context) ([]handlers.PersonalSchedule, error) {
	if err := s.lock(ctx, "active personal schedules"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]handlers.PersonalSchedule, 0)
	for _, ps := range s.practice().personal {
		if !ps.Paused {
			out = append(out, *ps)
		}
	}
	slices.SortFunc(out, func(a, b handlers.PersonalSchedule) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// PausePersonalSchedule stops personal schedule id until it is saved again.
func (s *Store) PausePersonalSchedule(ctx context.Context, id int64, reason string) error {
	op := fmt.Sprintf("pause personal schedule %d", id)
	if err := rules.CheckReason(reason); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	ps, ok := s.practice().personal[id]
	if !ok {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	ps.Paused, ps.PauseReason = true, reason
	return nil
}

// ClaimPersonalPost takes the question of (scheduleID, localDate) for owner
// until until, as ClaimDailyPost does for a channel's post.
func (s *Store) ClaimPersonalPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (handlers.DailyPost, bool, error) {
	op := fmt.Sprintf("claim personal daily question %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return handlers.DailyPost{}, false, err
	}
	defer s.mu.Unlock()
	p := s.practice()
	if _, ok := p.personal[scheduleID]; !ok {
		return handlers.DailyPost{}, false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	k := personalKey{scheduleID, localDate}
	row, ok := p.posts[k]
	if !ok {
		row = &dailyPost{p: handlers.DailyPost{ScheduleID: scheduleID, LocalDate: localDate, State: "claimed"}}
		p.posts[k] = row
	} else if row.p.State != "claimed" || row.expires.After(now) {
		return row.p, false, nil
	}
	row.p.ClaimedBy, row.expires = owner, micro(until)
	return row.p, true, nil
}

// ReleasePersonalPost gives up owner's claim, counting the attempt.
func (s *Store) ReleasePersonalPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error {
	op := fmt.Sprintf("release personal daily question %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	row, ok := s.practice().posts[personalKey{scheduleID, localDate}]
	if !ok || row.p.State != "claimed" || row.p.ClaimedBy != owner {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	row.p.ClaimedBy, row.expires = "", micro(retryAt)
	row.p.Attempts++
	return nil
}

// MarkPersonalPosted records that owner sent snd and logs it in the user's
// practice history, at once.
func (s *Store) MarkPersonalPosted(ctx context.Context, scheduleID int64, localDate, owner string, snd handlers.PracticeSend) error {
	op := fmt.Sprintf("mark personal daily question %d/%s sent", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckOwner(owner), rules.CheckPracticeSend(snd)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	row, ok := s.practice().posts[personalKey{scheduleID, localDate}]
	if !ok {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	s.recordSend(snd)
	switch {
	case row.p.State == "claimed" && row.p.ClaimedBy == owner:
		row.p.State, row.p.QuestionID, row.p.MessageTS = "posted", snd.QuestionID, snd.MessageTS
	case row.p.State == "posted" && row.p.MessageTS == snd.MessageTS:
		// Marked already: a retry.
	default:
		return fmt.Errorf("%s: %s no longer holds the claim: %w", op, owner, handlers.ErrConflict)
	}
	return nil
}

// SkipPersonalPost records that (scheduleID, localDate) is skipped unless
// the day has a row already.
func (s *Store) SkipPersonalPost(ctx context.Context, scheduleID int64, localDate, reason string, _ time.Time) (bool, error) {
	op := fmt.Sprintf("skip personal daily question %d/%s", scheduleID, localDate)
	if err := errors.Join(rules.CheckLocalDate(localDate), rules.CheckReason(reason)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	p := s.practice()
	if _, ok := p.personal[scheduleID]; !ok {
		return false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	k := personalKey{scheduleID, localDate}
	if _, ok := p.posts[k]; ok {
		return false, nil
	}
	p.posts[k] = &dailyPost{p: handlers.DailyPost{ScheduleID: scheduleID, LocalDate: localDate, State: "skipped"}}
	return true, nil
}

// ForgetUser erases the user's votes, ratings, self-checks, practice sends,
// personal schedule with its claims, and remembered role, and counts them.
func (s *Store) ForgetUser(ctx context.Context, teamID, userID string) (handlers.Forgotten, error) {
	if err := s.lock(ctx, "forget user"); err != nil {
		return handlers.Forgotten{}, err
	}
	defer s.mu.Unlock()
	var f handlers.Forgotten
	for k, byUser := range s.votes {
		if _, ok := byUser[userID]; ok && k.teamID == teamID {
			delete(byUser, userID)
			f.Votes++
		}
	}
	for k, r := range s.ratings {
		if k.teamID == teamID && k.userID == userID {
			delete(s.ratings, k)
			f.Ratings++
			if r.notes != "" {
				f.Notes++
			}
		}
	}
	p := s.practice()
	u := userKey{teamID, userID}
	f.SelfChecks = len(p.checks[u])
	delete(p.checks, u)
	for k := range p.sends {
		if k.userKey == u {
			delete(p.sends, k)
			f.Sends++
		}
	}
	for id, ps := range p.personal {
		if ps.TeamID == teamID && ps.UserID == userID {
			delete(p.personal, id)
			f.Schedules++
			for k := range p.posts {
				if k.scheduleID == id {
					delete(p.posts, k)
				}
			}
		}
	}
	if _, ok := p.roles[u]; ok {
		delete(p.roles, u)
		f.Role = true
	}
	return f, nil
}

// personalKey names one personal schedule's question for one local date.
type personalKey struct {
	scheduleID int64
	localDate  string
}
