package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// Kit posting holds a lease on the kit so that only one replica posts its
// messages at a time; an attempt that fails part-way is resumed, by any
// replica, from the first message without a recorded ts.
const (
	kitLease = 3 * time.Minute
	// kitResumeWindow: an unfinished kit older than this is left alone; a
	// panel that waited a day has moved on.
	kitResumeWindow = 24 * time.Hour
	// kitAttempts is how often one command tries to finish its kit before
	// leaving the rest to the background resume.
	kitAttempts = 3
	// kitMaxAttempts: a kit that failed this often (commands and resumes
	// together) is abandoned and its owner told, instead of being retried
	// for the rest of the resume window.
	kitMaxAttempts = 8
	// kitResumeBatch bounds the kits one resume run works on, so that a
	// backlog cannot make a run long; the next run takes the rest.
	kitResumeBatch = 20
	kitListLimit   = 15
	// A kit may be made up to a week after its interview (to score it)
	// and up to a year ahead.
	interviewPast  = 7 * 24 * time.Hour
	interviewAhead = 366 * 24 * time.Hour
)

// InterviewLayout is how `kit … on` writes an interview time, in the
// owner's time zone.
const InterviewLayout = "2006-01-02 15:04"

// defaultKit is 5 technical and 3 behavioral questions, or 5 of each
// category for a role that lacks either.
func defaultKit(r *questions.Role) []KitPart {
	tech, okT := r.Category("technical")
	beh, okB := r.Category("behavioral")
	if okT && okB {
		return []KitPart{{Category: tech, N: 5}, {Category: beh, N: 3}}
	}
	var parts []KitPart
	for _, c := range r.Categories {
		if len(parts) == 0 || sum(parts)+5 <= MaxKitQuestions {
			parts = append(parts, KitPart{Category: c, N: 5})
		}
	}
	return parts
}

func sum(parts []KitPart) int {
	n := 0
	for _, p := range parts {
		n += p.N
	}
	return n
}

// kitStore keeps kits, their posting leases and the channel's post history.
type kitStore interface {
	postLog
	// CreateKit saves a new kit with its items, leased to owner until
	// until, and returns it with its short id.
	CreateKit(ctx context.Context, k Kit, owner string, until time.Time) (Kit, error)
	// ClaimKit leases an unfinished kit to owner when nobody else holds an
	// unexpired lease (as of now), and returns it as saved. ok is false when
	// another owner holds it or it is finished.
	ClaimKit(ctx context.Context, id, owner string, now, until time.Time) (k Kit, ok bool, err error)
	// SetKitParent and SetKitReply record the ts of a posted message.
	SetKitParent(ctx context.Context, id, ts string) error
	SetKitReply(ctx context.Context, id string, position int, ts string) error
	// FinishKit marks a kit complete (finished true) or, after a failed
	// attempt, releases its lease so that a retry may start at retryAt,
	// counting the attempt.
	FinishKit(ctx context.Context, id, owner string, finished bool, retryAt time.Time) error
	// AbandonKit stops posting a kit for good.
	AbandonKit(ctx context.Context, id string, at time.Time) error
	// Kit returns the team's kit with that id, or ErrNotFound.
	Kit(ctx context.Context, teamID, id string) (Kit, error)
	// ChannelKits returns the channel's most recent kits, newest first.
	ChannelKits(ctx context.Context, teamID, channelID string, limit int) ([]Kit, error)
	// UnfinishedKits returns kits created after since that are not
	// finished, not abandoned and not leased as of now: the ones a retry
	// should resume.
	UnfinishedKits(ctx context.Context, since, now time.Time) ([]Kit, error)
}

// kitSlack is what kits need from Slack: posting the parent and its
// thread, links to them, the owner's time zone, and the kit builder.
type kitSlack interface {
	poster
	userLookup
	Permalink(ctx context.Context, channelID, ts string) (string, error)
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
	PostEphemeral(ctx context.Context, userID string, m Message) error
}

