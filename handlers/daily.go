package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// dailyLease covers one post attempt, 429 waits included; a replica that
// dies holding a claim blocks the post for at most this long.
const (
	dailyLease      = 5 * time.Minute
	dailyRetryDelay = time.Minute
)

// settledDays remembers, per schedule, the last local date whose post is
// done (posted or skipped) as far as this process knows, so that a tick does
// not ask the database about it again. It is only a cache: the claim in
// Postgres decides.
type settledDays struct {
	mu   sync.Mutex
	days map[int64]string
}

func (s *settledDays) is(id int64, date string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.days[id] == date
}

func (s *settledDays) set(id int64, date string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.days == nil {
		s.days = map[int64]string{}
	}
	s.days[id] = date
}

// dailyStore keeps the channels' schedules, the claim on each day's post
// and the channel's post history.
type dailyStore interface {
	// RecordPost logs a post made outside a claim (`daily now`).
	RecordPost(ctx context.Context, p Post) error
	// SaveSchedule creates the channel's schedule for (role, category) or
	// replaces it (and un-pauses it), returning it with its id.
	SaveSchedule(ctx context.Context, s Schedule) (Schedule, error)
	ChannelSchedules(ctx context.Context, teamID, channelID string) ([]Schedule, error)
	// DeleteChannelSchedules removes the channel's schedules and says how many.
	DeleteChannelSchedules(ctx context.Context, teamID, channelID string) (int, error)
	// ActiveSchedules returns every schedule that is not paused, all teams.
	ActiveSchedules(ctx context.Context) ([]Schedule, error)
	PauseSchedule(ctx context.Context, id int64, reason string) error
	// ClaimDailyPost takes the post of (schedule, localDate) for owner until
	// until: it inserts a claim, or takes over a claim that is not posted
	// and whose lease expired before now. ok is false when another owner
	// holds it, or it was posted or skipped; post says which.
	ClaimDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (post DailyPost, ok bool, err error)
	// ReleaseDailyPost gives up owner's claim after a failed attempt so
	// that any replica may retry from retryAt; it counts the attempt.
	ReleaseDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error
	// MarkDailyPosted records the post (state posted, its ts and question)
	// and logs it in the channel's post history, in one transaction.
	MarkDailyPosted(ctx context.Context, scheduleID int64, localDate, owner string, p Post) error
	// SkipDailyPost records that the day is skipped unless a row exists;
	// inserted says whether this call recorded it.
	SkipDailyPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time) (inserted bool, err error)
	// DailyHistory returns the question ids posted by daily schedules in
	// the channel, oldest first.
	DailyHistory(ctx context.Context, teamID, channelID string) ([]string, error)
}

// dailySlack is what daily questions need from Slack: posting (in the
// channel, and to a schedule's creator when it pauses) and the creating
// user's time zone.
type dailySlack interface {
	poster
	userLookup
}

// daily schedules a question a day in a channel and posts it, once per
// schedule and local date across replicas.
type daily struct {
	catalog
	store dailyStore
	slack dailySlack
	now   func() time.Time
	log   *slog.Logger
	// owner names this process in the claims on daily posts.
	owner   string
	settled settledDays
}

// describe says when a schedule runs, for people.
func (d *daily) describe(sc Schedule) string {
	what := sc.Role
	if r, ok := d.roleNow(sc.TeamID, sc.Role); ok {
		what = r.Title
		if cat, ok := r.Category(sc.Category); ok {
			what += " — " + cat.Title
		}
	}
	return fmt.Sprintf("*%s* at %02d:%02d %s %s", Escape(what), sc.Hour, sc.Minute, sc.Zone, sc.Days.Describe())
}

func (d *daily) nextRunText(sc Schedule) string {
	next, err := sc.NextRun(d.now())
	if err != nil {
		return "unknown"
	}
	return next.Format("Mon 2 Jan 15:04 MST")
}

