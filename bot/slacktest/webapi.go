package slacktest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	maxMessageText = 40000 // chat.postMessage text
	maxUpdateText  = 4000  // chat.update: "The text field cannot exceed 4,000 characters."
	maxBlocksText  = 12000 // cumulative block text before msg_blocks_too_long
)

type fault struct {
	skip       int // calls to let through before the fault applies
	remaining  int
	errCode    string
	status     int
	rateLimit  bool // 429 with Retry-After, as opposed to a bare status
	retryAfter int
}

func (s *Server) addFault(method string, f *fault) {
	if f.remaining <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], f)
}

func (s *Server) takeFaultLocked(method string) *fault {
	q := s.faults[method]
	if len(q) == 0 {
		return nil
	}
	if q[0].skip > 0 {
		q[0].skip--
		return nil
	}
	f := *q[0]
	q[0].remaining--
	if q[0].remaining <= 0 {
		s.faults[method] = q[1:]
	}
	return &f
}

func (f *fault) reply() reply {
	switch {
	case f.rateLimit:
		return rateLimited(f.retryAfter)
	case f.status == http.StatusTooManyRequests:
		// Without Retry-After slack-go reports StatusCodeError, not
		// RateLimitedError; tests use this to cover that path.
		return reply{status: f.status, body: map[string]any{"ok": false, "error": "ratelimited"}}
	case f.status != 0:
		return reply{status: f.status, html: true}
	default:
		return fail(f.errCode)
	}
}

// bucket is a token bucket for the per-channel posting limit.
type bucket struct {
	tokens float64
	last   time.Time
}

