// Package bot is the Slack transport: the Socket Mode loop that acks and
// dispatches envelopes to the handlers, the Web API sender, and the shell,
// a terminal stand-in for Slack. It knows nothing about roles or questions.
package bot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// Handler is what the transport dispatches to; handlers.Commands implements it.
type Handler interface {
	Slash(ctx context.Context, s handlers.Slash) (handlers.Reply, error)
	Action(ctx context.Context, a handlers.Action) (handlers.Reply, error)
	Submit(ctx context.Context, s handlers.Submission) (handlers.Reply, error)
}

// Config configures a Slack transport.
type Config struct {
	Sender  *Sender
	Handler Handler
	Log     *slog.Logger
	// AckBudget is how long a slash command's or modal's answer may take to
	// ride in the acknowledgement; past it the envelope is acked empty and
	// the answer follows through the Web API. Slack allows 3 s in all.
	AckBudget time.Duration
	// HandlerTimeout bounds a slash command's work, 429 waits included:
	// a kit posts many messages.
	HandlerTimeout time.Duration
	// ClickTimeout bounds a button's or a modal's work: a vote that cannot
	// be saved in this time is better answered "NOT saved" than late.
	ClickTimeout time.Duration
	// PingInterval is how long the socket may go without a ping from Slack
	// before it is considered dead (slack-go's OptionPingInterval).
	PingInterval time.Duration
	// TeamID and AppID, when set, make the transport ignore envelopes meant
	// for another workspace or app. TeamID is also the team handlers see
	// for every envelope served: one installation is one tenant.
	TeamID string
	AppID  string
	// EnterpriseID, the Enterprise Grid organization of the installation
	// (auth.test's enterprise_id), makes envelopes from every workspace of
	// the organization ours: a shared channel's members from another
	// workspace, and an organization-wide install, whose interactions carry
	// no team at all.
	EnterpriseID string
}

// AnswerGrace bounds the sending of one answer (429 waits included), and
// so how long a stop waits, after the drain, for the handlers it cancelled
// to return and for their answers to be sent: Run returns within drain +
// AnswerGrace, and a moment to flush the last acks.
const AnswerGrace = 30 * time.Second

// answerContext bounds the sending of an answer. It is not cancelled with
// ctx: an answer saying that work was cancelled by a stop must still go out.
func answerContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), AnswerGrace)
}

// ackFlush is how long a stop waits, once no work is in flight, for queued
// acks to reach the socket.
const ackFlush = 100 * time.Millisecond

// Slack runs the bot over Socket Mode.
type Slack struct {
	cfg       Config
	appID     atomic.Value // string: the app id Slack named in hello
	client    *socketmode.Client
	log       *slog.Logger
	obs       Observer
	connected atomic.Bool
	// inflight counts envelopes being served and handlers running, so a
	// stop can wait for them.
	inflight tracker
}

// New returns a Socket Mode transport; Run connects it.
func New(cfg Config) *Slack {
	if cfg.AckBudget <= 0 {
		cfg.AckBudget = 2 * time.Second
	}
	if cfg.ClickTimeout <= 0 {
		cfg.ClickTimeout = 15 * time.Second
	}
	if cfg.HandlerTimeout <= 0 {
		cfg.HandlerTimeout = 2 * time.Minute
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	client := socketmode.New(cfg.Sender.api,
		socketmode.OptionPingInterval(cfg.PingInterval),
		// socketmode otherwise logs to os.Stderr in its own format,
		// outside the JSON log.
		socketmode.OptionLog(slog.NewLogLogger(cfg.Log.Handler(), slog.LevelDebug)))
	return &Slack{
		cfg:    cfg,
		client: client,
		log:    slog.New(newLazyAttrs(cfg.Log.Handler())),
		obs:    cfg.Sender.obs,
	}
}

// Connected says whether the Socket Mode socket is up (for /readyz).
func (s *Slack) Connected() bool { return s.connected.Load() }

// Run connects and serves until ctx is cancelled, then stops: it starts no
// new work (what still arrives is acked with a "try again"), lets the
// envelopes already received finish within drain, cancels the handlers
// still running then, and waits up to AnswerGrace for them to return and
// their answers to be sent. It returns early with an error only when Slack
// refuses the app token for good.
func (s *Slack) Run(ctx context.Context, drain time.Duration) error {
	// The socket outlives ctx until the stop is over, because acks of
	// envelopes already received still go out through it.
	sockCtx, stopSock := context.WithCancel(context.WithoutCancel(ctx))
	defer stopSock()
	// Handlers run under work, which a stop cancels only once the drain is
	// over, so that a vote or a form being saved ends saved or refused.
	work, stopWork := context.WithCancel(sockCtx)
	defer stopWork()
	runErr := make(chan error, 1)
	go func() { runErr <- s.client.RunContext(sockCtx) }()

	var err error
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case err = <-runErr:
			// RunContext only returns on fatal auth errors (or cancellation).
			err = fmt.Errorf("socket mode: %w", err)
			break loop
		case evt := <-s.client.Events:
			s.handleEvent(sockCtx, work, evt, false)
		}
	}
	// Keep acking what still arrives while in-flight work drains, but start
	// no handler for it: the drain waits only for work already under way.
	// Handlers still running after drain are cancelled, and given
	// AnswerGrace to return and have their answers sent.
	t := time.NewTimer(drain)
	defer t.Stop()
	idle := s.inflight.idle()
	var flushed, giveUp <-chan time.Time
