package bot

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

type fakeRT struct{ bodies []string }

func (f *fakeRT) RoundTrip(*http.Request) (*http.Response, error) {
	body := f.bodies[0]
	f.bodies = f.bodies[1:]
	return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader(body))}, nil
}

func TestJitterTransport(t *testing.T) {
	base := &fakeRT{bodies: []string{`{"ok":false,"error":"internal_error"}`, `{"ok":false}`, `{"ok":false}`, `{"ok":true,"url":"wss://x"}`, `{"ok":true,"url":"wss://y"}`}}
	var waits []time.Duration
	tr := newJitterTransport(base)
	tr.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	for i := range 5 {
		req, _ := http.NewRequest(http.MethodPost, "http://slack.test/api/apps.connections.open", nil)
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if len(body) == 0 {
			t.Errorf("call %d: the body was not handed on", i)
		}
	}
	// No wait before the first call or after a success; within half the
	// exponential step after each failure.
	bounds := []time.Duration{0, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 0}
	for i, w := range waits {
		if w < 0 || w > bounds[i] {
			t.Errorf("wait %d = %v, want 0 to %v", i, w, bounds[i])
		}
	}
	for n := int32(1); n < 40; n++ {
		if j := jitter(n); j > maxJitter {
			t.Fatalf("jitter(%d) = %v, above the bound %v", n, j, maxJitter)
		}
	}
}
