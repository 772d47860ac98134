// Package slacktest is an in-process stand-in for Slack's Web API and Socket
// Mode WebSocket, faithful enough that an unmodified slack-go socketmode
// client can run against it end to end with no network.
//
// The package is used by tests and by the load tool (a normal binary), so it
// must not depend on package testing. Every blocking call takes a context or
// has a timeout, and every record accessor returns a copy.
//
// Behaviour follows the team's Slack contract (slack-contract.md): Socket Mode
// tickets, hello/disconnect frames, server pings, acks matched by envelope_id
// across sockets, the 20480-byte ack limit, the 3 s ack and trigger_id
// deadlines, Slack's token rules, Block Kit limits and Slack's error shapes.
// It implements the Web API methods the bot calls (apps.connections.open,
// auth.test, chat.postMessage, chat.postEphemeral, chat.update,
// chat.getPermalink, views.open, views.publish, users.info) and response_urls; a call to
// any other method is answered unknown_method and recorded in Errors.
package slacktest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Identities the fake reports for the bot itself (auth.test, message authors).
const (
	BotUserID = "U0BOT"
	BotID     = "B0BOT"
	BotName   = "interviewbot"
)

// Defaults used when a Slash, Action or Submission leaves a field empty.
const (
	DefaultUserID      = "U0TEST"
	DefaultUserName    = "testuser"
	DefaultChannelID   = "C0TEST"
	DefaultChannelName = "test"
	DefaultCommand     = "/interview"
)

const (
	// maxAckFrame is Slack's app→server frame cap; frames of this size or
	// larger are answered with close 1009.
	maxAckFrame = 20480
	// maxReadBytes bounds what the server buffers per frame; anything between
	// maxAckFrame and this still gets Slack's exact close reason.
	maxReadBytes = 1 << 20
	// maxBodyBytes bounds Web API request bodies (views may be up to 250 kB).
	maxBodyBytes = 4 << 20
	// maxSockets is Slack's per-app limit of concurrent Socket Mode sockets.
	maxSockets = 10
	// responseURLUses and responseURLTTL: "usable up to 5 times within 30 minutes".
	responseURLUses = 5
	responseURLTTL  = 30 * time.Minute
	// writeTimeout bounds every WebSocket write so a stuck peer cannot wedge a caller.
	writeTimeout = 5 * time.Second
)

var (
	// ErrAckTimeout is returned (wrapped) when the app acked an envelope
	// later than the ack deadline (3 s unless WithAckTimeout), or never.
	ErrAckTimeout = errors.New("slacktest: envelope not acknowledged in time")
	// ErrClosed is returned by waits that were cut short by Server.Close.
	ErrClosed = errors.New("slacktest: server closed")
)

// Option configures a Server.
type Option func(*config)

type config struct {
	botToken, appToken string
	teamID, appID      string
	teamDomain         string
	enterpriseID       string // "": not on Enterprise Grid
	orgWide            bool   // installed on the whole organization
	pingInterval       time.Duration
	logger             *slog.Logger
	chanRate           float64
	chanBurst          int
	disconnectDelay    time.Duration
	ackTimeout         time.Duration
	triggerTTL         time.Duration
}

// WithTokens sets the bot (xoxb) and app-level (xapp) tokens the server
// accepts. Defaults: "xoxb-test-token", "xapp-test-token".
func WithTokens(bot, app string) Option {
	return func(c *config) { c.botToken, c.appToken = bot, app }
}

// WithPingInterval sets how often the server sends WebSocket ping frames.
// slack-go reconnects when it sees no ping for its OptionPingInterval, so
// keep this well below that. Default 1s.
func WithPingInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.pingInterval = d
		}
	}
}

// WithLogger sets the logger for connection and protocol diagnostics.
// Default: discard.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) {
		if l != nil {
			c.logger = l
		}
	}
}

// WithChannelRate models chat.postMessage's ~1 message/second/channel limit
// as a token bucket. Over it the call gets HTTP 429, Retry-After: 1 and
// {"ok":false,"error":"ratelimited"}. Off by default.
func WithChannelRate(perSecond float64, burst int) Option {
	return func(c *config) { c.chanRate, c.chanBurst = perSecond, max(burst, 1) }
}

