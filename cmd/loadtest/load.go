package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

// side is what one subject (the bot or the floor) measured.
type side struct {
	name string
	// startConnected is process start → the stand-in's first Socket Mode
	// connection (hello sent).
	startConnected time.Duration
	// startReady is process start → ready to serve: for the bot, /readyz
	// answering 200 (socket connected and database migrated); for the
	// floor, the same as startConnected.
	startReady time.Duration

	sent     int
	latency  []time.Duration // of the acks that came, sorted
	late     int             // acked after the ack deadline
	missing  int             // not acked within the call timeout
	empty    int             // acked without an answer in the ack
	wall     time.Duration   // the measured phase
	cpu      time.Duration   // the process's CPU time in the measured phase
	toolCPU  time.Duration   // this tool's (the load generator's) CPU time then
	standIn  []string        // protocol errors the stand-in recorded
	callErrs []string        // the first few errors of SlashCommand
	logErrs  int             // error-level log lines
	mem      memory          // peak sampled VmRSS and VmHWM
	finalHWM int64           // VmHWM read after the load, KiB
	// foreign is the share of the machine's CPU that other processes (not
	// this tool, the subject or Postgres) used in the measured phase.
	foreign float64
}

// peakKiB is the peak resident set: the final VmHWM, or a higher sample.
func (s *side) peakKiB() int64 { return max(s.finalHWM, s.mem.hwm) }

func (s *side) timeouts() int { return s.late + s.missing }

func (s *side) answersPerSecond() float64 {
	if s.wall <= 0 {
		return 0
	}
	return float64(len(s.latency)-s.late) / s.wall.Seconds()
}

// pct returns the q-quantile (0 < q ≤ 1) by nearest rank.
func (s *side) pct(q float64) time.Duration {
	if len(s.latency) == 0 {
		return 0
	}
	i := int(q*float64(len(s.latency))+0.999999) - 1
	return s.latency[min(max(i, 0), len(s.latency)-1)]
}

// pair is one bot run and the floor run right after it.
type pair struct {
	bot, floor  *side
	answerBytes int
	freshDB     bool
}

// other is the larger share of the CPU that other processes took while
// the bot or the floor was measured.
func (p pair) other() float64 {
	o := p.bot.foreign
	if p.floor != nil {
		o = max(o, p.floor.foreign)
	}
	return o
}

// report is a whole run.
type report struct {
	cfg          config
	cores        int
	runs         []pair
	discarded    int // runs repeated because the machine was busy
	startedAt    time.Time
	totalRunTime time.Duration
}

// loadtest runs the bot, then the floor, one after the other so that they
// never compete for the CPU; -runs repeats the pair.
func loadtest(ctx context.Context, cfg config, stderr io.Writer) (*report, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.timeout)
	defer cancel()
	rep := &report{cfg: cfg, cores: runtime.NumCPU(), startedAt: time.Now()}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "loadtest: "+format+"\n", args...) }
	var passLogs io.Writer
	if cfg.verbose {
		passLogs = stderr
	}

	tmp, err := os.MkdirTemp("", "interviewbot-loadtest-")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)

	botPath := cfg.botPath
	if botPath == "" {
		botPath = filepath.Join(tmp, "interviewbot")
		logf("building the bot into %s", botPath)
		if err := buildBot(ctx, botPath); err != nil {
			return nil, err
		}
	}
	self := cfg.self
	if self == "" {
		if self, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("find this executable for the floor: %w", err)
		}
	}

	// On a shared machine other work steals the CPU from a run now and
	// then; such a run is repeated, a bounded number of times.
	maxAttempts := 3 * cfg.runs
	for attempt := 1; len(rep.runs) < cfg.runs; attempt++ {
		if cfg.runs > 1 || attempt > 1 {
			logf("run %d of %d (attempt %d of at most %d)", len(rep.runs)+1, cfg.runs, attempt, maxAttempts)
		}
		p, err := runPair(ctx, cfg, botPath, self, tmp, logf, passLogs)
		if err != nil {
			return nil, err
		}
		if other := p.other(); other > cfg.maxOther && attempt < maxAttempts {
			logf("discarded: other processes used %.1f%% of the CPU while measuring (-max-other %.0f%%)", other*100, cfg.maxOther*100)
			rep.discarded++
			continue
		}
		rep.runs = append(rep.runs, p)
	}
	rep.totalRunTime = time.Since(rep.startedAt)
	return rep, nil
}

