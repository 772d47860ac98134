package bot

import (
	"log/slog"

	"github.com/interviewbot/interviewbot/handlers"
)

// ackPayload returns a slash command's answer m as its acknowledgement's
// payload, and the message that payload shows: m, or a plain apology when
// m breaks Block Kit's limits. An answer that does not change between
// requests comes encoded and checked already (handlers.Message.AckJSON), so
// the usual command costs no encoding here.
func ackPayload(log *slog.Logger, m *handlers.Message) ([]byte, *handlers.Message) {
	b, err := m.AckJSON()
	if err == nil {
		return b, m
	}
	log.Error("answer breaks Block Kit limits; sending a plain fallback", "err", err)
	fallback := &handlers.Message{Text: "Sorry, this answer was too large to show. Please narrow the command down.", InChannel: m.InChannel}
	b, _ = fallback.AckJSON() // a short text always passes
	return b, fallback
}