func (s *Server) allowPostLocked(channel string, now time.Time) bool {
	if s.cfg.chanRate <= 0 {
		return true
	}
	burst := float64(s.cfg.chanBurst)
	b, ok := s.buckets[channel]
	if !ok {
		b = &bucket{tokens: burst, last: now}
		s.buckets[channel] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*s.cfg.chanRate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

type channelState struct {
	info Channel
	msgs map[string]*storedMessage // non-ephemeral messages by ts
}

type storedMessage struct {
	ts, threadTS, text string
	blocks             json.RawMessage // normalized: every block has a block_id
	user               string
}

func newChannelState(c Channel) *channelState {
	return &channelState{info: c, msgs: make(map[string]*storedMessage)}
}

// channelLocked returns the channel, creating it on first use: any id the
// app or a test mentions is treated as an existing conversation.
func (s *Server) channelLocked(id string) *channelState {
	if ch, ok := s.channels[id]; ok {
		return ch
	}
	name := strings.ToLower(id)
	switch {
	case strings.HasPrefix(id, "D"):
		name = "directmessage"
	case strings.HasPrefix(id, "G"):
		name = "privategroup"
	}
	ch := newChannelState(Channel{ID: id, Name: name})
	s.channels[id] = ch
	return ch
}

// channelErrorLocked is the error Slack would give for posting into channel.
func (s *Server) channelErrorLocked(channel string) string {
	if code := s.chanErrs[channel]; code != "" {
		return code
	}
	if ch, ok := s.channels[channel]; ok && ch.info.IsArchived {
		return "is_archived"
	}
	return ""
}

func (s *Server) messageObject(m *storedMessage) map[string]any {
	obj := map[string]any{"type": "message", "user": m.user, "text": m.text, "ts": m.ts, "team": s.cfg.teamID}
	if m.user == BotUserID {
		obj["bot_id"] = BotID
		obj["app_id"] = s.cfg.appID
	}
	if len(m.blocks) > 0 {
		obj["blocks"] = m.blocks
	}
	if m.threadTS != "" {
		obj["thread_ts"] = m.threadTS
	}
	return obj
}

// viewState is a view the app opened, as Slack stores and returns it.
type viewState struct {
	id, hash, externalID, typ, userID string
	obj                               map[string]json.RawMessage
}

func (v *viewState) object() map[string]any {
	m := make(map[string]any, len(v.obj))
	for k, x := range v.obj {
		m[k] = x
	}
	return m
}

func (s *Server) newViewIDLocked() string {
	return fmt.Sprintf("V0%08X", s.nextSeqLocked())
}

// storeViewLocked stores a validated view under id (a new id if empty) and
// adds the fields Slack fills in.
func (s *Server) storeViewLocked(id string, raw json.RawMessage, userID, triggerID string) *viewState {
	var obj map[string]json.RawMessage
	_ = json.Unmarshal(raw, &obj) // validated by the caller
	if obj == nil {
		obj = make(map[string]json.RawMessage)
	}
	root := id
	prev := json.RawMessage("null")
	if old := s.openViews[id]; old != nil {
		root = cmp.Or(jsonString(old.obj["root_view_id"]), id)
		if p, ok := old.obj["previous_view_id"]; ok {
			prev = p
		}
	}
	if id == "" {
		id = s.newViewIDLocked()
		root = id
	}
	hash := fmt.Sprintf("%d.%s", time.Now().Unix(), randomHex(4))
	obj["id"] = mustJSON(id)
	obj["team_id"] = mustJSON(s.cfg.teamID)
	obj["app_id"] = mustJSON(s.cfg.appID)
	obj["bot_id"] = mustJSON(BotID)
	obj["app_installed_team_id"] = mustJSON(s.cfg.teamID)
	obj["hash"] = mustJSON(hash)
	obj["root_view_id"] = mustJSON(root)
	obj["previous_view_id"] = prev
	obj["state"] = json.RawMessage(`{"values":{}}`)
	for k, def := range map[string]string{
		"private_metadata": `""`, "callback_id": `""`, "external_id": `""`,
		"clear_on_close": "false", "notify_on_close": "false",
	} {
		if _, ok := obj[k]; !ok {
			obj[k] = json.RawMessage(def)
		}
	}
	vs := &viewState{
		id: id, hash: hash, externalID: jsonString(obj["external_id"]), typ: jsonString(obj["type"]),
		userID: userID, obj: obj,
	}
	s.openViews[id] = vs
	if vs.typ == "modal" {
		s.lastModal = id
	}
	return vs
}

// reply is one Web API answer.
type reply struct {
	status     int
	retryAfter string // Retry-After header value, if any
	html       bool   // Slack answers 5xx with an HTML page, which slack-go never parses
	body       any
}

func okReply(fields map[string]any) reply {
	fields["ok"] = true
	return reply{body: fields}
}

func fail(code string) reply {
	return reply{body: map[string]any{"ok": false, "error": code}}
}

func rateLimited(retryAfter int) reply {
	return reply{status: http.StatusTooManyRequests, retryAfter: strconv.Itoa(retryAfter), body: map[string]any{"ok": false, "error": "ratelimited"}}
}

// rejection is a content error in Slack's shape: invalid_blocks carries
// "errors" plus response_metadata.messages; views (invalid_arguments)
// carry only response_metadata.messages.
type rejection struct {
	code     string
	errs     []string
	argsOnly bool
}

func (r *rejection) reply() reply {
	body := map[string]any{"ok": false, "error": r.code}
	if len(r.errs) > 0 {
		msgs := make([]string, len(r.errs))
		for i, e := range r.errs {
			msgs[i] = "[ERROR] " + e
		}
		if !r.argsOnly {
			body["errors"] = r.errs
		}
		body["response_metadata"] = map[string]any{"messages": msgs}
	}
	return reply{body: body}
}

func (r *rejection) describe() string {
	if len(r.errs) == 0 {
		return r.code
	}
	return r.code + ": " + strings.Join(r.errs, "; ")
}

func invalidArguments(msgs ...string) *rejection {
	return &rejection{code: "invalid_arguments", errs: msgs, argsOnly: true}
}

// checkMessageContent applies Slack's message limits; nil means accepted.
func checkMessageContent(text string, blocks json.RawMessage, requireContent bool, maxText int, tooLongCode string) *rejection {
	nBlocks := 0
	if len(blocks) > 0 {
		res := checkBlocks(blocks, "/blocks", maxMessageBlocks)
		switch {
		case res.badFormat:
			return &rejection{code: "invalid_blocks_format"}
		case len(res.errs) > 0:
			return &rejection{code: "invalid_blocks", errs: res.errs}
		case res.textLen > maxBlocksText:
			return &rejection{code: "msg_blocks_too_long"}
		}
		nBlocks = res.count
	}
	if utf8.RuneCountInString(text) > maxText {
		return &rejection{code: tooLongCode}
	}
	if requireContent && text == "" && nBlocks == 0 {
		return &rejection{code: "no_text"}
	}
	return nil
}

// params gives uniform access to form, query and JSON arguments; Slack
// accepts any of them and slack-go uses each depending on the method.
type params struct {
	form url.Values
	body map[string]json.RawMessage
}

var errBodyTooLarge = errors.New("request body too large")

func parseParams(r *http.Request) (params, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, maxBodyBytes)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return params{}, errBodyTooLarge
		}
		p := params{form: r.URL.Query()}
		if len(bytes.TrimSpace(data)) > 0 {
			if err := json.Unmarshal(data, &p.body); err != nil {
				return params{}, err
			}
		}
		return p, nil
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBodyBytes); err != nil {
			return params{}, err
		}
	default:
		if err := r.ParseForm(); err != nil {
			return params{}, err
		}
	}
	return params{form: r.Form}, nil
}