wait:
	for {
		select {
		case <-idle:
			// slack-go's AckCtx returns once the ack is queued, and its
			// sender drops the queue when the socket's context ends: give
			// the last acks a moment to be written. Envelopes arriving
			// meanwhile are acked too, but no longer extend the stop.
			idle, flushed = nil, time.After(ackFlush)
		case <-flushed:
			break wait
		case <-t.C:
			s.log.Warn("shutdown: cancelling handlers still running after the drain", "drain", drain)
			stopWork()
			giveUp = time.After(AnswerGrace)
		case <-giveUp:
			s.log.Error("shutdown: handlers did not end after being cancelled", "grace", AnswerGrace)
			break wait
		case evt := <-s.client.Events:
			s.handleEvent(sockCtx, work, evt, true)
			if idle != nil {
				idle = s.inflight.idle()
			}
		}
	}
	s.connected.Store(false)
	stopSock()
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// handleEvent runs on the one goroutine that drains client.Events. It never
// blocks on handler work: slack-go stops reading the socket (and so stops
// answering Slack's pings) while Events is full. While draining, envelopes
// are acked and the user told to try again, but no handler starts.
//
// ctx lasts as long as the socket, for acks and answers; handlers run
// under work.
func (s *Slack) handleEvent(ctx, work context.Context, evt socketmode.Event, draining bool) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		// slack-go emits this before every (re)connect, and only then:
		// the socket is down until the next hello.
		s.connected.Store(false)
		s.log.Debug("socket mode connecting")
	case socketmode.EventTypeConnectionError:
		s.connected.Store(false)
		// Attempt and backoff as fields, not a %v of the event struct, so
		// that an operator (and a test) can see the retries slow down.
		if ce, ok := evt.Data.(*slack.ConnectionErrorEvent); ok {
			s.log.Warn("socket mode connection failed; retrying", "attempt", ce.Attempt, "retry_in", ce.Backoff, "err", ce.ErrorObj)
		} else {
			s.log.Warn("socket mode connection failed; retrying", "err", evt.Data)
		}
	case socketmode.EventTypeConnected:
		s.obs.Reconnect()
		s.log.Info("socket mode connected")
	case socketmode.EventTypeHello:
		s.connected.Store(true)
		if evt.Request != nil && evt.Request.ConnectionInfo.AppID != "" {
			s.appID.Store(evt.Request.ConnectionInfo.AppID)
		}
	case socketmode.EventTypeIncomingError:
		// Not a disconnect by itself: slack-go reports a malformed frame
		// this way too and keeps the socket. A dead socket is followed by
		// EventTypeConnecting, which marks it down.
		s.log.Debug("socket mode frame unreadable", "err", evt.Data)
	case socketmode.EventTypeInvalidAuth:
		s.log.Error("socket mode: the app token was refused")
	case socketmode.EventTypeErrorBadMessage:
		s.ackUnparsed(ctx, evt)
	case socketmode.EventTypeErrorWriteFailed:
		s.log.Warn("socket mode write failed", "err", evt.Data)
	case socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive, socketmode.EventTypeEventsAPI:
		if evt.Request == nil || evt.Request.EnvelopeID == "" {
			return
		}
		received := time.Now()
		s.inflight.add()
		go func() {
			defer s.inflight.done()
			s.serve(ctx, work, evt, received, draining)
		}()
	default:
		s.log.Debug("socket mode event ignored", "type", evt.Type)
	}
}

