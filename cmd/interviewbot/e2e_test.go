package main

// End-to-end helpers shared by this package's tests: the real bot started
// in-process through runBot (startBot, the harness) or as the built binary
// in a child process (startProcess), a database behind a proxy the test
// can stop or stall, and the bounded waits and readers the assertions use.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
	"github.com/interviewbot/interviewbot/storage/storagetest"
	"github.com/jmoiron/sqlx"
)

// syncBuffer collects a run's logs; the bot writes from many goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness is the real bot, started through runBot, against the Slack
// stand-in and a fresh Postgres database.
type harness struct {
	t      *testing.T
	slack  *slacktest.Server
	dsn    string
	env    map[string]string
	logs   *syncBuffer
	http   string
	cancel context.CancelFunc
	done   chan error
	// unready: startBot does not wait for /readyz (connectedOnly).
	unready bool
}

type harnessOption func(*harness)

func withEnv(k, v string) harnessOption { return func(h *harness) { h.env[k] = v } }

func withDSN(dsn string) harnessOption { return func(h *harness) { h.env["DATABASE_URL"] = dsn } }

// connectedOnly makes startBot return as soon as the socket is connected,
// without waiting for /readyz.
func connectedOnly() harnessOption { return func(h *harness) { h.unready = true } }

// startBot runs the bot and waits until its socket is connected.
func startBot(t *testing.T, s *slacktest.Server, opts ...harnessOption) *harness {
	t.Helper()
	h := &harness{t: t, slack: s, logs: &syncBuffer{}, done: make(chan error, 1)}
	h.env = map[string]string{
		"SLACK_APP_TOKEN":     s.AppToken(),
		"SLACK_BOT_TOKEN":     s.BotToken(),
		"SLACK_API_URL":       s.APIURL(),
		"HTTP_ADDR":           "127.0.0.1:0",
		"INTERVIEWBOT_ADMINS": "UADMIN",
	}
	for _, o := range opts {
		o(h)
	}
	if h.env["DATABASE_URL"] == "" {
		h.env["DATABASE_URL"] = storagetest.NewDSN(t)
	}
	h.dsn = h.env["DATABASE_URL"]
	if h.unready {
		h.launch()
	} else {
		h.start()
	}
	t.Cleanup(func() {
		h.stop()
		if t.Failed() {
			t.Logf("bot logs:\n%s", h.logs.String())
		}
	})
	return h
}

func (h *harness) start() {
	h.t.Helper()
	h.launch()
	h.waitReady()
}

// launch starts the bot and waits until its socket is connected, not
// until it is ready: Slack sends envelopes from the moment it is.
func (h *harness) launch() {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.done = make(chan error, 1)
	addr := make(chan string, 1)
	before := h.slack.Connects()
	go func() {
		h.done <- runBot(ctx, func(k string) string { return h.env[k] }, h.logs, func(a string) { addr <- a })
	}()
	select {
	case h.http = <-addr:
	case err := <-h.done:
		h.t.Fatalf("runBot: %v\nlogs:\n%s", err, h.logs.String())
	case <-time.After(15 * time.Second):
		h.t.Fatal("bot did not start within 15 s")
	}
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := h.slack.WaitConnects(wctx, before+1); err != nil {
		h.t.Fatalf("bot did not connect: %v", err)
	}
}

// waitReady waits for /readyz: connected and migrated.
func (h *harness) waitReady() {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + h.http + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatal("bot not ready within 15 s")
}

// stop shuts the bot down as SIGTERM would and checks it exits cleanly.
func (h *harness) stop() {
	if h.cancel == nil {
		return
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		if err != nil {
			h.t.Errorf("runBot returned %v", err)
		}
	case <-time.After(15 * time.Second):
		h.t.Error("bot did not stop within 15 s")
	}
}

func (h *harness) ctx() context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	h.t.Cleanup(cancel)
	return ctx
}

// slash sends /interview text and returns the answer carried in the ack.
func (h *harness) slash(text string, opts ...func(*slacktest.Slash)) ackAnswer {
	h.t.Helper()
	c := slacktest.Slash{Text: text}
	for _, o := range opts {
		o(&c)
	}
	ack, err := h.slack.SlashCommand(h.ctx(), c)
	if err != nil {
		h.t.Fatalf("/interview %s: %v", text, err)
	}
	return h.answer(ack)
}

func asUser(id string) func(*slacktest.Slash) { return func(s *slacktest.Slash) { s.UserID = id } }

