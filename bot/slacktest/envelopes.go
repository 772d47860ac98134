package slacktest

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// verificationToken is the deprecated per-app token Slack still puts in
// payloads; apps must not use it for auth, so any constant will do.
const verificationToken = "verification-token"

// Slash is a slash command invocation. Empty fields get defaults:
// Command "/interview", UserID U0TEST, ChannelID C0TEST, TeamID from WithTeam.
type Slash struct {
	Command, Text, UserID, UserName, ChannelID, ChannelName, TeamID string
}

// Action is a click on an interactive element.
type Action struct {
	UserID    string
	ChannelID string
	// MessageTS is the message holding the element; "" means a fresh
	// message. Non-ephemeral messages become known to chat.update etc.,
	// since Slack only sends actions for messages that exist.
	MessageTS   string
	IsEphemeral bool // then the payload has no "message", as with Slack
	ActionID    string
	// BlockID defaults to the block holding ActionID in the stored
	// message, else "actions". Slack always sends block_id; slack-go
	// misroutes actions without it.
	BlockID string
	// Value defaults to the element's value in the stored message. For
	// selects, radio buttons and overflow menus it is the chosen option's
	// value; for users/conversations selects and pickers the selection.
	Value  string
	TeamID string
	// UserTeamID is the clicking user's workspace, when it is not TeamID:
	// a user of another workspace in a shared channel. Default: TeamID.
	UserTeamID string
	// Text is the element's label; default: taken from the stored message,
	// else ActionID.
	Text string
	// ViewID, if set, makes this an action inside that view (modal or Home
	// tab): container type "view", the view in the payload, no response_url.
	ViewID string
}

// Submission is a modal's submit. Empty CallbackID and PrivateMetadata are
// taken from the view ViewID names (default: the last modal the app
// opened), as Slack echoes them from the view.
type Submission struct {
	UserID, TeamID, CallbackID, PrivateMetadata string
	Values                                      map[string]map[string]ViewValue // block_id → action_id → value
	ViewID                                      string
}

// ViewValue is one input's state. Type defaults to "plain_text_input".
// Text-like inputs use Value; static_select/radio_buttons use
// SelectedOption; multi selects and checkboxes use SelectedOptions;
// users/conversations/channels selects and date/time pickers use Value as
// the selection.
type ViewValue struct {
	Type            string
	Value           string
	SelectedOption  string
	SelectedOptions []string
}

type ackWaiter struct {
	once sync.Once
	done chan struct{}
	ack  Ack
}

func newWaiter() *ackWaiter { return &ackWaiter{done: make(chan struct{})} }

func (w *ackWaiter) resolve(a Ack) {
	w.once.Do(func() {
		w.ack = a
		close(w.done)
	})
}

// envelope is one delivered Socket Mode envelope. Retries of an Events API
// event are separate envelopes sharing one waiter.
type envelope struct {
	id      string
	typ     string // envelope type
	kind    string // slash_commands, block_actions, view_submission, events_api
	waiter  *ackWaiter
	ackedCh chan struct{}

	// Guarded by Server.mu.
	sentAt          time.Time
	acked           bool
	timeoutReported bool

	// What the ack payload is checked against and replies are recorded for.
	command, channel, user string
	triggerID, responseURL string
	viewID, eventID        string
	retryAttempt           int
}

func (s *Server) newEnvelope(typ, kind string, w *ackWaiter) *envelope {
	return &envelope{id: newUUID(), typ: typ, kind: kind, waiter: w, ackedCh: make(chan struct{})}
}

type envelopeFrame struct {
	EnvelopeID             string  `json:"envelope_id"`
	Payload                any     `json:"payload"`
	Type                   string  `json:"type"`
	AcceptsResponsePayload bool    `json:"accepts_response_payload"`
	RetryAttempt           *int    `json:"retry_attempt,omitempty"`
	RetryReason            *string `json:"retry_reason,omitempty"`
}

