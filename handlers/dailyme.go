package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// PersonalSchedule is a user's `daily me`: one practice question a day in
// their DM, at a time of their own zone. A user has at most one; a second
// `daily me` replaces it.
type PersonalSchedule struct {
	ID          int64
	TeamID      string
	UserID      string
	Role        string
	Category    string // "" for all the role's categories
	Difficulty  int    // 0 any, 1 easy, 2 medium, 3 hard
	Hour        int
	Minute      int
	Zone        string // IANA name
	Days        Days
	CreatedAt   time.Time
	Paused      bool
	PauseReason string
}

// schedule is ps as a channel schedule, whose run times are computed the
// same way.
func (ps PersonalSchedule) schedule() Schedule {
	return Schedule{
		ID: ps.ID, TeamID: ps.TeamID, Role: ps.Role, Category: ps.Category,
		Hour: ps.Hour, Minute: ps.Minute, Zone: ps.Zone, Days: ps.Days,
		CreatedBy: ps.UserID, CreatedAt: ps.CreatedAt,
	}
}

// personalDailyStore keeps personal schedules and the claim on each day's
// question, the same way as the channels' daily posts.
type personalDailyStore interface {
	// SavePersonalSchedule creates the user's schedule or replaces it (and
	// un-pauses it), returning it with its id.
	SavePersonalSchedule(ctx context.Context, ps PersonalSchedule) (PersonalSchedule, error)
	// ActivePersonalSchedules returns every schedule that is not paused,
	// all teams.
	ActivePersonalSchedules(ctx context.Context) ([]PersonalSchedule, error)
	PausePersonalSchedule(ctx context.Context, id int64, reason string) error
	// ClaimPersonalPost, ReleasePersonalPost and SkipPersonalPost work as
	// their daily-post counterparts (see dailyStore).
	ClaimPersonalPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (post DailyPost, ok bool, err error)
	ReleasePersonalPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error
	SkipPersonalPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time) (inserted bool, err error)
	// MarkPersonalPosted records the post and logs s in the user's practice
	// history, in one transaction.
	MarkPersonalPosted(ctx context.Context, scheduleID int64, localDate, owner string, s PracticeSend) error
	PracticeHistory(ctx context.Context, teamID, userID string) (PracticeHistory, error)
}

// personalSlack is what personal daily questions need from Slack: the DM
// and the user's zone.
type personalSlack interface {
	poster
	userLookup
}

// personalDaily sends each user with a `daily me` their question of the
// day, once per schedule and local date across replicas.
type personalDaily struct {
	catalog
	store   personalDailyStore
	slack   personalSlack
	now     func() time.Time
	log     *slog.Logger
	owner   string
	settled settledDays
}

// create answers `daily me <role> [category] [difficulty] [at TIME] [DAYS]`.
func (d *personalDaily) create(ctx context.Context, s Slash, r *questions.Role, cat *questions.Category, difficulty int, spec DailySpec) (Reply, error) {
	ps := PersonalSchedule{
		TeamID: s.TeamID, UserID: s.UserID, Role: r.Slug, Difficulty: difficulty,
		Hour: 9, Zone: spec.Zone, Days: cmp.Or(spec.Days, Weekdays), CreatedAt: d.now(),
	}
	if cat != nil {
		ps.Category = cat.Slug
	}
	if spec.HasTime {
		ps.Hour, ps.Minute = spec.Hour, spec.Minute
	}
	note := ""
	if ps.Zone == "" {
		ps.Zone, note = d.userZone(ctx, s.UserID)
	}
	saved, err := d.store.SavePersonalSchedule(ctx, ps)
	if err != nil {
		return failure("Your daily question was NOT scheduled: " + notSaved), fmt.Errorf("save personal schedule: %w", err)
	}
	return reply(textMessage(fmt.Sprintf("📅 %s%s\nEach one is chosen like `practice me`: due reviews first, then your weakest theme. Another `/interview daily me …` replaces this schedule.",
		describePersonal(d.bank, saved, d.now()), note))), nil
}