func inChannel(id string) func(*slacktest.Slash) {
	return func(s *slacktest.Slash) { s.ChannelID = id }
}

// ackAnswer is a slash command's reply as it rode in the ack.
type ackAnswer struct {
	Ack          slacktest.Ack
	ResponseType string            `json:"response_type"`
	Text         string            `json:"text"`
	Blocks       []json.RawMessage `json:"blocks"`
}

func (h *harness) answer(ack slacktest.Ack) ackAnswer {
	h.t.Helper()
	a := ackAnswer{Ack: ack}
	if len(ack.Payload) > 0 {
		if err := json.Unmarshal(ack.Payload, &a); err != nil {
			h.t.Fatalf("ack payload %s: %v", ack.Payload, err)
		}
		if errs := slacktest.ValidateBlocks(mustJSON(h.t, a.Blocks), 50); len(errs) > 0 {
			h.t.Errorf("ack blocks break Slack's limits: %v", errs)
		}
	}
	return a
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// unescapeJSON undoes encoding/json's HTML-safe escapes, for matching.
func unescapeJSON(b []byte) string {
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(string(b))
}

// all is every text of an answer, blocks included.
func (a ackAnswer) all() string {
	var b strings.Builder
	b.WriteString(a.Text)
	for _, blk := range a.Blocks {
		b.WriteString(unescapeJSON(blk))
	}
	return b.String()
}

// noProtocolErrors fails the test if the bot broke Slack's rules.
func (h *harness) noProtocolErrors() {
	h.t.Helper()
	if errs := h.slack.Errors(); len(errs) > 0 {
		h.t.Errorf("Slack protocol errors: %v", errs)
	}
}

// buttonValue finds the value of the first element whose action_id starts
// with actionID in blocks.
func buttonValue(t *testing.T, blocks []json.RawMessage, actionID string) string {
	t.Helper()
	for _, b := range blocks {
		var blk struct {
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		}
		json.Unmarshal(b, &blk)
		for _, e := range blk.Elements {
			if strings.HasPrefix(e.ActionID, actionID) {
				return e.Value
			}
		}
	}
	t.Fatalf("no %s element in %s", actionID, blocks)
	return ""
}

func questionLines(s string) int {
	n := 0
	for i := 1; i <= 200; i++ {
		if strings.Contains(s, fmt.Sprintf("\\n%d. ", i)) || strings.Contains(s, fmt.Sprintf("\"%d. ", i)) {
			n++
		}
	}
	return n
}

// posted waits for a chat.postMessage that satisfies pred and returns it.
func (h *harness) posted(pred func(slacktest.Message) bool) slacktest.Message {
	h.t.Helper()
	var found slacktest.Message
	_, err := h.slack.WaitMessages(h.ctx(), func(ms []slacktest.Message) bool {
		for _, m := range ms {
			if m.Method == "chat.postMessage" && pred(m) {
				found = m
				return true
			}
		}
		return false
	})
	if err != nil {
		h.t.Fatalf("no matching post: %v", err)
	}
	return found
}

func (h *harness) click(actionID, value, ts string) {
	h.t.Helper()
	if _, err := h.slack.BlockAction(h.ctx(), slacktest.Action{ActionID: actionID, Value: value, MessageTS: ts, ChannelID: slacktest.DefaultChannelID}); err != nil {
		h.t.Fatalf("click %s: %v", actionID, err)
	}
}

// vote clicks a vote button and waits for its confirmation, as a person
// sees one click answered before making the next.
func (h *harness) vote(actionID, value, ts, want string) {
	h.t.Helper()
	before := h.count(want)
	h.click(actionID, value, ts)
	waitFor(h.t, "the answer to "+actionID, func() bool { return h.count(want) > before })
}

// count counts ephemeral answers containing want.
func (h *harness) count(want string) int {
	n := 0
	for _, m := range h.slack.Messages() {
		if (m.Method == "response_url" || m.Method == "chat.postEphemeral") && strings.Contains(m.Text+unescapeJSON(m.Blocks), want) {
			n++
		}
	}
	return n
}

func (h *harness) db() *sqlx.DB {
	h.t.Helper()
	db, err := sqlx.Open("postgres", h.dsn)
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { db.Close() })
	return db
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func questionOf(t *testing.T, m slacktest.Message) string {
	t.Helper()
	var blocks []struct {
		Elements []struct {
			ActionID string `json:"action_id"`
			Value    string `json:"value"`
		} `json:"elements"`
	}
	if err := json.Unmarshal(m.Blocks, &blocks); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, e := range b.Elements {
			if e.ActionID == "rate_up" {
				return e.Value
			}
		}
	}
	t.Fatalf("post has no rate_up button: %s", m.Blocks)
	return ""
}