func (d *daily) create(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	sc := Schedule{
		TeamID: s.TeamID, ChannelID: s.ChannelID, Role: cmd.Role.Slug,
		Hour: 9, Zone: cmd.Daily.Zone, Days: cmp.Or(cmd.Daily.Days, Weekdays),
		CreatedBy: s.UserID, CreatedAt: d.now(),
	}
	if cmd.Category != nil {
		sc.Category = cmd.Category.Slug
	}
	if cmd.Daily.HasTime {
		sc.Hour, sc.Minute = cmd.Daily.Hour, cmd.Daily.Minute
	}
	note := ""
	if sc.Zone == "" {
		sc.Zone, note = d.userZone(ctx, s.UserID)
	}
	saved, err := d.store.SaveSchedule(ctx, sc)
	if err != nil {
		return failure("The daily question was NOT scheduled: " + notSaved), fmt.Errorf("save schedule: %w", err)
	}
	m := textMessage(fmt.Sprintf("📅 <@%s> scheduled a daily question here: %s. Next one: *%s*.%s\nInvite me with `/invite @interviewbot` if I'm not in this channel yet. `/interview daily off` stops it.",
		s.UserID, d.describe(saved), d.nextRunText(saved), note))
	m.InChannel = true
	return reply(m), nil
}

// userZone is the user's Slack time zone, or UTC with a note saying why.
func (d *daily) userZone(ctx context.Context, userID string) (zone, note string) {
	u, err := d.slack.User(ctx, userID)
	if err != nil {
		d.log.WarnContext(ctx, "look up user time zone", "user", userID, "err", err)
		return "UTC", " (I couldn't read your time zone, so it's UTC; add `tz Area/City` to change it.)"
	}
	if u.TZ == "" {
		return "UTC", " (Your profile has no time zone, so it's UTC; add `tz Area/City` to change it.)"
	}
	if _, err := time.LoadLocation(u.TZ); err != nil {
		return "UTC", fmt.Sprintf(" (I don't know your time zone %q, so it's UTC; add `tz Area/City` to change it.)", u.TZ)
	}
	return u.TZ, ""
}

func (d *daily) status(ctx context.Context, s Slash) (Reply, error) {
	scs, err := d.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("I can't read this channel's schedule right now: " + notSaved), fmt.Errorf("daily status: %w", err)
	}
	if len(scs) == 0 {
		return reply(textMessage("No daily question is scheduled here. Start one with `/interview daily senior-backend technical at 09:30`.")), nil
	}
	lines := make([]string, 0, len(scs))
	for _, sc := range scs {
		line := fmt.Sprintf("• %s, set by <@%s>. ", d.describe(sc), sc.CreatedBy)
		if sc.Paused {
			line += "⏸ *Paused*: " + Escape(sc.PauseReason) + " Run the `daily` command again to resume."
		} else {
			line += "Next: *" + d.nextRunText(sc) + "*."
		}
		lines = append(lines, line)
	}
	return reply(textMessage("*Daily questions in this channel*\n" + strings.Join(lines, "\n"))), nil
}

func (d *daily) off(ctx context.Context, s Slash) (Reply, error) {
	n, err := d.store.DeleteChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("The schedule was NOT removed: " + notSaved), fmt.Errorf("daily off: %w", err)
	}
	if n == 0 {
		return reply(textMessage("No daily question was scheduled here; nothing to stop.")), nil
	}
	m := textMessage(fmt.Sprintf("<@%s> stopped the daily question in this channel (%d schedule%s).", s.UserID, n, map[bool]string{true: "s", false: ""}[n > 1]))
	m.InChannel = true
	return reply(m), nil
}