// kits posts interview kits (a parent message and its questions in the
// thread), resumes those left part-way, and lists them.
type kits struct {
	catalog
	store kitStore
	slack kitSlack
	now   func() time.Time
	log   *slog.Logger
	// owner names this process in the kits' posting leases.
	owner string
}

// kitSpec is the kit a user asked for, by command or with the builder.
type kitSpec struct {
	role  *questions.Role
	parts []KitPart // nil: the default kit
	panel []string  // Slack user ids, in the order given
	// interview is "YYYY-MM-DD HH:MM" in the owner's zone, as typed after
	// `on`; interviewAt is the builder's absolute time. At most one is set.
	interview   string
	interviewAt time.Time
	candidate   string
}

// kitSpecOf is the kit a parsed `kit …` command asks for.
func kitSpecOf(cmd Command) kitSpec {
	return kitSpec{role: cmd.Role, parts: cmd.Parts, panel: cmd.Panel, interview: cmd.Interview, candidate: cmd.Candidate}
}

// Block ids of the kit builder; a problem with the request is reported
// against the one at fault, whether it came from the builder or not.
const (
	CallbackKitBuild    = "kit_build"
	kitBlockRole        = "role"
	kitBlockCountPrefix = "count:"
	kitBlockPanel       = "panel"
	kitBlockInterview   = "interview"
	kitBlockCandidate   = "candidate"
)

// userIDPattern is a Slack user id, as a panel member must be.
var userIDPattern = regexp.MustCompile(`^[UW][A-Z0-9]{2,20}$`)

// shortfall is a part of a kit that the bank can't fill with distinct
// questions.
type shortfall struct {
	category *questions.Category
	got      int
	want     int
}

// pickKit chooses each part's questions: least seen in the channel first,
// never two questions of one theme in the kit. It returns the items and the
// parts it could not fill.
func (ks *kits) pickKit(ctx context.Context, teamID string, r *questions.Role, parts []KitPart, seen map[string]int) ([]KitItem, []shortfall, error) {
	team, poolErr := ks.teamQuestions(ctx, teamID)
	themes := map[string]bool{}
	var items []KitItem
	var short []shortfall
	for _, part := range parts {
		var candidates []questions.Question
		for _, q := range withTeam(r, part.Category, team) {
			if !themes[themeOf(q)] {
				candidates = append(candidates, q)
			}
		}
		got := 0
		for got < part.N && len(candidates) > 0 {
			q := leastSeen(candidates, seen)
			themes[themeOf(q)] = true
			items = append(items, KitItem{Position: len(items) + 1, QuestionID: string(q.ID), Category: part.Category.Slug})
			got++
			kept := candidates[:0]
			for _, cand := range candidates {
				if themeOf(cand) != themeOf(q) {
					kept = append(kept, cand)
				}
			}
			candidates = kept
		}
		if got < part.N {
			short = append(short, shortfall{category: part.Category, got: got, want: part.N})
		}
	}
	return items, short, poolErr
}

// themeOf is a question's theme, or its id when it has none.
func themeOf(q questions.Question) string {
	if q.Theme != "" {
		return q.Theme
	}
	return string(q.ID)
}

