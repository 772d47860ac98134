package slacktest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// wsConn is one Socket Mode socket. gorilla allows one concurrent writer,
// so data frames go through write; control frames use WriteControl, which
// gorilla documents as safe alongside other writes.
type wsConn struct {
	id        int
	ws        *websocket.Conn
	writeMu   sync.Mutex
	closeOnce sync.Once
	closed    chan struct{}

	// Guarded by Server.mu. ready: hello was sent. draining: Slack asked
	// the app to reconnect, so no new envelopes are routed here.
	ready    bool
	draining bool
}

func (c *wsConn) write(frame []byte) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.writeLocked(frame)
}

func (c *wsConn) writeLocked(frame []byte) error {
	if err := c.ws.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return err
	}
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// close drops the TCP connection without a close frame (gorilla's Close).
func (c *wsConn) close() {
	c.closeOnce.Do(func() {
		close(c.closed)
		_ = c.ws.Close()
	})
}

// closeWith sends a close frame first, the way Slack ends a socket on
// purpose (after disconnect, or 1009 for an oversized frame).
func (c *wsConn) closeWith(code int, text string) {
	_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(writeTimeout))
	c.close()
}

func (s *Server) readyConnsLocked() []*wsConn {
	var out []*wsConn
	for _, c := range s.conns {
		if c.ready && !c.draining {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *wsConn) int { return a.id - b.id })
	return out
}

// liveCountLocked counts sockets that hold one of the app's 10 slots:
// handshaking or ready, but not already told to go away.
func (s *Server) liveCountLocked() int {
	n := 0
	for _, c := range s.conns {
		if !c.draining {
			n++
		}
	}
	return n
}

func (s *Server) debugInfo(c *wsConn) map[string]any {
	return map[string]any{"host": fmt.Sprintf("applink-slacktest-%d", c.id)}
}

func (s *Server) handleLink(w http.ResponseWriter, r *http.Request) {
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	_, valid := s.tickets[ticket]
	delete(s.tickets, ticket) // tickets are one-time, even if the upgrade fails
	s.mu.Unlock()
	if !valid {
		s.log.Warn("websocket dial with unknown or used ticket", "ticket", ticket)
		http.Error(w, "invalid or already used ticket", http.StatusUnauthorized)
		return
	}
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Warn("websocket upgrade failed", "err", err)
		return
	}
	ws.SetReadLimit(maxReadBytes)
	c := &wsConn{ws: ws, closed: make(chan struct{})}

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		_ = ws.Close()
		return
	}
	// The hijacked connection is invisible to httptest.Server.Close, so
	// Close waits for this handler through wg instead.
	s.wg.Add(1)
	defer s.wg.Done()
	s.nextConn++
	c.id = s.nextConn
	live := s.liveCountLocked()
	tooMany := live >= maxSockets
	if !tooMany {
		s.conns[c.id] = c
	}
	s.mu.Unlock()

	if tooMany {
		s.rejectTooMany(c, live)
		return
	}
	defer func() {
		c.close()
		s.mu.Lock()
		delete(s.conns, c.id)
		s.notifyLocked()
		s.mu.Unlock()
		s.log.Info("socket closed", "conn", c.id)
	}()

	hello, _ := json.Marshal(map[string]any{
		"type":            "hello",
		"num_connections": live + 1,
		"debug_info": map[string]any{
			"host":                        fmt.Sprintf("applink-slacktest-%d", c.id),
			"build_number":                10,
			"approximate_connection_time": 18060,
		},
		"connection_info": map[string]any{"app_id": s.cfg.appID},
	})
	// Holding the write lock while marking the socket ready means it counts
	// as connected no later than the app sees hello, yet no envelope can be
	// written ahead of hello.
	c.writeMu.Lock()
	s.mu.Lock()
	c.ready = true
	s.connects++
	s.notifyLocked()
	s.mu.Unlock()
	err = c.writeLocked(hello)
	c.writeMu.Unlock()
	if err != nil {
		s.log.Warn("writing hello failed", "conn", c.id, "err", err)
		return
	}
	s.log.Info("socket connected", "conn", c.id, "num_connections", live+1)

	if !s.spawn(func() { s.pingLoop(c) }) {
		return
	}
	// Reading continuously is what makes gorilla process pongs, answer
	// client pings and notice a dead peer.
	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				s.recordError("app sent a frame larger than %d bytes; Slack closes the socket with 1009 (limit %d)", maxReadBytes, maxAckFrame)
			}
			return
		}
		s.handleFrame(c, mt, data)
	}
}

func (s *Server) rejectTooMany(c *wsConn, live int) {
	s.recordError("app opened more than %d Socket Mode connections; Slack answers disconnect too_many_websockets", maxSockets)
	frame, _ := json.Marshal(map[string]any{
		"type":            "disconnect",
		"reason":          "too_many_websockets",
		"num_connections": live,
		"debug_info":      s.debugInfo(c),
		"connection_info": map[string]any{"app_id": s.cfg.appID},
	})
	if err := c.write(frame); err != nil {
		c.close()
		return
	}
	if !s.spawn(func() {
		t := time.NewTimer(s.cfg.disconnectDelay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-s.done:
		}
		c.closeWith(websocket.CloseNormalClosure, "")
	}) {
		c.close()
		return
	}
	// Keep reading until the delayed close so the client's frames (and a
	// close handshake) are consumed.
	for {
		if _, _, err := c.ws.ReadMessage(); err != nil {
			return
		}
	}
}

