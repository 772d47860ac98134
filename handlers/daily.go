package handlers

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/interviewbot/interviewbot/questions"
)

const (
	// dailyLease covers one post attempt, 429 waits and the retries of its
	// record included; a replica that dies holding a claim blocks the post
	// for at most this long.
	dailyLease      = 5 * time.Minute
	dailyRetryDelay = time.Minute
	// MaxChannelSchedules bounds the daily questions of one channel: more
	// would drown the discussion they are for.
	MaxChannelSchedules = 5
	// MaxChannelSkips bounds the skipped date ranges a channel keeps
	// (past ones are forgotten).
	MaxChannelSkips = 50
)

// ActionDailyOff is the button that stops one of a channel's schedules;
// its value is the schedule's id ("d12").
const ActionDailyOff = "daily_off"

// ErrLimit: the store refused a record because its owner has as many as it
// may have (schedules or skipped ranges of a channel).
var ErrLimit = errors.New("limit reached")

// DailyAdvance moves a schedule's next post on after the post of its local
// date Date: from From, the instant the caller read (so that a change made
// meanwhile stands), to To (zero: none, paused until resumed). A pause
// whose last day is before Date ends.
type DailyAdvance struct {
	ScheduleID int64
	Date       string
	From, To   time.Time
}

// dailyStore keeps the channels' schedules, the claim on each day's post
// and the channel's post history.
type dailyStore interface {
	// RecordPost logs a post made outside a claim (`daily now`).
	RecordPost(ctx context.Context, p Post) error
	// SaveSchedule adds a schedule (ID 0; ErrConflict when the channel has
	// one for that role and category, ErrLimit when it has
	// MaxChannelSchedules) or changes one (its difficulty, time, zone,
	// days, pause and next post; ErrNotFound when gone).
	SaveSchedule(ctx context.Context, s Schedule) (Schedule, error)
	// ChannelSchedules returns the channel's schedules in the order they
	// were made, with the channel's skips.
	ChannelSchedules(ctx context.Context, teamID, channelID string) ([]Schedule, error)
	// DeleteSchedules removes the team's schedules of those ids and says
	// how many there were.
	DeleteSchedules(ctx context.Context, teamID string, ids []int64) (int, error)
	// DueSchedules returns the schedules whose next post is due at now, and
	// those whose next post was never computed, all teams.
	DueSchedules(ctx context.Context, now time.Time) ([]Schedule, error)
	// AdvanceSchedule moves a schedule on (see DailyAdvance).
	AdvanceSchedule(ctx context.Context, a DailyAdvance) (moved bool, err error)
	// PauseSchedule pauses a schedule until resumed, saying why.
	PauseSchedule(ctx context.Context, id int64, reason string) error
	// AddSkip records that the channel has no daily posts on r's dates,
	// forgetting ranges that ended before since; ErrLimit beyond
	// MaxChannelSkips.
	AddSkip(ctx context.Context, teamID, channelID string, r DateRange, by, since string) error
	// ClaimDailyPost takes the post of the schedule's channel, role and
	// category on localDate for owner until until: it inserts a claim, or
	// takes over one that carries no message and whose lease expired
	// before now. A won claim brings the channel's daily history. ok is
	// false when another owner holds it, or it was posted or skipped; post
	// says which.
	ClaimDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, now, until time.Time) (post DailyPost, ok bool, err error)
	// ReleaseDailyPost gives up owner's claim after a failed attempt so
	// that any replica may retry from retryAt; it counts the attempt.
	ReleaseDailyPost(ctx context.Context, scheduleID int64, localDate, owner string, retryAt time.Time) error
	// MarkDailyPosted records the post (state posted, its ts and question),
	// logs it in the channel's post history and moves the schedule on, in
	// one statement.
	MarkDailyPosted(ctx context.Context, scheduleID int64, localDate, owner string, p Post, next DailyAdvance) error
	// SkipDailyPost records that the day is skipped unless a row exists,
	// and moves the schedule on; inserted says whether this call recorded
	// the skip.
	SkipDailyPost(ctx context.Context, scheduleID int64, localDate, reason string, at time.Time, next DailyAdvance) (inserted bool, err error)
	// DailyHistory returns the question ids posted by daily schedules in
	// the channel, oldest first.
	DailyHistory(ctx context.Context, teamID, channelID string) ([]string, error)
}

