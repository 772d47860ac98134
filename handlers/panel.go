package handlers

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// panelStore keeps the scorecards of kits and their state.
type panelStore interface {
	// Kit returns the team's kit with that id, or ErrNotFound.
	Kit(ctx context.Context, teamID, id string) (Kit, error)
	// Scorecards returns a kit's scorecards, oldest submission first.
	Scorecards(ctx context.Context, teamID, kitID string) ([]Scorecard, error)
	// SaveScorecard replaces the user's scorecard for the kit; ErrKitClosed
	// once the kit is closed or deleted.
	SaveScorecard(ctx context.Context, sc Scorecard) error
	// CloseKit locks the kit's scorecards; closed is false when it was
	// closed already.
	CloseKit(ctx context.Context, teamID, id string, at time.Time) (k Kit, closed bool, err error)
	// DeleteKit erases the kit's scorecards and candidate label.
	DeleteKit(ctx context.Context, teamID, id string, at time.Time) (Kit, error)
	// MessageFeedback aggregates votes and ratings per message ts among
	// the given messages of a channel.
	MessageFeedback(ctx context.Context, teamID, channelID string, messageTS []string) (map[string]QuestionFeedback, error)
}

// panelSlack is what panels need from Slack: the scorecard modal, the
// parent's progress updated in place, private answers and DMs, and who is
// an admin.
type panelSlack interface {
	poster
	userLookup
	PostEphemeral(ctx context.Context, userID string, m Message) error
	UpdateMessage(ctx context.Context, ts string, m Message) error
	OpenView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error
}

// panels runs a kit's scorecards: who may submit, the modal, the debrief
// and who sees what of it, closing and deleting. Scores, notes,
// recommendations and the candidate label only ever leave it in modals,
// ephemeral answers and DMs.
type panels struct {
	catalog
	store  panelStore
	slack  panelSlack
	admins admins
	now    func() time.Time
	log    *slog.Logger
}

// maySubmit says whether user may fill in k's scorecard when they reach
// it from channel: with a panel its members and the owner, without one
// anyone who can see the kit, that is anyone in its channel.
func (k Kit) maySubmit(user, channel string) bool {
	if user == k.CreatedBy {
		return true
	}
	if len(k.Panel) > 0 {
		return k.onPanel(user)
	}
	return channel == k.ChannelID
}

// whoMaySubmit tells someone who may not submit who can.
func whoMaySubmit(k Kit) string {
	if len(k.Panel) > 0 {
		return fmt.Sprintf("Only the panel of kit `%s` (%s) and its owner <@%s> fill in its scorecard. 📊 Debrief shows you who has.", k.ID, mentions(k.Panel), k.CreatedBy)
	}
	return fmt.Sprintf("Kit `%s` is scored by whoever can see it: open 📝 Scorecard on the kit in <#%s>.", k.ID, k.ChannelID)
}

// kitNotFound is the answer for a kit that doesn't exist or that the user
// may not see: the two read the same, so nothing leaks.
func kitNotFound(id string) Reply {
	return reply(textMessage(fmt.Sprintf("There is no kit `%s` here; `/interview kit list` in a channel shows its kits.", clip(id, 20))))
}

// scorecardMeta travels in the scorecard's private_metadata: a
// view_submission carries neither the kit nor where it was opened.
type scorecardMeta struct {
	Kit     string `json:"k"`
	Channel string `json:"c"`
}

// kitQuestions returns k's questions in its order; a question gone from
// the bank or the team keeps its id as its text.
func (p *panels) kitQuestions(ctx context.Context, k Kit) []questions.Question {
	lookup := p.questionIndex(ctx, k.TeamID)
	qs := make([]questions.Question, 0, len(k.Items))
	for _, it := range k.Items {
		q := lookup(it.QuestionID)
		q.ID = questions.ID(it.QuestionID)
		qs = append(qs, q)
	}
	return qs
}

