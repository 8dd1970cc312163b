package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// listenerReadyTimeout bounds how long Subscribe waits for the first LISTEN.
const listenerReadyTimeout = 10 * time.Second

// pgListener holds one dedicated PostgreSQL connection that LISTENs on the
// store's event channel and feeds the hub. It starts with the first
// Subscribe and reconnects on its own (with backoff) until the store
// closes; after a reconnection it delivers EventResync, since NOTIFYs sent
// while it was away are lost.
type pgListener struct {
	dsn, channel string
	hub          *eventHub

	// live is true while the listener's connection listens.
	live atomic.Bool

	mu      sync.Mutex
	started bool
	ready   chan struct{} // closed once the first LISTEN succeeded
	cancel  context.CancelFunc
	done    chan struct{}
}

// start runs the listener if it does not run yet, and waits (bounded)
// until it listens.
func (l *pgListener) start(ctx context.Context) error {
	ready := l.launch()
	timer := time.NewTimer(listenerReadyTimeout)
	defer timer.Stop()
	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return errors.New("listen for change events: the PostgreSQL listener did not start within 10 s")
	}
}

// launch runs the listener if it does not run yet, without waiting, and
// returns the channel closed once it first listens.
func (l *pgListener) launch() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.started {
		l.started = true
		lctx, cancel := context.WithCancel(context.Background())
		l.cancel, l.ready, l.done = cancel, make(chan struct{}), make(chan struct{})
		go l.run(lctx)
	}
	return l.ready
}

// connected reports whether the listener listens now: only then does
// this node hear every other node's changes.
func (l *pgListener) connected() bool { return l.live.Load() }

// stop ends the listener and waits for it.
func (l *pgListener) stop() {
	l.mu.Lock()
	cancel, done := l.cancel, l.done
	l.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

func (l *pgListener) run(ctx context.Context) {
	defer close(l.done)
	first, backoff := true, 100*time.Millisecond
	for ctx.Err() == nil {
		_ = l.listen(ctx, func() {
			if first {
				first = false
				close(l.ready)
			} else {
				l.hub.deliver(Event{Kind: EventResync})
			}
			l.live.Store(true)
			backoff = 100 * time.Millisecond
		})
		if l.live.Swap(false) {
			// Whatever is sent until the next LISTEN is lost: this
			// node's caches stop trusting what they hold now (the
			// subscribers' resync follows the next LISTEN).
			l.hub.local(Event{Kind: EventResync})
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// listen connects, LISTENs, calls listening, then delivers notifications
// until the connection fails or ctx ends.
func (l *pgListener) listen(ctx context.Context, listening func()) error {
	cfg, err := pgx.ParseConfig(l.dsn)
	if err != nil {
		return fmt.Errorf("listener: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("listener: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{l.channel}.Sanitize()); err != nil {
		return fmt.Errorf("listener: %w", err)
	}
	listening()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var ev Event
		if json.Unmarshal([]byte(n.Payload), &ev) == nil && ev.Kind != "" {
			l.hub.deliver(ev)
		}
	}
}
