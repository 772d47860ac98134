package main

import (
	"cmp"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
)

// secret holds a token or a DSN with a password. It prints and logs as
// "[redacted]" so that it can't leak through a log line or an error.
type secret string

func (secret) String() string               { return "[redacted]" }
func (secret) LogValue() slog.Value         { return slog.StringValue("[redacted]") }
func (s secret) GoString() string           { return s.String() }
func (s secret) Format(f fmt.State, _ rune) { fmt.Fprint(f, s.String()) }

// config is the process configuration, read from the environment.
type config struct {
	appToken    secret // xapp-…: opens Socket Mode connections
	botToken    secret // xoxb-…: the Web API
	databaseURL secret
	apiURL      string
	httpAddr    string
	admins      []string
	logLevel    slog.Level
	// instance is a stable name for this replica, unique among running
	// ones, or "" for a fresh name per process.
	instance string
	// retention is how long scorecards, notes and candidate labels are
	// kept after a kit is closed (INTERVIEWBOT_RETENTION_DAYS).
	retention time.Duration
}

// maxRetentionDays keeps the retention a sensible duration (a century).
const maxRetentionDays = 36500

var (
	userIDPattern   = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)
	instancePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)
	// A token is a prefix and dash-separated alphanumerics; anything else
	// (spaces, quotes from a bad copy-paste) is rejected before use.
	tokenPattern = regexp.MustCompile(`^[a-z]+-[A-Za-z0-9-]+$`)
)

// configError names the variable at fault in one line and never echoes its
// value, which may be a secret.
func configError(name, problem string) error {
	return fmt.Errorf("%s %s", name, problem)
}

// parseConfig reads the environment. needSlack and needDB say what the
// chosen mode requires; the shell needs neither.
func parseConfig(getenv func(string) string, needSlack, needDB bool) (config, error) {
	c := config{
		apiURL:   cmp.Or(strings.TrimSpace(getenv("SLACK_API_URL")), "https://slack.com/api/"),
		httpAddr: cmp.Or(strings.TrimSpace(getenv("HTTP_ADDR")), ":8080"),
	}
	if needSlack {
		app, err := token(getenv, "SLACK_APP_TOKEN", "xapp-", "an app-level token (xapp-…) with the connections:write scope")
		if err != nil {
			return config{}, err
		}
		bot, err := token(getenv, "SLACK_BOT_TOKEN", "xoxb-", "the bot token (xoxb-…) from OAuth & Permissions")
		if err != nil {
			return config{}, err
		}
		c.appToken, c.botToken = app, bot
	}
	dsn := strings.TrimSpace(getenv("DATABASE_URL"))
	if dsn == "" && needDB {
		return config{}, configError("DATABASE_URL", "is not set: give a Postgres URL like postgres://user:pass@host:5432/interviewbot?sslmode=disable")
	}
	if dsn != "" {
		if err := checkDSN(dsn); err != nil {
			return config{}, err
		}
		c.databaseURL = secret(dsn)
	}
	u, err := url.Parse(c.apiURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return config{}, configError("SLACK_API_URL", "must be an http(s) URL like https://slack.com/api/")
	}
	if !strings.HasSuffix(c.apiURL, "/") {
		// slack-go appends method names to the base without a separator.
		c.apiURL += "/"
	}
	if _, port, err := net.SplitHostPort(c.httpAddr); err != nil || port == "" {
		return config{}, configError("HTTP_ADDR", "must be host:port or :port, like :8080")
	}
	for _, id := range strings.Split(getenv("INTERVIEWBOT_ADMINS"), ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		if !userIDPattern.MatchString(id) {
			return config{}, configError("INTERVIEWBOT_ADMINS", fmt.Sprintf("must be comma-separated Slack user ids like U012AB3CD; %q is not one", truncateID(id)))
		}
		c.admins = append(c.admins, id)
	}
	if c.instance = strings.TrimSpace(getenv("INTERVIEWBOT_INSTANCE")); c.instance != "" && !instancePattern.MatchString(c.instance) {
		return config{}, configError("INTERVIEWBOT_INSTANCE", "must be 1 to 63 letters, digits, '.', '_' or '-', like a pod name")
	}
	c.retention = handlers.DefaultRetention
	if days := strings.TrimSpace(getenv("INTERVIEWBOT_RETENTION_DAYS")); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 || n > maxRetentionDays {
			return config{}, configError("INTERVIEWBOT_RETENTION_DAYS", fmt.Sprintf("must be a whole number of days from 1 to %d, like 365", maxRetentionDays))
		}
		c.retention = time.Duration(n) * 24 * time.Hour
	}
	if lvl := strings.TrimSpace(getenv("LOG_LEVEL")); lvl != "" {
		if err := c.logLevel.UnmarshalText([]byte(lvl)); err != nil {
			return config{}, configError("LOG_LEVEL", "must be debug, info, warn or error")
		}
	}
	return c, nil
}

func truncateID(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

func token(getenv func(string) string, name, prefix, what string) (secret, error) {
	v := strings.TrimSpace(getenv(name))
	switch {
	case v == "":
		return "", configError(name, "is not set: it must be "+what)
	case !strings.HasPrefix(v, prefix):
		kind := "not a Slack token"
		for p, k := range map[string]string{"xoxb-": "a bot token (xoxb-)", "xapp-": "an app-level token (xapp-)", "xoxp-": "a user token (xoxp-)"} {
			if strings.HasPrefix(v, p) {
				kind = k
			}
		}
		return "", configError(name, fmt.Sprintf("must start with %s but holds %s: it must be %s", prefix, kind, what))
	case !tokenPattern.MatchString(v):
		return "", configError(name, "holds characters a Slack token never has (spaces or quotes?): it must be "+what)
	}
	return secret(v), nil
}

// checkDSN accepts a postgres:// URL or a key=value connection string.
func checkDSN(dsn string) error {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil || u.Host == "" && u.Query().Get("host") == "" {
			return configError("DATABASE_URL", "is not a valid URL: expected postgres://user:pass@host:5432/dbname?sslmode=disable")
		}
		return nil
	}
	if strings.Contains(dsn, "=") && !strings.Contains(dsn, "://") {
		return nil
	}
	return configError("DATABASE_URL", "must be a Postgres URL (postgres://user:pass@host:5432/dbname) or a key=value connection string")
}