type trigger struct {
	issued time.Time
	used   bool
}

// responseURL is what a response_url may act on.
type responseURL struct {
	issued     time.Time
	uses       int
	envelopeID string
	channel    string
	user       string
	// messageTS / ephemeralTS is the message a block action came from:
	// the target of replace_original / delete_original.
	messageTS   string
	ephemeralTS string
}

func (s *Server) issueTriggerLocked() string {
	id := fmt.Sprintf("%d.%d.%s", time.Now().UnixMilli(), 1_000_000_000_000+s.nextSeqLocked(), randomHex(16))
	s.triggers[id] = &trigger{issued: time.Now()}
	return id
}

func (s *Server) issueResponseURLLocked(r *responseURL) string {
	r.issued = time.Now()
	id := randomHex(16)
	s.responses[id] = r
	return s.hs.URL + "/response/" + id
}

// SlashCommand delivers a slash_commands envelope and waits for its ack.
// An ack later than the ack deadline returns the Ack and an error wrapping
// ErrAckTimeout (Slack has already shown the user "operation_timeout").
func (s *Server) SlashCommand(ctx context.Context, c Slash) (Ack, error) {
	c.Command = cmp.Or(c.Command, DefaultCommand)
	c.UserID = cmp.Or(c.UserID, DefaultUserID)
	c.ChannelID = cmp.Or(c.ChannelID, DefaultChannelID)
	c.TeamID = cmp.Or(c.TeamID, s.cfg.teamID)

	s.mu.Lock()
	u := s.knowUserLocked(c.UserID, c.UserName)
	c.UserName = cmp.Or(c.UserName, u.Name)
	c.ChannelName = cmp.Or(c.ChannelName, s.channelLocked(c.ChannelID).info.Name)
	env := s.newEnvelope("slash_commands", "slash_commands", newWaiter())
	env.command, env.channel, env.user = c.Command, c.ChannelID, c.UserID
	env.triggerID = s.issueTriggerLocked()
	env.responseURL = s.issueResponseURLLocked(&responseURL{envelopeID: env.id, channel: c.ChannelID, user: c.UserID})
	s.envelopes[env.id] = env
	s.mu.Unlock()

	payload := struct {
		Token               string `json:"token"`
		TeamID              string `json:"team_id"`
		TeamDomain          string `json:"team_domain"`
		ChannelID           string `json:"channel_id"`
		ChannelName         string `json:"channel_name"`
		UserID              string `json:"user_id"`
		UserName            string `json:"user_name"`
		Command             string `json:"command"`
		Text                string `json:"text"`
		APIAppID            string `json:"api_app_id"`
		IsEnterpriseInstall string `json:"is_enterprise_install"`
		EnterpriseID        string `json:"enterprise_id,omitempty"`
		ResponseURL         string `json:"response_url"`
		TriggerID           string `json:"trigger_id"`
	}{
		verificationToken, c.TeamID, s.cfg.teamDomain, c.ChannelID, c.ChannelName, c.UserID, c.UserName,
		c.Command, c.Text, s.cfg.appID, strconv.FormatBool(s.cfg.orgWide), s.cfg.enterpriseID, env.responseURL, env.triggerID,
	}
	return s.deliverAndWait(ctx, env, envelopeFrame{
		EnvelopeID: env.id, Payload: payload, Type: env.typ, AcceptsResponsePayload: true,
	})
}

// addInstall sets an interaction payload's team, enterprise and
// is_enterprise_install: "team" is null for an organization-wide install.
func (s *Server) addInstall(payload map[string]any, teamID string) {
	payload["team"] = map[string]any{"id": teamID, "domain": s.cfg.teamDomain}
	if s.cfg.orgWide {
		payload["team"] = nil
	}
	payload["enterprise"] = nil
	if s.cfg.enterpriseID != "" {
		payload["enterprise"] = map[string]any{"id": s.cfg.enterpriseID, "name": "Test Organization"}
	}
	payload["is_enterprise_install"] = s.cfg.orgWide
}