func (s *Server) pingLoop(c *wsConn) {
	t := time.NewTicker(s.cfg.pingInterval)
	defer t.Stop()
	for n := 1; ; n++ {
		select {
		case <-t.C:
			if err := c.ws.WriteControl(websocket.PingMessage, []byte(strconv.Itoa(n)), time.Now().Add(writeTimeout)); err != nil {
				return
			}
		case <-c.closed:
			return
		case <-s.done:
			return
		}
	}
}

func (s *Server) handleFrame(c *wsConn, mt int, data []byte) {
	if len(data) >= maxAckFrame {
		s.recordError("app sent a %d-byte frame; Slack's limit is %d bytes and it closes the socket with 1009", len(data), maxAckFrame)
		c.closeWith(websocket.CloseMessageTooBig, "Max frame length of 20480 has been exceeded.")
		return
	}
	if mt != websocket.TextMessage {
		s.recordError("app sent a binary frame (%d bytes); Socket Mode frames are JSON text", len(data))
		return
	}
	var f struct {
		EnvelopeID *string         `json:"envelope_id"`
		Payload    json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		s.recordError("app sent a malformed frame (%v): %.200s", err, data)
		return
	}
	if f.EnvelopeID == nil || *f.EnvelopeID == "" {
		s.recordError("app sent an ack without envelope_id (hello and disconnect must not be acked): %.200s", data)
		return
	}
	payload := f.Payload
	if string(payload) == "null" {
		payload = nil
	}
	s.handleAck(*f.EnvelopeID, payload)
}

// pickConn returns the next ready socket round-robin, waiting for one if
// the app is between connections.
func (s *Server) pickConn(ctx context.Context) (*wsConn, error) {
	for {
		s.mu.Lock()
		ready := s.readyConnsLocked()
		ch := s.changed
		if len(ready) > 0 {
			c := ready[s.rr%len(ready)]
			s.rr++
			s.mu.Unlock()
			return c, nil
		}
		s.mu.Unlock()
		if err := s.waitChange(ctx, ch); err != nil {
			return nil, fmt.Errorf("slacktest: waiting for an open socket: %w", err)
		}
	}
}

// sendFrame writes frame to one ready socket. before runs under s.mu
// immediately before the write, so ack latency starts there.
func (s *Server) sendFrame(ctx context.Context, frame []byte, before func()) error {
	for {
		c, err := s.pickConn(ctx)
		if err != nil {
			return err
		}
		if before != nil {
			s.mu.Lock()
			before()
			s.mu.Unlock()
		}
		if err := c.write(frame); err != nil {
			s.log.Debug("write failed, trying another socket", "conn", c.id, "err", err)
			s.mu.Lock()
			c.draining = true
			s.notifyLocked()
			s.mu.Unlock()
			c.close()
			continue
		}
		return nil
	}
}

// SendRaw writes an arbitrary text frame to one open socket (for malformed
// input tests). If the frame carries an envelope_id, acks for it are
// accepted rather than reported as unknown.
func (s *Server) SendRaw(ctx context.Context, frame []byte) error {
	var probe struct {
		EnvelopeID string `json:"envelope_id"`
		Type       string `json:"type"`
	}
	if json.Unmarshal(frame, &probe) == nil && probe.EnvelopeID != "" {
		env := s.newEnvelope(probe.Type, probe.Type, newWaiter())
		env.id = probe.EnvelopeID
		s.mu.Lock()
		s.envelopes[env.id] = env
		s.mu.Unlock()
		return s.sendFrame(ctx, frame, func() { env.sentAt = time.Now() })
	}
	return s.sendFrame(ctx, frame, nil)
}

// Disconnect sends {"type":"disconnect","reason":reason,...} on every open
// socket, stops routing envelopes to them, and closes them after the
// disconnect delay (WithDisconnectDelay), as Slack does on refresh.
// Sockets still before hello are left alone: they are the app's new ones.
func (s *Server) Disconnect(reason string) {
	s.mu.Lock()
	var targets []*wsConn
	for _, c := range s.conns {
		if c.ready && !c.draining {
			c.draining = true
			targets = append(targets, c)
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range targets {
		frame, _ := json.Marshal(map[string]any{
			"type":       "disconnect",
			"reason":     reason,
			"debug_info": s.debugInfo(c),
		})
		if err := c.write(frame); err != nil {
			c.close()
			continue
		}
		s.log.Info("disconnect sent", "conn", c.id, "reason", reason)
		if !s.spawn(func() {
			t := time.NewTimer(s.cfg.disconnectDelay)
			defer t.Stop()
			select {
			case <-t.C:
				c.closeWith(websocket.CloseNormalClosure, "")
			case <-c.closed:
			case <-s.done:
			}
		}) {
			c.close()
		}
	}
}

// DropConnections closes every socket's TCP connection abruptly, with no
// close frame, like a network failure.
func (s *Server) DropConnections() {
	s.mu.Lock()
	var targets []*wsConn
	for _, c := range s.conns {
		c.draining = true
		targets = append(targets, c)
	}
	s.notifyLocked()
	s.mu.Unlock()
	for _, c := range targets {
		c.close()
	}
}
