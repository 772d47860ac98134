package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
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

func (c *Commands) dailyCommand(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	switch cmd.Kind {
	case KindDailyStatus:
		return c.dailyStatus(ctx, s)
	case KindDailyOff:
		return c.dailyOff(ctx, s)
	case KindDailyNow:
		return c.dailyNow(ctx, s)
	}
	return c.dailyCreate(ctx, s, cmd)
}

// describe says when a schedule runs, for people.
func (c *Commands) describe(sc Schedule) string {
	what := sc.Role
	if r, ok := c.bank.Role(sc.Role); ok {
		what = r.Title
		if cat, ok := r.Category(sc.Category); ok {
			what += " — " + cat.Title
		}
	}
	days := "on weekdays"
	if sc.Days == Everyday {
		days = "every day"
	}
	return fmt.Sprintf("*%s* at %02d:%02d %s %s", Escape(what), sc.Hour, sc.Minute, sc.Zone, days)
}

func (c *Commands) nextRunText(sc Schedule) string {
	next, err := sc.NextRun(c.now())
	if err != nil {
		return "unknown"
	}
	return next.Format("Mon 2 Jan 15:04 MST")
}

func (c *Commands) dailyCreate(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	sc := Schedule{
		TeamID: s.TeamID, ChannelID: s.ChannelID, Role: cmd.Role.Slug,
		Hour: 9, Zone: cmd.Daily.Zone, Days: cmp.Or(cmd.Daily.Days, Weekdays),
		CreatedBy: s.UserID, CreatedAt: c.now(),
	}
	if cmd.Category != nil {
		sc.Category = cmd.Category.Slug
	}
	if cmd.Daily.HasTime {
		sc.Hour, sc.Minute = cmd.Daily.Hour, cmd.Daily.Minute
	}
	note := ""
	if sc.Zone == "" {
		sc.Zone, note = c.userZone(ctx, s.UserID)
	}
	saved, err := c.store.SaveSchedule(ctx, sc)
	if err != nil {
		return failure("The daily question was NOT scheduled: " + notSaved), fmt.Errorf("save schedule: %w", err)
	}
	m := textMessage(fmt.Sprintf("📅 <@%s> scheduled a daily question here: %s. Next one: *%s*.%s\nInvite me with `/invite @interviewbot` if I'm not in this channel yet. `/interview daily off` stops it.",
		s.UserID, c.describe(saved), c.nextRunText(saved), note))
	m.InChannel = true
	return reply(m), nil
}