// plan checks spec and picks the kit's questions, saving nothing. problems,
// keyed by the kit builder's block ids, say what the user must change;
// notes are worth telling them once the kit is posted.
func (ks *kits) plan(ctx context.Context, s Slash, spec kitSpec) (k Kit, notes []string, problems map[string]string, err error) {
	problems = map[string]string{}
	k = Kit{TeamID: s.TeamID, ChannelID: s.ChannelID, Role: spec.role.Slug, CreatedBy: s.UserID, CreatedAt: ks.now()}

	for _, id := range spec.panel {
		if !userIDPattern.MatchString(id) {
			problems[kitBlockPanel] = fmt.Sprintf("`%s` is not a Slack user; name the panel with @mentions.", clip(id, 30))
			break
		}
		if !slices.Contains(k.Panel, id) {
			k.Panel = append(k.Panel, id)
		}
	}
	if len(k.Panel) > MaxPanel {
		problems[kitBlockPanel] = fmt.Sprintf("A panel has at most %d people; you named %d.", MaxPanel, len(k.Panel))
	}

	k.Candidate = cleanLabel(spec.candidate)
	if n := utf8.RuneCountInString(k.Candidate); n > MaxCandidateLabel {
		problems[kitBlockCandidate] = fmt.Sprintf("A candidate label is at most %d characters; this one has %d. Something like `Ada L. (req 4411)` is enough.", MaxCandidateLabel, n)
	}

	if len(k.Panel) > 0 || spec.interview != "" || !spec.interviewAt.IsZero() {
		var note string
		k.Zone, note = ownerZone(ctx, ks.slack, ks.log, s.UserID)
		if note != "" {
			notes = append(notes, note)
		}
	}
	if at, problem := ks.interviewTime(spec, k.Zone); problem != "" {
		problems[kitBlockInterview] = problem
	} else {
		k.InterviewAt = at
	}
	if len(problems) > 0 {
		return Kit{}, nil, problems, nil
	}

	parts, explicit := spec.parts, len(spec.parts) > 0
	if !explicit {
		parts = defaultKit(spec.role)
	}
	seen, err := ks.store.PostCounts(ctx, s.TeamID, s.ChannelID)
	if err != nil {
		return Kit{}, nil, nil, fmt.Errorf("kit: read post counts: %w", err)
	}
	items, short, err := ks.pickKit(ctx, s.TeamID, spec.role, parts, seen)
	if err != nil {
		return Kit{}, nil, nil, fmt.Errorf("kit: %w", err)
	}
	switch {
	case len(items) == 0:
		problems[kitBlockRole] = "There are no questions for that kit yet."
		return Kit{}, nil, problems, nil
	case explicit && len(short) > 0:
		// Said before posting, so the user chooses what to ask instead
		// of finding a shorter kit in the channel.
		for _, sf := range short {
			problems[kitBlockCountPrefix+sf.category.Slug] = fmt.Sprintf("%s has %d distinct questions left for this kit (variants of one theme count once), so it can't give %d.",
				sf.category.Title, sf.got, sf.want)
		}
		problems[""] = "Try `/interview " + kitCommand(spec.role, parts, short) + "`."
		return Kit{}, nil, problems, nil
	}
	for _, sf := range short {
		notes = append(notes, fmt.Sprintf("%s has %d distinct questions (variants of one theme count once), so the kit has %d, not %d.", sf.category.Title, sf.got, sf.got, sf.want))
	}
	k.Items = items
	return k, notes, nil, nil
}

// kitCommand is the kit command that asks for what the bank can give.
func kitCommand(r *questions.Role, parts []KitPart, short []shortfall) string {
	words := []string{"kit", r.Slug}
	for _, p := range parts {
		n := p.N
		for _, sf := range short {
			if sf.category == p.Category {
				n = sf.got
			}
		}
		if n > 0 {
			words = append(words, p.Category.Slug, fmt.Sprint(n))
		}
	}
	return strings.Join(words, " ")
}

// cleanLabel trims a candidate label and makes it one line of valid text.
func cleanLabel(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return strings.Join(strings.Fields(s), " ")
}

// interviewTime resolves the interview time of spec in zone and checks it
// is within a week back and a year ahead; problem says what is wrong.
func (ks *kits) interviewTime(spec kitSpec, zone string) (time.Time, string) {
	var at time.Time
	switch {
	case spec.interview != "":
		loc, err := time.LoadLocation(zone)
		if err != nil {
			loc = time.UTC
		}
		if at, err = time.ParseInLocation(InterviewLayout, spec.interview, loc); err != nil {
			return time.Time{}, fmt.Sprintf("`%s` is not a date and time like `2026-12-14 15:00`.", clip(spec.interview, 30))
		}
	case !spec.interviewAt.IsZero():
		at = spec.interviewAt
	default:
		return time.Time{}, ""
	}
	now := ks.now()
	switch {
	case at.Before(now.Add(-interviewPast)):
		return time.Time{}, "That interview was more than 7 days ago; a kit can be made up to a week after its interview."
	case at.After(now.Add(interviewAhead)):
		return time.Time{}, "That interview is more than a year ahead; check the date."
	}
	return at, ""
}

