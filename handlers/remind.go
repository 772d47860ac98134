package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Scorecard reminders: one hour after the interview, then on each of the
// next two weekdays at 10:00 in the owner's zone.
const (
	reminderHour = 10
	// reminderWindow: a reminder not sent within a day of its time (no
	// replica ran) is dropped; the next one still comes.
	reminderWindow = 24 * time.Hour
	// reminderScan covers the latest third reminder (an interview late on
	// a Friday is reminded on the Tuesday) plus its window.
	reminderScan = 8 * 24 * time.Hour
	// reminderLease covers one send; a replica that dies holding a claim
	// delays that reminder by at most this long.
	reminderLease = 2 * time.Minute
	// reminderRetry spaces the attempts on a DM Slack refused.
	reminderRetry = 15 * time.Minute
	// eraseRounds bounds the retention batches one run erases.
	eraseRounds = 10
	// DefaultRetention is how long scorecards, notes and candidate labels
	// are kept after a kit is closed, or made if it never is.
	DefaultRetention = 365 * 24 * time.Hour
)

// reminderStore keeps the claims that send each reminder once across
// replicas and restarts, and erases what retention says is due.
type reminderStore interface {
	// ReminderKits returns open panel kits, all teams, whose interview is
	// in (from, to].
	ReminderKits(ctx context.Context, from, to time.Time) ([]Kit, error)
	Scorecards(ctx context.Context, teamID, kitID string) ([]Scorecard, error)
	// ClaimReminder takes a reminder for owner until until; ok is false
	// when it was sent or someone else holds it.
	ClaimReminder(ctx context.Context, r Reminder, owner string, now, until time.Time) (ok bool, err error)
	MarkReminderSent(ctx context.Context, r Reminder, owner, ts string, at time.Time) error
	// ReleaseReminder gives up a claim after a failed send, so that a
	// retry may start at retryAt.
	ReleaseReminder(ctx context.Context, r Reminder, owner string, retryAt time.Time) error
	// EraseExpired erases the scorecards and candidate labels of kits
	// closed (or, never closed, made) before cutoff; it returns how many
	// kits it erased, a batch at most.
	EraseExpired(ctx context.Context, cutoff, now time.Time) (int, error)
}

// reminderSlack is what reminders need from Slack: a DM with a link to
// the kit.
type reminderSlack interface {
	poster
	Permalink(ctx context.Context, channelID, ts string) (string, error)
}

// panelWork is the scheduler's share of panels: reminders, and erasing
// scorecards whose retention is over.
type panelWork struct {
	catalog
	store reminderStore
	slack reminderSlack
	log   *slog.Logger
	// owner names this process in the claims on reminders.
	owner     string
	retention time.Duration
}

// reminderTimes are when k's three reminders are due.
func reminderTimes(k Kit) [3]time.Time {
	loc, err := time.LoadLocation(k.Zone)
	if err != nil || k.Zone == "" {
		loc = time.UTC
	}
	next := func(t time.Time) time.Time {
		d := time.Date(t.Year(), t.Month(), t.Day()+1, reminderHour, 0, 0, 0, loc)
		for d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			d = time.Date(d.Year(), d.Month(), d.Day()+1, reminderHour, 0, 0, 0, loc)
		}
		return d
	}
	second := next(k.InterviewAt.In(loc))
	return [3]time.Time{k.InterviewAt.Add(time.Hour), second, next(second)}
}

// dueReminder is the reminder of k due at now: the latest whose time has
// come, unless its window has passed. Earlier ones that never went out
// (no replica ran) are not sent late, so nobody gets two at once.
func dueReminder(k Kit, now time.Time) (n int, ok bool) {
	times := reminderTimes(k)
	for i := len(times) - 1; i >= 0; i-- {
		if !times[i].After(now) {
			return i + 1, now.Sub(times[i]) < reminderWindow
		}
	}
	return 0, false
}

// run sends the reminders due at now and erases expired scorecards.
func (w *panelWork) run(ctx context.Context, now time.Time) error {
	return errors.Join(w.remind(ctx, now), w.erase(ctx, now))
}

// remind sends each panel member without a scorecard the reminder due at
// now, once: the claim in the store decides which replica sends it.
func (w *panelWork) remind(ctx context.Context, now time.Time) error {
	kits, err := w.store.ReminderKits(ctx, now.Add(-reminderScan), now.Add(-time.Hour))
	if err != nil {
		return fmt.Errorf("reminder kits: %w", err)
	}
	var errs []error
	for _, k := range kits {
		if ctx.Err() != nil {
			break // out of time: the next run goes on
		}
		n, ok := dueReminder(k, now)
		if !ok {
			continue
		}
		cards, err := w.store.Scorecards(ctx, k.TeamID, k.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("reminders of kit %s: %w", k.ID, err))
			continue
		}
		in := map[string]bool{}
		for _, sc := range cards {
			in[sc.UserID] = true
		}
		link := ""
		for _, user := range k.Panel {
			if in[user] {
				continue
			}
			if link == "" {
				if link, err = w.slack.Permalink(ctx, k.ChannelID, k.ParentTS); err != nil {
					w.log.WarnContext(ctx, "reminder: kit permalink", "kit", k.ID, "err", err)
				}
			}
			if err := w.send(ctx, k, Reminder{KitID: k.ID, UserID: user, N: n}, link, now); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// send claims reminder r and, if this process won it, sends it.
func (w *panelWork) send(ctx context.Context, k Kit, r Reminder, link string, now time.Time) error {
	ok, err := w.store.ClaimReminder(ctx, r, w.owner, now, now.Add(reminderLease))
	if err != nil || !ok {
		return err
	}
	m := renderReminder(w.roleTitle(k.Role), k, r.N, link)
	m.Channel = r.UserID // a DM from the app
	ts, err := w.slack.PostMessage(ctx, m)
	if err != nil {
		if rerr := w.store.ReleaseReminder(context.WithoutCancel(ctx), r, w.owner, now.Add(reminderRetry)); rerr != nil {
			w.log.WarnContext(ctx, "release reminder claim", "kit", k.ID, "user", r.UserID, "n", r.N, "err", rerr)
		}
		return fmt.Errorf("send reminder %d to %s for kit %s: %w", r.N, r.UserID, k.ID, err)
	}
	save := func(ctx context.Context) error { return w.store.MarkReminderSent(ctx, r, w.owner, ts, now) }
	if err := retrySave(ctx, reminderLease, save); err != nil {
		// The DM is out; the claim keeps others off it until it expires.
		return fmt.Errorf("record reminder %d to %s for kit %s: %w", r.N, r.UserID, k.ID, err)
	}
	w.log.InfoContext(ctx, "scorecard reminder sent", "kit", k.ID, "user", r.UserID, "n", r.N)
	return nil
}

// erase erases the scorecards, notes and candidate labels whose retention
// is over, a bounded number of batches per run.
func (w *panelWork) erase(ctx context.Context, now time.Time) error {
	total := 0
	for range eraseRounds {
		n, err := w.store.EraseExpired(ctx, now.Add(-w.retention), now)
		if err != nil {
			return fmt.Errorf("erase expired scorecards: %w", err)
		}
		total += n
		if n == 0 {
			break
		}
	}
	if total > 0 {
		w.log.InfoContext(ctx, "retention: erased the scorecards and candidate labels of old kits", "kits", total, "retention", w.retention)
	}
	return nil
}