// dailySlack is what daily questions need from Slack: posting (in the
// channel, and to a schedule's creator when it pauses) and the users' time
// zones and roles.
type dailySlack interface {
	poster
	userLookup
}

// daily schedules a question a day in a channel and posts it, once per
// channel, role, category and local date across replicas.
type daily struct {
	catalog
	store  dailyStore
	slack  dailySlack
	admins admins
	now    func() time.Time
	log    *slog.Logger
	// owner names this process in the claims on daily posts.
	owner string
	// unrecorded holds posts that are in Slack but whose record did not
	// reach the database within their lease, so that this process records
	// them later instead of posting the day again.
	unrecorded unrecordedPosts
}

// unrecordedPosts are posts made whose record failed, by schedule and date.
type unrecordedPosts struct {
	mu    sync.Mutex
	posts map[unrecordedKey]Post
}

type unrecordedKey struct {
	scheduleID int64
	date       string
}

func (u *unrecordedPosts) get(k unrecordedKey) (Post, bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	p, ok := u.posts[k]
	return p, ok
}

func (u *unrecordedPosts) set(k unrecordedKey, p Post) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.posts == nil {
		u.posts = map[unrecordedKey]Post{}
	}
	u.posts[k] = p
}

func (u *unrecordedPosts) drop(k unrecordedKey) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.posts, k)
}

// scheduleID is how people see a schedule's id.
func scheduleID(id int64) string { return "d" + strconv.FormatInt(id, 10) }

// what names a schedule's questions for people.
func (d *daily) what(sc Schedule) string {
	what := sc.Role
	if r, ok := d.roleNow(sc.TeamID, sc.Role); ok {
		what = r.Title
		if cat, ok := r.Category(sc.Category); ok {
			what += " — " + cat.Title
		}
	}
	s := "*" + Escape(what) + "*"
	if sc.Difficulty > 0 {
		s += " (" + difficultyWords[sc.Difficulty] + ")"
	}
	return s
}

// describe says what a schedule posts and when, for people.
func (d *daily) describe(sc Schedule) string {
	return fmt.Sprintf("`%s` %s at %02d:%02d %s %s", scheduleID(sc.ID), d.what(sc), sc.Hour, sc.Minute, sc.Zone, sc.Days.Describe())
}

// nextRunText says when sc posts next, in its zone.
func (d *daily) nextRunText(sc Schedule) string {
	next := sc.NextDue
	if next.IsZero() {
		var err error
		if next, err = sc.nextDue(d.now(), true); err != nil || next.IsZero() {
			return "none while it is paused"
		}
	}
	loc, err := sc.location()
	if err != nil {
		return "unknown"
	}
	return next.In(loc).Format("Mon 2 Jan 15:04 MST")
}

// dateText shows a local date (YYYY-MM-DD) for people.
func dateText(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.Format("Mon 2 Jan 2006")
}

// save answers `daily <role> …`: it updates the channel's schedule for that
// role and category if there is one, and adds one otherwise.
func (d *daily) save(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	scs, err := d.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("The daily question was NOT scheduled: " + notSaved), fmt.Errorf("daily: channel schedules: %w", err)
	}
	category := ""
	if cmd.Category != nil {
		category = cmd.Category.Slug
	}
	for _, sc := range scs {
		if sc.Role == cmd.Role.Slug && sc.Category == category {
			return d.update(ctx, s, cmd, sc)
		}
	}
	if len(scs) >= MaxChannelSchedules {
		return d.tooMany(scs), nil
	}
	if r, ok := d.emptyDifficulty(ctx, s.TeamID, cmd.Role, cmd.Category, cmd.Difficulty); !ok {
		return r, nil
	}
	now := d.now()
	sc := Schedule{
		TeamID: s.TeamID, ChannelID: s.ChannelID, Role: cmd.Role.Slug, Category: category, Difficulty: cmd.Difficulty,
		Hour: 9, Zone: cmd.Daily.Zone, Days: cmp.Or(cmd.Daily.Days, Weekdays),
		CreatedBy: s.UserID, CreatedAt: now,
	}
	if len(scs) > 0 {
		sc.Skips = scs[0].Skips
	}
	if cmd.Daily.HasTime {
		sc.Hour, sc.Minute = cmd.Daily.Hour, cmd.Daily.Minute
	}
	note := ""
	if sc.Zone == "" {
		sc.Zone, note = d.userZone(ctx, s.UserID)
	}
	if sc.NextDue, err = sc.nextDue(now, true); err != nil {
		return failure("The daily question was NOT scheduled: I couldn't work out when it runs."), fmt.Errorf("daily: next due: %w", err)
	}
	saved, err := d.store.SaveSchedule(ctx, sc)
	switch {
	case errors.Is(err, ErrLimit):
		return d.tooMany(scs), nil
	case errors.Is(err, ErrConflict):
		return reply(textMessage("Someone set up a daily question for that role and category here just now; run the command again to change it.")), nil
	case err != nil:
		return failure("The daily question was NOT scheduled: " + notSaved), fmt.Errorf("save schedule: %w", err)
	}
	m := textMessage(fmt.Sprintf("📅 <@%s> scheduled a daily question here: %s. Next one: *%s*.%s\nInvite me with `/invite @interviewbot` if I'm not in this channel yet. `/interview daily off %s` stops it.",
		s.UserID, d.describe(saved), d.nextRunText(saved), note, scheduleID(saved.ID)))
	m.InChannel = true
	return reply(m), nil
}