func hasButtons(m slacktest.Message, ids ...string) bool {
	for _, id := range ids {
		if !strings.Contains(string(m.Blocks), `"action_id":"`+id+`"`) {
			return false
		}
	}
	return true
}

// startProxiedBot starts the bot on a fresh database reached through a TCP
// proxy the test owns, so that the test can take Postgres away and back.
func startProxiedBot(t *testing.T, s *slacktest.Server) (*harness, *storagetest.Proxy) {
	t.Helper()
	u, err := url.Parse(storagetest.NewDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := storagetest.NewProxy(t, u.Host)
	return startBot(t, s, withDSN(proxy.DSN(strings.TrimPrefix(u.Path, "/")))), proxy
}

func ready(h *harness) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return runHealthcheck(ctx, func(k string) string {
		if k == "HTTP_ADDR" {
			return h.http
		}
		return ""
	}) == nil
}

// botBinaryDir holds the binary botBinary builds; TestMain removes it.
var botBinaryDir string

// botBinary builds cmd/interviewbot once per test binary, with -race when
// the tests run with it: the build then reuses the packages go test has
// compiled, and a race in the crash paths is reported too.
var botBinary = sync.OnceValues(func() (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no go command to build the bot with: %w", err)
	}
	dir, err := os.MkdirTemp("", "interviewbot-crash-")
	if err != nil {
		return "", err
	}
	botBinaryDir = dir
	bin := filepath.Join(dir, "interviewbot")
	args := []string{"build", "-o", bin}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "-race" && s.Value == "true" {
				args = append(args, "-race")
			}
		}
	}
	// The test runs in the package directory, so "." is cmd/interviewbot.
	out, err := exec.Command(goTool, append(args, ".")...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if botBinaryDir != "" {
		os.RemoveAll(botBinaryDir)
	}
	os.Exit(code)
}

// botProcess is the bot binary running as a child process.
type botProcess struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs *syncBuffer
	http string
	done chan struct{} // closed once the process has exited
	err  error         // cmd.Wait's result, valid after done
}

