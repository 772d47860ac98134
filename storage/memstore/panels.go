package memstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// panelState holds what panel kits add: scorecards and reminder claims.
// Its maps are made on first use, so the zero value is ready.
type panelState struct {
	scorecards map[scorecardKey]handlers.Scorecard
	reminders  map[handlers.Reminder]*reminderRow
}

type scorecardKey struct {
	kitID, userID string
}

// reminderRow is the claim on one reminder. expires is the claim's lease,
// or after a release the time a retry may start.
type reminderRow struct {
	sent      bool
	ts        string
	claimedBy string
	expires   time.Time
}

func cloneScorecard(sc handlers.Scorecard) handlers.Scorecard {
	sc.Answers = slices.Clone(sc.Answers)
	return sc
}

// SaveScorecard stores sc, replacing the user's earlier scorecard for the
// kit and all its answers. It returns handlers.ErrNotFound when the team
// has no such kit and handlers.ErrKitClosed when the kit is closed or
// deleted. A zero sc.SubmittedAt means now.
func (s *Store) SaveScorecard(ctx context.Context, sc handlers.Scorecard) error {
	op := fmt.Sprintf("save scorecard of %s on kit %q", sc.UserID, sc.KitID)
	if err := rules.CheckScorecard(sc); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[sc.KitID]
	if !ok || kt.k.TeamID != sc.TeamID {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	if !kt.k.ClosedAt.IsZero() || kt.k.Deleted {
		return fmt.Errorf("%s: %w", op, handlers.ErrKitClosed)
	}
	sc = cloneScorecard(sc)
	sc.SubmittedAt = stored(sc.SubmittedAt)
	if len(sc.Answers) == 0 {
		sc.Answers = nil
	}
	slices.SortFunc(sc.Answers, func(a, b handlers.ScorecardAnswer) int { return strings.Compare(a.QuestionID, b.QuestionID) })
	if s.panels.scorecards == nil {
		s.panels.scorecards = make(map[scorecardKey]handlers.Scorecard)
	}
	s.panels.scorecards[scorecardKey{sc.KitID, sc.UserID}] = sc
	return nil
}

// Scorecards returns the scorecards submitted for the team's kit, oldest
// submission first, each with its answers in question id order. A kit
// without any, or no such kit, gives none.
func (s *Store) Scorecards(ctx context.Context, teamID, kitID string) ([]handlers.Scorecard, error) {
	if err := s.lock(ctx, "scorecards"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]handlers.Scorecard, 0)
	for k, sc := range s.panels.scorecards {
		if k.kitID == kitID && sc.TeamID == teamID {
			out = append(out, cloneScorecard(sc))
		}
	}
	slices.SortFunc(out, func(a, b handlers.Scorecard) int {
		return cmp.Or(a.SubmittedAt.Compare(b.SubmittedAt), strings.Compare(a.UserID, b.UserID))
	})
	return out, nil
}

