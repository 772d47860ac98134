package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/interviewbot/interviewbot/handlers"
	"github.com/interviewbot/interviewbot/questions"
	"github.com/slack-go/slack"
)

// noTeamQuestions is a store for read-only commands: no team has questions
// of its own, and that never changes.
type noTeamQuestions struct{ handlers.Store }

func (noTeamQuestions) TeamBank(context.Context, string) (handlers.TeamBank, error) {
	return handlers.TeamBank{}, nil
}

func (noTeamQuestions) TeamBankVersion(string) (uint64, bool) { return 1, true }

// TestAckPayloadEncodedOnce: the transport sends an unchanging answer's
// bytes as the handlers encoded them once. Checking and encoding it again
// (Validate, json.Marshal) would allocate; the ack path allocates nothing.
func TestAckPayloadEncodedOnce(t *testing.T) {
	bank, err := questions.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	cmds := handlers.New(handlers.Config{Bank: bank, Store: noTeamQuestions{}})
	log := slog.New(slog.DiscardHandler)
	for _, text := range []string{"senior-backend technical", "senior-backend", "roles", "help"} {
		r, err := cmds.Slash(t.Context(), handlers.Slash{TeamID: "T1", Text: text})
		if err != nil || r.Message == nil {
			t.Fatalf("%q: %+v, %v", text, r, err)
		}
		m := r.Message
		want, err := handlers.EncodeAck(*m)
		if err != nil {
			t.Fatal(err)
		}
		got, shown := ackPayload(log, m)
		if !bytes.Equal(got, want) || shown != m {
			t.Errorf("%q: ack payload differs from the answer's encoding:\n got %s\nwant %s", text, got, want)
		}
		if allocs := testing.AllocsPerRun(100, func() { ackPayload(log, m) }); allocs != 0 {
			t.Errorf("%q: %v allocations per ack payload, want 0 (encoded again?)", text, allocs)
		}
	}
}

// TestAckPayloadFallback: an answer that breaks Block Kit's limits is not
// sent; a plain apology, as visible as the answer would have been, is.
func TestAckPayloadFallback(t *testing.T) {
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, nil))
	m := &handlers.Message{Text: "too big", InChannel: true, Blocks: []slack.Block{
		slack.NewHeaderBlock(slack.NewTextBlockObject(slack.PlainTextType, strings.Repeat("h", 151), false, false)),
	}}
	b, shown := ackPayload(log, m)
	var got struct {
		ResponseType string          `json:"response_type"`
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if shown == m || got.ResponseType != slack.ResponseTypeInChannel || !strings.Contains(got.Text, "too large") || got.Blocks != nil {
		t.Errorf("fallback = %s", b)
	}
	if !strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("the broken answer was not logged: %q", logs.String())
	}
}