func (d *daily) postNow(ctx context.Context, s Slash) (Reply, error) {
	scs, err := d.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("Nothing was posted: " + notSaved), fmt.Errorf("daily now: %w", err)
	}
	if len(scs) == 0 {
		return reply(textMessage("No daily question is scheduled here. Start one with `/interview daily senior-backend technical`.")), nil
	}
	sc := scs[0]
	q, err := d.nextDailyQuestion(ctx, sc, "now-"+d.now().Format(time.RFC3339))
	if err != nil {
		return failure("Nothing was posted: " + notSaved), err
	}
	ts, err := d.slack.PostMessage(ctx, d.renderDaily(sc, q))
	if err != nil {
		return failure("I couldn't post the question. " + postFailureHint(err)), fmt.Errorf("daily now: post: %w", err)
	}
	err = d.store.RecordPost(ctx, Post{TeamID: sc.TeamID, ChannelID: sc.ChannelID, QuestionID: string(q.ID), MessageTS: ts, Source: "daily", At: d.now()})
	if err != nil {
		return Reply{}, fmt.Errorf("daily now: record: %w", err)
	}
	return Reply{}, nil
}

// nextDailyQuestion picks the schedule's next question from its pool, team
// questions included.
func (d *daily) nextDailyQuestion(ctx context.Context, sc Schedule, seed string) (questions.Question, error) {
	r, ok, err := d.role(ctx, sc.TeamID, sc.Role)
	if err != nil {
		return questions.Question{}, fmt.Errorf("daily pool: %w", err)
	}
	if !ok {
		return questions.Question{}, fmt.Errorf("schedule %d: role %q is not in the bank", sc.ID, sc.Role)
	}
	var cat *questions.Category
	if sc.Category != "" {
		if cat, ok = r.Category(sc.Category); !ok {
			return questions.Question{}, fmt.Errorf("schedule %d: category %q is not in the bank", sc.ID, sc.Category)
		}
	}
	pool, err := d.rolePool(ctx, sc.TeamID, r, cat)
	if err != nil {
		return questions.Question{}, fmt.Errorf("daily pool: %w", err)
	}
	history, err := d.store.DailyHistory(ctx, sc.TeamID, sc.ChannelID)
	if err != nil {
		return questions.Question{}, fmt.Errorf("daily history: %w", err)
	}
	if len(pool) == 0 {
		// A team category whose questions were all removed.
		return questions.Question{}, fmt.Errorf("schedule %d: no questions in %s %s", sc.ID, sc.Role, sc.Category)
	}
	return nextInRotation(pool, history, fmt.Sprintf("%d/%s", sc.ID, seed)), nil
}

func (d *daily) renderDaily(sc Schedule, q questions.Question) Message {
	r, ok := d.roleNow(sc.TeamID, sc.Role)
	if !ok {
		r = &questions.Role{Slug: sc.Role, Title: sc.Role}
	}
	m := renderQuestionPost("Daily question", r, q, categoryTitleIn(r, q), true)
	m.Channel = sc.ChannelID
	m.Blocks = append(m.Blocks, contextBlock("Reply in the thread with how you would answer. 📖 Guidance shows what a strong answer covers, only to you."))
	return m
}

// due returns the active schedules whose latest slot this process has not
// seen settled.
func (d *daily) due(ctx context.Context, now time.Time) ([]Schedule, error) {
	all, err := d.store.ActiveSchedules(ctx)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	due := all[:0]
	for _, sc := range all {
		if _, date, ok, err := sc.latestSlot(now); err == nil && ok && !d.settled.is(sc.ID, date) {
			due = append(due, sc)
		}
	}
	return due, nil
}

// DailyResult says what Commands.RunSchedule did, for metrics.
type DailyResult string

const (
	DailyPosted  DailyResult = "posted"
	DailySkipped DailyResult = "skipped"
	DailyFailed  DailyResult = "failed"
	DailyNone    DailyResult = "none" // nothing to do, or another replica has it
)

