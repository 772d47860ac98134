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
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/interviewbot/interviewbot/storage/memstore"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
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

// shutdownTimeout bounds a graceful stop: answering the envelopes already
// received, stopping the scheduler, closing the database.
const shutdownTimeout = 10 * time.Second

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
			return fmt.Errorf("run takes no arguments\n%s", usage)
		}
		return runBot(ctx, getenv, stderr, nil)
	case "shell":
		if len(args) > 0 {
			return fmt.Errorf("shell takes no arguments\n%s", usage)
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
	return fmt.Errorf("unknown command %q\n%s", mode, usage)
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
	// The bot serves the built-in bank even while Postgres is down, so a
	// failed migration is retried in the background rather than fatal.
	migrated := make(chan struct{})
	go migrateUntilDone(ctx, db, log, migrated)

	sender := bot.NewSender(bot.SenderConfig{
		BotToken: string(cfg.botToken), AppToken: string(cfg.appToken), APIURL: cfg.apiURL,
		Log: log, Observer: metrics,
	})
	authCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	teamID, err := sender.AuthTest(authCtx)
	cancel()
	if err != nil {
		return fmt.Errorf("SLACK_BOT_TOKEN: Slack refused it (auth.test): %w", err)
	}
	metrics.watchDatabase(reg, db.Failures)
	cmds := handlers.New(handlers.Config{Bank: bank, Store: db, Slack: sender, Admins: cfg.admins, Log: log, Owner: cmp.Or(cfg.instance, ownerID())})
	transport := bot.New(bot.Config{Sender: sender, Handler: cmds, Log: log, TeamID: teamID})

	ln, err := net.Listen("tcp", cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("HTTP_ADDR: %w", err)
	}
	srv := &http.Server{Handler: healthMux(transport, db, migrated, reg), ReadHeaderTimeout: 5 * time.Second}
	httpDone := make(chan error, 1)
	go func() { httpDone <- srv.Serve(ln) }()
	log.Info("interviewbot starting", "http_addr", ln.Addr().String(), "slack_api", cfg.apiURL, "team", teamID)
	if onStart != nil {
		onStart(ln.Addr().String())
	}

	// The scheduler starts once the schema is in place.
	sched := newScheduler(cmds, log, metrics)
	schedStop := make(chan func(context.Context), 1)
	go func() {
		select {
		case <-migrated:
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

	runErr := transport.Run(ctx, shutdownTimeout)
	log.Info("interviewbot stopping")
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	if stop := <-schedStop; stop != nil {
		stop(shutCtx)
	}
	if err := srv.Shutdown(shutCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	if err := <-httpDone; err != nil && !errors.Is(err, http.ErrServerClosed) && runErr == nil {
		runErr = fmt.Errorf("http server: %w", err)
	}
	return runErr
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

// migrateUntilDone applies migrations, retrying while the database is
// unreachable; every replica runs it and the advisory lock serialises them.
func migrateUntilDone(ctx context.Context, db *storage.DB, log *slog.Logger, done chan<- struct{}) {
	for delay := 500 * time.Millisecond; ; delay = min(2*delay, 15*time.Second) {
		mctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := db.Migrate(mctx)
		cancel()
		if err == nil {
			close(done)
			return
		}
		log.Error("database migration failed; retrying", "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
	}
}

func healthMux(transport *bot.Slack, db *storage.DB, migrated <-chan struct{}, reg *prometheus.Registry) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		var problems []string
		if !transport.Connected() {
			problems = append(problems, "socket mode not connected")
		}
		select {
		case <-migrated:
			if err := db.Ping(ctx); err != nil {
				problems = append(problems, "database unreachable")
			}
		default:
			problems = append(problems, "database not migrated yet")
		}
		if len(problems) > 0 {
			http.Error(w, fmt.Sprint(problems), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	return mux
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
	cmds := handlers.New(handlers.Config{Bank: bank, Store: store, Slack: sh, Admins: cfg.admins, Log: log})
	return sh.Run(ctx, cmds)
}

func runQuestions(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(questionsUsage)
	}
	bank, err := questions.Builtin()
	if err != nil {
		return fmt.Errorf("load question bank: %w", err)
	}
	sub, args := args[0], args[1:]
	if sub == "lint" {
		if len(args) > 0 {
			return errors.New(questionsUsage)
		}
		problems := bank.Lint()
		for _, p := range problems {
			fmt.Fprintln(stdout, p)
		}
		if len(problems) > 0 {
			return fmt.Errorf("question bank: %d problems", len(problems))
		}
		fmt.Fprintf(stdout, "question bank ok: %d questions\n", len(bank.Questions()))
		return nil
	}
	if sub != "import" && sub != "export" {
		return errors.New(questionsUsage)
	}
	return runTeamBank(ctx, sub, args, bank, getenv, stdout, stderr)
}

const questionsUsage = `usage:
  interviewbot questions lint
` + teamBankUsage

var teamIDPattern = regexp.MustCompile(`^[TE][A-Z0-9]{2,}$`)

func runHealthcheck(ctx context.Context, getenv func(string) string) error {
	_, port, err := net.SplitHostPort(cmp.Or(getenv("HTTP_ADDR"), ":8080"))
	if err != nil {
		return fmt.Errorf("HTTP_ADDR must be host:port or :port: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort("127.0.0.1", port)+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("not ready: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("not ready: %s %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