// BlockAction delivers an interactive block_actions envelope and waits for
// its ack.
func (s *Server) BlockAction(ctx context.Context, a Action) (Ack, error) {
	a.UserID = cmp.Or(a.UserID, DefaultUserID)
	a.ChannelID = cmp.Or(a.ChannelID, DefaultChannelID)
	a.TeamID = cmp.Or(a.TeamID, s.cfg.teamID)
	now := time.Now()

	s.mu.Lock()
	u := s.knowUserLocked(a.UserID, "")
	env := s.newEnvelope("interactive", "block_actions", newWaiter())
	env.user = a.UserID
	env.triggerID = s.issueTriggerLocked()
	payload := map[string]any{
		"type":       "block_actions",
		"user":       map[string]any{"id": a.UserID, "username": u.Name, "name": u.Name, "team_id": cmp.Or(a.UserTeamID, a.TeamID)},
		"api_app_id": s.cfg.appID,
		"token":      verificationToken,
		"trigger_id": env.triggerID,
		"state":      map[string]any{"values": map[string]any{}},
	}
	s.addInstall(payload, a.TeamID)
	var blocks json.RawMessage
	if a.ViewID != "" {
		vs := s.openViews[a.ViewID]
		payload["container"] = map[string]any{"type": "view", "view_id": a.ViewID}
		if vs != nil {
			payload["view"] = vs.object()
			blocks = vs.obj["blocks"]
		} else {
			payload["view"] = map[string]any{"id": a.ViewID, "type": "modal", "team_id": a.TeamID, "app_id": s.cfg.appID, "bot_id": BotID, "blocks": []any{}}
		}
		env.viewID = a.ViewID
	} else {
		ch := s.channelLocked(a.ChannelID)
		if a.MessageTS == "" {
			a.MessageTS = s.nextTSLocked()
		}
		env.channel = a.ChannelID
		payload["container"] = map[string]any{
			"type": "message", "message_ts": a.MessageTS, "channel_id": a.ChannelID, "is_ephemeral": a.IsEphemeral,
		}
		payload["channel"] = map[string]any{"id": a.ChannelID, "name": ch.info.Name}
		ru := &responseURL{envelopeID: env.id, channel: a.ChannelID, user: a.UserID}
		if !a.IsEphemeral {
			m, ok := ch.msgs[a.MessageTS]
			if !ok {
				m = &storedMessage{ts: a.MessageTS, user: BotUserID}
				ch.msgs[a.MessageTS] = m
			}
			payload["message"] = s.messageObject(m)
			blocks = m.blocks
			ru.messageTS = a.MessageTS
		} else {
			ru.ephemeralTS = a.MessageTS
		}
		env.responseURL = s.issueResponseURLLocked(ru)
		payload["response_url"] = env.responseURL
	}
	foundBlock, elem := findElement(blocks, a.BlockID, a.ActionID)
	payload["actions"] = []any{buildAction(a, cmp.Or(a.BlockID, foundBlock, "actions"), elem, now)}
	s.envelopes[env.id] = env
	s.mu.Unlock()

	return s.deliverAndWait(ctx, env, envelopeFrame{
		EnvelopeID: env.id, Payload: payload, Type: env.typ, AcceptsResponsePayload: false,
	})
}