func (d *daily) tooMany(scs []Schedule) Reply {
	ids := make([]string, len(scs))
	for i, sc := range scs {
		ids[i] = "`" + scheduleID(sc.ID) + "`"
	}
	return reply(textMessage(fmt.Sprintf("This channel has %d daily questions (%s), the most it may have. Stop one first with `/interview daily off <id>`, or change one by naming its role and category again.",
		len(scs), strings.Join(ids, ", "))))
}

// emptyDifficulty refuses a difficulty the role (or category) has no
// questions of.
func (d *daily) emptyDifficulty(ctx context.Context, teamID string, r *questions.Role, c *questions.Category, difficulty int) (Reply, bool) {
	if difficulty == 0 {
		return Reply{}, true
	}
	pool, err := d.rolePool(ctx, teamID, r, c)
	if err != nil {
		return Reply{}, true // the post itself falls back to the whole pool
	}
	if len(byDifficulty(pool, difficulty)) == 0 {
		return reply(textMessage(fmt.Sprintf("*%s* has no %s questions there; leave out the difficulty, or pick another.", Escape(r.Title), difficultyWords[difficulty]))), false
	}
	return Reply{}, true
}

// byDifficulty is the questions of pool at difficulty d.
func byDifficulty(pool []questions.Question, d int) []questions.Question {
	var out []questions.Question
	for _, q := range pool {
		if q.Difficulty == d {
			out = append(out, q)
		}
	}
	return out
}

// update changes sc as cmd says (what it leaves out stays) and resumes it,
// if the user may; the reply says what changed.
func (d *daily) update(ctx context.Context, s Slash, cmd Command, sc Schedule) (Reply, error) {
	if r, ok, err := d.mayChange(ctx, s.UserID, []Schedule{sc}, "change it"); !ok {
		return r, err
	}
	if r, ok := d.emptyDifficulty(ctx, s.TeamID, cmd.Role, cmd.Category, cmd.Difficulty); !ok {
		return r, nil
	}
	next := sc
	var changes []string
	change := func(what, from, to string) {
		if from != to {
			changes = append(changes, fmt.Sprintf("%s %s → %s", what, from, to))
		}
	}
	if cmd.Daily.HasTime {
		next.Hour, next.Minute = cmd.Daily.Hour, cmd.Daily.Minute
		change("time", fmt.Sprintf("%02d:%02d", sc.Hour, sc.Minute), fmt.Sprintf("%02d:%02d", next.Hour, next.Minute))
	}
	if cmd.Daily.Zone != "" {
		next.Zone = cmd.Daily.Zone
		change("zone", sc.Zone, next.Zone)
	}
	if cmd.Daily.Days != "" {
		next.Days = cmd.Daily.Days
		change("days", strings.TrimPrefix(sc.Days.Describe(), "on "), strings.TrimPrefix(next.Days.Describe(), "on "))
	}
	if cmd.Difficulty != 0 {
		next.Difficulty = cmd.Difficulty
		change("difficulty", cmp.Or(difficultyWords[sc.Difficulty], "any"), difficultyWords[next.Difficulty])
	}
	if sc.Paused {
		next.Paused, next.PausedUntil, next.PausedBy, next.PauseReason = false, "", "", ""
		changes = append(changes, "resumed")
	}
	if len(changes) == 0 {
		return reply(textMessage(fmt.Sprintf("Nothing to change: %s is already set like that. Next one: *%s*.", d.describe(sc), d.nextRunText(sc)))), nil
	}
	var err error
	if next.NextDue, err = next.nextDue(d.now(), true); err != nil {
		return failure("The daily question was NOT changed: I couldn't work out when it runs."), fmt.Errorf("daily: next due: %w", err)
	}
	saved, err := d.store.SaveSchedule(ctx, next)
	if errors.Is(err, ErrNotFound) {
		return reply(textMessage(fmt.Sprintf("`%s` was removed just now; run the command again to set up a new one.", scheduleID(sc.ID)))), nil
	}
	if err != nil {
		return failure("The daily question was NOT changed: " + notSaved), fmt.Errorf("update schedule %d: %w", sc.ID, err)
	}
	m := textMessage(fmt.Sprintf("📅 <@%s> changed the daily question `%s`: %s. Now %s. Next one: *%s*.",
		s.UserID, scheduleID(sc.ID), strings.Join(changes, ", "), d.describe(saved), d.nextRunText(saved)))
	m.InChannel = true
	return reply(m), nil
}