func (p params) str(name string) string {
	if v, ok := p.body[name]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s
		}
		if string(v) == "null" {
			return ""
		}
		return string(v)
	}
	return p.form.Get(name)
}

func (p params) has(name string) bool {
	if _, ok := p.body[name]; ok {
		return true
	}
	_, ok := p.form[name]
	return ok
}

// rawJSON returns a JSON-valued argument: form arguments and JSON strings
// carry the JSON as text, JSON bodies may carry it inline.
func (p params) rawJSON(name string) json.RawMessage {
	if v, ok := p.body[name]; ok {
		var s string
		if json.Unmarshal(v, &s) == nil {
			return nonNullBlocks(json.RawMessage(s))
		}
		return nonNullBlocks(v)
	}
	return nonNullBlocks(json.RawMessage(p.form.Get(name)))
}

func nonNullBlocks(raw json.RawMessage) json.RawMessage {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	return raw
}

func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

func (s *Server) writeReply(w http.ResponseWriter, rep reply) {
	status := cmp.Or(rep.status, http.StatusOK)
	if rep.retryAfter != "" {
		w.Header().Set("Retry-After", rep.retryAfter)
	}
	if rep.html {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, "<html><body><h1>"+http.StatusText(status)+"</h1></body></html>")
		return
	}
	data, err := json.Marshal(rep.body)
	if err != nil {
		s.log.Error("encoding reply", "err", err)
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}

// beginCall counts the call, applies SetDelay and returns an injected
// fault if one is queued. ok is false when the request should be dropped.
func (s *Server) beginCall(w http.ResponseWriter, r *http.Request, method string) (ok bool) {
	s.mu.Lock()
	s.calls[method]++
	delay := s.delays[method]
	f := s.takeFaultLocked(method)
	s.notifyLocked()
	s.mu.Unlock()
	if delay > 0 {
		// net/http cancels r.Context when the client goes away only once
		// the body has been read; read it first, so that a request whose
		// sender gave up or died during the delay is never acted on.
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			s.writeReply(w, fail("request_too_large"))
			return false
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !s.sleep(r.Context(), delay) || r.Context().Err() != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			return false
		}
	}
	if f != nil {
		s.writeReply(w, f.reply())
		return false
	}
	return true
}