// ViewSubmission delivers an interactive view_submission envelope and
// waits for its ack. The ack payload (response_action) is checked the way
// Slack would and problems are reported in Errors.
func (s *Server) ViewSubmission(ctx context.Context, v Submission) (Ack, error) {
	v.UserID = cmp.Or(v.UserID, DefaultUserID)
	v.TeamID = cmp.Or(v.TeamID, s.cfg.teamID)

	s.mu.Lock()
	u := s.knowUserLocked(v.UserID, "")
	if v.ViewID == "" {
		v.ViewID = s.lastModal
	}
	vs := s.openViews[v.ViewID]
	var view map[string]any
	if vs != nil {
		view = vs.object()
	} else {
		if v.ViewID == "" {
			v.ViewID = s.newViewIDLocked()
		}
		view = map[string]any{
			"id": v.ViewID, "type": "modal", "blocks": []any{},
			"title":            map[string]any{"type": "plain_text", "text": "Modal", "emoji": true},
			"submit":           map[string]any{"type": "plain_text", "text": "Submit", "emoji": true},
			"callback_id":      "",
			"private_metadata": "",
			"hash":             fmt.Sprintf("%d.%s", time.Now().Unix(), randomHex(4)),
			"root_view_id":     v.ViewID,
			"previous_view_id": nil,
			"clear_on_close":   false,
			"notify_on_close":  false,
			"external_id":      "",
		}
	}
	view["team_id"] = v.TeamID
	view["app_id"] = s.cfg.appID
	view["bot_id"] = BotID
	view["app_installed_team_id"] = s.cfg.teamID
	if v.CallbackID != "" {
		view["callback_id"] = v.CallbackID
	}
	if v.PrivateMetadata != "" {
		view["private_metadata"] = v.PrivateMetadata
	}
	var blocks json.RawMessage
	if vs != nil {
		blocks = vs.obj["blocks"]
	}
	view["state"] = map[string]any{"values": buildStateValues(v.Values, blocks)}

	env := s.newEnvelope("interactive", "view_submission", newWaiter())
	env.user, env.viewID = v.UserID, v.ViewID
	env.triggerID = s.issueTriggerLocked()
	s.envelopes[env.id] = env
	s.mu.Unlock()

	payload := map[string]any{
		"type":          "view_submission",
		"token":         verificationToken,
		"team":          map[string]any{"id": v.TeamID, "domain": s.cfg.teamDomain},
		"user":          map[string]any{"id": v.UserID, "username": u.Name, "name": u.Name, "team_id": v.TeamID},
		"api_app_id":    s.cfg.appID,
		"trigger_id":    env.triggerID,
		"view":          view,
		"response_urls": []any{},
	}
	s.addInstall(payload, v.TeamID)
	return s.deliverAndWait(ctx, env, envelopeFrame{
		EnvelopeID: env.id, Payload: payload, Type: env.typ, AcceptsResponsePayload: true,
	})
}

