// Command loadtest measures interviewbot under load, end to end: it starts
// the Slack stand-in (bot/slacktest) in this process, starts the real bot
// binary as a subprocess against it and a fresh Postgres database, drives N
// slash commands at concurrency C over a real Socket Mode WebSocket, and
// reports ack latency, throughput, timeouts, protocol errors, peak RSS and
// start-up time.
//
// In the same run it measures a floor: a minimal slack-go socketmode app,
// run as a separate process (this binary re-executed with the hidden
// "floor" subcommand) so that its RSS is comparable, which acks every slash
// command with the bot's own answer, byte for byte. The report puts bot,
// floor and bot/floor side by side, so the figures mean the same on a
// laptop and on CI.
//
// All traffic stays on 127.0.0.1; every wait is bounded, and the
// subprocesses are stopped on exit, on error and on Ctrl-C.
//
//	go run ./cmd/loadtest -n 5000 -c 16 -text "senior-backend technical"
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		stop()
		os.Exit(1)
	}
}

// run is the whole program; main only turns its error into an exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == floorCommand {
		return runFloor(ctx, args[1:], getenv, stderr)
	}
	cfg, err := parseFlags(args, getenv, stderr)
	if err != nil {
		return err
	}
	rep, err := loadtest(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	rep.print(stdout)
	return nil
}

// defaultAdminURL is the Postgres the tests use too (storagetest); a role
// that may create databases.
const defaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// config is one load run.
type config struct {
	n, c   int
	warmup int
	// runs repeats the bot-then-floor pair; the report gives medians, which
	// a 2-core machine shared by load generator and subject needs.
	runs int
	// maxOther is the share of the CPU other processes may use during a
	// measured phase; a pair of runs above it is discarded and repeated.
	maxOther float64
	text     string
	// botPath is the interviewbot binary; "" builds one into a temp dir.
	botPath string
	// databaseURL is used as is when set (start-up is then not measured on
	// a fresh database); otherwise a fresh database is created through
	// adminURL and dropped afterwards.
	databaseURL string
	adminURL    string
	// ackDeadline is Slack's: an ack later than this is a timeout.
	ackDeadline time.Duration
	// callTimeout bounds one command; past it the ack counts as missing.
	callTimeout time.Duration
	// startTimeout bounds a subprocess's start until it is ready.
	startTimeout time.Duration
	// timeout bounds the whole run.
	timeout time.Duration
	floor   bool
	// self is the executable re-run as the floor; "" means os.Executable.
	self string
	// sampleEvery is the RSS sampling period.
	sampleEvery time.Duration
	verbose     bool
	// checkEvery is how many of the measured phase's answers the stand-in
	// checks (Block Kit limits, recorded as messages): one in checkEvery.
	// The warm-up's are all checked.
	checkEvery int
}

// sampledChecks is -validate=sample's share of the measured answers checked.
const sampledChecks = 100

func parseFlags(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg config
	fs.IntVar(&cfg.n, "n", 5000, "slash commands to send (measured)")
	fs.IntVar(&cfg.c, "c", 16, "commands in flight at once")
	fs.IntVar(&cfg.warmup, "warmup", 200, "unmeasured commands sent first, to each of bot and floor")
	fs.IntVar(&cfg.runs, "runs", 1, "bot-then-floor runs to make; the report shows medians")
	fs.Float64Var(&cfg.maxOther, "max-other", 0.10, "discard and repeat a run in which other processes used more than this share of the CPU (1 keeps every run)")
	fs.StringVar(&cfg.text, "text", "senior-backend technical", "the text after /interview")
	fs.StringVar(&cfg.botPath, "bot", "", "interviewbot binary (default: go build ./cmd/interviewbot into a temp dir)")
	fs.StringVar(&cfg.databaseURL, "database-url", "", "use this database instead of a fresh one (start-up is then not measured on a fresh database)")
	fs.StringVar(&cfg.adminURL, "admin-url", cmp.Or(getenv("TEST_DATABASE_URL"), defaultAdminURL), "Postgres URL of a role that may create and drop the fresh database")
	fs.DurationVar(&cfg.ackDeadline, "ack-deadline", 3*time.Second, "Slack's ack deadline; later acks count as timeouts")
	fs.DurationVar(&cfg.callTimeout, "call-timeout", 10*time.Second, "how long to wait for one ack before counting it missing")
	fs.DurationVar(&cfg.startTimeout, "start-timeout", 30*time.Second, "how long a subprocess may take to become ready")
	fs.DurationVar(&cfg.timeout, "timeout", 10*time.Minute, "bound on the whole run")
	fs.BoolVar(&cfg.floor, "floor", true, "also measure the floor (a minimal socketmode app)")
	fs.DurationVar(&cfg.sampleEvery, "sample", 20*time.Millisecond, "RSS sampling period")
	fs.BoolVar(&cfg.verbose, "v", false, "pass the subprocesses' logs through to stderr")
	validate := fs.String("validate", "all", "which answers the stand-in checks against Block Kit's limits: all, or sample (every warm-up answer and 1 in 100 measured, so that checking, which costs the load tool about as much CPU as the floor spends, does not cap what is measured)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: loadtest [flags]\n\nDrives slash commands into the real interviewbot and a minimal floor app; see docs/benchmarks.md.\n\nflags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	switch *validate {
	case "all":
		cfg.checkEvery = 1
	case "sample":
		cfg.checkEvery = sampledChecks
	default:
		return config{}, fmt.Errorf("-validate must be all or sample, not %q", *validate)
	}
	switch {
	case fs.NArg() > 0:
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	case cfg.n < 1:
		return config{}, errors.New("-n must be at least 1")
	case cfg.c < 1:
		return config{}, errors.New("-c must be at least 1")
	case cfg.runs < 1:
		return config{}, errors.New("-runs must be at least 1")
	case cfg.maxOther <= 0:
		return config{}, errors.New("-max-other must be positive")
	case cfg.warmup < 0:
		return config{}, errors.New("-warmup must not be negative")
	case cfg.ackDeadline <= 0 || cfg.callTimeout < cfg.ackDeadline:
		return config{}, errors.New("-ack-deadline must be positive and -call-timeout at least as long")
	case cfg.startTimeout <= 0 || cfg.timeout <= 0 || cfg.sampleEvery <= 0:
		return config{}, errors.New("-start-timeout, -timeout and -sample must be positive")
	}
	return cfg, nil
}