// openScorecard answers 📝 Scorecard: the modal, filled with what the user
// saved before, for those who may submit.
func (p *panels) openScorecard(ctx context.Context, a Action) (Reply, error) {
	k, err := p.store.Kit(ctx, a.TeamID, a.Value)
	switch {
	case errors.Is(err, ErrNotFound):
		return reply(textMessage("That kit no longer exists.")), nil
	case err != nil:
		return failure("I can't open the scorecard: " + notSaved), fmt.Errorf("open scorecard: %w", err)
	case k.Deleted:
		return reply(textMessage(fmt.Sprintf("Kit `%s` was deleted: its scorecards are erased.", k.ID))), nil
	case !k.ClosedAt.IsZero():
		return reply(textMessage(fmt.Sprintf("Kit `%s` is closed: its scorecards are locked. 📊 Debrief shows them.", k.ID))), nil
	case !k.maySubmit(a.UserID, a.ChannelID):
		return reply(textMessage(whoMaySubmit(k))), nil
	}
	cards, err := p.store.Scorecards(ctx, k.TeamID, k.ID)
	if err != nil {
		return failure("I can't open the scorecard: " + notSaved), fmt.Errorf("open scorecard: %w", err)
	}
	var mine *Scorecard
	for i := range cards {
		if cards[i].UserID == a.UserID {
			mine = &cards[i]
		}
	}
	meta, err := json.Marshal(scorecardMeta{Kit: k.ID, Channel: a.ChannelID})
	if err != nil {
		return failure("I couldn't open the scorecard."), fmt.Errorf("encode scorecard metadata: %w", err)
	}
	view := renderScorecardModal(p.roleTitle(k.Role), k, p.kitQuestions(ctx, k), mine, string(meta))
	if err := p.slack.OpenView(ctx, a.TriggerID, view); err != nil {
		return failure("I couldn't open the scorecard in time; please click 📝 Scorecard again."), fmt.Errorf("open scorecard modal: %w", err)
	}
	return Reply{}, nil
}

// readScorecard reads a submitted scorecard of k; errors are keyed by the
// block at fault.
func readScorecard(k Kit, s Submission) (Scorecard, map[string]string) {
	errs := map[string]string{}
	sc := Scorecard{TeamID: k.TeamID, KitID: k.ID, UserID: s.UserID}
	for i, it := range k.Items {
		sb, nb := scoreBlockPrefix+it.QuestionID, noteBlockPrefix+it.QuestionID
		score := 0
		if raw := s.Values[sb][actionScore]; raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil || n < 1 || n > 4 {
				errs[sb] = "Choose a score from 1 (strong no) to 4 (strong yes), or leave it empty if the question wasn't asked."
				continue
			}
			score = n
		}
		note := strings.TrimSpace(s.Values[nb][actionScoreNote])
		if problem := modalTextProblem(note, MaxScoreNote, fmt.Sprintf("The notes on question %d", i+1)); problem != "" {
			errs[nb] = problem
			continue
		}
		if score > 0 || note != "" {
			sc.Answers = append(sc.Answers, ScorecardAnswer{QuestionID: it.QuestionID, Score: score, Note: note})
		}
	}
	sc.Overall = s.Values[blockOverall][actionOverall]
	if !ValidOverall(sc.Overall) {
		errs[blockOverall] = "Choose your overall recommendation."
	}
	sc.Summary = strings.TrimSpace(s.Values[blockSummary][actionSummary])
	if problem := modalTextProblem(sc.Summary, MaxSummary, "The summary"); problem != "" {
		errs[blockSummary] = problem
	}
	return sc, errs
}

// modalTextProblem says why free text typed into a modal can't be kept, or "".
func modalTextProblem(s string, limit int, what string) string {
	switch {
	case !utf8.ValidString(s):
		return what + " hold characters I can't store; please retype them."
	case strings.ContainsRune(s, 0):
		return what + " hold a NUL character; please remove it."
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return fmt.Sprintf("%s can hold at most %d characters; these have %d.", what, limit, n)
	}
	return ""
}

