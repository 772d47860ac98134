package storagetest

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// dialTimeout bounds the proxy's connection to Postgres.
const dialTimeout = 5 * time.Second

// Proxy is a TCP proxy in front of Postgres that a test owns, so the test can
// make "the database is down" and "it is back" happen for real: Stop refuses
// new connections and cuts the open ones, as a crashed server or a network
// partition would; Start listens again on the same address, so DSNs and
// pools made earlier keep working.
type Proxy struct {
	t      testing.TB
	target string
	addr   string

	mu    sync.Mutex
	ln    net.Listener // nil while stopped
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup // accept loops and copies
}

// NewProxy starts a proxy on a free local port that forwards to targetAddr
// (host:port of Postgres). It is stopped when the test ends.
func NewProxy(t testing.TB, targetAddr string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("storagetest: proxy: %v", err)
	}
	p := &Proxy{
		t:      t,
		target: targetAddr,
		addr:   ln.Addr().String(),
		conns:  make(map[net.Conn]struct{}),
	}
	p.mu.Lock()
	p.serve(ln)
	p.mu.Unlock()
	t.Cleanup(p.Stop)
	return p
}

// Addr returns the proxy's host:port; it stays the same across Stop and
// Start.
func (p *Proxy) Addr() string { return p.addr }

// DSN returns the TEST_DATABASE_URL credentials pointed at database dbname
// through the proxy.
func (p *Proxy) DSN(dbname string) string {
	p.t.Helper()
	u, err := adminURL()
	if err != nil {
		p.t.Fatalf("storagetest: proxy: %v", err)
	}
	u.Host = p.addr
	u.Path = "/" + dbname
	u.RawPath = ""
	return u.String()
}

// Stop closes the listener and every proxied connection, and returns once
// the proxy's goroutines have ended. Stopping a stopped proxy does nothing.
func (p *Proxy) Stop() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// Start listens again on the proxy's address. Starting a running proxy does
// nothing. Call it from the test's goroutine: it fails the test if the port
// was taken meanwhile.
func (p *Proxy) Start() {
	p.t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		return
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("storagetest: proxy: listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// serve accepts on ln until it is closed. p.mu must be held.
func (p *Proxy) serve(ln net.Listener) {
	p.ln = ln
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			client, err := ln.Accept()
			if err != nil {
				return // closed by Stop
			}
			if !p.track(ln, client) {
				client.Close()
				return
			}
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				p.forward(ln, client)
			}()
		}
	}()
}

// track records c as open if ln is still the live listener, so Stop closes
// it; it reports false when the proxy was stopped (or restarted) meanwhile.
func (p *Proxy) track(ln net.Listener, c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != ln {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) untrack(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.conns, c)
	c.Close()
}

// forward connects client to Postgres and copies bytes both ways until
// either side closes or Stop closes them.
func (p *Proxy) forward(ln net.Listener, client net.Conn) {
	defer p.untrack(client)
	server, err := net.DialTimeout("tcp", p.target, dialTimeout)
	if err != nil {
		return
	}
	if !p.track(ln, server) {
		server.Close()
		return
	}
	defer p.untrack(server)

	done := make(chan struct{}, 2)
	pump := func(dst, src net.Conn) {
		io.Copy(dst, src) // ends with an error when either side closes
		done <- struct{}{}
	}
	go pump(server, client)
	go pump(client, server)
	<-done
	// One direction ended: close both so the other copy ends too, then
	// wait for it so no goroutine outlives forward.
	client.Close()
	server.Close()
	<-done
}
