package main

// The HTTP endpoints probes and Prometheus use, and `interviewbot
// healthcheck`, which asks /readyz for images without curl.

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/interviewbot/interviewbot/bot"
	"github.com/interviewbot/interviewbot/storage"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// healthMux serves /healthz (the process is up), /readyz (Socket Mode
// connected, database migrated and reachable) and /metrics.
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

// runHealthcheck exits 0 when the bot on HTTP_ADDR is ready.
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