// submitScorecard saves a scorecard, replacing the user's earlier one,
// then updates the kit's progress in place. Whatever goes wrong keeps the
// modal open with what to do, so nothing typed is lost.
func (p *panels) submitScorecard(ctx context.Context, s Submission) (Reply, error) {
	var meta scorecardMeta
	if err := json.Unmarshal([]byte(s.PrivateMetadata), &meta); err != nil || meta.Kit == "" {
		return Reply{Errors: map[string]string{blockOverall: "This form has expired; close it and click 📝 Scorecard again."}},
			fmt.Errorf("scorecard submission with bad metadata: %v", err)
	}
	k, err := p.store.Kit(ctx, s.TeamID, meta.Kit)
	switch {
	case errors.Is(err, ErrNotFound):
		return Reply{Errors: map[string]string{blockOverall: "That kit no longer exists, so the scorecard can't be saved."}}, nil
	case err != nil:
		return Reply{Errors: map[string]string{blockOverall: "NOT saved: " + notSaved + " Your answers stay here; press Submit again."}}, fmt.Errorf("submit scorecard: %w", err)
	case !k.maySubmit(s.UserID, meta.Channel):
		return Reply{Errors: map[string]string{blockOverall: whoMaySubmit(k)}}, nil
	}
	sc, errs := readScorecard(k, s)
	if len(errs) > 0 {
		return Reply{Errors: errs}, nil
	}
	sc.SubmittedAt = p.now()
	switch err := p.store.SaveScorecard(ctx, sc); {
	case errors.Is(err, ErrKitClosed):
		return Reply{Errors: map[string]string{blockOverall: fmt.Sprintf("Kit `%s` was closed, so its scorecards are locked: this one was NOT saved.", k.ID)}}, nil
	case errors.Is(err, ErrNotFound):
		return Reply{Errors: map[string]string{blockOverall: "That kit no longer exists, so the scorecard can't be saved."}}, nil
	case err != nil:
		return Reply{Errors: map[string]string{blockOverall: "NOT saved: " + notSaved + " Your answers stay here; press Submit again."}}, fmt.Errorf("save scorecard: %w", err)
	}
	// Saved: the rest is courtesy, and must not hold the modal open.
	ctx = context.WithoutCancel(ctx)
	var errsOut []error
	if err := p.refreshParent(ctx, k.TeamID, k.ID); err != nil {
		errsOut = append(errsOut, err)
	}
	dm := textMessage(fmt.Sprintf("✅ Your scorecard for kit `%s` (%s) is saved. You can change it with 📝 Scorecard until the kit is closed; 📊 Debrief now shows you the panel's scorecards.", k.ID, Escape(p.roleTitle(k.Role))))
	dm.Channel = s.UserID
	if _, err := p.slack.PostMessage(ctx, *dm); err != nil {
		errsOut = append(errsOut, fmt.Errorf("confirm scorecard: %w", err))
	}
	p.log.InfoContext(ctx, "scorecard saved", "kit", k.ID, "user", s.UserID)
	return Reply{}, errors.Join(errsOut...)
}

// refreshParent shows the kit's current state and progress on its parent
// message. Two submissions at once each update it; the one whose re-read
// still finds a change updates again, so the last update carries the
// final count.
func (p *panels) refreshParent(ctx context.Context, teamID, id string) error {
	r, err := p.role(ctx, teamID, id)
	if err != nil || r == nil {
		return err
	}
	var last string
	for range 3 {
		k, err := p.store.Kit(ctx, teamID, id)
		if err != nil {
			return fmt.Errorf("refresh kit %s: %w", id, err)
		}
		if k.ParentTS == "" {
			return nil
		}
		cards, err := p.store.Scorecards(ctx, teamID, id)
		if err != nil {
			return fmt.Errorf("refresh kit %s: %w", id, err)
		}
		m := renderKitParent(r, k, progressOf(k, cards))
		b, err := json.Marshal(m.Blocks)
		if err != nil {
			return fmt.Errorf("refresh kit %s: %w", id, err)
		}
		state := string(b)
		if state == last {
			return nil
		}
		m.Channel = k.ChannelID
		if err := p.slack.UpdateMessage(ctx, k.ParentTS, m); err != nil {
			return fmt.Errorf("update kit %s parent: %w", id, err)
		}
		last = state
	}
	return nil
}