// WithTeam sets the workspace and app ids. Defaults: "T0TEST", "A0TEST".
func WithTeam(teamID, appID string) Option {
	return func(c *config) { c.teamID, c.appID = teamID, appID }
}

// WithEnterprise puts the workspace in the Enterprise Grid organization
// enterpriseID: auth.test, slash commands and interactions then name it.
// orgWide makes the install organization-wide, which makes an
// interaction's "team" null and sets is_enterprise_install, as Slack does.
func WithEnterprise(enterpriseID string, orgWide bool) Option {
	return func(c *config) { c.enterpriseID, c.orgWide = enterpriseID, orgWide }
}

// WithDisconnectDelay sets how long Disconnect waits between sending the
// disconnect frame and closing the socket. Real Slack waits ~10s after
// "warning"; the default 100ms keeps tests fast.
func WithDisconnectDelay(d time.Duration) Option {
	return func(c *config) { c.disconnectDelay = max(d, 0) }
}

// WithAckTimeout overrides Slack's 3 s ack deadline so tests of late acks
// need not sleep for seconds.
func WithAckTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.ackTimeout = d
		}
	}
}

// WithTriggerTTL overrides the 3 s lifetime of trigger_ids so tests of
// expired_trigger_id need not sleep for seconds.
func WithTriggerTTL(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.triggerTTL = d
		}
	}
}

// User is a workspace member as users.info reports it.
type User struct {
	ID, Name, TZ string
	TZOffset     int // seconds east of UTC, as Slack's tz_offset
	IsAdmin      bool
	IsOwner      bool
	IsBot        bool
	Deleted      bool
}

// Channel is a conversation. Channels the server has not been told about
// exist implicitly (name = lower-cased id).
type Channel struct {
	ID, Name   string
	IsArchived bool // chat.postMessage/update then fail with is_archived
}

// Ack is one acknowledgement received from the app.
type Ack struct {
	EnvelopeID string
	Type       string          // envelope type: slash_commands, interactive, events_api
	Payload    json.RawMessage // nil when the app acked without a payload
	Latency    time.Duration   // from writing the envelope to reading the ack
	// TriggerID and ResponseURL are the ones issued in the envelope, so a
	// test can open views or post to the response_url like Slack would.
	TriggerID   string
	ResponseURL string
}

// Message is one message-producing call made by the app.
type Message struct {
	// Method is the Web API method, "response_url" for POSTs to a
	// response_url, or "ack" for a slash command reply carried in the ack.
	Method  string
	Channel string
	// User is the recipient of ephemeral output (chat.postEphemeral,
	// response_url, ack) and empty for messages everyone sees.
	User     string
	TS       string // ts of the new message, or of the message changed
	ThreadTS string
	Text     string
	Blocks   json.RawMessage // as sent by the app; nil if none were sent
	// ResponseType is set for response_url and ack replies ("ephemeral"
	// unless the app asked for "in_channel").
	ResponseType    string
	ReplaceOriginal bool
	DeleteOriginal  bool
	EnvelopeID      string // for response_url and ack: the envelope they answer
	At              time.Time
}

// View is one view the app opened, pushed, updated or published.
type View struct {
	Method    string // views.open, views.publish, or "ack" (response_action update/push)
	ID        string // server-assigned view id (V…)
	TriggerID string
	UserID    string // views.publish only
	View      json.RawMessage
}

// Server is a fake Slack. Create it with New and release it with Close.
type Server struct {
	cfg      config
	log      *slog.Logger
	hs       *httptest.Server
	upgrader websocket.Upgrader
	// done is closed by Close and ends every background wait.
	done      chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup

	mu sync.Mutex
	// changed is closed and replaced on every state change that a Wait*
	// method may be blocked on; waiters re-check their condition.
	changed chan struct{}
	closed  bool
	seq     uint64
	lastTS  int64 // unix micros of the newest ts handed out

	tickets  map[string]struct{}
	conns    map[int]*wsConn
	nextConn int
	rr       int
	connects int

	envelopes map[string]*envelope
	acks      []Ack
	errs      []string
	messages  []Message
	views     []View
	openViews map[string]*viewState
	lastModal string
	calls     map[string]int
	faults    map[string][]*fault
	delays    map[string]time.Duration
	// replyDelays hold an answer after the call took effect (SetReplyDelay).
	replyDelays map[string]time.Duration
	chanErrs    map[string]string
	users       map[string]User
	channels    map[string]*channelState
	buckets     map[string]*bucket
	triggers    map[string]*trigger
	responses   map[string]*responseURL

	// checkEvery and slashAcks sample the slash command replies checked
	// (CheckAcks); 0 or 1 checks every one.
	checkEvery, slashAcks int
}