// CloseKit locks the team's kit id's scorecards as of at. It returns the kit
// and whether this call closed it (false: it was closed already).
func (s *Store) CloseKit(ctx context.Context, teamID, id string, at time.Time) (handlers.Kit, bool, error) {
	if err := s.lock(ctx, "close kit"); err != nil {
		return handlers.Kit{}, false, err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[id]
	if !ok || kt.k.TeamID != teamID {
		return handlers.Kit{}, false, fmt.Errorf("close kit %q: %w", id, handlers.ErrNotFound)
	}
	if !kt.k.ClosedAt.IsZero() {
		return clone(kt.k), false, nil
	}
	kt.k.ClosedAt = stored(at)
	return clone(kt.k), true, nil
}

// DeleteKit erases the team's kit id's scorecards (notes included) and its
// candidate label, and marks it deleted (and closed). The kit and its
// questions stay. Deleting again changes nothing.
func (s *Store) DeleteKit(ctx context.Context, teamID, id string, at time.Time) (handlers.Kit, error) {
	if err := s.lock(ctx, "delete kit"); err != nil {
		return handlers.Kit{}, err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[id]
	if !ok || kt.k.TeamID != teamID {
		return handlers.Kit{}, fmt.Errorf("delete kit %q: %w", id, handlers.ErrNotFound)
	}
	kt.k.Candidate, kt.k.Deleted = "", true
	if kt.k.ClosedAt.IsZero() {
		kt.k.ClosedAt = stored(at)
	}
	s.eraseScorecards(id)
	return clone(kt.k), nil
}

// eraseScorecards removes kit id's scorecards. s.mu must be held.
func (s *Store) eraseScorecards(id string) {
	for k := range s.panels.scorecards {
		if k.kitID == id {
			delete(s.panels.scorecards, k)
		}
	}
}

// ReminderKits returns the kits of every team, oldest interview first,
// that have a panel, a posted parent and an interview time in (from, to],
// and are neither closed nor deleted: the ones whose panel may need a
// reminder.
func (s *Store) ReminderKits(ctx context.Context, from, to time.Time) ([]handlers.Kit, error) {
	if err := s.lock(ctx, "reminder kits"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]handlers.Kit, 0)
	for _, kt := range s.kits {
		k := kt.k
		if len(k.Panel) > 0 && k.ParentTS != "" && !k.InterviewAt.IsZero() &&
			k.InterviewAt.After(from) && !k.InterviewAt.After(to) &&
			k.ClosedAt.IsZero() && !k.Deleted && !kt.erased {
			out = append(out, clone(k))
		}
	}
	slices.SortFunc(out, func(a, b handlers.Kit) int {
		return cmp.Or(a.InterviewAt.Compare(b.InterviewAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// ClaimReminder takes reminder r for owner until until: it inserts the
// claim, or takes over a claim that was not sent and whose lease (or retry
// time) is not after now. ok is false when the reminder was sent or
// someone holds its lease (owner included). A missing kit is
// handlers.ErrNotFound.
func (s *Store) ClaimReminder(ctx context.Context, r handlers.Reminder, owner string, now, until time.Time) (bool, error) {
	op := fmt.Sprintf("claim reminder %d of %s on kit %q", r.N, r.UserID, r.KitID)
	if err := errors.Join(rules.CheckReminder(r), rules.CheckOwner(owner)); err != nil {
		return false, fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	if _, ok := s.kits[r.KitID]; !ok {
		return false, fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	if s.panels.reminders == nil {
		s.panels.reminders = make(map[handlers.Reminder]*reminderRow)
	}
	row, ok := s.panels.reminders[r]
	if !ok {
		row = &reminderRow{}
		s.panels.reminders[r] = row
	} else if row.sent || row.expires.After(now) {
		return false, nil
	}
	row.claimedBy, row.expires = owner, micro(until)
	return true, nil
}

// MarkReminderSent records that owner sent reminder r as message ts.
// Marking it again with the same ts is a no-op; when owner's claim was
// taken over meanwhile the error wraps handlers.ErrConflict, and when
// there is no claim, handlers.ErrNotFound.
func (s *Store) MarkReminderSent(ctx context.Context, r handlers.Reminder, owner, ts string, at time.Time) error {
	op := fmt.Sprintf("mark reminder %d of %s on kit %q sent", r.N, r.UserID, r.KitID)
	if err := errors.Join(rules.CheckReminder(r), rules.CheckOwner(owner), rules.CheckMessageTS(ts)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	row, ok := s.panels.reminders[r]
	switch {
	case !ok:
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	case !row.sent && row.claimedBy == owner:
		row.sent, row.ts, row.claimedBy, row.expires = true, ts, "", time.Time{}
	case row.sent && row.ts == ts:
		// Marked already: a retry.
	default:
		return fmt.Errorf("%s: %s no longer holds the claim: %w", op, owner, handlers.ErrConflict)
	}
	return nil
}

// ReleaseReminder gives up owner's claim on r after a failed send so that
// any replica may retry from retryAt. It returns handlers.ErrNotFound when
// owner holds no claim on r.
func (s *Store) ReleaseReminder(ctx context.Context, r handlers.Reminder, owner string, retryAt time.Time) error {
	op := fmt.Sprintf("release reminder %d of %s on kit %q", r.N, r.UserID, r.KitID)
	if err := errors.Join(rules.CheckReminder(r), rules.CheckOwner(owner)); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := s.lock(ctx, op); err != nil {
		return err
	}
	defer s.mu.Unlock()
	row, ok := s.panels.reminders[r]
	if !ok || row.sent || row.claimedBy != owner {
		return fmt.Errorf("%s: %w", op, handlers.ErrNotFound)
	}
	row.claimedBy, row.expires = "", micro(retryAt)
	return nil
}

// eraseBatch bounds one retention run, as storage does.
const eraseBatch = 500

// EraseExpired erases the scorecards (notes included) and candidate labels
// of kits closed before cutoff, or never closed and created before it, and
// marks them erased. It returns how many kits it erased, at most a batch;
// call it again while it returns a full batch.
func (s *Store) EraseExpired(ctx context.Context, cutoff, now time.Time) (int, error) {
	if err := s.lock(ctx, "erase expired scorecards"); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	var due []*kit
	for _, kt := range s.kits {
		since := kt.k.CreatedAt
		if !kt.k.ClosedAt.IsZero() {
			since = kt.k.ClosedAt
		}
		if !kt.erased && since.Before(cutoff) {
			due = append(due, kt)
		}
	}
	slices.SortFunc(due, func(a, b *kit) int { return strings.Compare(a.k.ID, b.k.ID) })
	if len(due) > eraseBatch {
		due = due[:eraseBatch]
	}
	for _, kt := range due {
		kt.erased, kt.k.Candidate = true, ""
		s.eraseScorecards(kt.k.ID)
	}
	return len(due), nil
}