// EventCallback delivers an Events API envelope wrapping event (the inner
// event object, e.g. {"type":"app_mention",...}) and waits for its ack.
// Like Slack, an event that is not acked within the ack deadline is
// redelivered up to 3 times with retry_attempt 1..3 and retry_reason
// "timeout" and the same payload.event_id (real Slack spaces later retries
// by minutes; this fake retries at once).
func (s *Server) EventCallback(ctx context.Context, event json.RawMessage) (Ack, error) {
	var inner struct {
		Type    string `json:"type"`
		Channel string `json:"channel"`
	}
	if err := json.Unmarshal(event, &inner); err != nil || inner.Type == "" {
		return Ack{}, fmt.Errorf("slacktest: event must be a JSON object with a type: %v", err)
	}
	now := time.Now()
	eventID := "Ev" + strings.ToUpper(randomHex(5))
	payload := map[string]any{
		"token":      verificationToken,
		"team_id":    s.cfg.teamID,
		"api_app_id": s.cfg.appID,
		"event":      event,
		"type":       "event_callback",
		"event_id":   eventID,
		"event_time": now.Unix(),
		"authorizations": []any{map[string]any{
			"enterprise_id": nil, "team_id": s.cfg.teamID, "user_id": BotUserID, "is_bot": true, "is_enterprise_install": false,
		}},
		"is_ext_shared_channel": false,
		"event_context":         fmt.Sprintf("4-%s-%s-%s", inner.Type, s.cfg.teamID, inner.Channel),
	}
	w := newWaiter()
	const maxRetries = 3
	for attempt := 0; ; attempt++ {
		env := s.newEnvelope("events_api", "events_api", w)
		env.eventID, env.retryAttempt = eventID, attempt
		s.mu.Lock()
		s.envelopes[env.id] = env
		s.mu.Unlock()
		reason := ""
		if attempt > 0 {
			reason = "timeout"
		}
		frame, err := json.Marshal(envelopeFrame{
			EnvelopeID: env.id, Payload: payload, Type: env.typ,
			RetryAttempt: &attempt, RetryReason: &reason,
		})
		if err != nil {
			return Ack{}, fmt.Errorf("slacktest: encoding event: %w", err)
		}
		if err := s.sendFrame(ctx, frame, func() { env.sentAt = time.Now() }); err != nil {
			return Ack{EnvelopeID: env.id, Type: env.typ}, err
		}
		t := time.NewTimer(s.cfg.ackTimeout)
		select {
		case <-w.done:
			t.Stop()
			return w.ack, nil
		case <-t.C:
			// Reported here rather than by a watchdog so the error is
			// recorded before the retry can be acked.
			s.mu.Lock()
			if !env.acked {
				s.reportTimeoutLocked(env)
			}
			s.mu.Unlock()
			if attempt == maxRetries {
				return Ack{EnvelopeID: env.id, Type: env.typ}, fmt.Errorf("%w: event %s not acked after %d retries", ErrAckTimeout, eventID, maxRetries)
			}
		case <-ctx.Done():
			t.Stop()
			return Ack{EnvelopeID: env.id, Type: env.typ}, fmt.Errorf("slacktest: no ack for event %s: %w", eventID, ctx.Err())
		case <-s.done:
			t.Stop()
			return Ack{}, ErrClosed
		}
	}
}

func (s *Server) deliverAndWait(ctx context.Context, env *envelope, f envelopeFrame) (Ack, error) {
	partial := Ack{EnvelopeID: env.id, Type: env.typ, TriggerID: env.triggerID, ResponseURL: env.responseURL}
	frame, err := json.Marshal(f)
	if err != nil {
		return partial, fmt.Errorf("slacktest: encoding envelope: %w", err)
	}
	if err := s.sendFrame(ctx, frame, func() { env.sentAt = time.Now() }); err != nil {
		return partial, err
	}
	s.spawn(func() { s.watchAck(env) })
	select {
	case <-env.waiter.done:
		ack := env.waiter.ack
		if ack.Latency > s.cfg.ackTimeout {
			return ack, env.lateError(ack.Latency, s.cfg.ackTimeout)
		}
		return ack, nil
	case <-ctx.Done():
		return partial, fmt.Errorf("slacktest: no ack for %s envelope %s: %w", env.kind, env.id, ctx.Err())
	case <-s.done:
		return partial, ErrClosed
	}
}

// watchAck reports a missed ack deadline at the moment Slack would give up.
func (s *Server) watchAck(env *envelope) {
	t := time.NewTimer(s.cfg.ackTimeout)
	defer t.Stop()
	select {
	case <-env.ackedCh:
	case <-s.done:
	case <-t.C:
		s.mu.Lock()
		if !env.acked {
			s.reportTimeoutLocked(env)
		}
		s.mu.Unlock()
	}
}

// reportTimeoutLocked records a missed ack deadline once per envelope,
// whether the watchdog or a late ack notices it first.
func (s *Server) reportTimeoutLocked(env *envelope) {
	if env.timeoutReported {
		return
	}
	env.timeoutReported = true
	s.errorLocked("%s", env.timeoutDescription(s.cfg.ackTimeout))
}