// mayChange lets the creators of scs and admins change, pause or remove
// them; anyone else gets a reply saying who can.
func (d *daily) mayChange(ctx context.Context, userID string, scs []Schedule, what string) (Reply, bool, error) {
	var others []string
	for _, sc := range scs {
		if sc.CreatedBy != userID && !contains(others, sc.CreatedBy) {
			others = append(others, sc.CreatedBy)
		}
	}
	if len(others) == 0 {
		return Reply{}, true, nil
	}
	admin, err := d.admins.is(ctx, userID)
	if err != nil {
		return failure("I couldn't check whether you are an admin, so I didn't " + what + ". Please try again in a minute."), false, err
	}
	if admin {
		return Reply{}, true, nil
	}
	who := make([]string, len(others))
	for i, u := range others {
		who[i] = "<@" + u + ">"
	}
	return reply(textMessage(fmt.Sprintf("Only %s (who set it up) or an admin can %s. Admins are workspace admins and owners, and the users listed in INTERVIEWBOT_ADMINS.",
		strings.Join(who, " and "), what))), false, nil
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
	lines := make([]string, 0, len(scs)+1)
	for _, sc := range scs {
		line := fmt.Sprintf("• %s, set by <@%s>. ", d.describe(sc), sc.CreatedBy)
		switch {
		case sc.Paused && sc.PausedBy == "":
			line += "⏸ *Paused*: " + Escape(sc.PauseReason) + fmt.Sprintf(" `/interview daily resume %s` resumes it.", scheduleID(sc.ID))
		case sc.Paused && sc.PausedUntil == "":
			line += fmt.Sprintf("⏸ *Paused* by <@%s> until resumed.", sc.PausedBy)
		default:
			if sc.Paused {
				line += fmt.Sprintf("⏸ *Paused* by <@%s> until %s. ", sc.PausedBy, dateText(sc.PausedUntil))
			}
			line += "Next: *" + d.nextRunText(sc) + "*."
		}
		lines = append(lines, line)
	}
	today, _ := scs[0].localDate(d.now())
	var skipped []string
	for _, r := range scs[0].Skips {
		if r.To < today {
			continue // over; forgotten at the next skip
		}
		text := dateText(r.From)
		if r.To != r.From {
			text += " – " + dateText(r.To)
		}
		skipped = append(skipped, text)
	}
	if len(skipped) > 0 {
		lines = append(lines, "🏖 Skipped here: "+strings.Join(skipped, ", ")+".")
	}
	return reply(textMessage("*Daily questions in this channel*\n" + strings.Join(lines, "\n"))), nil
}