func (s *Server) handleAPI(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	if !s.beginCall(w, r, method) {
		return
	}
	p, err := parseParams(r)
	if err != nil {
		code := "invalid_json"
		if errors.Is(err, errBodyTooLarge) {
			code = "request_too_large"
		}
		s.recordError("%s: unparseable request body: %v", method, err)
		s.writeReply(w, fail(code))
		return
	}
	if method == "apps.connections.open" {
		s.writeReply(w, s.appsConnectionsOpen(r, p))
		return
	}
	tok := cmp.Or(bearerToken(r), p.str("token"))
	switch tok {
	case "":
		s.recordError("%s called without a token", method)
		s.writeReply(w, fail("not_authed"))
		return
	case s.cfg.botToken:
	default:
		s.recordError("%s called with a token that is not the bot token", method)
		s.writeReply(w, fail("invalid_auth"))
		return
	}
	rep := s.dispatch(method, p)
	s.holdReply(r, method)
	s.writeReply(w, rep)
}

// holdReply applies SetReplyDelay. The call has taken effect; if the app
// gives up (or dies) meanwhile, the answer is simply never read.
func (s *Server) holdReply(r *http.Request, method string) {
	s.mu.Lock()
	d := s.replyDelays[method]
	s.mu.Unlock()
	if d > 0 {
		s.sleep(r.Context(), d)
	}
}

func (s *Server) dispatch(method string, p params) reply {
	switch method {
	case "auth.test":
		return okReply(map[string]any{
			"url": fmt.Sprintf("https://%s.slack.com/", s.cfg.teamDomain), "team": "Test Workspace", "user": BotName,
			"team_id": s.cfg.teamID, "user_id": BotUserID, "bot_id": BotID, "is_enterprise_install": s.cfg.orgWide,
			"enterprise_id": s.cfg.enterpriseID,
		})
	case "chat.postMessage":
		return s.chatPostMessage(p)
	case "chat.postEphemeral":
		return s.chatPostEphemeral(p)
	case "chat.update":
		return s.chatUpdate(p)
	case "chat.getPermalink":
		return s.chatGetPermalink(p)
	case "views.open":
		return s.viewsOpen(p)
	case "views.publish":
		return s.viewsPublish(p)
	case "users.info":
		return s.usersInfo(p)
	default:
		s.recordError("app called %s, which slacktest does not implement", method)
		return reply{body: map[string]any{"ok": false, "error": "unknown_method", "req_method": method}}
	}
}

// appsConnectionsOpen hands out one-time WebSocket tickets. Slack reads the
// app-level token only from the Authorization header.
func (s *Server) appsConnectionsOpen(r *http.Request, p params) reply {
	tok := bearerToken(r)
	if tok == "" {
		if p.str("token") != "" {
			s.recordError("apps.connections.open: token passed as a POST parameter; Slack only accepts it in the Authorization header")
		} else {
			s.recordError("apps.connections.open called without a token")
		}
		return fail("not_authed")
	}
	if tok != s.cfg.appToken {
		s.recordError("apps.connections.open called with a token that is not the app-level token")
		return fail("invalid_auth")
	}
	ticket := newUUID()
	s.mu.Lock()
	s.tickets[ticket] = struct{}{}
	s.mu.Unlock()
	host := strings.TrimPrefix(s.hs.URL, "http://")
	return okReply(map[string]any{
		"url": fmt.Sprintf("ws://%s/link/?ticket=%s&app_id=%s", host, ticket, url.QueryEscape(s.cfg.appID)),
	})
}

// rejectContent records a content error (a bug in the app) and renders it.
func (s *Server) rejectContent(method string, r *rejection) reply {
	s.recordError("%s rejected: %s", method, r.describe())
	return r.reply()
}

func (s *Server) chatPostMessage(p params) reply {
	requested := p.str("channel")
	if requested == "" {
		return fail("channel_not_found")
	}
	channel := requested
	if requested[0] == 'U' || requested[0] == 'W' {
		channel = DMChannel(requested)
	}
	now := time.Now()
	s.mu.Lock()
	code := cmp.Or(s.chanErrs[requested], s.channelErrorLocked(channel))
	allowed := code != "" || s.allowPostLocked(channel, now)
	s.mu.Unlock()
	if code != "" {
		return fail(code)
	}
	if !allowed {
		return rateLimited(1)
	}
	text, blocks := p.str("text"), p.rawJSON("blocks")
	if rej := checkMessageContent(text, blocks, p.str("attachments") == "", maxMessageText, "msg_too_long"); rej != nil {
		return s.rejectContent("chat.postMessage", rej)
	}
	threadTS := p.str("thread_ts")
	norm := normalizeBlocks(blocks)

	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.nextTSLocked()
	m := &storedMessage{ts: ts, threadTS: threadTS, text: text, blocks: norm, user: BotUserID}
	s.channelLocked(channel).msgs[ts] = m
	s.recordMessageLocked(Message{
		Method: "chat.postMessage", Channel: channel, TS: ts, ThreadTS: threadTS, Text: text, Blocks: cloneRaw(blocks),
	})
	return okReply(map[string]any{"channel": channel, "ts": ts, "message": s.messageObject(m)})
}