// ownerZone is the user's Slack time zone, or UTC with a note saying why.
func ownerZone(ctx context.Context, users userLookup, log *slog.Logger, userID string) (zone, note string) {
	u, err := users.User(ctx, userID)
	switch {
	case err != nil:
		log.WarnContext(ctx, "look up user time zone", "user", userID, "err", err)
		return "UTC", "I couldn't read your time zone, so the interview time is in UTC."
	case u.TZ == "":
		return "UTC", "Your Slack profile has no time zone, so the interview time is in UTC."
	}
	if _, err := time.LoadLocation(u.TZ); err != nil {
		return "UTC", fmt.Sprintf("I don't know your time zone %q, so the interview time is in UTC.", clip(u.TZ, 40))
	}
	return u.TZ, ""
}

// problemText joins a plan's problems into one answer, in a fixed order.
func problemText(problems map[string]string) string {
	keys := make([]string, 0, len(problems))
	for k := range problems {
		if k != "" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	lines := make([]string, 0, len(problems))
	for _, k := range keys {
		lines = append(lines, problems[k])
	}
	if hint := problems[""]; hint != "" {
		lines = append(lines, hint)
	}
	return "Nothing was posted. " + strings.Join(lines, " ")
}

// post answers `kit <role> …`: it checks the request, then saves and posts
// the kit.
func (ks *kits) post(ctx context.Context, s Slash, spec kitSpec) (Reply, error) {
	k, notes, problems, err := ks.plan(ctx, s, spec)
	if err != nil {
		return failure("The kit was NOT posted: " + notSaved), err
	}
	if len(problems) > 0 {
		return reply(textMessage(problemText(problems))), nil
	}
	return ks.publish(ctx, k, notes)
}

// publish saves k and posts it, trying a few times before leaving the rest
// to the background resume.
func (ks *kits) publish(ctx context.Context, k Kit, notes []string) (Reply, error) {
	now := ks.now()
	leaseEnd := now.Add(kitLease)
	k, err := ks.store.CreateKit(ctx, k, ks.owner, leaseEnd)
	if err != nil {
		return failure("The kit was NOT posted: " + notSaved), fmt.Errorf("create kit: %w", err)
	}
	var postErr error
	for attempt := range kitAttempts {
		if attempt > 0 {
			if err := sleep(ctx, time.Duration(attempt)*time.Second); err != nil {
				break
			}
		}
		if k, postErr = ks.postKit(ctx, k, leaseEnd); postErr == nil || errors.Is(postErr, ErrChannelUnavailable) {
			break
		}
	}
	switch {
	case errors.Is(postErr, ErrChannelUnavailable):
		// Final: retrying would fail the same way for a day.
		ks.abandon(ctx, k)
		return failure(fmt.Sprintf("Kit `%s` was NOT posted (%d of %d messages are there). %s", k.ID, k.posted(), len(k.Items)+1, postFailureHint(postErr))),
			fmt.Errorf("post kit %s: %w", k.ID, postErr)
	case postErr != nil:
		ks.releaseKit(ctx, k)
		return failure(fmt.Sprintf("Kit `%s` is only partly posted (%d of %d messages). %s I'll finish it automatically, without repeating what's there.",
			k.ID, k.posted(), len(k.Items)+1, postFailureHint(postErr))), fmt.Errorf("post kit %s: %w", k.ID, postErr)
	}
	var lines []string
	if len(k.Panel) > 0 {
		lines = append(lines, fmt.Sprintf("✅ Kit `%s` is posted with its panel. Each of them scores the candidate privately with 📝 Scorecard on the kit; nobody sees another's scores before submitting their own.", k.ID))
		if !k.InterviewAt.IsZero() {
			lines = append(lines, "Whoever hasn't submitted gets a reminder by DM an hour after the interview, and on the next two weekdays.")
		}
	} else if len(notes) > 0 {
		lines = append(lines, fmt.Sprintf("Kit `%s` is posted.", k.ID))
	}
	if len(lines) == 0 {
		return Reply{}, nil
	}
	if len(notes) > 0 {
		lines = append(lines, "Note: "+strings.Join(notes, " "))
	}
	return reply(textMessage(strings.Join(lines, " "))), nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// posted counts the kit's messages already in Slack.
func (k Kit) posted() int {
	n := 0
	if k.ParentTS != "" {
		n++
	}
	for _, it := range k.Items {
		if it.ReplyTS != "" {
			n++
		}
	}
	return n
}

// asker is the panel member who asks the question at position pos: the
// questions are shared out round-robin in the panel's order. "" without a
// panel.
func (k Kit) asker(pos int) string {
	if len(k.Panel) == 0 || pos < 1 {
		return ""
	}
	return k.Panel[(pos-1)%len(k.Panel)]
}

// releaseKit gives up the lease after failed attempts, so that a later
// resume, on any replica, retries the kit; the retry waits longer after
// each failure, and a kit that failed too often is abandoned.
func (ks *kits) releaseKit(ctx context.Context, k Kit) {
	ctx = context.WithoutCancel(ctx)
	if k.Attempts+1 >= kitMaxAttempts {
		ks.abandon(ctx, k)
		return
	}
	// The first retry may start at once: the command already waited
	// between its own attempts.
	retryAt := ks.now()
	if k.Attempts > 0 {
		retryAt = retryAt.Add(min(time.Minute<<(k.Attempts-1), time.Hour))
	}
	if err := ks.store.FinishKit(ctx, k.ID, ks.owner, false, retryAt); err != nil {
		ks.log.WarnContext(ctx, "release kit lease", "kit", k.ID, "err", err)
	}
}

// abandon stops posting k for good and tells its owner, privately, what is
// missing and why: a kit nobody finishes must not vanish silently.
func (ks *kits) abandon(ctx context.Context, k Kit) {
	ctx = context.WithoutCancel(ctx)
	if err := ks.store.AbandonKit(ctx, k.ID, ks.now()); err != nil {
		ks.log.WarnContext(ctx, "abandon kit", "kit", k.ID, "err", err)
		return
	}
	ks.log.WarnContext(ctx, "kit abandoned", "kit", k.ID, "channel", k.ChannelID, "posted", k.posted(), "messages", len(k.Items)+1)
	dm := textMessage(fmt.Sprintf("⚠️ I stopped posting kit `%s` in <#%s>: %d of its %d messages are there, and I can't post the rest (I'm not a member of the channel, it was archived, or Slack kept refusing). Invite me with `/invite @interviewbot` and run the kit command again.",
		k.ID, k.ChannelID, k.posted(), len(k.Items)+1))
	dm.Channel = k.CreatedBy
	if _, err := ks.slack.PostMessage(ctx, *dm); err != nil {
		ks.log.WarnContext(ctx, "tell kit owner it was abandoned", "kit", k.ID, "user", k.CreatedBy, "err", err)
	}
}

// record saves the ts of a message Slack has just accepted. It runs first
// after the post and is retried with backoff, past a cancelled request and
// a database blip, until it lands or the lease that keeps other replicas
// off the kit ends: before that no one posts the message again, after it
// another replica may.
func (ks *kits) record(ctx context.Context, leaseEnd time.Time, save func(context.Context) error) error {
	return retrySave(ctx, leaseEnd.Sub(ks.now()), save)
}

// retrySave calls save until it succeeds, finds nothing to save, or budget
// (at least a second) has passed, backing off between attempts. It is not
// cancelled with ctx: what it records already happened in Slack.
func retrySave(ctx context.Context, budget time.Duration, save func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(budget, time.Second))
	defer cancel()
	delay := 50 * time.Millisecond
	for {
		err := save(ctx)
		if err == nil || errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
			return err
		}
		if sleep(ctx, delay) != nil {
			return err
		}
		delay = min(2*delay, 5*time.Second)
	}
}

