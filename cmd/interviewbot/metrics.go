package main

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the bot's Prometheus metrics, registered on a registry that
// run owns (no global registry).
type metrics struct {
	commands   *prometheus.CounterVec
	ackLatency *prometheus.HistogramVec
	apiCalls   *prometheus.CounterVec
	reconnects prometheus.Counter
	dailyPosts *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "interviewbot_commands_total",
			Help: "Commands, button clicks and modal submissions handled, by name and outcome.",
		}, []string{"command", "outcome"}),
		ackLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "interviewbot_ack_latency_seconds",
			Help:    "Time from receiving a Socket Mode envelope to acknowledging it.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3},
		}, []string{"envelope"}),
		apiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "interviewbot_slack_api_calls_total",
			Help: "Slack Web API calls by method and result (ok, rate_limited, an error code).",
		}, []string{"method", "result"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "interviewbot_socket_connects_total",
			Help: "Socket Mode connections made (the first one and every reconnect).",
		}),
		dailyPosts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "interviewbot_daily_posts_total",
			Help: "Daily practice posts by result (posted, skipped, failed).",
		}, []string{"result"}),
	}
	// Present from the start, at zero, so dashboards and alerts see them.
	for _, result := range []string{"posted", "skipped", "failed"} {
		m.dailyPosts.WithLabelValues(result)
	}
	reg.MustRegister(m.commands, m.ackLatency, m.apiCalls, m.reconnects, m.dailyPosts,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// watchDatabase exports the store's failure count, which the store keeps
// itself so that no call site can forget to count.
func (m *metrics) watchDatabase(reg prometheus.Registerer, failures func() uint64) {
	reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name: "interviewbot_database_errors_total",
		Help: "Database operations that failed (unreachable, timed out, refused), not counting missing or conflicting records.",
	}, func() float64 { return float64(failures()) }))
}

func (m *metrics) APICall(method, result string) { m.apiCalls.WithLabelValues(method, result).Inc() }
func (m *metrics) Acked(envelope string, d time.Duration) {
	m.ackLatency.WithLabelValues(envelope).Observe(d.Seconds())
}
func (m *metrics) Command(name, outcome string) { m.commands.WithLabelValues(name, outcome).Inc() }
func (m *metrics) Reconnect()                   { m.reconnects.Inc() }