// startProcess runs the binary with the stand-in's tokens and URL plus
// env, and waits until it serves, is connected and is ready.
func startProcess(t *testing.T, s *slacktest.Server, env map[string]string) *botProcess {
	t.Helper()
	bin, err := botBinary()
	if err != nil {
		t.Fatalf("build the bot: %v", err)
	}
	vars := map[string]string{
		"SLACK_APP_TOKEN":     s.AppToken(),
		"SLACK_BOT_TOKEN":     s.BotToken(),
		"SLACK_API_URL":       s.APIURL(),
		"HTTP_ADDR":           "127.0.0.1:0",
		"INTERVIEWBOT_ADMINS": "UADMIN",
	}
	maps.Copy(vars, env)
	p := &botProcess{t: t, cmd: exec.Command(bin, "run"), logs: &syncBuffer{}, done: make(chan struct{})}
	// Only these variables: the parent's environment may hold a
	// DATABASE_URL or a token of its own.
	for k, v := range vars {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	before := s.Connects()
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start the bot: %v", err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	pid := p.cmd.Process.Pid
	t.Cleanup(func() {
		p.kill()
		logs := p.logs.String()
		if strings.Contains(logs, "DATA RACE") {
			t.Errorf("data race in bot process %d:\n%s", pid, logs)
		} else if t.Failed() {
			t.Logf("logs of bot process %d:\n%s", pid, logs)
		}
	})

	deadline := time.Now().Add(30 * time.Second)
	for p.http = startedAddr(p.logs.String()); p.http == ""; p.http = startedAddr(p.logs.String()) {
		select {
		case <-p.done:
			t.Fatalf("the bot exited at start: %v\n%s", p.err, p.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no start line within 30 s:\n%s", p.logs.String())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := s.WaitConnects(ctx, before+1); err != nil {
		t.Fatalf("the bot did not connect: %v\n%s", err, p.logs.String())
	}
	for !p.ready() {
		select {
		case <-ctx.Done():
			t.Fatalf("the bot is not ready:\n%s", p.logs.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return p
}

// startedAddr finds http_addr in the bot's JSON start line.
func startedAddr(logs string) string {
	for line := range strings.Lines(logs) {
		var rec struct {
			Msg      string `json:"msg"`
			HTTPAddr string `json:"http_addr"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "interviewbot starting" {
			return rec.HTTPAddr
		}
	}
	return ""
}

func (p *botProcess) ready() bool {
	resp, err := http.Get("http://" + p.http + "/readyz")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// kill ends the process with SIGKILL, as a crash or an OOM kill would, and
// waits for it to be gone.
func (p *botProcess) kill() {
	p.cmd.Process.Kill() // fails only when it has exited already
	<-p.done
}

// stop sends SIGTERM and checks the bot exits 0 within a few seconds.
func (p *botProcess) stop() {
	p.t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Errorf("SIGTERM: %v", err)
	}
	select {
	case <-p.done:
		if p.err != nil {
			p.t.Errorf("the bot exited with %v after SIGTERM", p.err)
		}
	case <-time.After(15 * time.Second):
		p.t.Error("the bot did not exit within 15 s of SIGTERM")
	}
}

// sendSlash delivers a slash command without waiting for its ack: the
// process may die before it acks.
func sendSlash(t *testing.T, s *slacktest.Server, text string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	go s.SlashCommand(ctx, slacktest.Slash{Text: text})
}

func waitCalls(t *testing.T, s *slacktest.Server, method string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := s.WaitCalls(ctx, method, n); err != nil {
		t.Fatalf("waiting for %d calls of %s: %v", n, method, err)
	}
}

// openDB opens the test's database for the assertions.
func openDB(t *testing.T, dsn string) *sqlx.DB {
	t.Helper()
	db, err := sqlx.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// metricValue scrapes the bot's /metrics and returns the sum of the samples
// of one metric (over all its label sets); ok is false if it is absent.
func metricValue(t *testing.T, httpAddr, name string) (value float64, ok bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+httpAddr+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	// One connection per scrape: a kept-alive one would be counted in the
	// go_goroutines it reports.
	req.Close = true
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("scrape /metrics: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("scrape /metrics: %s", resp.Status)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		rest, found := strings.CutPrefix(sc.Text(), name)
		switch {
		case !found:
			continue
		case strings.HasPrefix(rest, "{"):
			i := strings.LastIndex(rest, "} ")
			if i < 0 {
				continue
			}
			rest = rest[i+1:]
		case !strings.HasPrefix(rest, " "):
			continue // another metric whose name starts with name
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			t.Fatalf("metric %s: %q: %v", name, sc.Text(), err)
		}
		value += v
		ok = true
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	return value, ok
}

// logRecords parses a run's logs, one JSON object per line as the bot
// writes them; a line that is not JSON fails the test, because log
// pipelines rely on it.
func logRecords(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(logs) {
		if strings.TrimSpace(line) == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Errorf("log line is not JSON: %q", line)
			continue
		}
		out = append(out, rec)
	}
	return out
}

// logged returns the records whose msg is msg.
func logged(t *testing.T, logs, msg string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, rec := range logRecords(t, logs) {
		if rec["msg"] == msg {
			out = append(out, rec)
		}
	}
	return out
}

// posts returns the chat.postMessage calls Slack accepted, in order.
func posts(s *slacktest.Server) []slacktest.Message {
	var out []slacktest.Message
	for _, m := range s.Messages() {
		if m.Method == "chat.postMessage" {
			out = append(out, m)
		}
	}
	return out
}

// replyTo waits for the message answering envelope id (an ack payload, a
// response_url POST or an ephemeral), and returns its text.
func replyTo(ctx context.Context, s *slacktest.Server, envelopeID string) (string, error) {
	var text string
	_, err := s.WaitMessages(ctx, func(ms []slacktest.Message) bool {
		for _, m := range ms {
			if m.EnvelopeID == envelopeID {
				text = m.Text + unescapeJSON(m.Blocks)
				return true
			}
		}
		return false
	})
	return text, err
}

// settle gives the bot time to send anything it still meant to send, for
// tests that assert something did NOT happen.
func settle() { time.Sleep(300 * time.Millisecond) }

// stallingProxy forwards TCP to Postgres until stalled. Stalled, it cuts
// the open connections and accepts new ones without ever answering: a
// database behind a network partition, where connecting hangs (until the
// driver's connect timeout) instead of failing at once as with Proxy.Stop.
type stallingProxy struct {
	ln     net.Listener
	target string

	mu      sync.Mutex
	stalled bool
	conns   map[net.Conn]struct{}
	wg      sync.WaitGroup
}

func newStallingProxy(t *testing.T, target string) *stallingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stallingProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

// startStalledBot starts the bot on a fresh database reached through a
// proxy that can stall, so that Postgres hangs instead of refusing. It also
// returns the database's own DSN, which bypasses the proxy.
func startStalledBot(t *testing.T, s *slacktest.Server) (*harness, *stallingProxy, string) {
	t.Helper()
	dsn := storagetest.NewDSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newStallingProxy(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	return startBot(t, s, withDSN(u.String())), proxy, dsn
}

func (p *stallingProxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		p.conns[c] = struct{}{}
		stalled := p.stalled
		p.mu.Unlock()
		if !stalled { // stalled: held open, never answered
			p.wg.Go(func() { p.forward(c) })
		}
	}
}

func (p *stallingProxy) forward(c net.Conn) {
	up, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
}

// cut closes every connection, forwarded or held.
func (p *stallingProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *stallingProxy) stall() {
	p.mu.Lock()
	p.stalled = true
	p.mu.Unlock()
	p.cut()
}

func (p *stallingProxy) resume() {
	p.mu.Lock()
	p.stalled = false
	p.mu.Unlock()
	p.cut() // the held connections fail, and the pool dials afresh
}

// scrape returns the bot's /metrics as name{labels} → value.
func (h *harness) scrape() map[string]float64 {
	h.t.Helper()
	resp, err := http.Get("http://" + h.http + "/metrics")
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	out := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err == nil {
			out[line[:i]] = v
		}
	}
	return out
}

// slackEscaped is text as Slack delivers slash command text: &, < and >
// as entities.
func slackEscaped(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// noRawControl fails the test if any message or view the bot sent holds a
// control sequence unescaped: text, blocks, fallback text, modals.
func noRawControl(t *testing.T, s *slacktest.Server) {
	t.Helper()
	check := func(what, body string) {
		t.Helper()
		for _, seq := range controlSequences {
			if i := strings.Index(body, seq); i >= 0 {
				t.Errorf("%s carries %q raw: …%s…", what, seq, body[max(0, i-80):min(len(body), i+80)])
			}
		}
	}
	for _, m := range s.Messages() {
		check(m.Method+" text", m.Text)
		check(m.Method+" blocks", unescapeJSON(m.Blocks))
	}
	for _, v := range s.Views() {
		check(v.Method, unescapeJSON(v.View))
	}
}

// say runs /interview text and returns the answer the user sees, whether
// it rode in the ack or came later through the response_url.
func (h *harness) say(text string, opts ...func(*slacktest.Slash)) string {
	h.t.Helper()
	c := slacktest.Slash{Text: text}
	for _, o := range opts {
		o(&c)
	}
	ack, err := h.slack.SlashCommand(h.ctx(), c)
	if err != nil {
		h.t.Fatalf("/interview %s: %v", text, err)
	}
	if a := h.answer(ack).all(); a != "" {
		return a
	}
	answer, err := replyTo(h.ctx(), h.slack, ack.EnvelopeID)
	if err != nil {
		h.t.Fatalf("/interview %s: no answer: %v", text, err)
	}
	return answer
}

// openFeedback clicks 📝 Feedback and waits for the modal: views.open
// follows the click's ack, so a submission sent at once would find none.
func (h *harness) openFeedback(q, ts string) {
	h.t.Helper()
	n := len(h.slack.Views())
	h.click("feedback_open", q, ts)
	if _, err := h.slack.WaitViews(h.ctx(), n+1); err != nil {
		h.t.Fatalf("no feedback modal: %v", err)
	}
}

// kitMessages returns a kit's parent (found by its header) and its replies.
func kitMessages(t *testing.T, s *slacktest.Server) (parent slacktest.Message, replies []slacktest.Message) {
	t.Helper()
	for _, m := range s.Messages() {
		if m.Method == "chat.postMessage" && strings.Contains(m.Text, "Interview kit") {
			parent = m
		}
	}
	if parent.TS == "" {
		t.Fatal("no kit parent posted")
	}
	for _, m := range s.Messages() {
		if m.Method == "chat.postMessage" && m.ThreadTS == parent.TS {
			replies = append(replies, m)
		}
	}
	return parent, replies
}

// kitParents counts the kit parent messages posted.
func kitParents(s *slacktest.Server) int {
	n := 0
	for _, m := range posts(s) {
		if strings.Contains(m.Text, "Interview kit") {
			n++
		}
	}
	return n
}