// target finds the schedule `daily <sub> [id]` names by id, or the
// channel's only one when it names none. Otherwise ok is false and the
// reply says why; several schedules are listed, each with a button if
// action is set. verb says what the command does to it.
func (d *daily) target(scs []Schedule, id, sub, verb, action string) (Schedule, Reply, bool) {
	if id != "" {
		for _, sc := range scs {
			if scheduleID(sc.ID) == id {
				return sc, Reply{}, true
			}
		}
		return Schedule{}, reply(textMessage(fmt.Sprintf("There is no daily question `%s` in this channel; `/interview daily status` lists them.", id))), false
	}
	switch len(scs) {
	case 0:
		return Schedule{}, reply(textMessage("No daily question is scheduled here. Start one with `/interview daily senior-backend technical at 09:30`.")), false
	case 1:
		return scs[0], Reply{}, true
	}
	text := fmt.Sprintf("This channel has %d daily questions; which one should I %s? Name it by its id, like `/interview daily %s %s`.", len(scs), verb, sub, scheduleID(scs[0].ID))
	if action != "" {
		text += " Or press its button; `/interview daily off all` stops them all."
	}
	m := &Message{Text: text, Blocks: []slack.Block{section(text)}}
	for _, sc := range scs {
		line := section("• " + d.describe(sc))
		if action != "" {
			line.Accessory = slack.NewAccessory(button(action, scheduleID(sc.ID), "Stop "+scheduleID(sc.ID)))
		}
		m.Blocks = append(m.Blocks, line)
	}
	return Schedule{}, reply(m), false
}

// off answers `daily off [id|all]`.
func (d *daily) off(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	scs, err := d.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("The schedule was NOT removed: " + notSaved), fmt.Errorf("daily off: %w", err)
	}
	if !cmd.All {
		sc, r, ok := d.target(scs, cmd.ID, "off", "stop", ActionDailyOff)
		if !ok {
			return r, nil
		}
		scs = []Schedule{sc}
	}
	return d.remove(ctx, s.TeamID, s.UserID, scs)
}

// offClick answers a daily_off button: the schedule its value names.
func (d *daily) offClick(ctx context.Context, a Action) (Reply, error) {
	scs, err := d.store.ChannelSchedules(ctx, a.TeamID, a.ChannelID)
	if err != nil {
		return failure("The schedule was NOT removed: " + notSaved), fmt.Errorf("daily off: %w", err)
	}
	sc, r, ok := d.target(scs, a.Value, "off", "stop", "")
	if !ok || a.Value == "" {
		return r, nil
	}
	return d.remove(ctx, a.TeamID, a.UserID, []Schedule{sc})
}

// remove removes scs, if the user may.
func (d *daily) remove(ctx context.Context, teamID, userID string, scs []Schedule) (Reply, error) {
	if len(scs) == 0 {
		return reply(textMessage("No daily question was scheduled here; nothing to stop.")), nil
	}
	if r, ok, err := d.mayChange(ctx, userID, scs, "stop it"); !ok {
		return r, err
	}
	ids := make([]int64, len(scs))
	names := make([]string, len(scs))
	for i, sc := range scs {
		ids[i], names[i] = sc.ID, d.describe(sc)
	}
	if _, err := d.store.DeleteSchedules(ctx, teamID, ids); err != nil {
		return failure("The schedule was NOT removed: " + notSaved), fmt.Errorf("daily off: %w", err)
	}
	what := "the daily question"
	if len(scs) > 1 {
		what = fmt.Sprintf("%d daily questions", len(scs))
	}
	m := textMessage(fmt.Sprintf("<@%s> stopped %s in this channel: %s.", userID, what, strings.Join(names, "; ")))
	m.InChannel = true
	return reply(m), nil
}

// pause answers `daily pause [id] [until DATE]`.
func (d *daily) pause(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	sc, r, ok, err := d.changeTarget(ctx, s, cmd.ID, "pause")
	if !ok {
		return r, err
	}
	today, err := sc.localDate(d.now())
	if err != nil {
		return failure("Nothing was paused."), err
	}
	if cmd.Until != "" && cmd.Until <= today {
		return reply(textMessage(fmt.Sprintf("%s is not after today (%s); pause until a later date, or leave out `until` to pause until `/interview daily resume %s`.", dateText(cmd.Until), dateText(today), scheduleID(sc.ID)))), nil
	}
	sc.Paused, sc.PausedUntil, sc.PausedBy, sc.PauseReason = true, cmd.Until, s.UserID, ""
	saved, r, err := d.saveChange(ctx, sc, "paused")
	if err != nil || r.Message != nil {
		return r, err
	}
	until := fmt.Sprintf("until you resume it with `/interview daily resume %s`", scheduleID(sc.ID))
	if cmd.Until != "" {
		until = fmt.Sprintf("until %s; it posts again that day (next: *%s*)", dateText(cmd.Until), d.nextRunText(saved))
	}
	m := textMessage(fmt.Sprintf("⏸ <@%s> paused the daily question %s %s. Paused days are not made up later.", s.UserID, d.describe(saved), until))
	m.InChannel = true
	return reply(m), nil
}