// New starts a fake Slack on 127.0.0.1.
func New(opts ...Option) *Server {
	cfg := config{
		botToken:        "xoxb-test-token",
		appToken:        "xapp-test-token",
		teamID:          "T0TEST",
		appID:           "A0TEST",
		teamDomain:      "test",
		pingInterval:    time.Second,
		logger:          slog.New(slog.DiscardHandler),
		disconnectDelay: 100 * time.Millisecond,
		ackTimeout:      3 * time.Second,
		triggerTTL:      3 * time.Second,
	}
	for _, o := range opts {
		o(&cfg)
	}
	s := &Server{
		cfg: cfg,
		log: cfg.logger.With("component", "slacktest"),
		// slack-go sends Origin: https://api.slack.com, which the default
		// same-origin check would reject.
		upgrader:    websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }},
		done:        make(chan struct{}),
		changed:     make(chan struct{}),
		tickets:     make(map[string]struct{}),
		conns:       make(map[int]*wsConn),
		envelopes:   make(map[string]*envelope),
		openViews:   make(map[string]*viewState),
		calls:       make(map[string]int),
		faults:      make(map[string][]*fault),
		delays:      make(map[string]time.Duration),
		replyDelays: make(map[string]time.Duration),
		chanErrs:    make(map[string]string),
		users: map[string]User{
			DefaultUserID: {ID: DefaultUserID, Name: DefaultUserName, TZ: "UTC"},
			BotUserID:     {ID: BotUserID, Name: BotName, TZ: "UTC", IsBot: true},
		},
		channels:  make(map[string]*channelState),
		buckets:   make(map[string]*bucket),
		triggers:  make(map[string]*trigger),
		responses: make(map[string]*responseURL),
	}
	s.channels[DefaultChannelID] = newChannelState(Channel{ID: DefaultChannelID, Name: DefaultChannelName})

	mux := http.NewServeMux()
	mux.HandleFunc("/api/", s.handleAPI)
	mux.HandleFunc("/link/", s.handleLink)
	mux.HandleFunc("/response/", s.handleResponseURL)
	s.hs = httptest.NewServer(mux)
	return s
}

// Close closes every socket, stops the HTTP server and waits for all
// background goroutines. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.closed = true
		close(s.done)
		conns := make([]*wsConn, 0, len(s.conns))
		for _, c := range s.conns {
			conns = append(conns, c)
		}
		s.notifyLocked()
		s.mu.Unlock()
		for _, c := range conns {
			c.close()
		}
		s.hs.Close()
		s.wg.Wait()
	})
}

// APIURL is the Web API base URL for slack.OptionAPIURL. It ends in a slash
// because slack-go concatenates method names onto it.
func (s *Server) APIURL() string { return s.hs.URL + "/api/" }

// URL is the server's base URL (http://127.0.0.1:PORT).
func (s *Server) URL() string { return s.hs.URL }

// BotToken returns the bot token accepted by Web API methods.
func (s *Server) BotToken() string { return s.cfg.botToken }

// AppToken returns the app-level token accepted by apps.connections.open.
func (s *Server) AppToken() string { return s.cfg.appToken }

// DMChannel is the id of the bot's DM with userID, as returned by
// chat.postMessage and conversations.open when the app addresses a user.
func DMChannel(userID string) string {
	if len(userID) > 1 && (userID[0] == 'U' || userID[0] == 'W') {
		return "D" + userID[1:]
	}
	return "D" + userID
}

// AddUser adds or replaces a workspace member.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u.TZ == "" {
		u.TZ = "UTC"
	}
	s.users[u.ID] = u
}

// AddChannel adds or replaces a conversation.
func (s *Server) AddChannel(c Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.channelLocked(c.ID)
	ch.info = c
}