// ackUnparsed acks an envelope slack-go could not decode, so Slack does not
// redeliver it forever (slack-go never acks these itself).
func (s *Slack) ackUnparsed(ctx context.Context, evt socketmode.Event) {
	bad, ok := evt.Data.(*socketmode.ErrorBadMessage)
	if !ok {
		return
	}
	var env struct {
		EnvelopeID string `json:"envelope_id"`
	}
	if json.Unmarshal(bad.Message, &env) != nil || env.EnvelopeID == "" {
		s.log.Warn("unparseable socket mode frame", "err", bad.Cause)
		return
	}
	s.log.Warn("acked an envelope that could not be decoded", "envelope_id", env.EnvelopeID, "err", bad.Cause)
	s.ack(ctx, env.EnvelopeID, nil)
}

// ack sends the acknowledgement, bounded so that a dead socket can't hold a
// goroutine forever.
func (s *Slack) ack(ctx context.Context, envelopeID string, payload any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return s.client.AckCtx(ctx, envelopeID, payload)
}

// serve handles one envelope: decode, check it is ours, ack and answer, or
// while draining ack and say so.
func (s *Slack) serve(ctx, work context.Context, evt socketmode.Event, received time.Time, draining bool) {
	id := evt.Request.EnvelopeID
	log := s.log.With("envelope_id", id, "envelope", string(evt.Type))
	switch data := evt.Data.(type) {
	case slack.SlashCommand:
		log = log.With("team", data.TeamID, "channel", data.ChannelID, "user", data.UserID)
		if !s.ours(data.TeamID, data.EnterpriseID, data.APIAppID) {
			s.ignore(ctx, log, id, data.TeamID, data.APIAppID)
			return
		}
		if draining {
			s.ackRestarting(ctx, log, id, received)
			return
		}
		s.serveSlash(ctx, work, log, id, data, received)
	case slack.InteractionCallback:
		log = log.With("team", data.Team.ID, "channel", channelOf(data), "user", data.User.ID)
		if !s.ours(data.Team.ID, data.Enterprise.ID, data.APIAppID) {
			s.ignore(ctx, log, id, data.Team.ID, data.APIAppID)
			return
		}
		switch {
		case draining:
			s.refuseInteraction(ctx, log, id, data, received)
		case data.Type == slack.InteractionTypeBlockActions:
			s.serveActions(ctx, work, log, id, data, received)
		case data.Type == slack.InteractionTypeViewSubmission:
			s.serveSubmission(ctx, work, log, id, data, received)
		default:
			s.ackNow(ctx, log, id, string(evt.Type), received)
		}
	case slackevents.EventsAPIEvent:
		if !s.ours(data.TeamID, data.EnterpriseID, data.APIAppID) {
			s.ignore(ctx, log, id, data.TeamID, data.APIAppID)
			return
		}
		if draining {
			// An event needs no answer; Slack redelivers nothing acked.
			s.ackNow(ctx, log, id, string(evt.Type), received)
			return
		}
		s.serveEvent(ctx, work, log, id, data, received)
	default:
		// Anything else: nothing to do but acknowledge.
		s.ackNow(ctx, log, id, string(evt.Type), received)
	}
}

func channelOf(ic slack.InteractionCallback) string {
	if ic.Channel.ID != "" {
		return ic.Channel.ID
	}
	return ic.Container.ChannelID
}

// ours says whether an envelope is for this installation: the app Slack
// named in hello (or configured), and the team auth.test named or, on
// Enterprise Grid, any workspace of its organization. Slack never sends
// another app's envelopes, so a mismatch means a misrouted or forged frame,
// or another installation of the app, whose token we do not hold; it is
// dropped.
func (s *Slack) ours(teamID, enterpriseID, appID string) bool {
	want, _ := s.appID.Load().(string)
	want = cmp.Or(s.cfg.AppID, want)
	sameOrg := s.cfg.EnterpriseID != "" && enterpriseID == s.cfg.EnterpriseID
	return (s.cfg.TeamID == "" || teamID == s.cfg.TeamID || sameOrg) &&
		(want == "" || appID == want)
}

// tenant is the team the handlers see for an envelope of this installation:
// the installation's, so that a vote from another workspace in a shared
// channel counts with the channel's others, and an organization-wide
// install, whose interactions name no team, is one tenant.
func (s *Slack) tenant(teamID string) string {
	return cmp.Or(s.cfg.TeamID, s.cfg.EnterpriseID, teamID)
}

