package bot

import "time"

// Observer receives what the transport measures; cmd backs it with
// Prometheus metrics. Methods must be cheap and safe for concurrent use.
type Observer interface {
	// APICall counts one Web API call by method and result ("ok",
	// "rate_limited", a Slack error code or "http_<status>").
	APICall(method, result string)
	// Acked records how long an envelope waited for its acknowledgement.
	Acked(envelopeType string, d time.Duration)
	// Command counts one handled envelope by subcommand or action and outcome.
	Command(name, outcome string)
	// Reconnect counts one (re)connection of the Socket Mode socket.
	Reconnect()
}

type nopObserver struct{}

func (nopObserver) APICall(string, string)      {}
func (nopObserver) Acked(string, time.Duration) {}
func (nopObserver) Command(string, string)      {}
func (nopObserver) Reconnect()                  {}