// FailMethod makes the next n calls of method answer HTTP 200
// {"ok":false,"error":errCode}. Faults queue in the order they are added.
// method may also be "apps.connections.open" or "response_url".
func (s *Server) FailMethod(method string, n int, errCode string) {
	s.addFault(method, &fault{remaining: n, errCode: errCode})
}

// FailMethodAfter lets the next skip calls of method through, then makes
// the n after them fail like FailMethod: "the third reply fails".
func (s *Server) FailMethodAfter(method string, skip, n int, errCode string) {
	s.addFault(method, &fault{skip: skip, remaining: n, errCode: errCode})
}

// FailMethodStatus makes the next n calls of method answer with an HTTP
// status and an HTML body, as Slack does for 5xx (slack-go then returns
// slack.StatusCodeError). Status 429 here carries no Retry-After header;
// use RateLimit for a proper rate-limit answer.
func (s *Server) FailMethodStatus(method string, n int, status int) {
	s.addFault(method, &fault{remaining: n, status: status})
}

// RateLimit makes the next n calls of method answer HTTP 429 with
// Retry-After: retryAfter seconds (slack-go: *slack.RateLimitedError).
func (s *Server) RateLimit(method string, n int, retryAfter int) {
	s.addFault(method, &fault{remaining: n, rateLimit: true, retryAfter: max(retryAfter, 0)})
}

// SetDelay makes every later call of method wait d before it is handled.
// A caller that gives up or dies meanwhile cancels the call: it is never
// acted on (see SetReplyDelay for the opposite). Zero removes the delay.
func (s *Server) SetDelay(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.delays, method)
		return
	}
	s.delays[method] = d
}

// SetReplyDelay makes every later call of method take effect at once (the
// message is posted, the user looked up) but hold its answer for d, bounded
// by the request context. SetDelay models a request that has not reached
// Slack yet: an app that dies during it has done nothing. This models the
// other half of a slow call: Slack acted, the app does not know it yet, and
// if it dies now it never learns the new message's ts. Zero removes it.
func (s *Server) SetReplyDelay(method string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d <= 0 {
		delete(s.replyDelays, method)
		return
	}
	s.replyDelays[method] = d
}

// SetChannelError makes chat.postMessage, chat.postEphemeral and
// chat.update to channel fail with errCode (e.g. "channel_not_found",
// "not_in_channel", "is_archived"). Empty errCode clears it.
func (s *Server) SetChannelError(channel, errCode string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if errCode == "" {
		delete(s.chanErrs, channel)
		return
	}
	s.chanErrs[channel] = errCode
}

// Connections is the number of open sockets that completed hello and were
// not asked to disconnect.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.readyConnsLocked())
}

// Connects is the total number of successful WebSocket connects (hello sent).
func (s *Server) Connects() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connects
}

// WaitConnected waits until at least n sockets are open (see Connections).
func (s *Server) WaitConnected(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return len(s.readyConnsLocked()) >= n })
}

// WaitConnects waits until the total number of connects reaches n, e.g.
// after Disconnect or DropConnections.
func (s *Server) WaitConnects(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return s.connects >= n && len(s.readyConnsLocked()) > 0 })
}

// Messages returns a copy of every message recorded so far, oldest first.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return cloneMessages(s.messages)
}

// WaitMessages waits until pred accepts the recorded messages and returns
// them. pred runs without the server lock held, on a copy.
func (s *Server) WaitMessages(ctx context.Context, pred func([]Message) bool) ([]Message, error) {
	for {
		s.mu.Lock()
		msgs := cloneMessages(s.messages)
		ch := s.changed
		s.mu.Unlock()
		if pred(msgs) {
			return msgs, nil
		}
		if err := s.waitChange(ctx, ch); err != nil {
			return msgs, err
		}
	}
}

// CurrentMessage returns the current state of a stored (non-ephemeral)
// message after any chat.update or response_url replacement.
func (s *Server) CurrentMessage(channel, ts string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.channels[channel]
	if !ok {
		return Message{}, false
	}
	m, ok := ch.msgs[ts]
	if !ok {
		return Message{}, false
	}
	return Message{Channel: channel, TS: m.ts, ThreadTS: m.threadTS, Text: m.text, Blocks: bytes.Clone(m.blocks)}, true
}