func (e *envelope) timeoutDescription(limit time.Duration) string {
	switch e.kind {
	case "slash_commands":
		return fmt.Sprintf("operation_timeout: %s (envelope %s) not acknowledged within %v; Slack tells the user %q",
			e.command, e.id, limit, e.command+` failed with the error "operation_timeout"`)
	case "block_actions":
		return fmt.Sprintf("block_actions envelope %s not acknowledged within %v; Slack shows a warning next to the element", e.id, limit)
	case "view_submission":
		return fmt.Sprintf("view_submission envelope %s not acknowledged within %v; the modal shows an error and stays open", e.id, limit)
	case "events_api":
		return fmt.Sprintf("events_api envelope %s (event %s, retry_attempt %d) not acknowledged within %v; Slack retries", e.id, e.eventID, e.retryAttempt, limit)
	default:
		return fmt.Sprintf("%s envelope %s not acknowledged within %v", e.typ, e.id, limit)
	}
}

func (e *envelope) lateError(latency, limit time.Duration) error {
	if e.kind == "slash_commands" {
		return fmt.Errorf("%w: %s acked after %v (limit %v); Slack already answered %q",
			ErrAckTimeout, e.command, latency.Round(time.Millisecond), limit, "operation_timeout")
	}
	return fmt.Errorf("%w: %s envelope %s acked after %v (limit %v)", ErrAckTimeout, e.kind, e.id, latency.Round(time.Millisecond), limit)
}

func (s *Server) handleAck(id string, payload json.RawMessage) {
	now := time.Now()
	s.mu.Lock()
	env, ok := s.envelopes[id]
	if !ok {
		s.errorLocked("app acked unknown envelope_id %q", id)
		s.mu.Unlock()
		return
	}
	if env.acked {
		s.errorLocked("app acked envelope_id %q more than once", id)
		s.mu.Unlock()
		return
	}
	env.acked = true
	close(env.ackedCh)
	ack := Ack{
		EnvelopeID: id, Type: env.typ, Payload: payload, Latency: now.Sub(env.sentAt),
		TriggerID: env.triggerID, ResponseURL: env.responseURL,
	}
	stored := ack
	stored.Payload = cloneRaw(payload)
	s.acks = append(s.acks, stored)
	if ack.Latency > s.cfg.ackTimeout {
		s.reportTimeoutLocked(env)
	}
	check := true
	if env.kind == "slash_commands" && len(payload) > 0 {
		check = s.checkEvery <= 1 || s.slashAcks%s.checkEvery == 0
		s.slashAcks++
	}
	s.notifyLocked()
	s.mu.Unlock()

	// Apply the payload before releasing the waiter so a caller that got
	// the Ack also sees the reply or errors it caused.
	if len(payload) > 0 && check {
		late := ack.Latency > s.cfg.ackTimeout
		switch env.kind {
		case "slash_commands":
			s.applySlashReply(env, payload, late)
		case "view_submission":
			s.applyViewResponse(env, payload, late)
		}
	}
	env.waiter.resolve(ack)
}

// applySlashReply treats a slash command ack payload as Slack does: an
// immediate reply message, discarded if it came too late.
func (s *Server) applySlashReply(env *envelope, payload json.RawMessage, late bool) {
	var r struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ThreadTS        string          `json:"thread_ts"`
		ReplaceOriginal bool            `json:"replace_original"`
	}
	if err := json.Unmarshal(payload, &r); err != nil {
		s.recordError("ack payload for %s (envelope %s) is not a message object: %v", env.command, env.id, err)
		return
	}
	if late {
		return
	}
	blocks := nonNullBlocks(r.Blocks)
	if r.Text == "" && len(blocks) == 0 {
		return
	}
	switch r.ResponseType {
	case "", "ephemeral", "in_channel":
	default:
		s.recordError("ack payload for %s (envelope %s) has invalid response_type %q", env.command, env.id, r.ResponseType)
		return
	}
	if rej := checkMessageContent(r.Text, blocks, true, maxMessageText, "msg_too_long"); rej != nil {
		s.recordError("ack reply to %s (envelope %s) rejected by Slack: %s", env.command, env.id, rej.describe())
		return
	}
	rt := cmp.Or(r.ResponseType, "ephemeral")
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.nextTSLocked()
	user := env.user
	if rt == "in_channel" {
		s.channelLocked(env.channel).msgs[ts] = &storedMessage{ts: ts, text: r.Text, blocks: normalizeBlocks(blocks), user: BotUserID}
		user = ""
	}
	s.recordMessageLocked(Message{
		Method: "ack", Channel: env.channel, User: user, TS: ts, Text: r.Text, Blocks: cloneRaw(blocks),
		ResponseType: rt, EnvelopeID: env.id,
	})
}

