package main

import (
	"cmp"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/memstore"
	"github.com/prometheus/client_golang/prometheus"
)

const usage = `usage: interviewbot [run | shell | healthcheck | questions lint|import|export]

  run              the Slack bot over Socket Mode (the default)
  shell            the same commands in this terminal; no Slack needed
  healthcheck      exit 0 if the bot on HTTP_ADDR is ready (for container
                   health checks in images without curl)
  questions lint   check the built-in question bank
  questions import --team T FILE, questions export --team T
                   a team's own questions, as CSV or YAML, in Postgres

Configuration comes from the environment; see the README.`

// How long a graceful stop (SIGTERM) takes, step by step.
const (
	// clickTimeout bounds a button's or a modal's work, database included.
	clickTimeout = 15 * time.Second
	// drainTimeout is how long a stop lets the envelopes already received
	// finish. It outlasts a click's budget, so that a vote or a feedback
	// form being saved ends saved or answered "NOT saved", never cut off.
	// A slash command still running then (a kit waiting out rate limits)
	// is cancelled and answered; an unfinished kit resumes on a replica.
	drainTimeout = clickTimeout + 5*time.Second
	// shutdownTimeout bounds each step after the transport has stopped:
	// the scheduler and the HTTP server, then the database.
	shutdownTimeout = 10 * time.Second
	// stopTimeout is the longest a graceful stop takes; the pod's
	// terminationGracePeriodSeconds (deploy/kubernetes) must exceed it.
	stopTimeout = drainTimeout + bot.AnswerGrace + 2*shutdownTimeout
)

// run is the whole program; main only turns its error into an exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	mode := "run"
	if len(args) > 0 {
		mode = args[0]
		args = args[1:]
	}
	switch mode {
	case "run":
		if len(args) > 0 {
			return usageError{"run takes no arguments", usage}
		}
		return runBot(ctx, getenv, stderr, nil)
	case "shell":
		if len(args) > 0 {
			return usageError{"shell takes no arguments", usage}
		}
		return runShell(ctx, getenv, stdin, stdout, stderr)
	case "questions":
		return runQuestions(ctx, args, getenv, stdout, stderr)
	case "healthcheck":
		return runHealthcheck(ctx, getenv)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", mode), usage}
}

// usageError is a mistake on the command line: what was wrong, then the
// usage text, both printed by main.
type usageError struct{ problem, usage string }

func (e usageError) Error() string {
	if e.problem == "" {
		return e.usage
	}
	return e.problem + "\n" + e.usage
}

func newLogger(w io.Writer, level slog.Level, json bool) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if json {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// started is called by runBot once it serves, with the address of its HTTP
// server; tests use it to find /readyz and /metrics.
type started func(httpAddr string)

func runBot(ctx context.Context, getenv func(string) string, stderr io.Writer, onStart started) error {
	cfg, err := parseConfig(getenv, true, true)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.logLevel, true)
	bank, err := questions.Builtin()
	if err != nil {
		return fmt.Errorf("load question bank: %w", err)
	}
	reg := prometheus.NewRegistry()
	metrics := newMetrics(reg)

	db, err := storage.Open(ctx, string(cfg.databaseURL), log)
	if err != nil {
		return fmt.Errorf("DATABASE_URL: %w", err)
	}
	defer closeBounded(db, log)
	// Nothing that needs the schema runs before the migrations have.
	mig := newMigrator(string(cfg.databaseURL), log)
	db.HoldUntil(mig.done)

	sender := bot.NewSender(bot.SenderConfig{
		BotToken: string(cfg.botToken), AppToken: string(cfg.appToken), APIURL: cfg.apiURL,
		Log: log, Observer: metrics,
	})
	authCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	ws, err := sender.AuthTest(authCtx)
	cancel()
	if err != nil {
		return authError(err, cfg.apiURL)
	}
	metrics.watchDatabase(reg, db.Failures)
	cmds := handlers.New(handlers.Config{Bank: bank, Store: db, Slack: sender, Admins: cfg.admins, Log: log, Owner: cmp.Or(cfg.instance, ownerID()), Retention: cfg.retention})
	transport := bot.New(bot.Config{Sender: sender, Handler: cmds, Log: log, TeamID: ws.TeamID, EnterpriseID: ws.EnterpriseID, ClickTimeout: clickTimeout})

	// HTTP first: /healthz answers the start-up probe while migrating.
	ln, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	srv := &http.Server{Handler: healthMux(transport, db, mig.done, reg), ReadHeaderTimeout: 5 * time.Second}
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()
	log.Info("interviewbot starting", "http_addr", ln.Addr().String(), "slack_api", cfg.apiURL, "team", ws.TeamID, "enterprise", ws.EnterpriseID)
	if onStart != nil {
		onStart(ln.Addr().String())
	}
	stopHTTP := func(ctx context.Context, err error) error {
		if sErr := srv.Shutdown(ctx); sErr != nil {
			log.Warn("http shutdown", "err", sErr)
		}
		if hErr := <-httpDone; hErr != nil && !errors.Is(hErr, http.ErrServerClosed) && err == nil {
			err = fmt.Errorf("http server: %w", hErr)
		}
		return err
	}

	// Migrate, then connect: an envelope must find the schema in place.
	migrated, err := mig.atStart(ctx)
	if err != nil || ctx.Err() != nil {
		shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
		defer cancel()
		return stopHTTP(shutCtx, err)
	}
	bgDone := make(chan struct{})
	if migrated {
		close(bgDone)
	} else {
		go func() {
			defer close(bgDone)
			mig.background(ctx)
		}()
	}

	// The scheduler (daily posts, kit resumption) starts once the schema
	// is in place.
	sched := newScheduler(cmds, log, metrics)
	schedStop := make(chan func(context.Context), 1)
	go func() {
		select {
		case <-mig.done:
			// Read-only commands then answer without a database round trip.
			db.CacheTeamQuestions(ctx)
			if cfg.instance != "" {
				// A process of this name that died left its leases behind.
				if err := cmds.RecoverLeases(ctx); err != nil {
					log.Error("could not release the previous process's leases; they will expire", "err", err)
				}
			}
			stop, err := sched.start(ctx)
			if err != nil {
				log.Error("scheduler not started", "err", err)
			}
			schedStop <- stop
		case <-ctx.Done():
			schedStop <- nil
		}
	}()

	// Run returns once the handlers in flight have ended, so the database,
	// closed last, is never closed under them.
	runErr := transport.Run(ctx, drainTimeout)
	log.Info("interviewbot stopping")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if stop := <-schedStop; stop != nil {
		stop(shutCtx)
	}
	select {
	case <-bgDone:
	case <-shutCtx.Done():
	}
	return stopHTTP(shutCtx, runErr)
}