// role is kit id's role, or nil when the kit or its role is gone.
func (p *panels) role(ctx context.Context, teamID, id string) (*questions.Role, error) {
	k, err := p.store.Kit(ctx, teamID, id)
	if err != nil {
		return nil, fmt.Errorf("refresh kit %s: %w", id, err)
	}
	r, ok := p.bank.Role(k.Role)
	if !ok {
		return nil, nil
	}
	return r, nil
}

// visibility is how much of a kit's debrief a user sees.
type visibility int

const (
	seeNothing    visibility = iota // as if the kit did not exist
	seeProgress                     // who has submitted
	seeEverything                   // recommendations, scores and notes
)

// visibility decides what user sees of k, asking from channel: the owner,
// admins and whoever has submitted see everything; the panel and anyone in
// the kit's channel see who has submitted; nobody else sees the kit.
func (p *panels) visibility(ctx context.Context, k Kit, cards []Scorecard, user, channel string) visibility {
	if user == k.CreatedBy || slices.ContainsFunc(cards, func(sc Scorecard) bool { return sc.UserID == user }) {
		return seeEverything
	}
	admin, err := p.admins.is(ctx, user)
	if err != nil {
		// Seeing less is the safe side of a failed lookup.
		p.log.WarnContext(ctx, "debrief: admin check failed", "user", user, "err", err)
	}
	switch {
	case admin:
		return seeEverything
	case k.onPanel(user) || channel == k.ChannelID:
		return seeProgress
	}
	return seeNothing
}

// debrief renders kit id's debrief as user may see it from channel. ok is
// false when the user may not see the kit at all.
func (p *panels) debrief(ctx context.Context, teamID, id, user, channel string) (pages []Message, ok bool, err error) {
	k, err := p.store.Kit(ctx, teamID, id)
	if errors.Is(err, ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("debrief: %w", err)
	}
	cards, err := p.store.Scorecards(ctx, teamID, id)
	if err != nil {
		return nil, false, fmt.Errorf("debrief: %w", err)
	}
	see := p.visibility(ctx, k, cards, user, channel)
	switch {
	case see == seeNothing:
		return nil, false, nil
	case k.Deleted:
		return []Message{*textMessage(fmt.Sprintf("Kit `%s` was deleted: its scorecards, notes and candidate label are erased.", k.ID))}, true, nil
	}
	return p.render(ctx, k, cards, see, k.maySubmit(user, channel)), true, nil
}

// render builds the debrief of k as see allows.
func (p *panels) render(ctx context.Context, k Kit, cards []Scorecard, see visibility, mayScore bool) []Message {
	v := debriefView{
		kit:       k,
		roleTitle: p.roleTitle(k.Role),
		questions: p.kitQuestions(ctx, k),
		cards:     orderCards(k, cards),
		full:      see == seeEverything,
		showLabel: see == seeEverything || mayScore,
	}
	switch {
	case v.full:
	case mayScore && k.ClosedAt.IsZero():
		v.hint = "Scores, recommendations and notes stay hidden until you submit your own scorecard (📝 Scorecard on the kit): judge independently first."
	default:
		v.hint = "Scores, recommendations and notes are for the panel once they have submitted, and for the kit's owner."
	}
	tss := make([]string, 0, len(k.Items))
	for _, it := range k.Items {
		if it.ReplyTS != "" {
			tss = append(tss, it.ReplyTS)
		}
	}
	fb, err := p.store.MessageFeedback(ctx, k.TeamID, k.ChannelID, tss)
	if err != nil {
		// The question feedback is a side dish; the debrief still stands.
		p.log.WarnContext(ctx, "debrief: question feedback", "kit", k.ID, "err", err)
	}
	for _, it := range k.Items {
		v.votes = append(v.votes, fb[it.ReplyTS])
	}
	return renderDebrief(v)
}