// postKit posts what of k is not posted yet, recording each ts as soon as
// Slack returns it, so that a retry never posts a message twice. leaseEnd
// is when this process's lease on the kit ends.
func (ks *kits) postKit(ctx context.Context, k Kit, leaseEnd time.Time) (Kit, error) {
	r, ok, err := ks.role(ctx, k.TeamID, k.Role)
	if !ok && err != nil {
		return k, fmt.Errorf("kit %s: %w", k.ID, err)
	}
	if !ok {
		return k, fmt.Errorf("kit %s: role %q is not in the bank", k.ID, k.Role)
	}
	if k.ParentTS == "" {
		m := renderKitParent(r, k, kitProgress{})
		m.Channel = k.ChannelID
		ts, err := ks.slack.PostMessage(ctx, m)
		if err != nil {
			return k, fmt.Errorf("post kit parent: %w", err)
		}
		k.ParentTS = ts
		if err := ks.record(ctx, leaseEnd, func(ctx context.Context) error { return ks.store.SetKitParent(ctx, k.ID, ts) }); err != nil {
			return k, fmt.Errorf("record kit parent: %w", err)
		}
	}
	for i, it := range k.Items {
		if it.ReplyTS != "" {
			continue
		}
		q, err := ks.question(ctx, k.TeamID, it.QuestionID)
		if errors.Is(err, ErrNotFound) {
			// A team question removed meanwhile: say so rather than stall.
			q = questions.Question{ID: questions.ID(it.QuestionID), Text: "(this team question was removed)"}
		} else if err != nil {
			return k, err
		}
		m := renderKitReply(r, q, categoryTitleIn(r, q), it.Position, len(k.Items), k.asker(it.Position))
		m.Channel, m.ThreadTS = k.ChannelID, k.ParentTS
		ts, err := ks.slack.PostMessage(ctx, m)
		if err != nil {
			return k, fmt.Errorf("post kit reply %d: %w", it.Position, err)
		}
		k.Items[i].ReplyTS = ts
		if err := ks.record(ctx, leaseEnd, func(ctx context.Context) error { return ks.store.SetKitReply(ctx, k.ID, it.Position, ts) }); err != nil {
			return k, fmt.Errorf("record kit reply %d: %w", it.Position, err)
		}
		if err := ks.store.RecordPost(ctx, Post{TeamID: k.TeamID, ChannelID: k.ChannelID, QuestionID: it.QuestionID, MessageTS: ts, Source: "kit", At: ks.now()}); err != nil {
			ks.log.WarnContext(ctx, "record kit post", "kit", k.ID, "err", err)
		}
	}
	if err := ks.store.FinishKit(ctx, k.ID, ks.owner, true, time.Time{}); err != nil {
		return k, fmt.Errorf("finish kit: %w", err)
	}
	k.Finished = true
	return k, nil
}

