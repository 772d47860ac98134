package main

import (
	"testing"

	"github.com/interviewbot/interviewbot/bot/slacktest"
)

func TestMetrics(t *testing.T) {
	t.Parallel()
	s := slacktest.New()
	t.Cleanup(s.Close)
	h := startBot(t, s)

	h.slash("roles")
	h.slash("senior-backend technical")
	h.slash("nonsense-role")
	s.RateLimit("chat.postMessage", 1, 1)
	h.slash("practice senior-backend technical")
	post := h.posted(func(m slacktest.Message) bool { return hasButtons(m, "rate_up") })
	h.vote("rate_up", questionOf(t, post), post.TS, "Saved")

	var m map[string]float64
	waitFor(t, "the practice command to be counted", func() bool {
		m = h.scrape()
		return m[`interviewbot_commands_total{command="practice",outcome="ok"}`] == 1
	})
	want := map[string]float64{
		`interviewbot_commands_total{command="roles",outcome="answered"}`:                     1,
		`interviewbot_commands_total{command="list",outcome="answered"}`:                      1,
		`interviewbot_commands_total{command="invalid",outcome="answered"}`:                   1,
		`interviewbot_commands_total{command="rate_up",outcome="answered"}`:                   1,
		`interviewbot_slack_api_calls_total{method="chat.postMessage",result="rate_limited"}`: 1,
		`interviewbot_slack_api_calls_total{method="chat.postMessage",result="ok"}`:           1,
		`interviewbot_slack_api_calls_total{method="auth.test",result="ok"}`:                  1,
		`interviewbot_socket_connects_total`:                                                  1,
		`interviewbot_daily_posts_total{result="posted"}`:                                     0,
		`interviewbot_daily_posts_total{result="skipped"}`:                                    0,
		`interviewbot_database_errors_total`:                                                  0,
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if n := m[`interviewbot_ack_latency_seconds_count{envelope="slash_commands"}`]; n != 4 {
		t.Errorf("ack latency observations for slash commands = %v, want 4", n)
	}
	if le := m[`interviewbot_ack_latency_seconds_bucket{envelope="slash_commands",le="3"}`]; le != 4 {
		t.Errorf("slash commands acked within Slack's 3 s = %v, want all 4", le)
	}
	if m["go_goroutines"] <= 0 || m["process_resident_memory_bytes"] <= 0 {
		t.Error("runtime metrics missing")
	}
}
