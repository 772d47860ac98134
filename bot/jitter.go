package bot

import (
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// jitterTransport adds jitter to slack-go's reconnect backoff. slack-go
// retries a failed apps.connections.open after 100 ms, 200 ms, 400 ms … (up
// to 5 min) with no randomness, so replicas cut off by one outage retry in
// lockstep and hit Slack together. Before a retry this transport waits a
// random part of half the current step, so the backoff stays exponential
// and bounded but the replicas spread out. The first attempt, and a routine
// reconnect after a successful one, are not delayed.
type jitterTransport struct {
	base     http.RoundTripper
	failures atomic.Int32 // consecutive failed apps.connections.open calls
	sleep    func(ctx context.Context, d time.Duration) error
}

// maxJitter bounds the added wait, like slack-go's own 5-minute cap.
const maxJitter = 5 * time.Minute / 2

func newJitterTransport(base http.RoundTripper) *jitterTransport {
	if base == nil {
		base = http.DefaultTransport
	}
	return &jitterTransport{base: base, sleep: sleepCtx}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// jitter is the random wait before a retry that follows n failures.
func jitter(n int32) time.Duration {
	if n <= 0 {
		return 0
	}
	step := min(100*time.Millisecond<<min(n-1, 20), 2*maxJitter)
	return rand.N(step/2 + 1)
}

func (t *jitterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !strings.HasSuffix(req.URL.Path, "/apps.connections.open") {
		return t.base.RoundTrip(req)
	}
	if err := t.sleep(req.Context(), jitter(t.failures.Load())); err != nil {
		return nil, err
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.failures.Add(1)
		return resp, err
	}
	// Slack answers most failures with 200 and "ok": false.
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if readErr != nil || !bytes.Contains(body, []byte(`"ok":true`)) {
		t.failures.Add(1)
	} else {
		t.failures.Store(0)
	}
	return resp, readErr
}