func (s *Slack) ignore(ctx context.Context, log *slog.Logger, id, teamID, appID string) {
	log.Warn("ignored an envelope for another workspace or app", "envelope_team", teamID, "envelope_app", appID)
	s.ack(ctx, id, nil)
}

func (s *Slack) ackNow(ctx context.Context, log *slog.Logger, id, kind string, received time.Time) {
	if err := s.ack(ctx, id, nil); err != nil {
		log.Warn("ack failed", "err", err)
		return
	}
	s.obs.Acked(kind, time.Since(received))
}

// result is a handler's answer, or the panic it raised.
type result struct {
	reply handlers.Reply
	err   error
}

// run calls f on its own goroutine, bounded by timeout, turning a
// panic into an error, and delivers the result on the returned channel.
func (s *Slack) run(ctx context.Context, timeout time.Duration, f func(context.Context) (handlers.Reply, error)) <-chan result {
	out := make(chan result, 1)
	s.inflight.add()
	go func() {
		defer s.inflight.done()
		hctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		defer func() {
			if p := recover(); p != nil {
				out <- result{
					reply: handlers.Reply{Message: oops()},
					err:   fmt.Errorf("handler panic: %v\n%s", p, debug.Stack()),
				}
			}
		}()
		r, err := f(hctx)
		out <- result{reply: r, err: err}
	}()
	return out
}

// oops is the answer when a handler failed without saying what it means
// for the user.
func oops() *handlers.Message {
	return &handlers.Message{Text: "⚠️ Something went wrong on my side and I couldn't finish that. Please try again; if it keeps happening, tell your Slack admin."}
}

// outcome names a handler result for metrics and logs.
func outcome(r result) string {
	switch {
	case r.err != nil:
		return "error"
	case r.reply.Message != nil || len(r.reply.Errors) > 0:
		return "answered"
	}
	return "ok"
}

// logResult logs a handler's error once, here at the edge.
func logResult(log *slog.Logger, r result) {
	if r.err != nil {
		log.Error("handler failed", "err", r.err)
	}
}

// maxAckPayload keeps an acknowledgement well under Slack's 20 KiB frame
// limit; larger answers go through the Web API instead.
const maxAckPayload = 16 * 1024

// ackMessage is a slash command's answer as it rides in the ack.
type ackMessage struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

func (s *Slack) serveSlash(ctx, work context.Context, log *slog.Logger, id string, cmd slack.SlashCommand, received time.Time) {
	req := handlers.Slash{
		TeamID: s.tenant(cmd.TeamID), ChannelID: cmd.ChannelID, UserID: cmd.UserID,
		Text: cmd.Text, TriggerID: cmd.TriggerID, ResponseURL: cmd.ResponseURL,
	}
	res := s.run(work, s.cfg.HandlerTimeout, func(ctx context.Context) (handlers.Reply, error) { return s.cfg.Handler.Slash(ctx, req) })
	r, inTime := s.await(ctx, log, id, string(socketmode.EventTypeSlashCommand), received, res)
	// The handler names the subcommand from a fixed set; a reply without a
	// name (a panic, a timeout) is still counted, as unknown.
	s.obs.Command(cmp.Or(r.reply.Command, "unknown"), outcome(r))
	m := r.reply.Message
	if !inTime {
		if m != nil {
			s.deliver(ctx, log, cmd.ResponseURL, cmd.ChannelID, cmd.UserID, *m)
		}
		return
	}
	if m == nil {
		s.ackNow(ctx, log, id, string(socketmode.EventTypeSlashCommand), received)
		return
	}
	b, m := ackPayload(log, m)
	if len(b) <= maxAckPayload {
		// Bytes, so that slack-go does not encode the answer again.
		if err := s.ack(ctx, id, json.RawMessage(b)); err == nil {
			s.obs.Acked(string(socketmode.EventTypeSlashCommand), time.Since(received))
			return
		}
	}
	// Too big for the socket: ack now, answer through the Web API.
	s.ackNow(ctx, log, id, string(socketmode.EventTypeSlashCommand), received)
	s.deliver(ctx, log, cmd.ResponseURL, cmd.ChannelID, cmd.UserID, *m)
}