// userZone is the user's Slack time zone, or UTC with a note saying why.
func (c *Commands) userZone(ctx context.Context, userID string) (zone, note string) {
	u, err := c.slack.User(ctx, userID)
	if err != nil {
		c.log.WarnContext(ctx, "look up user time zone", "user", userID, "err", err)
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

func (c *Commands) dailyStatus(ctx context.Context, s Slash) (Reply, error) {
	scs, err := c.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("I can't read this channel's schedule right now: " + notSaved), fmt.Errorf("daily status: %w", err)
	}
	if len(scs) == 0 {
		return reply(textMessage("No daily question is scheduled here. Start one with `/interview daily senior-backend technical at 09:30`.")), nil
	}
	lines := make([]string, 0, len(scs))
	for _, sc := range scs {
		line := fmt.Sprintf("• %s, set by <@%s>. ", c.describe(sc), sc.CreatedBy)
		if sc.Paused {
			line += "⏸ *Paused*: " + Escape(sc.PauseReason) + " Run the `daily` command again to resume."
		} else {
			line += "Next: *" + c.nextRunText(sc) + "*."
		}
		lines = append(lines, line)
	}
	return reply(textMessage("*Daily questions in this channel*\n" + strings.Join(lines, "\n"))), nil
}

func (c *Commands) dailyOff(ctx context.Context, s Slash) (Reply, error) {
	n, err := c.store.DeleteChannelSchedules(ctx, s.TeamID, s.ChannelID)
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

func (c *Commands) dailyNow(ctx context.Context, s Slash) (Reply, error) {
	scs, err := c.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("Nothing was posted: " + notSaved), fmt.Errorf("daily now: %w", err)
	}
	if len(scs) == 0 {
		return reply(textMessage("No daily question is scheduled here. Start one with `/interview daily senior-backend technical`.")), nil
	}
	sc := scs[0]
	q, err := c.nextDailyQuestion(ctx, sc, "now-"+c.now().Format(time.RFC3339))
	if err != nil {
		return failure("Nothing was posted: " + notSaved), err
	}
	ts, err := c.slack.PostMessage(ctx, c.renderDaily(sc, q))
	if err != nil {
		return failure("I couldn't post the question. " + postFailureHint(err)), fmt.Errorf("daily now: post: %w", err)
	}
	err = c.store.RecordPost(ctx, Post{TeamID: sc.TeamID, ChannelID: sc.ChannelID, QuestionID: string(q.ID), MessageTS: ts, Source: "daily", At: c.now()})
	if err != nil {
		return Reply{}, fmt.Errorf("daily now: record: %w", err)
	}
	return Reply{}, nil
}

// nextDailyQuestion picks the schedule's next question from its pool, team
// questions included.
func (c *Commands) nextDailyQuestion(ctx context.Context, sc Schedule, seed string) (questions.Question, error) {
	r, ok := c.bank.Role(sc.Role)
	if !ok {
		return questions.Question{}, fmt.Errorf("schedule %d: role %q is not in the bank", sc.ID, sc.Role)
	}
	var cat *questions.Category
	if sc.Category != "" {
		if cat, ok = r.Category(sc.Category); !ok {
			return questions.Question{}, fmt.Errorf("schedule %d: category %q is not in the bank", sc.ID, sc.Category)
		}
	}
	pool, err := c.rolePool(ctx, sc.TeamID, r, cat)
	if err != nil {
		return questions.Question{}, fmt.Errorf("daily pool: %w", err)
	}
	history, err := c.store.DailyHistory(ctx, sc.TeamID, sc.ChannelID)
	if err != nil {
		return questions.Question{}, fmt.Errorf("daily history: %w", err)
	}
	return nextInRotation(pool, history, fmt.Sprintf("%d/%s", sc.ID, seed)), nil
}

func (c *Commands) renderDaily(sc Schedule, q questions.Question) Message {
	r, _ := c.bank.Role(sc.Role)
	m := renderQuestionPost("Daily question", r, q, c.categoryTitle(q), true)
	m.Channel = sc.ChannelID
	m.Blocks = append(m.Blocks, contextBlock("Reply in the thread with how you would answer. 📖 Guidance shows what a strong answer covers, only to you."))
	return m
}

// DueSchedules returns the schedules that may have a post to make at now:
// every active one whose latest slot this process has not seen settled.
func (c *Commands) DueSchedules(ctx context.Context, now time.Time) ([]Schedule, error) {
	all, err := c.store.ActiveSchedules(ctx)
	if err != nil {
		return nil, fmt.Errorf("list schedules: %w", err)
	}
	due := all[:0]
	for _, sc := range all {
		if _, date, ok, err := sc.latestSlot(now); err == nil && ok && !c.settled.is(sc.ID, date) {
			due = append(due, sc)
		}
	}
	return due, nil
}

// DailyResult says what RunSchedule did, for metrics.
type DailyResult string

const (
	DailyPosted  DailyResult = "posted"
	DailySkipped DailyResult = "skipped"
	DailyFailed  DailyResult = "failed"
	DailyNone    DailyResult = "none" // nothing to do, or another replica has it
)

// RunSchedule makes sc's post for its latest slot if it is due and nobody
// made it: at most one post per schedule and local date across replicas,
// held by the claim row in Postgres.
func (c *Commands) RunSchedule(ctx context.Context, sc Schedule, now time.Time) (DailyResult, error) {
	slot, date, ok, err := sc.latestSlot(now)
	if err != nil || !ok || c.settled.is(sc.ID, date) {
		return DailyNone, err
	}
	log := c.log.With("schedule_id", sc.ID, "team", sc.TeamID, "channel", sc.ChannelID, "date", date)
	if late := now.Sub(slot); late >= catchUpWindow {
		inserted, err := c.store.SkipDailyPost(ctx, sc.ID, date, fmt.Sprintf("%s late", late.Round(time.Minute)), now)
		if err != nil {
			return DailyFailed, fmt.Errorf("skip daily post: %w", err)
		}
		c.settled.set(sc.ID, date)
		if inserted {
			log.WarnContext(ctx, "daily post skipped: no replica ran within 2 hours of its time", "slot", slot, "late", late.Round(time.Second))
			return DailySkipped, nil
		}
		return DailyNone, nil
	}
	post, ok, err := c.store.ClaimDailyPost(ctx, sc.ID, date, c.owner, now, now.Add(dailyLease))
	if err != nil {
		return DailyFailed, fmt.Errorf("claim daily post: %w", err)
	}
	if !ok {
		if post.State == "posted" || post.State == "skipped" {
			c.settled.set(sc.ID, date)
		}
		return DailyNone, nil
	}
	q, err := c.nextDailyQuestion(ctx, sc, date)
	if err != nil {
		c.releaseDaily(ctx, sc, date, now.Add(dailyRetryDelay))
		return DailyFailed, err
	}
	ts, err := c.slack.PostMessage(ctx, c.renderDaily(sc, q))
	if errors.Is(err, ErrChannelUnavailable) {
		return DailyFailed, c.pauseSchedule(ctx, sc, date, slot, err)
	}
	if err != nil {
		c.releaseDaily(ctx, sc, date, now.Add(dailyRetryDelay))
		return DailyFailed, fmt.Errorf("post daily question: %w", err)
	}
	p := Post{TeamID: sc.TeamID, ChannelID: sc.ChannelID, QuestionID: string(q.ID), MessageTS: ts, Source: "daily", At: now}
	if err := c.store.MarkDailyPosted(context.WithoutCancel(ctx), sc.ID, date, c.owner, p); err != nil {
		// The post is out and the claim keeps others off it until it
		// expires; by then the lease holder normally has recorded it.
		return DailyPosted, fmt.Errorf("record daily post %s: %w", ts, err)
	}
	c.settled.set(sc.ID, date)
	log.InfoContext(ctx, "daily question posted", "question", q.ID, "ts", ts)
	return DailyPosted, nil
}

func (c *Commands) releaseDaily(ctx context.Context, sc Schedule, date string, retryAt time.Time) {
	if err := c.store.ReleaseDailyPost(context.WithoutCancel(ctx), sc.ID, date, c.owner, retryAt); err != nil {
		c.log.WarnContext(ctx, "release daily claim", "schedule_id", sc.ID, "err", err)
	}
}

// pauseSchedule stops a schedule whose channel refuses posts for good, and
// tells its creator in a direct message: retrying would fail every day.
func (c *Commands) pauseSchedule(ctx context.Context, sc Schedule, date string, slot time.Time, cause error) error {
	ctx = context.WithoutCancel(ctx)
	reason := "I can't post in the channel (I'm not a member, or it was archived or deleted)."
	if err := c.store.PauseSchedule(ctx, sc.ID, reason); err != nil {
		return fmt.Errorf("pause schedule after %v: %w", cause, err)
	}
	// The day's claim is left to expire after the 2-hour window, so it
	// is not retried while the schedule is paused.
	c.releaseDaily(ctx, sc, date, slot.Add(catchUpWindow))
	c.settled.set(sc.ID, date)
	dm := textMessage(fmt.Sprintf("⏸ I paused the daily question in <#%s> (%s): %s Invite me with `/invite @interviewbot` in that channel, then run `/interview daily …` there again to resume.",
		sc.ChannelID, c.describe(sc), reason))
	dm.Channel = sc.CreatedBy
	if _, err := c.slack.PostMessage(ctx, *dm); err != nil {
		c.log.WarnContext(ctx, "tell schedule creator about the pause", "schedule_id", sc.ID, "user", sc.CreatedBy, "err", err)
	}
	c.log.WarnContext(ctx, "daily schedule paused", "schedule_id", sc.ID, "channel", sc.ChannelID, "err", cause)
	return nil
}
