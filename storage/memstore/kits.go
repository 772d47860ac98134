package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/storage/internal/rules"
)

// kit is a stored kit and its lease. A zero expires means no lease and no
// retry time (NULL in storage).
type kit struct {
	k         handlers.Kit // items in position order
	claimedBy string
	expires   time.Time
	// erased says retention erased the scorecards and the label.
	erased bool
}

// clone returns a copy of k that shares no memory with the store.
func clone(k handlers.Kit) handlers.Kit {
	k.Items = slices.Clone(k.Items)
	k.Panel = slices.Clone(k.Panel)
	return k
}

// CreateKit saves a new kit with its items, leased to owner until until, and
// returns it with its short id. Nothing of a new kit is posted yet, so
// k.ParentTS, k.Finished and the items' ReplyTS are ignored. A zero
// k.CreatedAt means now.
func (s *Store) CreateKit(ctx context.Context, k handlers.Kit, owner string, until time.Time) (handlers.Kit, error) {
	if err := rules.CheckKit(k, owner); err != nil {
		return handlers.Kit{}, fmt.Errorf("create kit: %w", err)
	}
	if err := s.lock(ctx, "create kit"); err != nil {
		return handlers.Kit{}, err
	}
	defer s.mu.Unlock()
	k.CreatedAt = stored(k.CreatedAt)
	k.ParentTS, k.Finished = "", false
	k.ClosedAt, k.Deleted, k.Attempts, k.Abandoned = time.Time{}, false, 0, false
	k.Panel = slices.Clone(k.Panel)
	k.InterviewAt = micro(k.InterviewAt)
	k.Items = slices.Clone(k.Items)
	for i := range k.Items {
		k.Items[i].ReplyTS = ""
	}
	for {
		k.ID = rules.NewKitID()
		if _, taken := s.kits[k.ID]; !taken {
			break
		}
	}
	saved := clone(k)
	slices.SortFunc(saved.Items, func(a, b handlers.KitItem) int { return cmp.Compare(a.Position, b.Position) })
	s.kits[k.ID] = &kit{k: saved, claimedBy: owner, expires: micro(until)}
	return k, nil
}