// resume answers `daily resume [id]`.
func (d *daily) resume(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	sc, r, ok, err := d.changeTarget(ctx, s, cmd.ID, "resume")
	if !ok {
		return r, err
	}
	if !sc.Paused {
		return reply(textMessage(fmt.Sprintf("%s is not paused. Next one: *%s*.", d.describe(sc), d.nextRunText(sc)))), nil
	}
	sc.Paused, sc.PausedUntil, sc.PausedBy, sc.PauseReason = false, "", "", ""
	saved, r, err := d.saveChange(ctx, sc, "resumed")
	if err != nil || r.Message != nil {
		return r, err
	}
	m := textMessage(fmt.Sprintf("▶️ <@%s> resumed the daily question %s. Next one: *%s*.", s.UserID, d.describe(saved), d.nextRunText(saved)))
	m.InChannel = true
	return reply(m), nil
}

// changeTarget finds the schedule `daily <sub> [id]` names, if the user
// may change it.
func (d *daily) changeTarget(ctx context.Context, s Slash, id, sub string) (Schedule, Reply, bool, error) {
	scs, err := d.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return Schedule{}, failure("Nothing was changed: " + notSaved), false, fmt.Errorf("daily: channel schedules: %w", err)
	}
	sc, r, ok := d.target(scs, id, sub, sub, "")
	if !ok {
		return Schedule{}, r, false, nil
	}
	if r, ok, err := d.mayChange(ctx, s.UserID, []Schedule{sc}, sub+" it"); !ok {
		return Schedule{}, r, false, err
	}
	return sc, Reply{}, true, nil
}

// saveChange recomputes sc's next post from now and stores it. A reply
// with a message means it was not saved.
func (d *daily) saveChange(ctx context.Context, sc Schedule, done string) (Schedule, Reply, error) {
	var err error
	if sc.NextDue, err = sc.nextDue(d.now(), true); err != nil {
		return Schedule{}, failure("The daily question was NOT " + done + "."), fmt.Errorf("daily: next due: %w", err)
	}
	saved, err := d.store.SaveSchedule(ctx, sc)
	if errors.Is(err, ErrNotFound) {
		return Schedule{}, reply(textMessage(fmt.Sprintf("`%s` was removed just now.", scheduleID(sc.ID)))), nil
	}
	if err != nil {
		return Schedule{}, failure("The daily question was NOT " + done + ": " + notSaved), fmt.Errorf("save schedule %d: %w", sc.ID, err)
	}
	return saved, Reply{}, nil
}

// skip answers `daily skip FROM[..TO]`: no daily posts in the channel on
// those local dates.
func (d *daily) skip(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	r := DateRange{From: cmd.From, To: cmd.To}
	now := d.now()
	if yesterday := now.UTC().Add(-24 * time.Hour).Format(time.DateOnly); r.To < yesterday {
		return reply(textMessage(fmt.Sprintf("%s has passed; skip dates from today on.", dateText(r.To)))), nil
	}
	scs, err := d.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("Nothing was skipped: " + notSaved), fmt.Errorf("daily skip: %w", err)
	}
	if r, ok, err := d.mayChange(ctx, s.UserID, scs, "skip their days"); !ok {
		return r, err
	}
	err = d.store.AddSkip(ctx, s.TeamID, s.ChannelID, r, s.UserID, now.UTC().Add(-36*time.Hour).Format(time.DateOnly))
	if errors.Is(err, ErrLimit) {
		return reply(textMessage(fmt.Sprintf("This channel has %d skipped date ranges to come already, the most it may have.", MaxChannelSkips))), nil
	}
	if err != nil {
		return failure("Nothing was skipped: " + notSaved), fmt.Errorf("daily skip: %w", err)
	}
	// Each schedule's next post moves past the new skip. Recomputed from
	// the post it was waiting for, so that one due right now stays due.
	for _, sc := range scs {
		if sc.NextDue.IsZero() {
			continue
		}
		sc.Skips = append(sc.Skips, r)
		next, err := sc.nextDue(sc.NextDue, false)
		if err != nil || next.Equal(sc.NextDue) {
			continue
		}
		sc.NextDue = next
		if _, err := d.store.SaveSchedule(ctx, sc); err != nil {
			return failure("The dates were skipped, but a schedule may still post on one of them: " + notSaved), fmt.Errorf("daily skip: move schedule %d on: %w", sc.ID, err)
		}
	}
	dates := dateText(r.From)
	if r.To != r.From {
		dates += " – " + dateText(r.To)
	}
	m := textMessage(fmt.Sprintf("🏖 <@%s> skipped the daily questions in this channel on %s. Skipped days are not made up later.", s.UserID, dates))
	m.InChannel = true
	return reply(m), nil
}