// authError names the setting at fault when auth.test failed: the token
// only when Slack answered and refused it, else the API URL.
func authError(err error, apiURL string) error {
	if errors.Is(err, bot.ErrTokenRefused) {
		return fmt.Errorf("SLACK_BOT_TOKEN: Slack refused it (auth.test): %w", err)
	}
	if urlErr, ok := errors.AsType[*url.Error](err); ok {
		// No answer at all: the URL is wrong or the network is down. The
		// url.Error repeats the method's URL; the base is what to check.
		return fmt.Errorf("SLACK_API_URL: cannot reach %s: %w", apiURL, urlErr.Err)
	}
	return fmt.Errorf("SLACK_API_URL: %s did not answer auth.test as Slack's Web API does: %w", apiURL, err)
}

// closeBounded closes the store last, but gives up after the shutdown
// timeout: database/sql waits for queries in flight, and on a partitioned
// network those hang until TCP gives up.
func closeBounded(db *storage.DB, log *slog.Logger) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := db.Close(); err != nil {
			log.Warn("close database", "err", err)
		}
	}()
	select {
	case <-done:
	case <-time.After(shutdownTimeout):
		log.Warn("database did not close in time; exiting anyway")
	}
}

// ownerID names this process in the leases that let one replica post a kit
// or a daily question, when INTERVIEWBOT_INSTANCE gives no stable name.
func ownerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s-%d-%x", cmp.Or(host, "interviewbot"), os.Getpid(), b)
}

func runShell(ctx context.Context, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, err := parseConfig(getenv, false, false)
	if err != nil {
		return err
	}
	log := newLogger(stderr, max(cfg.logLevel, slog.LevelWarn), false)
	bank, err := questions.Builtin()
	if err != nil {
		return fmt.Errorf("load question bank: %w", err)
	}
	var store handlers.Store
	if cfg.databaseURL != "" {
		db, err := storage.Open(ctx, string(cfg.databaseURL), log)
		if err != nil {
			return fmt.Errorf("DATABASE_URL: %w", err)
		}
		defer db.Close()
		if err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("DATABASE_URL: migrate: %w", err)
		}
		store = db
		fmt.Fprintln(stdout, "Using the Postgres database in DATABASE_URL.")
	} else {
		store = memstore.New()
		fmt.Fprintln(stdout, "No DATABASE_URL: votes, notes and team questions are kept in memory and lost on exit.")
	}
	sh := bot.NewShell(stdin, stdout)
	cmds := handlers.New(handlers.Config{Bank: bank, Store: store, Slack: sh, Admins: cfg.admins, Log: log, Retention: cfg.retention})
	return sh.Run(ctx, cmds)
}