// orderCards puts the panel's scorecards first, in the panel's order, then
// the others by submission time.
func orderCards(k Kit, cards []Scorecard) []Scorecard {
	out := slices.Clone(cards)
	rank := func(sc Scorecard) int {
		if i := slices.Index(k.Panel, sc.UserID); i >= 0 {
			return i
		}
		return len(k.Panel)
	}
	slices.SortStableFunc(out, func(a, b Scorecard) int { return cmp.Compare(rank(a), rank(b)) })
	return out
}

// deliver answers with a debrief: in the reply when it fits one message,
// else by DM, so that its parts arrive in order.
func (p *panels) deliver(ctx context.Context, id, user string, pages []Message) (Reply, error) {
	if len(pages) == 1 {
		return reply(&pages[0]), nil
	}
	for i, m := range pages {
		m.Channel = user
		if _, err := p.slack.PostMessage(ctx, m); err != nil {
			return failure(fmt.Sprintf("I couldn't send you the whole debrief of kit `%s` (%d of %d parts sent). Please try again in a minute.", id, i, len(pages))),
				fmt.Errorf("send debrief of kit %s: %w", id, err)
		}
	}
	return reply(textMessage(fmt.Sprintf("📊 The debrief of kit `%s` is long, so I sent it to you in a direct message (%d parts).", id, len(pages)))), nil
}

// show answers `kit show <id>`.
func (p *panels) show(ctx context.Context, s Slash, id string) (Reply, error) {
	pages, ok, err := p.debrief(ctx, s.TeamID, id, s.UserID, s.ChannelID)
	switch {
	case err != nil:
		return failure("I can't read that kit right now: " + notSaved), err
	case !ok:
		return kitNotFound(id), nil
	}
	return p.deliver(ctx, id, s.UserID, pages)
}

// debriefAction answers 📊 Debrief on a kit's parent.
func (p *panels) debriefAction(ctx context.Context, a Action) (Reply, error) {
	pages, ok, err := p.debrief(ctx, a.TeamID, a.Value, a.UserID, a.ChannelID)
	switch {
	case err != nil:
		return failure("I can't read that kit right now: " + notSaved), err
	case !ok:
		return reply(textMessage("That kit no longer exists.")), nil
	}
	return p.deliver(ctx, a.Value, a.UserID, pages)
}

// manage loads a kit for closing or deleting, which its owner and admins
// may do; refusal is the answer when they may not.
func (p *panels) manage(ctx context.Context, s Slash, id, what string) (k Kit, refusal *Reply, err error) {
	k, err = p.store.Kit(ctx, s.TeamID, id)
	switch {
	case errors.Is(err, ErrNotFound):
		r := kitNotFound(id)
		return Kit{}, &r, nil
	case err != nil:
		r := failure(fmt.Sprintf("I didn't %s the kit: %s", what, notSaved))
		return Kit{}, &r, fmt.Errorf("%s kit: %w", what, err)
	case s.UserID == k.CreatedBy:
		return k, nil, nil
	}
	admin, err := p.admins.is(ctx, s.UserID)
	if err != nil {
		r := failure(fmt.Sprintf("I couldn't check whether you are an admin, so I didn't %s the kit. Please try again in a minute.", what))
		return Kit{}, &r, err
	}
	if admin {
		return k, nil, nil
	}
	if !k.onPanel(s.UserID) && s.ChannelID != k.ChannelID {
		r := kitNotFound(id)
		return Kit{}, &r, nil
	}
	r := reply(textMessage(fmt.Sprintf("Only the kit's owner <@%s> or an admin can %s kit `%s`.", k.CreatedBy, what, k.ID)))
	return Kit{}, &r, nil
}

