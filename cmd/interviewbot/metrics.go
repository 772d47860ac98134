package main

import (
	"context"
	"time"

	"github.com/interviewbot/interviewbot/handlers"
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
	dbErrors   prometheus.Counter
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
		dbErrors: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "interviewbot_database_errors_total",
			Help: "Database operations that failed.",
		}),
	}
	reg.MustRegister(m.commands, m.ackLatency, m.apiCalls, m.reconnects, m.dailyPosts, m.dbErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) APICall(method, result string) { m.apiCalls.WithLabelValues(method, result).Inc() }
func (m *metrics) Acked(envelope string, d time.Duration) {
	m.ackLatency.WithLabelValues(envelope).Observe(d.Seconds())
}
func (m *metrics) Command(name, outcome string) { m.commands.WithLabelValues(name, outcome).Inc() }
func (m *metrics) Reconnect()                   { m.reconnects.Inc() }

// instrumentedStore counts the store's failures without the store or the
// handlers knowing about metrics.
type instrumentedStore struct {
	handlers.Store
	metrics *metrics
}

func (s instrumentedStore) count(err error) error {
	if err != nil {
		s.metrics.dbErrors.Inc()
	}
	return err
}

func (s instrumentedStore) SaveVote(ctx context.Context, v handlers.Vote) (handlers.Tally, error) {
	t, err := s.Store.SaveVote(ctx, v)
	return t, s.count(err)
}

func (s instrumentedStore) SaveRating(ctx context.Context, r handlers.Rating) error {
	return s.count(s.Store.SaveRating(ctx, r))
}

func (s instrumentedStore) Feedback(ctx context.Context, teamID string) ([]handlers.QuestionFeedback, error) {
	fb, err := s.Store.Feedback(ctx, teamID)
	return fb, s.count(err)
}

func (s instrumentedStore) AddTeamQuestion(ctx context.Context, q handlers.TeamQuestion) (handlers.TeamQuestion, error) {
	tq, err := s.Store.AddTeamQuestion(ctx, q)
	return tq, s.count(err)
}

func (s instrumentedStore) RemoveTeamQuestion(ctx context.Context, teamID, id string) error {
	return s.count(s.Store.RemoveTeamQuestion(ctx, teamID, id))
}

func (s instrumentedStore) TeamQuestions(ctx context.Context, teamID string) ([]handlers.TeamQuestion, error) {
	tqs, err := s.Store.TeamQuestions(ctx, teamID)
	return tqs, s.count(err)
}

func (s instrumentedStore) RecordPost(ctx context.Context, p handlers.Post) error {
	return s.count(s.Store.RecordPost(ctx, p))
}

func (s instrumentedStore) PostCounts(ctx context.Context, teamID, channelID string) (map[string]int, error) {
	c, err := s.Store.PostCounts(ctx, teamID, channelID)
	return c, s.count(err)
}