// runPair measures the bot on a fresh database (unless -database-url),
// then the floor with an answer of the bot's size.
func runPair(ctx context.Context, cfg config, botPath, self, tmp string, logf func(string, ...any), passLogs io.Writer) (pair, error) {
	var res pair
	dsn := cfg.databaseURL
	if dsn == "" {
		var drop func() error
		var err error
		dsn, drop, err = freshDatabase(ctx, cfg.adminURL)
		if err != nil {
			return res, err
		}
		defer func() {
			if err := drop(); err != nil {
				logf("%v", err)
			}
		}()
		res.freshDB = true
	}

	logf("bot: %d warm-up and %d measured commands at concurrency %d", cfg.warmup, cfg.n, cfg.c)
	bot, payload, err := measure(ctx, cfg, "bot", func(s *slacktest.Server) (*proc, error) {
		env := append(slackEnv(s), "DATABASE_URL="+dsn, "HTTP_ADDR=127.0.0.1:0")
		return startProc("bot", botPath, []string{"run"}, env, passLogs)
	})
	if err != nil {
		return res, err
	}
	res.bot, res.answerBytes = bot, len(payload)
	if !cfg.floor {
		return res, nil
	}

	payloadFile := filepath.Join(tmp, "payload.json")
	if err := os.WriteFile(payloadFile, payload, 0o600); err != nil {
		return res, fmt.Errorf("write the floor's payload: %w", err)
	}
	logf("floor: the same, acking with the bot's %d-byte answer", len(payload))
	res.floor, _, err = measure(ctx, cfg, "floor", func(s *slacktest.Server) (*proc, error) {
		return startProc("floor", self, []string{floorCommand, "-payload", payloadFile}, slackEnv(s), passLogs)
	})
	return res, err
}

// slackEnv is the environment that points an app at the stand-in. GOGC,
// GOMEMLIMIT, GOMAXPROCS and GODEBUG pass through so that runtime settings
// can be compared, and apply to bot and floor alike.
func slackEnv(s *slacktest.Server) []string {
	env := []string{
		"SLACK_APP_TOKEN=" + s.AppToken(),
		"SLACK_BOT_TOKEN=" + s.BotToken(),
		"SLACK_API_URL=" + s.APIURL(),
	}
	for _, k := range []string{"GOGC", "GOMEMLIMIT", "GOMAXPROCS", "GODEBUG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// buildBot builds cmd/interviewbot as a deployment would (no race
// detector, no debug flags).
func buildBot(ctx context.Context, out string) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "github.com/interviewbot/interviewbot/cmd/interviewbot")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build the bot (run from inside the module, or pass -bot): %w\n%s", err, b)
	}
	return nil
}

// measure starts one subject against its own stand-in, measures its
// start-up, warms it up, drives the measured load and stops it. It returns
// the first answer's ack payload, which sizes the floor's.
func measure(ctx context.Context, cfg config, name string, start func(*slacktest.Server) (*proc, error)) (*side, json.RawMessage, error) {
	srv := slacktest.New(slacktest.WithAckTimeout(cfg.ackDeadline))
	defer srv.Close()

	p, err := start(srv)
	if err != nil {
		return nil, nil, err
	}
	defer p.stop()
	s := &side{name: name}
	if err := s.waitStarted(ctx, cfg, srv, p); err != nil {
		return nil, nil, err
	}

	// One command first: it checks that the answer rides in the ack, and
	// its size is what the floor must send back.
	pctx, cancel := context.WithTimeout(ctx, cfg.callTimeout)
	probe, err := srv.SlashCommand(pctx, slacktest.Slash{Text: cfg.text})
	cancel()
	if err != nil {
		return nil, nil, fmt.Errorf("%s: first command: %w\n%s", name, err, p.logs.String())
	}
	if len(probe.Payload) == 0 {
		return nil, nil, fmt.Errorf("%s: the answer to %q did not ride in the ack, so there is nothing to size the floor by", name, cfg.text)
	}
	if cfg.warmup > 0 {
		if _, err := drive(ctx, srv, cfg, cfg.warmup); err != nil {
			return nil, nil, fmt.Errorf("%s: warm-up: %w", name, err)
		}
	}
	if exited, err := p.exited(); exited {
		return nil, nil, err
	}

	// The measured phase, with memory sampled throughout, and with the
	// stand-in checking only a sample of the answers when asked to: every
	// warm-up answer was checked already.
	srv.CheckAcks(cfg.checkEvery)
	sctx, stopSampling := context.WithCancel(ctx)
	peak := sampleMemory(sctx, p.pid(), cfg.sampleEvery)
	before := takeCPUSnapshot(p.pid())
	t0 := time.Now()
	res, err := drive(ctx, srv, cfg, cfg.n)
	s.wall = time.Since(t0)
	after := takeCPUSnapshot(p.pid())
	stopSampling()
	s.mem = <-peak
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if before.ok && after.ok {
		s.cpu = after.subject - before.subject
		s.toolCPU = after.self - before.self
	}
	if f, ok := foreignCPU(before, after); ok {
		s.foreign = float64(f) / (float64(s.wall) * float64(runtime.NumCPU()))
	}
	if m, err := readMemory(p.pid()); err == nil {
		s.finalHWM = m.hwm
	}
	s.sent, s.latency, s.late, s.missing, s.empty, s.callErrs = cfg.n, res.latency, res.late, res.missing, res.empty, res.errs
	slices.Sort(s.latency)

	if err := p.stop(); err != nil {
		return nil, nil, err
	}
	s.logErrs = p.logs.errorLines()
	s.standIn = srv.Errors()
	return s, probe.Payload, nil
}