// Views returns a copy of every view recorded so far, oldest first.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]View, len(s.views))
	for i, v := range s.views {
		v.View = bytes.Clone(v.View)
		out[i] = v
	}
	return out
}

// WaitViews waits until at least n views have been recorded.
func (s *Server) WaitViews(ctx context.Context, n int) ([]View, error) {
	if err := s.waitFor(ctx, func() bool { return len(s.views) >= n }); err != nil {
		return s.Views(), err
	}
	return s.Views(), nil
}

// Calls is the number of calls of a Web API method so far, failed ones
// included ("response_url" counts response_url POSTs).
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// WaitCalls waits until method has been called at least n times.
func (s *Server) WaitCalls(ctx context.Context, method string, n int) error {
	return s.waitFor(ctx, func() bool { return s.calls[method] >= n })
}

// CheckAcks makes the server check only one in every n slash command
// replies that ride in acks from now on, the first of them included: only
// those are decoded, held to Block Kit's limits and recorded as messages
// (Messages). Every ack is still matched to its envelope, timed, held to
// the ack deadline and the frame limit, and kept (Acks). A load generator
// sharing the machine with the app it measures uses it to keep its own
// cost out of the figures; n = 1, the default, checks every reply.
func (s *Server) CheckAcks(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checkEvery, s.slashAcks = max(n, 1), 0
}

// Acks returns a copy of every ack received so far, in arrival order.
func (s *Server) Acks() []Ack {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Ack, len(s.acks))
	for i, a := range s.acks {
		a.Payload = bytes.Clone(a.Payload)
		out[i] = a
	}
	return out
}

// Errors returns the protocol violations the app committed so far: bad or
// late acks, oversized frames, content Slack would reject, wrong tokens,
// misused trigger_ids and response_urls. Tests normally assert it is empty.
func (s *Server) Errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.errs)
}

func (s *Server) recordError(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errorLocked(format, args...)
}

func (s *Server) errorLocked(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	s.log.Warn("protocol violation", "error", msg)
	s.errs = append(s.errs, msg)
	s.notifyLocked()
}

func (s *Server) recordMessageLocked(m Message) {
	m.At = time.Now()
	s.messages = append(s.messages, m)
	s.notifyLocked()
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor blocks until cond (called with s.mu held) is true.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		if err := s.waitChange(ctx, ch); err != nil {
			return err
		}
	}
}

func (s *Server) waitChange(ctx context.Context, ch <-chan struct{}) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-s.done:
		return ErrClosed
	}
}

// spawn runs f in a goroutine that Close waits for; it refuses once the
// server is closing so WaitGroup.Add never races Wait.
func (s *Server) spawn(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
	return true
}

// sleep waits d unless ctx ends or the server closes first.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

func cloneMessages(in []Message) []Message {
	out := make([]Message, len(in))
	for i, m := range in {
		m.Blocks = bytes.Clone(m.Blocks)
		out[i] = m
	}
	return out
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	return hex.EncodeToString(b)
}

// newUUID returns a random UUID-shaped id, the form Slack uses for
// envelope ids and tickets.
func newUUID() string {
	h := randomHex(16)
	return strings.Join([]string{h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]}, "-")
}

// nextTSLocked returns a message ts ("<unix>.<6 digits>") strictly greater
// than every ts handed out before, as Slack's per-channel ordering relies on.
func (s *Server) nextTSLocked() string {
	now := time.Now().UnixMicro()
	if now <= s.lastTS {
		now = s.lastTS + 1
	}
	s.lastTS = now
	return formatTS(now)
}

func formatTS(micros int64) string {
	return fmt.Sprintf("%d.%06d", micros/1_000_000, micros%1_000_000)
}

func (s *Server) nextSeqLocked() uint64 {
	s.seq++
	return s.seq
}

func (s *Server) userLocked(id string) (User, bool) {
	u, ok := s.users[id]
	return u, ok
}

// knowUserLocked registers a user that Slack would obviously know about
// (someone who just ran a command or clicked a button).
func (s *Server) knowUserLocked(id, name string) User {
	if u, ok := s.users[id]; ok {
		return u
	}
	if name == "" {
		name = strings.ToLower(id)
	}
	u := User{ID: id, Name: name, TZ: "UTC"}
	s.users[id] = u
	return u
}
