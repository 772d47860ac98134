package bot

import (
	"context"
	"log/slog"
	"slices"
)

// lazyAttrs is a slog.Handler that keeps the attributes a logger is given
// through With and formats them only when a record is logged. The
// transport makes a logger with the envelope's ids for every envelope, and
// almost none of them ever logs: formatting the ids up front was 3-4% of
// the bot's CPU under load. What is logged is the same, except that a
// slog.LogValuer among the attributes is resolved when a record is logged
// rather than when it is added.
type lazyAttrs struct {
	h       slog.Handler
	pending []slog.Attr // not yet given to h
}

func newLazyAttrs(h slog.Handler) slog.Handler { return &lazyAttrs{h: h} }

// handler is h with the pending attributes.
func (l *lazyAttrs) handler() slog.Handler {
	if len(l.pending) == 0 {
		return l.h
	}
	return l.h.WithAttrs(l.pending)
}

func (l *lazyAttrs) Enabled(ctx context.Context, level slog.Level) bool {
	return l.h.Enabled(ctx, level)
}

func (l *lazyAttrs) Handle(ctx context.Context, r slog.Record) error {
	return l.handler().Handle(ctx, r)
}

func (l *lazyAttrs) WithAttrs(attrs []slog.Attr) slog.Handler {
	if len(attrs) == 0 {
		return l
	}
	// Clipped, so that two loggers made from this one never share an array.
	return &lazyAttrs{h: l.h, pending: append(slices.Clip(l.pending), attrs...)}
}

// WithGroup gives h the pending attributes first: they belong outside the
// group.
func (l *lazyAttrs) WithGroup(name string) slog.Handler {
	if name == "" {
		return l
	}
	return &lazyAttrs{h: l.handler().WithGroup(name)}
}
