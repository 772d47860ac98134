package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"testing/slogtest"
)

// TestLazyAttrsLogsTheSame: a logger over lazyAttrs writes exactly what the
// handler under it writes, attributes, groups and all.
func TestLazyAttrsLogsTheSame(t *testing.T) {
	var eager, lazy bytes.Buffer
	opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	for _, b := range []*bytes.Buffer{&eager, &lazy} {
		var h slog.Handler = slog.NewJSONHandler(b, opts)
		if b == &lazy {
			h = newLazyAttrs(h)
		}
		log := slog.New(h).With("envelope_id", "E1", "envelope", "slash_commands")
		other := log.With("team", "T2") // a sibling must not see T1's attributes
		log = log.With("team", "T1", "channel", "C1")
		log.Info("one", "n", 1)
		other.Warn("sibling")
		log.WithGroup("g").With("in", "group").Error("two", "err", "boom")
		log.WithGroup("").Info("three")
	}
	if eager.String() != lazy.String() {
		t.Errorf("lazy logger wrote\n%s\nthe handler writes\n%s", lazy.String(), eager.String())
	}
}

// TestLazyAttrsIsAHandler runs the standard library's handler conformance
// tests over lazyAttrs.
func TestLazyAttrsIsAHandler(t *testing.T) {
	var buf bytes.Buffer
	slogtest.Run(t, func(*testing.T) slog.Handler {
		buf.Reset()
		return newLazyAttrs(slog.NewJSONHandler(&buf, nil))
	}, func(t *testing.T) map[string]any {
		return parseJSONLine(t, buf.Bytes())
	})
}

// countingHandler counts the calls to WithAttrs.
type countingHandler struct {
	slog.Handler
	n *int
}

func (c countingHandler) WithAttrs(as []slog.Attr) slog.Handler {
	*c.n++
	return countingHandler{c.Handler.WithAttrs(as), c.n}
}

// TestLazyAttrsDefers: With costs the handler nothing until a record is
// logged.
func TestLazyAttrsDefers(t *testing.T) {
	n := 0
	log := slog.New(newLazyAttrs(countingHandler{slog.NewJSONHandler(io.Discard, nil), &n}))
	log = log.With("envelope_id", "E1").With("team", "T1")
	if n != 0 {
		t.Fatalf("With formatted the attributes %d times before anything was logged", n)
	}
	log.InfoContext(context.Background(), "now")
	if n != 1 {
		t.Errorf("logging a record gave the handler its attributes %d times, want 1", n)
	}
}

// parseJSONLine decodes the one JSON record in line.
func parseJSONLine(t *testing.T, line []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(line, &m); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return m
}