// postNow answers `daily now [id]`: the schedule's next question, at once,
// outside its daily claim.
func (d *daily) postNow(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	scs, err := d.store.ChannelSchedules(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return failure("Nothing was posted: " + notSaved), fmt.Errorf("daily now: %w", err)
	}
	sc, r, ok := d.target(scs, cmd.ID, "now", "post now", "")
	if !ok {
		return r, nil
	}
	history, err := d.store.DailyHistory(ctx, sc.TeamID, sc.ChannelID)
	if err != nil {
		return failure("Nothing was posted: " + notSaved), fmt.Errorf("daily now: history: %w", err)
	}
	q, err := d.nextDailyQuestion(ctx, sc, history, "now-"+d.now().Format(time.RFC3339))
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
// questions included, given the channel's daily history.
func (d *daily) nextDailyQuestion(ctx context.Context, sc Schedule, history []string, seed string) (questions.Question, error) {
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
	if sc.Difficulty > 0 {
		if hard := byDifficulty(pool, sc.Difficulty); len(hard) > 0 {
			pool = hard
		} else {
			d.log.WarnContext(ctx, "daily: no question of the schedule's difficulty; using the whole pool", "schedule_id", sc.ID, "difficulty", sc.Difficulty)
		}
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

// due returns the schedules whose next post is due at now (and those whose
// next post is still to compute).
func (d *daily) due(ctx context.Context, now time.Time) ([]Schedule, error) {
	scs, err := d.store.DueSchedules(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("due schedules: %w", err)
	}
	return scs, nil
}

// DailyResult says what Commands.RunSchedule did, for metrics.
type DailyResult string

const (
	DailyPosted  DailyResult = "posted"
	DailySkipped DailyResult = "skipped"
	DailyFailed  DailyResult = "failed"
	DailyNone    DailyResult = "none" // nothing to do, or another replica has it
)

// advance moves a schedule on without posting. Failing to is a failed
// tick for the schedule (the next tick tries again), not a quiet one.
func (d *daily) advance(ctx context.Context, a DailyAdvance) (DailyResult, error) {
	if _, err := d.store.AdvanceSchedule(ctx, a); err != nil {
		return DailyFailed, err
	}
	return DailyNone, nil
}

// run makes sc's due post unless it was made: the claim row in Postgres
// keeps it to one post per channel, role, category and local date across
// replicas. Then it moves the schedule on to its next post.
func (d *daily) run(ctx context.Context, sc Schedule, now time.Time) (DailyResult, error) {
	slot := sc.NextDue
	if slot.IsZero() {
		// Stored before next posts were kept: the first post from the
		// catch-up window on.
		first, err := sc.nextDue(laterOf(now.Add(-catchUpWindow), sc.CreatedAt), false)
		if err != nil || first.IsZero() {
			return DailyNone, err
		}
		if first.After(now) {
			date, _ := sc.localDate(first)
			return d.advance(ctx, DailyAdvance{ScheduleID: sc.ID, Date: date, To: first})
		}
		slot = first
	}
	if slot.After(now) {
		return DailyNone, nil
	}
	date, err := sc.localDate(slot)
	if err != nil {
		return DailyFailed, err
	}
	log := d.log.With("schedule_id", sc.ID, "team", sc.TeamID, "channel", sc.ChannelID, "date", date)
	next, err := sc.nextDue(slot, true)
	if err != nil {
		return DailyFailed, err
	}
	advance := DailyAdvance{ScheduleID: sc.ID, Date: date, From: sc.NextDue, To: next}
	key := unrecordedKey{sc.ID, date}
	if p, ok := d.unrecorded.get(key); ok {
		// Posted by this process; only the record is missing.
		return DailyNone, d.record(ctx, sc, date, p, advance, now.Add(dailyLease), log)
	}
	if !sc.postsOn(date) {
		// Paused or skipped since the tick read it.
		return d.advance(ctx, advance)
	}
	if late := now.Sub(slot); late >= catchUpWindow {
		// The next post is the first not yet too late.
		if advance.To, err = sc.nextDue(laterOf(slot, now.Add(-catchUpWindow)), true); err != nil {
			return DailyFailed, err
		}
		inserted, err := d.store.SkipDailyPost(ctx, sc.ID, date, fmt.Sprintf("%s late", late.Round(time.Minute)), now, advance)
		if err != nil {
			return DailyFailed, fmt.Errorf("skip daily post: %w", err)
		}
		if inserted {
			log.WarnContext(ctx, "daily post skipped: no replica ran within 2 hours of its time", "slot", slot, "late", late.Round(time.Second))
			return DailySkipped, nil
		}
		return DailyNone, nil
	}
	until := now.Add(dailyLease)
	post, ok, err := d.store.ClaimDailyPost(ctx, sc.ID, date, d.owner, now, until)
	if err != nil {
		return DailyFailed, fmt.Errorf("claim daily post: %w", err)
	}
	if !ok {
		if post.State == "posted" || post.State == "skipped" || post.MessageTS != "" {
			// Made already, perhaps by a schedule since removed and made
			// again: this schedule moves on.
			_, err := d.store.AdvanceSchedule(ctx, advance)
			return DailyNone, err
		}
		return DailyNone, nil
	}
	q, err := d.nextDailyQuestion(ctx, sc, post.History, date)
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
	// The message is out: from here on only its record may fail, and the
	// record is retried until it lands rather than the post made again.
	p := Post{TeamID: sc.TeamID, ChannelID: sc.ChannelID, QuestionID: string(q.ID), MessageTS: ts, Source: "daily", At: now}
	if err := d.record(ctx, sc, date, p, advance, until, log); err != nil {
		return DailyPosted, err
	}
	log.InfoContext(ctx, "daily question posted", "question", q.ID, "ts", ts)
	return DailyPosted, nil
}

func laterOf(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// record marks the post made, retrying with backoff while the database
// fails, until the claim's lease ends at leaseEnd (in d.now's time). A
// shutdown does not cut it short: the message is in the channel, and a
// post left unrecorded would be made again. A record that never lands is
// kept in memory and retried at the next ticks.
func (d *daily) record(ctx context.Context, sc Schedule, date string, p Post, next DailyAdvance, leaseEnd time.Time, log *slog.Logger) error {
	key := unrecordedKey{sc.ID, date}
	left := leaseEnd.Sub(d.now()) - 10*time.Second
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(left, time.Second))
	defer cancel()
	wait := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		err := d.store.MarkDailyPosted(ctx, sc.ID, date, d.owner, p, next)
		switch {
		case err == nil:
			d.unrecorded.drop(key)
			if attempt > 1 {
				log.InfoContext(ctx, "daily post recorded after retries", "attempts", attempt, "ts", p.MessageTS)
			}
			return nil
		case errors.Is(err, ErrConflict), errors.Is(err, ErrNotFound):
			// Another replica took the day over: its record stands.
			d.unrecorded.drop(key)
			return fmt.Errorf("record daily post %s: %w", p.MessageTS, err)
		}
		timer := time.NewTimer(wait + rand.N(wait/2))
		select {
		case <-ctx.Done():
			timer.Stop()
			d.unrecorded.set(key, p)
			return fmt.Errorf("record daily post %s after %d attempts (will retry next tick): %w", p.MessageTS, attempt, err)
		case <-timer.C:
		}
		wait = min(2*wait, 10*time.Second)
	}
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
	dm := textMessage(fmt.Sprintf("⏸ I paused the daily question in <#%s> (%s): %s Invite me with `/invite @interviewbot` in that channel, then run `/interview daily resume %s` there.",
		sc.ChannelID, d.describe(sc), reason, scheduleID(sc.ID)))
	dm.Channel = sc.CreatedBy
	if _, err := d.slack.PostMessage(ctx, *dm); err != nil {
		d.log.WarnContext(ctx, "tell schedule creator about the pause", "schedule_id", sc.ID, "user", sc.CreatedBy, "err", err)
	}
	d.log.WarnContext(ctx, "daily schedule paused", "schedule_id", sc.ID, "channel", sc.ChannelID, "err", cause)
	return nil
}
