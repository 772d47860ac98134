package handlers

import (
	"encoding/json"
	"fmt"

	"github.com/slack-go/slack"
)

// ackPayload is a slash command's answer as it rides in the Socket Mode
// acknowledgement: the message fields Slack reads from a command's
// response.
type ackPayload struct {
	ResponseType string        `json:"response_type"`
	Text         string        `json:"text"`
	Blocks       []slack.Block `json:"blocks,omitempty"`
}

// EncodeAck checks m against Block Kit's limits (Validate) and encodes it as
// the payload of a slash command's acknowledgement. An error means m must
// not be sent as it is.
func EncodeAck(m Message) ([]byte, error) {
	if err := Validate(m); err != nil {
		return nil, err
	}
	rt := slack.ResponseTypeEphemeral
	if m.InChannel {
		rt = slack.ResponseTypeInChannel
	}
	b, err := json.Marshal(ackPayload{ResponseType: rt, Text: m.Text, Blocks: m.Blocks})
	if err != nil {
		return nil, fmt.Errorf("encode the answer: %w", err)
	}
	return b, nil
}

// encodedAck is a message's acknowledgement payload, encoded once when the
// message was rendered to be handed out many times (see answers). It
// remembers what it encoded, so that a copy of the message whose text,
// visibility or blocks were replaced since is encoded afresh rather than
// sent stale. Blocks are compared by identity: a cached message's blocks
// are shared and never written to, and an append to a copy's clipped slice
// moves it.
type encodedAck struct {
	json      []byte
	text      string
	blocks    []slack.Block
	inChannel bool
}

// encodeOnce encodes m's acknowledgement payload into m itself, so that
// AckJSON on m and its copies costs nothing; it leaves m as it was when m
// can't be sent as it is, for AckJSON to report why each time.
func encodeOnce(m *Message, encode func(Message) ([]byte, error)) {
	b, err := encode(*m)
	if err != nil {
		return
	}
	m.ack = &encodedAck{json: b, text: m.Text, blocks: m.Blocks, inChannel: m.InChannel}
}

func (e *encodedAck) encodes(m *Message) bool {
	return e != nil && e.text == m.Text && e.inChannel == m.InChannel &&
		len(e.blocks) == len(m.Blocks) && (len(m.Blocks) == 0 || &e.blocks[0] == &m.Blocks[0])
}

// AckJSON is m as the payload of a slash command's acknowledgement,
// checked against Block Kit's limits: the bytes encoded once when m is an
// answer that does not change between requests (and was not changed since),
// else EncodeAck(m). The bytes may be shared: callers must not modify them.
func (m *Message) AckJSON() ([]byte, error) {
	if m.ack.encodes(m) {
		return m.ack.json, nil
	}
	return EncodeAck(*m)
}