// run makes sc's post for its latest slot if it is due and nobody made
// it; the claim row in Postgres keeps it to one post across replicas.
func (d *daily) run(ctx context.Context, sc Schedule, now time.Time) (DailyResult, error) {
	slot, date, ok, err := sc.latestSlot(now)
	if err != nil || !ok || d.settled.is(sc.ID, date) {
		return DailyNone, err
	}
	log := d.log.With("schedule_id", sc.ID, "team", sc.TeamID, "channel", sc.ChannelID, "date", date)
	if late := now.Sub(slot); late >= catchUpWindow {
		inserted, err := d.store.SkipDailyPost(ctx, sc.ID, date, fmt.Sprintf("%s late", late.Round(time.Minute)), now)
		if err != nil {
			return DailyFailed, fmt.Errorf("skip daily post: %w", err)
		}
		d.settled.set(sc.ID, date)
		if inserted {
			log.WarnContext(ctx, "daily post skipped: no replica ran within 2 hours of its time", "slot", slot, "late", late.Round(time.Second))
			return DailySkipped, nil
		}
		return DailyNone, nil
	}
	post, ok, err := d.store.ClaimDailyPost(ctx, sc.ID, date, d.owner, now, now.Add(dailyLease))
	if err != nil {
		return DailyFailed, fmt.Errorf("claim daily post: %w", err)
	}
	if !ok {
		if post.State == "posted" || post.State == "skipped" {
			d.settled.set(sc.ID, date)
		}
		return DailyNone, nil
	}
	q, err := d.nextDailyQuestion(ctx, sc, date)
	if err != nil {
		d.releaseDaily(ctx, sc, date, now.Add(dailyRetryDelay))
		return DailyFailed, err
	}
	ts, err := d.slack.PostMessage(ctx, d.renderDaily(sc, q))
	if errors.Is(err, ErrChannelUnavailable) {
		return DailyFailed, d.pauseSchedule(ctx, sc, date, slot, err)
	}
	if err != nil {
		d.releaseDaily(ctx, sc, date, now.Add(dailyRetryDelay))
		return DailyFailed, fmt.Errorf("post daily question: %w", err)
	}
	p := Post{TeamID: sc.TeamID, ChannelID: sc.ChannelID, QuestionID: string(q.ID), MessageTS: ts, Source: "daily", At: now}
	if err := d.store.MarkDailyPosted(context.WithoutCancel(ctx), sc.ID, date, d.owner, p); err != nil {
		// The post is out and the claim keeps others off it until it
		// expires; by then the lease holder normally has recorded it.
		return DailyPosted, fmt.Errorf("record daily post %s: %w", ts, err)
	}
	d.settled.set(sc.ID, date)
	log.InfoContext(ctx, "daily question posted", "question", q.ID, "ts", ts)
	return DailyPosted, nil
}

func (d *daily) releaseDaily(ctx context.Context, sc Schedule, date string, retryAt time.Time) {
	if err := d.store.ReleaseDailyPost(context.WithoutCancel(ctx), sc.ID, date, d.owner, retryAt); err != nil {
		d.log.WarnContext(ctx, "release daily claim", "schedule_id", sc.ID, "err", err)
	}
}

// pauseSchedule stops a schedule whose channel refuses posts for good, and
// tells its creator in a direct message: retrying would fail every day.
func (d *daily) pauseSchedule(ctx context.Context, sc Schedule, date string, slot time.Time, cause error) error {
	ctx = context.WithoutCancel(ctx)
	reason := "I can't post in the channel (I'm not a member, or it was archived or deleted)."
	if err := d.store.PauseSchedule(ctx, sc.ID, reason); err != nil {
		return fmt.Errorf("pause schedule after %v: %w", cause, err)
	}
	// The day's claim is left to expire after the 2-hour window, so it
	// is not retried while the schedule is paused.
	d.releaseDaily(ctx, sc, date, slot.Add(catchUpWindow))
	d.settled.set(sc.ID, date)
	dm := textMessage(fmt.Sprintf("⏸ I paused the daily question in <#%s> (%s): %s Invite me with `/invite @interviewbot` in that channel, then run `/interview daily …` there again to resume.",
		sc.ChannelID, d.describe(sc), reason))
	dm.Channel = sc.CreatedBy
	if _, err := d.slack.PostMessage(ctx, *dm); err != nil {
		d.log.WarnContext(ctx, "tell schedule creator about the pause", "schedule_id", sc.ID, "user", sc.CreatedBy, "err", err)
	}
	d.log.WarnContext(ctx, "daily schedule paused", "schedule_id", sc.ID, "channel", sc.ChannelID, "err", cause)
	return nil
}