// await waits for a handler's result while the ack budget lasts, and logs
// its error. In time, it returns the result with inTime set, for the caller
// to ack with the answer. Past the budget it acks empty at once, as Slack
// wants an ack within 3 s, then waits for the result, which the caller
// delivers another way.
func (s *Slack) await(ctx context.Context, log *slog.Logger, id, kind string, received time.Time, res <-chan result) (r result, inTime bool) {
	timer := time.NewTimer(s.cfg.AckBudget - time.Since(received))
	defer timer.Stop()
	select {
	case r = <-res:
		inTime = true
	case <-timer.C:
		s.ackNow(ctx, log, id, kind, received)
		r = <-res
	}
	logResult(log, r)
	return r, inTime
}

// deliver sends a late or large answer: through the response_url when there
// is one (it works in channels the bot is not a member of), else ephemerally.
// A private answer whose response_url fails (a 5xx, an expired or used-up
// url) goes out as an ephemeral message instead: after a 5xx the user may
// see it twice, which beats not hearing whether a vote was saved.
func (s *Slack) deliver(ctx context.Context, log *slog.Logger, responseURL, channelID, userID string, m handlers.Message) {
	ctx, cancel := answerContext(ctx)
	defer cancel()
	if responseURL != "" {
		err := s.cfg.Sender.Respond(ctx, responseURL, m)
		if err == nil {
			return
		}
		// An in-channel or replacing answer has no ephemeral equivalent.
		if m.InChannel || m.ReplaceOriginal || channelID == "" || ctx.Err() != nil {
			log.Error("could not deliver the answer", "err", err)
			return
		}
		log.Warn("response_url failed; answering with chat.postEphemeral", "err", err)
	}
	m.Channel = channelID
	if err := s.cfg.Sender.PostEphemeral(ctx, userID, m); err != nil {
		log.Error("could not deliver the answer", "err", err)
	}
}

func (s *Slack) serveActions(ctx, work context.Context, log *slog.Logger, id string, ic slack.InteractionCallback, received time.Time) {
	// block_actions acks carry nothing; ack first so Slack shows no warning.
	s.ackNow(ctx, log, id, "block_actions", received)
	for _, act := range ic.ActionCallback.BlockActions {
		a := handlers.Action{
			TeamID: s.tenant(ic.Team.ID), ChannelID: channelOf(ic), UserID: ic.User.ID,
			ActionID: act.ActionID, Value: cmp.Or(act.Value, act.SelectedOption.Value),
			MessageTS: ic.Container.MessageTs, ThreadTS: ic.Container.ThreadTs,
			Ephemeral: ic.Container.IsEphemeral, TriggerID: ic.TriggerID, ResponseURL: ic.ResponseURL,
		}
		r := <-s.run(work, s.cfg.ClickTimeout, func(ctx context.Context) (handlers.Reply, error) { return s.cfg.Handler.Action(ctx, a) })
		alog := log.With("action_id", a.ActionID)
		logResult(alog, r)
		s.obs.Command(interactiveName(a.ActionID), outcome(r))
		if m := r.reply.Message; m != nil {
			s.deliver(ctx, alog, a.ResponseURL, a.ChannelID, a.UserID, *m)
		}
	}
}

// submission is the handlers' view of a submitted modal, and what the user
// typed into it, in case the modal closes on it.
func submission(ic slack.InteractionCallback) (sub handlers.Submission, typed []string) {
	values, selected, typed := viewState(ic.View.State)
	sub = handlers.Submission{
		TeamID: ic.Team.ID, UserID: ic.User.ID, CallbackID: ic.View.CallbackID,
		PrivateMetadata: ic.View.PrivateMetadata, Values: values, Selected: selected,
	}
	return sub, typed
}

// viewErrors is the ack that keeps a modal open with errors on its inputs.
type viewErrors struct {
	ResponseAction string            `json:"response_action"`
	Errors         map[string]string `json:"errors"`
}

func (s *Slack) serveSubmission(ctx, work context.Context, log *slog.Logger, id string, ic slack.InteractionCallback, received time.Time) {
	sub, typed := submission(ic)
	sub.TeamID = s.tenant(sub.TeamID)
	res := s.run(work, s.cfg.ClickTimeout, func(ctx context.Context) (handlers.Reply, error) { return s.cfg.Handler.Submit(ctx, sub) })
	r, inTime := s.await(ctx, log, id, "view_submission", received, res)
	s.obs.Command(interactiveName(sub.CallbackID), outcome(r))
	if !inTime {
		// The modal closed with the empty ack; errors can no longer show
		// on its inputs.
		if len(r.reply.Errors) > 0 {
			s.lateSubmissionFailed(ctx, log, sub.UserID, typed)
		}
		return
	}
	var payload any
	if len(r.reply.Errors) > 0 {
		payload = viewErrors{ResponseAction: "errors", Errors: r.reply.Errors}
	}
	if err := s.ack(ctx, id, payload); err != nil {
		log.Warn("ack failed", "err", err)
		return
	}
	s.obs.Acked("view_submission", time.Since(received))
}