func (s *Server) chatPostEphemeral(p params) reply {
	channel, user := p.str("channel"), p.str("user")
	if channel == "" {
		return fail("channel_not_found")
	}
	if user == "" {
		return s.rejectContent("chat.postEphemeral", invalidArguments("missing required field: user"))
	}
	s.mu.Lock()
	code := s.channelErrorLocked(channel)
	_, known := s.userLocked(user)
	s.mu.Unlock()
	if code != "" {
		return fail(code)
	}
	if !known {
		return fail("user_not_in_channel")
	}
	text, blocks := p.str("text"), p.rawJSON("blocks")
	if rej := checkMessageContent(text, blocks, p.str("attachments") == "", maxMessageText, "msg_too_long"); rej != nil {
		return s.rejectContent("chat.postEphemeral", rej)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := s.nextTSLocked()
	s.recordMessageLocked(Message{
		Method: "chat.postEphemeral", Channel: channel, User: user, TS: ts, ThreadTS: p.str("thread_ts"),
		Text: text, Blocks: cloneRaw(blocks),
	})
	return okReply(map[string]any{"message_ts": ts})
}

func (s *Server) chatUpdate(p params) reply {
	channel, ts := p.str("channel"), p.str("ts")
	if channel == "" {
		return fail("channel_not_found")
	}
	s.mu.Lock()
	code := s.channelErrorLocked(channel)
	_, exists := s.channelLocked(channel).msgs[ts]
	s.mu.Unlock()
	if code != "" {
		return fail(code)
	}
	if ts == "" || !exists {
		return fail("message_not_found")
	}
	text, blocks := p.str("text"), p.rawJSON("blocks")
	if rej := checkMessageContent(text, blocks, false, maxUpdateText, "msg_too_long"); rej != nil {
		return s.rejectContent("chat.update", rej)
	}
	hasBlocks := p.has("blocks")

	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.channelLocked(channel).msgs[ts]
	if !ok {
		return fail("message_not_found")
	}
	newBlocks := m.blocks
	if hasBlocks {
		// An omitted blocks argument keeps the old blocks; "[]" clears them.
		newBlocks = normalizeBlocks(blocks)
	}
	newText := m.text
	if p.has("text") {
		newText = text
	}
	if newText == "" && !hasContentBlocks(newBlocks) && p.str("attachments") == "" {
		s.errorLocked("chat.update rejected: no_text")
		return fail("no_text")
	}
	m.text, m.blocks = newText, newBlocks
	s.recordMessageLocked(Message{Method: "chat.update", Channel: channel, TS: ts, ThreadTS: m.threadTS, Text: text, Blocks: cloneRaw(blocks)})
	return okReply(map[string]any{"channel": channel, "ts": ts, "text": newText, "message": s.messageObject(m)})
}

func (s *Server) chatGetPermalink(p params) reply {
	channel, ts := p.str("channel"), p.str("message_ts")
	if channel == "" {
		return fail("channel_not_found")
	}
	s.mu.Lock()
	m, ok := s.channelLocked(channel).msgs[ts]
	s.mu.Unlock()
	if !ok {
		return fail("message_not_found")
	}
	link := fmt.Sprintf("https://%s.slack.com/archives/%s/p%s", s.cfg.teamDomain, channel, strings.Replace(ts, ".", "", 1))
	if m.threadTS != "" && m.threadTS != ts {
		link += fmt.Sprintf("?thread_ts=%s&cid=%s", m.threadTS, channel)
	}
	return okReply(map[string]any{"channel": channel, "permalink": link})
}

func (s *Server) viewsOpen(p params) reply {
	const method = "views.open"
	tid := p.str("trigger_id")
	view := p.rawJSON("view")
	if tid == "" {
		return s.rejectContent(method, invalidArguments("missing required field: trigger_id"))
	}
	if len(view) == 0 {
		return s.rejectContent(method, invalidArguments("missing required field: view"))
	}
	s.mu.Lock()
	code := s.triggerErrorLocked(tid)
	s.mu.Unlock()
	if code != "" {
		s.recordError("%s: %s (trigger_id %q)", method, code, tid)
		return fail(code)
	}
	if rej := viewRejection(view, "modal"); rej != nil {
		return s.rejectContent(method, rej)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Re-checked under the lock so two concurrent calls cannot both use it.
	if code := s.triggerErrorLocked(tid); code != "" {
		s.errorLocked("%s: %s (trigger_id %q)", method, code, tid)
		return fail(code)
	}
	s.triggers[tid].used = true
	vs := s.storeViewLocked("", view, "", tid)
	s.views = append(s.views, View{Method: method, ID: vs.id, TriggerID: tid, View: cloneRaw(view)})
	s.notifyLocked()
	return okReply(map[string]any{"view": vs.object()})
}

func (s *Server) triggerErrorLocked(tid string) string {
	t := s.triggers[tid]
	switch {
	case t == nil:
		return "invalid_trigger_id"
	case t.used:
		return "exchanged_trigger_id"
	case time.Since(t.issued) > s.cfg.triggerTTL:
		return "expired_trigger_id"
	}
	return ""
}

// viewsPublish sets a user's App Home tab: Slack keeps one home view per
// user and app, and refuses an update whose hash is stale.
func (s *Server) viewsPublish(p params) reply {
	userID, hash := p.str("user_id"), p.str("hash")
	view := p.rawJSON("view")
	s.mu.Lock()
	_, known := s.userLocked(userID)
	var existing *viewState
	for _, v := range s.openViews {
		if v.typ == "home" && v.userID == userID {
			existing = v
			break
		}
	}
	s.mu.Unlock()
	if !known {
		return fail("user_not_found")
	}
	if existing != nil && hash != "" && hash != existing.hash {
		return fail("hash_conflict")
	}
	if rej := viewRejection(view, "home"); rej != nil {
		return s.rejectContent("views.publish", rej)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := ""
	if existing != nil {
		id = existing.id
	}
	vs := s.storeViewLocked(id, view, userID, "")
	s.views = append(s.views, View{Method: "views.publish", ID: vs.id, UserID: userID, View: cloneRaw(view)})
	s.notifyLocked()
	return okReply(map[string]any{"view": vs.object()})
}

func viewRejection(view json.RawMessage, wantType string) *rejection {
	msgs, tooLarge := validateView(view, wantType)
	if tooLarge {
		return &rejection{code: "view_too_large"}
	}
	if len(msgs) > 0 {
		return invalidArguments(msgs...)
	}
	return nil
}

func (s *Server) usersInfo(p params) reply {
	s.mu.Lock()
	u, ok := s.userLocked(p.str("user"))
	s.mu.Unlock()
	if !ok {
		return fail("user_not_found")
	}
	return okReply(map[string]any{"user": map[string]any{
		"id": u.ID, "team_id": s.cfg.teamID, "name": u.Name, "real_name": u.Name, "deleted": u.Deleted,
		"tz": u.TZ, "tz_label": u.TZ, "tz_offset": u.TZOffset,
		"is_admin": u.IsAdmin, "is_owner": u.IsOwner, "is_primary_owner": false,
		"is_restricted": false, "is_ultra_restricted": false, "is_bot": u.IsBot, "is_app_user": false,
		"updated": time.Now().Unix(),
		"profile": map[string]any{
			"real_name": u.Name, "display_name": u.Name, "real_name_normalized": u.Name,
			"display_name_normalized": u.Name, "team": s.cfg.teamID,
		},
	}})
}

// handleResponseURL serves the response_urls handed out in envelopes:
// JSON POSTs, 5 uses within 30 minutes.
func (s *Server) handleResponseURL(w http.ResponseWriter, r *http.Request) {
	if !s.beginCall(w, r, "response_url") {
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	id := strings.TrimPrefix(r.URL.Path, "/response/")
	s.mu.Lock()
	ru := s.responses[id]
	var code string
	switch {
	case ru == nil:
		code = "invalid_url"
	case time.Since(ru.issued) > responseURLTTL:
		code = "expired_url"
	case ru.uses >= responseURLUses:
		code = "used_url"
	}
	s.mu.Unlock()
	if code != "" {
		s.recordError("response_url POST rejected: %s", code)
		s.writeReply(w, reply{status: http.StatusNotFound, body: map[string]any{"ok": false, "error": code}})
		return
	}
	var body struct {
		Text            string          `json:"text"`
		Blocks          json.RawMessage `json:"blocks"`
		ResponseType    string          `json:"response_type"`
		ReplaceOriginal bool            `json:"replace_original"`
		DeleteOriginal  bool            `json:"delete_original"`
		ThreadTS        string          `json:"thread_ts"`
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err == nil {
		err = json.Unmarshal(data, &body)
	}
	if err != nil {
		s.recordError("response_url POST with an unparseable body: %v", err)
		s.writeReply(w, fail("invalid_payload"))
		return
	}
	blocks := nonNullBlocks(body.Blocks)
	if !body.DeleteOriginal {
		if rej := checkMessageContent(body.Text, blocks, true, maxMessageText, "msg_too_long"); rej != nil {
			s.writeReply(w, s.rejectContent("response_url", rej))
			return
		}
	}
	switch body.ResponseType {
	case "", "ephemeral", "in_channel":
	default:
		s.recordError("response_url POST with invalid response_type %q", body.ResponseType)
		s.writeReply(w, fail("invalid_response_type"))
		return
	}
	rt := cmp.Or(body.ResponseType, "ephemeral")

	s.mu.Lock()
	ru.uses++
	ch := s.channelLocked(ru.channel)
	msg := Message{
		Method: "response_url", Channel: ru.channel, User: ru.user, ThreadTS: body.ThreadTS, Text: body.Text,
		Blocks: cloneRaw(blocks), ResponseType: rt, ReplaceOriginal: body.ReplaceOriginal,
		DeleteOriginal: body.DeleteOriginal, EnvelopeID: ru.envelopeID,
	}
	original := ch.msgs[ru.messageTS]
	switch {
	case body.DeleteOriginal && original != nil:
		delete(ch.msgs, ru.messageTS)
		msg.TS, msg.User = ru.messageTS, ""
	case body.ReplaceOriginal && original != nil:
		original.text, original.blocks = body.Text, normalizeBlocks(blocks)
		msg.TS, msg.User = ru.messageTS, ""
	case (body.ReplaceOriginal || body.DeleteOriginal) && ru.ephemeralTS != "":
		// Ephemeral messages can only be changed through response_url;
		// they stay visible to the same user only.
		msg.TS = ru.ephemeralTS
	case rt == "in_channel":
		msg.TS, msg.User = s.nextTSLocked(), ""
		ch.msgs[msg.TS] = &storedMessage{ts: msg.TS, threadTS: body.ThreadTS, text: body.Text, blocks: normalizeBlocks(blocks), user: BotUserID}
	default:
		msg.TS = s.nextTSLocked()
	}
	s.recordMessageLocked(msg)
	s.mu.Unlock()
	s.writeReply(w, okReply(map[string]any{}))
}

func cloneRaw(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	return bytes.Clone(raw)
}

func mustJSON(v any) json.RawMessage {
	data, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("slacktest: encoding %T: %v", v, err)) // only called with strings and plain values
	}
	return data
}

func jsonString(raw json.RawMessage) string {
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}