// applyViewResponse checks a view_submission ack's response_action.
func (s *Server) applyViewResponse(env *envelope, payload json.RawMessage, late bool) {
	var r struct {
		ResponseAction string            `json:"response_action"`
		Errors         map[string]string `json:"errors"`
		View           json.RawMessage   `json:"view"`
	}
	if err := json.Unmarshal(payload, &r); err != nil {
		s.recordError("view_submission ack payload (envelope %s) is not an object: %v", env.id, err)
		return
	}
	if late {
		return
	}
	switch r.ResponseAction {
	case "", "clear":
	case "errors":
		if len(r.Errors) == 0 {
			s.recordError("view_submission ack (envelope %s): response_action errors without errors", env.id)
			return
		}
		s.mu.Lock()
		vs := s.openViews[env.viewID]
		var inputs map[string]bool
		if vs != nil {
			inputs = inputBlockIDs(vs.obj["blocks"])
		}
		s.mu.Unlock()
		if inputs == nil {
			return
		}
		for k := range r.Errors {
			if !inputs[k] {
				s.recordError("view_submission ack (envelope %s): errors key %q is not an input block_id of view %s; Slack shows a generic error", env.id, k, env.viewID)
			}
		}
	case "update", "push":
		if msgs, tooLarge := validateView(r.View, "modal"); tooLarge || len(msgs) > 0 {
			s.recordError("view_submission ack (envelope %s): response_action %s view rejected: %s", env.id, r.ResponseAction, strings.Join(msgs, "; "))
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		id := env.viewID
		if r.ResponseAction == "push" || s.openViews[id] == nil {
			id = ""
		}
		vs := s.storeViewLocked(id, r.View, env.user, "")
		if r.ResponseAction == "push" {
			vs.obj["previous_view_id"] = mustJSON(env.viewID)
		}
		s.views = append(s.views, View{Method: "ack", ID: vs.id, View: cloneRaw(r.View)})
		s.notifyLocked()
	default:
		s.recordError("view_submission ack (envelope %s): unknown response_action %q", env.id, r.ResponseAction)
	}
}

// findElement locates the interactive element with actionID (inside
// blockID when given) in a blocks array.
func findElement(blocks json.RawMessage, blockID, actionID string) (string, map[string]any) {
	if len(blocks) == 0 || actionID == "" {
		return "", nil
	}
	var bs []map[string]any
	if json.Unmarshal(blocks, &bs) != nil {
		return "", nil
	}
	for _, b := range bs {
		bid, _ := b["block_id"].(string)
		if blockID != "" && bid != blockID {
			continue
		}
		var elems []any
		if es, ok := b["elements"].([]any); ok {
			elems = es
		}
		for _, key := range []string{"accessory", "element"} {
			if e, ok := b[key]; ok {
				elems = append(elems, e)
			}
		}
		for _, e := range elems {
			if m, ok := e.(map[string]any); ok && m["action_id"] == actionID {
				return bid, m
			}
		}
	}
	return "", nil
}

func buildAction(a Action, blockID string, elem map[string]any, now time.Time) map[string]any {
	typ := "button"
	if t, ok := elem["type"].(string); ok && t != "" {
		typ = t
	}
	act := map[string]any{
		"action_id": a.ActionID,
		"block_id":  blockID,
		"type":      typ,
		"action_ts": formatTS(now.UnixMicro()),
	}
	value := a.Value
	switch typ {
	case "static_select", "external_select", "overflow", "radio_buttons":
		act["selected_option"] = optionFor(elem, value, a.Text)
	case "multi_static_select", "multi_external_select", "checkboxes":
		act["selected_options"] = []any{optionFor(elem, value, a.Text)}
	case "users_select":
		act["selected_user"] = value
	case "conversations_select":
		act["selected_conversation"] = value
	case "channels_select":
		act["selected_channel"] = value
	case "datepicker":
		act["selected_date"] = value
	case "timepicker":
		act["selected_time"] = value
	default:
		label := a.Text
		if t, ok := elem["text"].(map[string]any); ok && label == "" {
			label, _ = t["text"].(string)
		}
		if v, ok := elem["value"].(string); ok && value == "" {
			value = v
		}
		act["text"] = map[string]any{"type": "plain_text", "text": cmp.Or(label, a.ActionID), "emoji": true}
		if value != "" {
			act["value"] = value
		}
		if style, ok := elem["style"].(string); ok {
			act["style"] = style
		}
	}
	return act
}

// optionFor builds a selected option, labelled like the matching option of
// the element when the element is known.
func optionFor(elem map[string]any, value, label string) map[string]any {
	if label == "" {
		label = optionLabel(elem, value)
	}
	return map[string]any{
		"text":  map[string]any{"type": "plain_text", "text": cmp.Or(label, value), "emoji": true},
		"value": value,
	}
}

func optionLabel(elem map[string]any, value string) string {
	var opts []any
	if o, ok := elem["options"].([]any); ok {
		opts = append(opts, o...)
	}
	if groups, ok := elem["option_groups"].([]any); ok {
		for _, g := range groups {
			if gm, ok := g.(map[string]any); ok {
				if o, ok := gm["options"].([]any); ok {
					opts = append(opts, o...)
				}
			}
		}
	}
	for _, o := range opts {
		om, ok := o.(map[string]any)
		if !ok || om["value"] != value {
			continue
		}
		if t, ok := om["text"].(map[string]any); ok {
			s, _ := t["text"].(string)
			return s
		}
	}
	return ""
}

// buildStateValues renders view.state.values the way Slack does for each
// input type.
func buildStateValues(values map[string]map[string]ViewValue, blocks json.RawMessage) map[string]any {
	out := make(map[string]any, len(values))
	for blockID, actions := range values {
		row := make(map[string]any, len(actions))
		for actionID, v := range actions {
			typ := cmp.Or(v.Type, "plain_text_input")
			_, elem := findElement(blocks, blockID, actionID)
			st := map[string]any{"type": typ}
			switch typ {
			case "static_select", "external_select", "radio_buttons":
				if v.SelectedOption == "" {
					st["selected_option"] = nil
				} else {
					st["selected_option"] = optionFor(elem, v.SelectedOption, "")
				}
			case "multi_static_select", "multi_external_select", "checkboxes":
				opts := make([]any, 0, len(v.SelectedOptions))
				for _, o := range v.SelectedOptions {
					opts = append(opts, optionFor(elem, o, ""))
				}
				st["selected_options"] = opts
			case "users_select":
				st["selected_user"] = v.Value
			case "multi_users_select":
				st["selected_users"] = v.SelectedOptions
			case "conversations_select":
				st["selected_conversation"] = v.Value
			case "channels_select":
				st["selected_channel"] = v.Value
			case "datepicker":
				st["selected_date"] = v.Value
			case "timepicker":
				st["selected_time"] = v.Value
			default:
				st["value"] = v.Value
			}
			row[actionID] = st
		}
		out[blockID] = row
	}
	return out
}