// closeKit answers `kit close <id>`: no more scorecards; the thread hears the
// count only, the owner gets the full debrief by DM.
func (p *panels) closeKit(ctx context.Context, s Slash, id string) (Reply, error) {
	k, refusal, err := p.manage(ctx, s, id, "close")
	if refusal != nil {
		return *refusal, err
	}
	if k.Deleted {
		return reply(textMessage(fmt.Sprintf("Kit `%s` was deleted already.", k.ID))), nil
	}
	k, closed, err := p.store.CloseKit(ctx, k.TeamID, k.ID, p.now())
	if err != nil {
		return failure("The kit was NOT closed: " + notSaved), fmt.Errorf("close kit: %w", err)
	}
	if !closed {
		return reply(textMessage(fmt.Sprintf("Kit `%s` is closed already. `/interview kit show %s` shows its debrief.", k.ID, k.ID))), nil
	}
	p.log.InfoContext(ctx, "kit closed", "kit", k.ID, "by", s.UserID)
	ctx = context.WithoutCancel(ctx)
	var errs []error
	if err := p.refreshParent(ctx, k.TeamID, k.ID); err != nil {
		errs = append(errs, err)
	}
	cards, err := p.store.Scorecards(ctx, k.TeamID, k.ID)
	if err != nil {
		return failure(fmt.Sprintf("Kit `%s` is closed, but I couldn't read its scorecards for the debrief: %s", k.ID, notSaved)), errors.Join(append(errs, err)...)
	}
	if k.ParentTS != "" {
		// Public: the count, never what the scorecards say.
		m := textMessage(fmt.Sprintf("🔒 <@%s> closed the scorecards of this kit: %s.", s.UserID, progressCount(k, progressOf(k, cards))))
		m.Channel, m.ThreadTS = k.ChannelID, k.ParentTS
		if _, err := p.slack.PostMessage(ctx, *m); err != nil {
			errs = append(errs, fmt.Errorf("announce kit %s closed: %w", k.ID, err))
		}
	}
	where := fmt.Sprintf("its owner <@%s> gets the full debrief by DM", k.CreatedBy)
	if s.UserID == k.CreatedBy {
		where = "the full debrief is in your DMs"
	}
	for _, m := range p.render(ctx, k, cards, seeEverything, true) {
		m.Channel = k.CreatedBy
		if _, err := p.slack.PostMessage(ctx, m); err != nil {
			errs = append(errs, fmt.Errorf("send kit %s debrief to its owner: %w", k.ID, err))
			where = "I couldn't send the debrief by DM; `/interview kit show " + k.ID + "` shows it"
			break
		}
	}
	return reply(textMessage(fmt.Sprintf("🔒 Kit `%s` is closed: no more scorecards; %s.", k.ID, where))), errors.Join(errs...)
}

// deleteKit answers `kit delete <id>`: the scorecards, notes and candidate
// label are erased and the parent says so.
func (p *panels) deleteKit(ctx context.Context, s Slash, id string) (Reply, error) {
	k, refusal, err := p.manage(ctx, s, id, "delete")
	if refusal != nil {
		return *refusal, err
	}
	if _, err := p.store.DeleteKit(ctx, k.TeamID, k.ID, p.now()); err != nil {
		return failure("The kit was NOT deleted: " + notSaved), fmt.Errorf("delete kit: %w", err)
	}
	p.log.InfoContext(ctx, "kit deleted", "kit", k.ID, "by", s.UserID)
	err = p.refreshParent(context.WithoutCancel(ctx), k.TeamID, k.ID)
	return reply(textMessage(fmt.Sprintf("🗑 Kit `%s` is deleted: its scorecards, notes and candidate label are erased.", k.ID))), err
}
