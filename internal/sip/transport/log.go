package transport

import (
	"context"
	"log/slog"
	"sync"
)

// setSIPLogger sets sipgo's default logger once: it is global to sipgo.
var setSIPLogger sync.Once

// setUDPSize raises, once, sipgo's limit on UDP messages (global to
// sipgo; 1300 bytes by default, RFC 3261 18.1.1's advice for choosing
// TCP) to the largest message we accept: a UDP-only phone must still get
// an INVITE whose SDP lists many codecs (linphone's), as IP fragments.
var setUDPSize sync.Once

// quietHandler logs sipgo's messages at debug level without the raw
// message data (which a peer controls and which may be large).
type quietHandler struct{ h slog.Handler }

func (q quietHandler) Enabled(ctx context.Context, _ slog.Level) bool {
	return q.h.Enabled(ctx, slog.LevelDebug)
}

func (q quietHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "data" && a.Key != "msg" {
			out.AddAttrs(a)
		}
		return true
	})
	return q.h.Handle(ctx, out)
}

func (q quietHandler) WithAttrs(as []slog.Attr) slog.Handler { return quietHandler{q.h.WithAttrs(as)} }

func (q quietHandler) WithGroup(name string) slog.Handler { return quietHandler{q.h.WithGroup(name)} }