// maxLateNotice keeps the notice within what Validate allows a message's
// text, escaped quotes included.
const maxLateNotice = 3900

// lateSubmissionFailed tells a user that the modal they submitted, which
// was closed because the answer took longer than the ack allows, was NOT
// saved after all. Closing it was the only sign they had, and it took their
// text with it, so a direct message says so and quotes what they wrote.
func (s *Slack) lateSubmissionFailed(ctx context.Context, log *slog.Logger, userID string, typed []string) {
	var b strings.Builder
	b.WriteString("⚠️ The form you just submitted was closed before I could save it, and it was *NOT saved*. Please open it again and resubmit.")
	if len(typed) > 0 {
		b.WriteString(" Here is what you wrote, so that it isn't lost:")
		for _, t := range typed {
			b.WriteString("\n>" + strings.ReplaceAll(handlers.Escape(t), "\n", "\n>"))
		}
	}
	text := b.String()
	if r := []rune(text); len(r) > maxLateNotice {
		text = string(r[:maxLateNotice-1]) + "…"
	}
	ctx, cancel := answerContext(ctx)
	defer cancel()
	// Posting to a user id is a direct message from the app.
	if _, err := s.cfg.Sender.PostMessage(ctx, handlers.Message{Channel: userID, Text: text}); err != nil {
		log.Error("could not tell the user their submission was not saved", "err", err)
	}
}

// restarting is the answer to what arrives while the bot stops.
const restarting = "⚠️ I'm restarting and did not do that. Please try again in a few seconds."

// ackRestarting answers a slash command that arrived during a stop.
func (s *Slack) ackRestarting(ctx context.Context, log *slog.Logger, id string, received time.Time) {
	payload := ackMessage{ResponseType: slack.ResponseTypeEphemeral, Text: restarting}
	if err := s.ack(ctx, id, payload); err != nil {
		log.Warn("ack failed", "err", err)
		return
	}
	s.obs.Acked(string(socketmode.EventTypeSlashCommand), time.Since(received))
}

// refuseInteraction acks a click or a modal that arrived during a stop and
// tells the user it was not done: a click through its response_url, a
// modal, which the ack closes, by a message quoting what they wrote.
func (s *Slack) refuseInteraction(ctx context.Context, log *slog.Logger, id string, ic slack.InteractionCallback, received time.Time) {
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		s.ackNow(ctx, log, id, "block_actions", received)
		s.deliver(ctx, log, ic.ResponseURL, channelOf(ic), ic.User.ID, handlers.Message{Text: restarting})
	case slack.InteractionTypeViewSubmission:
		s.ackNow(ctx, log, id, "view_submission", received)
		_, typed := submission(ic)
		s.lateSubmissionFailed(ctx, log, ic.User.ID, typed)
	default:
		s.ackNow(ctx, log, id, string(socketmode.EventTypeInteractive), received)
	}
}

// tracker counts work in flight. Unlike a sync.WaitGroup, work may start
// while a drain waits for the count to reach zero.
type tracker struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed when n last dropped to zero
}

func (t *tracker) add() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		t.zero = make(chan struct{})
	}
	t.n++
}

func (t *tracker) done() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n--
	if t.n == 0 {
		close(t.zero)
	}
}

// idle returns a channel that is closed once no work is in flight.
func (t *tracker) idle() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.n == 0 {
		c := make(chan struct{})
		close(c)
		return c
	}
	return t.zero
}

// interactiveName is an action_id's or a callback_id's name for metrics: its
// contract id when it is one of the product's, else "unknown". The ids come
// from the payload, which anyone holding the app token can forge, and each
// distinct label is a new time series.
func interactiveName(id string) string {
	switch base := handlers.ActionBase(id); base {
	case handlers.ActionRateUp, handlers.ActionRateDown, handlers.ActionFeedbackOpen,
		handlers.ActionShareList, handlers.ActionShowCategory, handlers.ActionShowGuidance,
		handlers.CallbackFeedback:
		return base
	}
	return "unknown"
}