// waitStarted measures start → connected and start → ready.
func (s *side) waitStarted(ctx context.Context, cfg config, srv *slacktest.Server, p *proc) error {
	ctx, cancel := context.WithTimeout(ctx, cfg.startTimeout)
	defer cancel()
	type result struct {
		at  time.Duration
		err error
	}
	connected := make(chan result, 1)
	go func() {
		err := srv.WaitConnected(ctx, 1)
		connected <- result{time.Since(p.started), err}
	}()
	if s.name == "bot" {
		addr, err := p.waitAddr(ctx)
		if err != nil {
			return err
		}
		if err := pollReady(ctx, addr, p); err != nil {
			return err
		}
		s.startReady = time.Since(p.started)
	}
	select {
	case r := <-connected:
		if r.err != nil {
			if exited, perr := p.exited(); exited {
				return perr
			}
			return fmt.Errorf("%s: no Socket Mode connection within %v: %w\n%s", s.name, cfg.startTimeout, r.err, p.logs.String())
		}
		s.startConnected = r.at
	case <-p.done:
		_, err := p.exited()
		return err
	}
	if s.name != "bot" {
		s.startReady = s.startConnected
	}
	return nil
}

// readyPoll is how often /readyz is asked while the bot starts; it is the
// resolution of the start → ready figure.
const readyPoll = 2 * time.Millisecond

// pollReady waits until the bot's /readyz answers 200.
func pollReady(ctx context.Context, addr string, p *proc) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("bot logged a bad HTTP address %q: %w", addr, err)
	}
	if err := loopbackOnly(host); err != nil {
		return err
	}
	client := &http.Client{Timeout: time.Second}
	url := "http://" + addr + "/readyz"
	t := time.NewTicker(readyPoll)
	defer t.Stop()
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return fmt.Errorf("readyz request: %w", err)
		}
		if resp, err := client.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("bot not ready (/readyz) in time: %w\n%s", ctx.Err(), p.logs.String())
		case <-p.done:
			_, err := p.exited()
			return err
		case <-t.C:
		}
	}
}

// driveResult is one batch of commands.
type driveResult struct {
	latency []time.Duration
	late    int
	missing int
	empty   int
	errs    []string
}

// maxKeptErrors bounds how many SlashCommand errors a report quotes.
const maxKeptErrors = 5

// drive sends n slash commands, cfg.c at a time, and waits for every ack
// (or its call timeout). It fails only when ctx ends.
func drive(ctx context.Context, srv *slacktest.Server, cfg config, n int) (driveResult, error) {
	var (
		next atomic.Int64
		mu   sync.Mutex
		res  = driveResult{latency: make([]time.Duration, 0, n)}
		wg   sync.WaitGroup
	)
	for range min(cfg.c, n) {
		wg.Go(func() {
			lat := make([]time.Duration, 0, n/cfg.c+1)
			var late, missing, empty int
			var errs []string
			for next.Add(1) <= int64(n) && ctx.Err() == nil {
				cctx, cancel := context.WithTimeout(ctx, cfg.callTimeout)
				ack, err := srv.SlashCommand(cctx, slacktest.Slash{Text: cfg.text})
				cancel()
				switch {
				case err == nil:
					lat = append(lat, ack.Latency)
					if len(ack.Payload) == 0 {
						empty++
					}
				case errors.Is(err, slacktest.ErrAckTimeout):
					lat = append(lat, ack.Latency)
					late++
				case ctx.Err() != nil:
					// The run itself was cut short; reported below.
				default:
					missing++
					if len(errs) < maxKeptErrors {
						errs = append(errs, err.Error())
					}
				}
			}
			mu.Lock()
			defer mu.Unlock()
			res.latency = append(res.latency, lat...)
			res.late += late
			res.missing += missing
			res.empty += empty
			for _, e := range errs {
				if len(res.errs) < maxKeptErrors {
					res.errs = append(res.errs, e)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("load cut short: %w", err)
	}
	return res, nil
}
