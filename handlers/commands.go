package handlers

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/interviewbot/interviewbot/questions"
)

// Commands answers /interview, its buttons and its modals, and runs the
// background work (daily posts, kit resumes). It is a router: it parses,
// dispatches to one capability and names the command in the reply; the
// rules live in the capabilities, each with the store and Slack calls it
// needs and nothing more.
//
// Its methods return a Reply for the user and an error for the log. Expected
// mistakes (an unknown role, a bad time) are not errors: they come back as a
// friendly Reply. An unexpected failure comes back as an error, together with
// a Reply that says in one sentence what it means for the user (for example
// that a vote was NOT saved); the transport logs the error and sends the
// reply, so each error is handled once.
type Commands struct {
	bank     *questions.Bank
	catalog  catalog
	log      *slog.Logger
	now      func() time.Time
	owner    string
	leases   leaseStore
	answers  *answers // help, and the lists' answers
	lists    *lists
	practice *practice
	kits     *kits
	panels   *panels
	panel    *panelWork
	daily    *daily
	feedback *feedback
	teamBank *teamBank
	// Private practice: practice me, self-checks, me and the App Home;
	// daily me; forget me.
	private  *privatePractice
	personal *personalDaily
	forget   *forgetting
}

// leaseStore ends a dead process's leases on kits and daily posts.
type leaseStore interface {
	// ReleaseLeases ends every lease owner holds on kits and daily posts, as
	// of now. A process calls it at start, under a stable instance name,
	// when the previous process of that name died holding leases: nothing
	// of that name is running any more, so its work may resume at once.
	ReleaseLeases(ctx context.Context, owner string, now time.Time) error
}

// Config holds what Commands needs.
type Config struct {
	Bank   *questions.Bank
	Store  Store
	Slack  Slack
	Admins []string // Slack user ids allowed to add and remove questions
	Now    func() time.Time
	Log    *slog.Logger
	// Owner names this process in the leases that let one replica post a
	// kit or a daily question; each replica needs its own.
	Owner string
	// Retention is how long scorecards, notes and candidate labels are
	// kept after a kit is closed (or made, if never closed); 0 means
	// DefaultRetention.
	Retention time.Duration
}