// resume finishes kits that an earlier attempt left part-way (a Slack
// error, a crash, a restart), a bounded batch per call. Every replica may
// call it; the lease lets one of them post each kit.
func (ks *kits) resume(ctx context.Context) error {
	now := ks.now()
	pending, err := ks.store.UnfinishedKits(ctx, now.Add(-kitResumeWindow), now)
	if err != nil {
		return fmt.Errorf("list unfinished kits: %w", err)
	}
	if len(pending) > kitResumeBatch {
		pending = pending[:kitResumeBatch]
	}
	var errs []error
	for _, unfinished := range pending {
		if ctx.Err() != nil {
			break // out of time: the next run goes on
		}
		leaseEnd := now.Add(kitLease)
		k, ok, err := ks.store.ClaimKit(ctx, unfinished.ID, ks.owner, now, leaseEnd)
		if err != nil {
			errs = append(errs, fmt.Errorf("claim kit %s: %w", unfinished.ID, err))
			continue
		}
		if !ok {
			continue
		}
		if k, err = ks.postKit(ctx, k, leaseEnd); err != nil {
			if errors.Is(err, ErrChannelUnavailable) {
				ks.abandon(ctx, k)
			} else {
				ks.releaseKit(ctx, k)
			}
			errs = append(errs, fmt.Errorf("resume kit %s: %w", k.ID, err))
			continue
		}
		ks.log.InfoContext(ctx, "resumed kit", "kit", k.ID, "channel", k.ChannelID)
	}
	return errors.Join(errs...)
}