// ClaimKit leases the unfinished kit id to owner until until, unless another
// owner holds an unexpired lease as of now (or a released lease's retry time
// is still ahead). It returns the kit as saved; ok is false when the kit is
// finished or leased to someone else. Owner may renew its own lease.
func (s *Store) ClaimKit(ctx context.Context, id, owner string, now, until time.Time) (handlers.Kit, bool, error) {
	if err := rules.CheckOwner(owner); err != nil {
		return handlers.Kit{}, false, fmt.Errorf("claim kit: %w", err)
	}
	if err := s.lock(ctx, "claim kit"); err != nil {
		return handlers.Kit{}, false, err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[id]
	if !ok {
		return handlers.Kit{}, false, fmt.Errorf("claim kit %q: %w", id, handlers.ErrNotFound)
	}
	free := kt.expires.IsZero() || !kt.expires.After(now)
	if kt.k.Finished || !free {
		return clone(kt.k), false, nil
	}
	kt.claimedBy, kt.expires = owner, micro(until)
	return clone(kt.k), true, nil
}

// SetKitParent records the ts of kit id's parent message.
func (s *Store) SetKitParent(ctx context.Context, id, ts string) error {
	if err := rules.CheckMessageTS(ts); err != nil {
		return fmt.Errorf("set kit parent: %w", err)
	}
	if err := s.lock(ctx, "set kit parent"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[id]
	if !ok {
		return fmt.Errorf("set kit %q parent: %w", id, handlers.ErrNotFound)
	}
	kt.k.ParentTS = ts
	return nil
}

// SetKitReply records the ts of the reply for kit id's item at position.
func (s *Store) SetKitReply(ctx context.Context, id string, position int, ts string) error {
	if err := rules.CheckMessageTS(ts); err != nil {
		return fmt.Errorf("set kit reply: %w", err)
	}
	if err := s.lock(ctx, "set kit reply"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if kt, ok := s.kits[id]; ok {
		for i := range kt.k.Items {
			if kt.k.Items[i].Position == position {
				kt.k.Items[i].ReplyTS = ts
				return nil
			}
		}
	}
	return fmt.Errorf("set kit %q reply %d: %w", id, position, handlers.ErrNotFound)
}

// FinishKit marks kit id complete (finished true), whoever holds it, or
// releases owner's lease after a failed attempt so that any replica may
// retry from retryAt. Releasing a lease owner no longer holds (it expired
// and was taken over, or the kit is finished) changes nothing.
func (s *Store) FinishKit(ctx context.Context, id, owner string, finished bool, retryAt time.Time) error {
	if !finished {
		if err := rules.CheckOwner(owner); err != nil {
			return fmt.Errorf("finish kit %q: %w", id, err)
		}
	}
	if err := s.lock(ctx, "finish kit"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[id]
	switch {
	case !ok:
		return fmt.Errorf("finish kit %q: %w", id, handlers.ErrNotFound)
	case finished:
		kt.k.Finished, kt.claimedBy, kt.expires = true, "", time.Time{}
	case kt.claimedBy == owner && !kt.k.Finished:
		kt.claimedBy, kt.expires = "", micro(retryAt)
		kt.k.Attempts++
	}
	return nil
}

// AbandonKit stops posting kit id for good: it is no longer resumed and
// its lease is ended. Abandoning a finished or abandoned kit changes
// nothing.
func (s *Store) AbandonKit(ctx context.Context, id string, at time.Time) error {
	if err := s.lock(ctx, "abandon kit"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[id]
	if !ok {
		return fmt.Errorf("abandon kit %q: %w", id, handlers.ErrNotFound)
	}
	if !kt.k.Finished {
		kt.k.Abandoned, kt.claimedBy, kt.expires = true, "", time.Time{}
	}
	return nil
}

// Kit returns the team's kit id with its items, or handlers.ErrNotFound.
func (s *Store) Kit(ctx context.Context, teamID, id string) (handlers.Kit, error) {
	if err := s.lock(ctx, "kit"); err != nil {
		return handlers.Kit{}, err
	}
	defer s.mu.Unlock()
	kt, ok := s.kits[id]
	if !ok || kt.k.TeamID != teamID {
		return handlers.Kit{}, fmt.Errorf("kit %q: %w", id, handlers.ErrNotFound)
	}
	return clone(kt.k), nil
}

// ChannelKits returns the channel's most recent kits with their items,
// newest first, at most limit of them (all when limit ≤ 0).
func (s *Store) ChannelKits(ctx context.Context, teamID, channelID string, limit int) ([]handlers.Kit, error) {
	if err := s.lock(ctx, "channel kits"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]handlers.Kit, 0)
	for _, kt := range s.kits {
		if kt.k.TeamID == teamID && kt.k.ChannelID == channelID {
			out = append(out, clone(kt.k))
		}
	}
	slices.SortFunc(out, func(a, b handlers.Kit) int {
		return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), strings.Compare(b.ID, a.ID))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// UnfinishedKits returns the kits of every team created after since that
// are not finished and that nobody may be posting as of now (no unexpired
// lease, no retry time ahead), oldest first: the ones to resume.
func (s *Store) UnfinishedKits(ctx context.Context, since, now time.Time) ([]handlers.Kit, error) {
	if err := s.lock(ctx, "unfinished kits"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := make([]handlers.Kit, 0)
	for _, kt := range s.kits {
		if !kt.k.Finished && !kt.k.Abandoned && kt.k.CreatedAt.After(since) && (kt.expires.IsZero() || !kt.expires.After(now)) {
			out = append(out, clone(kt.k))
		}
	}
	slices.SortFunc(out, func(a, b handlers.Kit) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// ReleaseLeases ends every lease owner holds on kits and daily posts.
func (s *Store) ReleaseLeases(ctx context.Context, owner string, now time.Time) error {
	if err := rules.CheckOwner(owner); err != nil {
		return fmt.Errorf("release leases: %w", err)
	}
	if err := s.lock(ctx, "release leases"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	for _, kt := range s.kits {
		if kt.claimedBy == owner && !kt.k.Finished {
			kt.claimedBy, kt.expires = "", micro(now)
		}
	}
	for _, row := range s.dailyPosts {
		if row.p.ClaimedBy == owner && row.p.State == "claimed" {
			row.p.ClaimedBy, row.expires = "", micro(now)
		}
	}
	for _, row := range s.panels.reminders {
		if row.claimedBy == owner && !row.sent {
			row.claimedBy, row.expires = "", micro(now)
		}
	}
	return nil
}