// New returns Commands over cfg; Now defaults to time.Now, Log to a logger
// that discards and Owner to "interviewbot".
func New(cfg Config) *Commands {
	if cfg.Owner == "" {
		cfg.Owner = "interviewbot"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	cat := newCatalog(cfg.Bank, cfg.Store, cfg.Log)
	answers := newAnswers()
	private := &privatePractice{catalog: cat, store: cfg.Store, slack: cfg.Slack, now: cfg.Now, log: cfg.Log}
	return &Commands{
		bank:     cfg.Bank,
		catalog:  cat,
		log:      cfg.Log,
		now:      cfg.Now,
		owner:    cfg.Owner,
		leases:   cfg.Store,
		answers:  answers,
		lists:    &lists{catalog: cat, slack: cfg.Slack, answers: answers, versions: cfg.Store},
		practice: &practice{catalog: cat, store: cfg.Store, slack: cfg.Slack, now: cfg.Now},
		kits:     &kits{catalog: cat, store: cfg.Store, slack: cfg.Slack, now: cfg.Now, log: cfg.Log, owner: cfg.Owner},
		panels:   &panels{catalog: cat, store: cfg.Store, slack: cfg.Slack, admins: newAdmins(cfg.Admins, cfg.Slack), now: cfg.Now, log: cfg.Log},
		panel:    &panelWork{catalog: cat, store: cfg.Store, slack: cfg.Slack, log: cfg.Log, owner: cfg.Owner, retention: cfg.Retention},
		daily:    &daily{catalog: cat, store: cfg.Store, slack: cfg.Slack, admins: newAdmins(cfg.Admins, cfg.Slack), now: cfg.Now, log: cfg.Log, owner: cfg.Owner},
		feedback: &feedback{catalog: cat, store: cfg.Store, slack: cfg.Slack},
		teamBank: &teamBank{catalog: cat, store: cfg.Store, admins: newAdmins(cfg.Admins, cfg.Slack), now: cfg.Now},
		private:  private,
		personal: &personalDaily{catalog: cat, store: cfg.Store, slack: cfg.Slack, now: cfg.Now, log: cfg.Log, owner: cfg.Owner},
		forget:   &forgetting{store: cfg.Store, refreshHome: private.homeOpened},
	}
}

// Slash answers one /interview command. The reply names the subcommand
// (Reply.Command) whatever happened, for metrics.
func (c *Commands) Slash(ctx context.Context, s Slash) (Reply, error) {
	// The team's roles and categories are names like the built-in ones. A
	// store failure leaves the built-in bank; the capabilities that need
	// the store report it.
	bank, _ := c.catalog.bankFor(ctx, s.TeamID)
	cmd := Parse(bank, s.Text)
	r, err := c.slash(ctx, s, cmd)
	r.Command = cmd.Kind.String()
	return r, err
}

func (c *Commands) slash(ctx context.Context, s Slash, cmd Command) (Reply, error) {
	switch cmd.Kind {
	case KindInvalid:
		return reply(textMessage(cmd.Problem)), nil
	case KindHelp:
		return reply(c.answers.fromBank(answerKey{kind: KindHelp}, renderHelp)), nil
	case KindSubHelp:
		// Topic is one of the parser's few; renderSubHelp knows them all.
		return reply(c.answers.fromBank(answerKey{kind: KindSubHelp, name: cmd.Topic}, func() *Message { return renderSubHelp(cmd.Topic) })), nil
	case KindRoles:
		return c.lists.roles(ctx, s)
	case KindRole:
		return c.lists.roleCard(ctx, s, cmd.Role)
	case KindList:
		return c.lists.list(ctx, s.TeamID, cmd.Role, cmd.Category, 1)
	case KindPractice:
		return c.practice.post(ctx, s, cmd)
	case KindFeedback:
		return c.feedback.summary(ctx, s, cmd.Role, cmd.Category)
	case KindAdd:
		return c.teamBank.add(ctx, s, cmd)
	case KindRemove:
		return c.teamBank.remove(ctx, s, cmd.ID)
	case KindHide:
		return c.teamBank.hide(ctx, s, cmd.ID)
	case KindUnhide:
		return c.teamBank.unhide(ctx, s, cmd.ID)
	case KindKit:
		return c.kits.post(ctx, s, kitSpecOf(cmd))
	case KindKitList:
		return c.kits.list(ctx, s)
	case KindKitShow:
		return c.panels.show(ctx, s, cmd.ID)
	case KindKitBuild:
		return c.kits.openBuilder(ctx, s)
	case KindKitClose:
		return c.panels.closeKit(ctx, s, cmd.ID)
	case KindKitDelete:
		return c.panels.deleteKit(ctx, s, cmd.ID)
	case KindDaily:
		return c.daily.save(ctx, s, cmd)
	case KindDailyStatus:
		return c.daily.status(ctx, s)
	case KindDailyOff:
		return c.daily.off(ctx, s, cmd)
	case KindDailyNow:
		return c.daily.postNow(ctx, s, cmd)
	case KindDailyPause:
		return c.daily.pause(ctx, s, cmd)
	case KindDailyResume:
		return c.daily.resume(ctx, s, cmd)
	case KindDailySkip:
		return c.daily.skip(ctx, s, cmd)
	case KindPracticeMe:
		return c.private.practiceMe(ctx, s, cmd.Role, cmd.Category, cmd.Difficulty)
	case KindMe:
		return c.private.me(ctx, s)
	case KindDailyMe:
		return c.personal.create(ctx, s, cmd.Role, cmd.Category, cmd.Difficulty, cmd.Daily)
	case KindForgetMe:
		return c.forget.ask(ctx, s)
	}
	return Reply{}, fmt.Errorf("parse returned unknown kind %d", cmd.Kind)
}

// Action answers a button click.
func (c *Commands) Action(ctx context.Context, a Action) (Reply, error) {
	switch ActionBase(a.ActionID) {
	case ActionRateUp:
		return c.feedback.vote(ctx, a, +1)
	case ActionRateDown:
		return c.feedback.vote(ctx, a, -1)
	case ActionFeedbackOpen:
		return c.feedback.openFeedback(ctx, a)
	case ActionShareList:
		return c.lists.shareList(ctx, a)
	case ActionShowCategory:
		return c.lists.showCategory(ctx, a)
	case ActionShowGuidance:
		return c.lists.showGuidance(ctx, a)
	case ActionSelfCheckOpen:
		return c.private.openSelfCheck(ctx, a)
	case ActionPractisePrivate:
		return c.private.practiseNow(ctx, a)
	case ActionForgetConfirm:
		return c.forget.confirm(ctx, a)
	case ActionScorecardOpen:
		return c.panels.openScorecard(ctx, a)
	case ActionKitDebrief:
		return c.panels.debriefAction(ctx, a)
	case ActionDailyOff:
		return c.daily.offClick(ctx, a)
	}
	c.log.WarnContext(ctx, "unknown action", "action_id", a.ActionID)
	return reply(textMessage("That button isn't one I know any more; try the command again.")), nil
}

// Submit answers a submitted modal.
func (c *Commands) Submit(ctx context.Context, s Submission) (Reply, error) {
	switch s.CallbackID {
	case CallbackFeedback:
		return c.feedback.submitFeedback(ctx, s)
	case CallbackSelfCheck:
		return c.private.submitSelfCheck(ctx, s)
	case CallbackScorecard:
		return c.panels.submitScorecard(ctx, s)
	case CallbackKitBuild:
		return c.kits.submitBuilder(ctx, s)
	}
	c.log.WarnContext(ctx, "unknown view submission", "callback_id", s.CallbackID)
	return Reply{}, nil
}

// HomeOpened publishes the user's App Home tab: their practice progress
// and the Practise now button.
func (c *Commands) HomeOpened(ctx context.Context, h HomeOpened) error {
	return c.private.homeOpened(ctx, h)
}

// DuePersonalSchedules returns the personal daily schedules (`daily me`)
// that may have a question to send at now.
func (c *Commands) DuePersonalSchedules(ctx context.Context, now time.Time) ([]PersonalSchedule, error) {
	return c.personal.due(ctx, now)
}

// RunPersonalSchedule sends ps's question for its latest slot if it is due
// and nobody sent it: at most one per schedule and local date across
// replicas, held by the claim row in Postgres.
func (c *Commands) RunPersonalSchedule(ctx context.Context, ps PersonalSchedule, now time.Time) (DailyResult, error) {
	return c.personal.run(ctx, ps, now)
}

// DueSchedules returns the schedules that may have a post to make at now:
// those whose next post is due, read through an index, so that a tick
// costs what is due rather than what exists.
func (c *Commands) DueSchedules(ctx context.Context, now time.Time) ([]Schedule, error) {
	return c.daily.due(ctx, now)
}

// RunSchedule makes sc's due post if nobody made it, and moves sc on to its
// next post: at most one post per channel, role, category and local date
// across replicas, held by the claim row in Postgres.
func (c *Commands) RunSchedule(ctx context.Context, sc Schedule, now time.Time) (DailyResult, error) {
	return c.daily.run(ctx, sc, now)
}

// ResumeKits finishes kits that an earlier attempt left part-way (a Slack
// error, a crash, a restart). Every replica may call it; the lease lets one
// of them post each kit.
func (c *Commands) ResumeKits(ctx context.Context) error {
	return c.kits.resume(ctx)
}

// RunPanelWork sends the scorecard reminders due at now, each once across
// replicas, and erases the scorecards, notes and candidate labels whose
// retention is over. Every replica may call it.
func (c *Commands) RunPanelWork(ctx context.Context, now time.Time) error {
	return c.panel.run(ctx, now)
}

// RecoverLeases ends the leases a previous process of this instance name
// held when it died, so that its unfinished kits and daily posts resume at
// the next tick. Call it at start, before any work, and only with an
// instance name no other running process uses.
func (c *Commands) RecoverLeases(ctx context.Context) error {
	if err := c.leases.ReleaseLeases(ctx, c.owner, c.now()); err != nil {
		return fmt.Errorf("recover leases of %s: %w", c.owner, err)
	}
	return nil
}

func reply(m *Message) Reply { return Reply{Message: m} }

// failure is the reply that goes with an unexpected error.
func failure(text string) Reply {
	return reply(textMessage("⚠️ " + text))
}