func (ks *kits) list(ctx context.Context, s Slash) (Reply, error) {
	recent, err := ks.store.ChannelKits(ctx, s.TeamID, s.ChannelID, kitListLimit)
	if err != nil {
		return failure("I can't list the kits right now: " + notSaved), fmt.Errorf("list kits: %w", err)
	}
	if len(recent) == 0 {
		return reply(textMessage("No kits have been shared in this channel yet. Post one with `/interview kit senior-backend`.")), nil
	}
	lines := make([]string, 0, len(recent))
	for _, k := range recent {
		title := ks.roleTitle(k.Role)
		link := ""
		if k.ParentTS != "" {
			if l, err := ks.slack.Permalink(ctx, k.ChannelID, k.ParentTS); err == nil {
				link = fmt.Sprintf(" · <%s|open>", l)
			} else {
				ks.log.WarnContext(ctx, "kit permalink", "kit", k.ID, "err", err)
			}
		}
		state := ""
		switch {
		case k.Deleted:
			state = " · _deleted_"
		case !k.ClosedAt.IsZero():
			state = " · 🔒 _closed_"
		case k.Abandoned:
			state = " · _not posted: I can't post in this channel_"
		case !k.Finished:
			state = " · _being posted_"
		}
		lines = append(lines, fmt.Sprintf("`%s` · *%s* · %s · by <@%s> · %s%s%s",
			k.ID, Escape(title), questionCount(len(k.Items)), k.CreatedBy, slackDate(k.CreatedAt), link, state))
	}
	blocks := []slack.Block{header("Kits in this channel")}
	blocks = append(blocks, chunkSections(lines, "\n")...)
	blocks = append(blocks, contextBlock("See a kit's debrief and how the panel rated its questions with `/interview kit show <id>`."))
	return reply(&Message{Text: "Kits in this channel", Blocks: blocks}), nil
}

// slackDate shows t in each reader's own time zone.
func slackDate(t time.Time) string {
	return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), t.UTC().Format("2006-01-02 15:04 UTC"))
}

// kitBuildMeta travels in the kit builder's private_metadata: a
// view_submission does not say where the command was typed.
type kitBuildMeta struct {
	Channel string `json:"c"`
}

// openBuilder answers `kit` alone with the kit builder.
func (ks *kits) openBuilder(ctx context.Context, s Slash) (Reply, error) {
	if s.TriggerID == "" {
		return reply(textMessage("The kit builder opens from Slack's `/interview kit`; here, type the kit instead, like `/interview kit senior-backend technical 3 behavioral 2`.")), nil
	}
	meta, err := json.Marshal(kitBuildMeta{Channel: s.ChannelID})
	if err != nil {
		return failure("I couldn't open the kit builder."), fmt.Errorf("encode kit builder metadata: %w", err)
	}
	if err := ks.slack.OpenView(ctx, s.TriggerID, renderKitBuilder(ks.bank, string(meta))); err != nil {
		return failure("I couldn't open the kit builder in time; please run `/interview kit` again."), fmt.Errorf("open kit builder: %w", err)
	}
	return Reply{}, nil
}