// userZone is the user's Slack time zone, or UTC with a note saying why.
func (d *personalDaily) userZone(ctx context.Context, userID string) (zone, note string) {
	u, err := d.slack.User(ctx, userID)
	if err != nil {
		d.log.WarnContext(ctx, "look up user time zone; using UTC", "err", err)
		return "UTC", " (I couldn't read your time zone, so the time is UTC.)"
	}
	if _, err := time.LoadLocation(u.TZ); err != nil || u.TZ == "" {
		return "UTC", " (Your Slack profile has no time zone I know, so the time is UTC.)"
	}
	return u.TZ, ""
}

// describePersonal says what a personal schedule sends and when, for its
// owner.
func describePersonal(bank *questions.Bank, ps PersonalSchedule, now time.Time) string {
	what := ps.Role
	if r, ok := bank.Role(ps.Role); ok {
		what = r.Title
		if cat, ok := r.Category(ps.Category); ok {
			what += " — " + cat.Title
		}
	}
	if ps.Difficulty > 0 {
		what += ", " + difficultyName(ps.Difficulty)
	}
	text := fmt.Sprintf("Your daily question: one *%s* question in your DM with me at %02d:%02d %s %s.", Escape(what), ps.Hour, ps.Minute, ps.Zone, ps.Days.Describe())
	if ps.Paused {
		return text + " ⏸ *Paused*: " + Escape(ps.PauseReason) + " Run `/interview daily me …` again to resume."
	}
	if next, err := ps.schedule().NextRun(now); err == nil {
		text += " Next: *" + next.Format("Mon 2 Jan 15:04 MST") + "*."
	}
	return text
}

// due returns the active personal schedules whose latest slot this process
// has not seen settled.
func (d *personalDaily) due(ctx context.Context, now time.Time) ([]PersonalSchedule, error) {
	all, err := d.store.ActivePersonalSchedules(ctx)
	if err != nil {
		return nil, fmt.Errorf("list personal schedules: %w", err)
	}
	due := all[:0]
	for _, ps := range all {
		if _, date, ok, err := ps.schedule().latestSlot(now); err == nil && ok && !d.settled.is(ps.ID, date) {
			due = append(due, ps)
		}
	}
	return due, nil
}

// run sends ps's question for its latest slot if it is due and nobody sent
// it; the claim row in Postgres keeps it to one across replicas. Logs name
// the schedule, never the question: practice history is private.
func (d *personalDaily) run(ctx context.Context, ps PersonalSchedule, now time.Time) (DailyResult, error) {
	slot, date, ok, err := ps.schedule().latestSlot(now)
	if err != nil || !ok || d.settled.is(ps.ID, date) {
		return DailyNone, err
	}
	log := d.log.With("personal_schedule_id", ps.ID, "date", date)
	if late := now.Sub(slot); late >= catchUpWindow {
		inserted, err := d.store.SkipPersonalPost(ctx, ps.ID, date, fmt.Sprintf("%s late", late.Round(time.Minute)), now)
		if err != nil {
			return DailyFailed, fmt.Errorf("skip personal daily question: %w", err)
		}
		d.settled.set(ps.ID, date)
		if inserted {
			log.WarnContext(ctx, "personal daily question skipped: no replica ran within 2 hours of its time", "late", late.Round(time.Second))
			return DailySkipped, nil
		}
		return DailyNone, nil
	}
	post, ok, err := d.store.ClaimPersonalPost(ctx, ps.ID, date, d.owner, now, now.Add(dailyLease))
	if err != nil {
		return DailyFailed, fmt.Errorf("claim personal daily question: %w", err)
	}
	if !ok {
		if post.State == "posted" || post.State == "skipped" {
			d.settled.set(ps.ID, date)
		}
		return DailyNone, nil
	}
	// Until the catch-up window closes: nothing a retry could change.
	dayOver := slot.Add(catchUpWindow)
	m, pk, err := d.question(ctx, ps, now, date)
	if err != nil {
		d.release(ctx, ps, date, now.Add(dailyRetryDelay))
		return DailyFailed, err
	}
	if m == nil {
		d.release(ctx, ps, date, dayOver)
		d.settled.set(ps.ID, date)
		log.InfoContext(ctx, "personal daily question skipped: nothing left to send today")
		return DailySkipped, nil
	}
	ts, err := d.slack.PostMessage(ctx, *m)
	if errors.Is(err, ErrChannelUnavailable) {
		ctx := context.WithoutCancel(ctx)
		d.release(ctx, ps, date, dayOver)
		d.settled.set(ps.ID, date)
		if perr := d.store.PausePersonalSchedule(ctx, ps.ID, "I can't send you direct messages."); perr != nil {
			return DailyFailed, fmt.Errorf("pause personal schedule after %v: %w", err, perr)
		}
		log.WarnContext(ctx, "personal daily schedule paused: the DM is refused", "err", err)
		return DailyFailed, nil
	}
	if err != nil {
		d.release(ctx, ps, date, now.Add(dailyRetryDelay))
		return DailyFailed, fmt.Errorf("send personal daily question: %w", err)
	}
	send := PracticeSend{TeamID: ps.TeamID, UserID: ps.UserID, QuestionID: string(pk.question.ID), MessageTS: ts, Source: "daily", At: now}
	if err := d.store.MarkPersonalPosted(context.WithoutCancel(ctx), ps.ID, date, d.owner, send); err != nil {
		return DailyPosted, fmt.Errorf("record personal daily question: %w", err)
	}
	d.settled.set(ps.ID, date)
	log.InfoContext(ctx, "personal daily question sent")
	return DailyPosted, nil
}