// submitBuilder posts the kit the builder describes, or keeps the builder
// open with what to change.
func (ks *kits) submitBuilder(ctx context.Context, sub Submission) (Reply, error) {
	var meta kitBuildMeta
	if err := json.Unmarshal([]byte(sub.PrivateMetadata), &meta); err != nil || meta.Channel == "" {
		return Reply{Errors: map[string]string{kitBlockRole: "This form has expired; close it and run `/interview kit` again."}},
			fmt.Errorf("kit builder submission with bad metadata: %v", err)
	}
	spec, problems := builderSpec(ks.bank, sub)
	if len(problems) > 0 {
		return Reply{Errors: problems}, nil
	}
	s := Slash{TeamID: sub.TeamID, ChannelID: meta.Channel, UserID: sub.UserID}
	k, notes, problems, err := ks.plan(ctx, s, spec)
	if err != nil {
		return Reply{Errors: map[string]string{kitBlockRole: "NOT posted: " + notSaved}}, err
	}
	if len(problems) > 0 {
		delete(problems, "") // the builder shows each problem at its input
		return Reply{Errors: problems}, nil
	}
	r, err := ks.publish(ctx, k, notes)
	if r.Message != nil {
		// A modal has no answer of its own once it is closed.
		m := *r.Message
		m.Channel = meta.Channel
		if perr := ks.slack.PostEphemeral(context.WithoutCancel(ctx), sub.UserID, m); perr != nil {
			err = errors.Join(err, fmt.Errorf("answer kit builder: %w", perr))
		}
	}
	return Reply{}, err
}

// builderSpec reads the kit builder's inputs; problems are keyed by block.
func builderSpec(bank *questions.Bank, sub Submission) (kitSpec, map[string]string) {
	problems := map[string]string{}
	var spec kitSpec
	r, ok := bank.Role(sub.Values[kitBlockRole][kitBlockRole])
	if !ok {
		problems[kitBlockRole] = "Choose a role."
		return spec, problems
	}
	spec.role = r
	total := 0
	for _, c := range builderCategories(bank) {
		block := kitBlockCountPrefix + c.Slug
		raw := strings.TrimSpace(sub.Values[block][block])
		if raw == "" || raw == "0" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < 0 || n > MaxKitQuestions {
			problems[block] = fmt.Sprintf("Give a whole number from 0 to %d.", MaxKitQuestions)
			continue
		}
		cat, ok := r.Category(c.Slug)
		if !ok {
			problems[block] = fmt.Sprintf("%s has no %s questions; leave this empty.", r.Title, c.Title)
			continue
		}
		spec.parts = append(spec.parts, KitPart{Category: cat, N: n})
		total += n
	}
	if total > MaxKitQuestions {
		for _, p := range spec.parts {
			problems[kitBlockCountPrefix+p.Category.Slug] = fmt.Sprintf("A kit holds at most %d questions; these add up to %d.", MaxKitQuestions, total)
		}
	}
	spec.panel = sub.Selected[kitBlockPanel][kitBlockPanel]
	if raw := sub.Values[kitBlockInterview][kitBlockInterview]; raw != "" {
		if secs, err := strconv.ParseInt(raw, 10, 64); err != nil || secs <= 0 {
			problems[kitBlockInterview] = "Choose a date and a time."
		} else {
			spec.interviewAt = time.Unix(secs, 0).UTC()
		}
	}
	spec.candidate = sub.Values[kitBlockCandidate][kitBlockCandidate]
	return spec, problems
}

// builderCategories is every category of the bank once, in the bank's
// order: the builder asks for a count of each, as a modal can't change
// its inputs when the role changes.
func builderCategories(bank *questions.Bank) []*questions.Category {
	var out []*questions.Category
	seen := map[string]bool{}
	for _, r := range bank.Roles() {
		for _, c := range r.Categories {
			if !seen[c.Slug] {
				seen[c.Slug] = true
				out = append(out, c)
			}
		}
	}
	return out
}