// question renders the user's next question for ps, or returns a nil
// message when there is none left for today.
func (d *personalDaily) question(ctx context.Context, ps PersonalSchedule, now time.Time, date string) (*Message, pick, error) {
	r, ok, err := d.role(ctx, ps.TeamID, ps.Role)
	if !ok {
		// A role gone from the bank (or, while the store is down, a
		// team's role) has nothing to send.
		return nil, pick{}, err
	}
	var cat *questions.Category
	if ps.Category != "" {
		if cat, ok = r.Category(ps.Category); !ok {
			return nil, pick{}, nil
		}
	}
	pool, err := practicePool(ctx, d.catalog, ps.TeamID, r, cat, ps.Difficulty)
	if err != nil {
		return nil, pick{}, fmt.Errorf("personal daily pool: %w", err)
	}
	hist, err := d.store.PracticeHistory(ctx, ps.TeamID, ps.UserID)
	if err != nil {
		return nil, pick{}, fmt.Errorf("personal daily history: %w", err)
	}
	loc, err := time.LoadLocation(ps.Zone)
	if err != nil {
		loc = time.UTC
	}
	pk, ok := nextPractice(pool, hist, now, loc, ps.UserID+"/"+date)
	if !ok {
		return nil, pick{}, nil
	}
	m := renderPracticeQuestion("Your daily question", r, pk, categoryTitleIn(r, pk.question))
	m.Channel = ps.UserID
	return &m, pk, nil
}

func (d *personalDaily) release(ctx context.Context, ps PersonalSchedule, date string, retryAt time.Time) {
	if err := d.store.ReleasePersonalPost(context.WithoutCancel(ctx), ps.ID, date, d.owner, retryAt); err != nil {
		d.log.WarnContext(ctx, "release personal daily claim", "personal_schedule_id", ps.ID, "err", err)
	}
}

// settledDays remembers, per personal schedule, the last local date whose
// question is done (sent or skipped) as far as this process knows, so that
// a tick does not ask the database about it again. It is only a cache: the
// claim in Postgres decides.
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

// latestSlot is the most recent run of s at or before now and its local
// date; ok is false when there is none since the schedule was saved (a
// schedule made at 10:00 for 09:00 starts tomorrow).
func (s Schedule) latestSlot(now time.Time) (slot time.Time, date string, ok bool, err error) {
	loc, err := s.location()
	if err != nil {
		return time.Time{}, "", false, err
	}
	days, valid := s.Days.set()
	if !valid {
		return time.Time{}, "", false, fmt.Errorf("schedule %d: days %q", s.ID, s.Days)
	}
	now = now.In(loc)
	for i := 0; i >= -7; i-- {
		day := localDay(now, i)
		slot := s.slotOn(day)
		if !days[day.Weekday()] || slot.After(now) {
			continue
		}
		if slot.Before(s.CreatedAt) {
			return time.Time{}, "", false, nil
		}
		return slot, day.Format(time.DateOnly), true, nil
	}
	return time.Time{}, "", false, nil
}
