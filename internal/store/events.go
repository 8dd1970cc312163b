package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sync"
)

// Event tells every node that something in the database changed, so that
// caches drop what they hold and nodes push the change to their own
// subscribers and connections (busy lamps, message-waiting, presence).
// Events are small hints, not data: a receiver reads the current state
// from the database.
type Event struct {
	// Kind names what changed (EventUser, EventBinding, ...).
	Kind string `json:"k"`
	// TenantID and ID name the object, when there is one.
	TenantID string `json:"t,omitempty"`
	ID       string `json:"i,omitempty"`
}

// Event kinds. EventResync is delivered when events may have been missed
// (a subscriber fell behind, or the PostgreSQL listener reconnected): a
// receiver must then treat everything it caches as stale.
// EventUser is published when a user is changed or deleted (TenantID and
// ID name it): its presence, its enabled flag, its extension.
// EventItems is published when a user's collection items change
// (holidays, phones, ...: TenantID and ID name the user; ID is empty for
// the tenant-wide items, which users' items may refer to).
const (
	EventResync = "resync"
	EventUser   = "user"
	EventItems  = "items"
)

// subscriberBuffer bounds the events waiting for one slow subscriber;
// past it the subscriber gets EventResync instead.
const subscriberBuffer = 1024

// eventHub fans events out to this node's subscribers. On SQLite (one
// node) events go straight from the committing transaction to the hub; on
// PostgreSQL they travel through NOTIFY and reach the hub of every node
// through its listener (see events_pg.go), this node's included.
type eventHub struct {
	// observe, when set, sees every event first, synchronously: the
	// store's own caches (see principal_cache.go).
	observe func(evs ...Event)

	mu   sync.Mutex
	subs map[*subscriber]struct{}
	// hooks, like observe, see every event first (see OnEvent).
	hooks []func(Event)
}

type subscriber struct {
	ch   chan Event
	lost bool // an event was dropped: EventResync is owed
}

func newEventHub() *eventHub { return &eventHub{subs: map[*subscriber]struct{}{}} }

// add registers a subscriber until ctx ends, then closes its channel.
func (h *eventHub) add(ctx context.Context) <-chan Event {
	sub := &subscriber{ch: make(chan Event, subscriberBuffer)}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.mu.Lock()
		delete(h.subs, sub)
		close(sub.ch)
		h.mu.Unlock()
	}()
	return sub.ch
}

// deliver hands evs to every subscriber without ever blocking: a full
// subscriber is owed an EventResync, which replaces what it missed.
func (h *eventHub) deliver(evs ...Event) {
	h.local(evs...)
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		for _, ev := range evs {
			if sub.lost {
				select {
				case sub.ch <- Event{Kind: EventResync}:
					sub.lost = false
				default:
				}
				continue // the resync covers ev
			}
			select {
			case sub.ch <- ev:
			default:
				sub.lost = true
			}
		}
	}
}

// local applies evs to this node's own caches only (their fan-out to
// subscribers comes through the PostgreSQL listener).
func (h *eventHub) local(evs ...Event) {
	if len(evs) == 0 {
		return
	}
	if h.observe != nil {
		h.observe(evs...)
	}
	h.mu.Lock()
	hooks := h.hooks
	h.mu.Unlock()
	for _, f := range hooks {
		for _, ev := range evs {
			f(ev)
		}
	}
}

// OnEvent registers fn to see every event as this node's own caches do,
// synchronously: this node's own events once their transaction has
// committed and before the call that committed it returns, every other
// event before any subscriber has it (other nodes' through NOTIFY on
// PostgreSQL, whose listener Subscribe starts), and EventResync when the
// listener lost its connection. fn may see an event twice; it must be
// quick and must not use the store. While EventsLive is false a cache fed
// by fn must not be trusted.
func (s *Store) OnEvent(fn func(Event)) {
	s.events.mu.Lock()
	s.events.hooks = append(s.events.hooks[:len(s.events.hooks):len(s.events.hooks)], fn)
	s.events.mu.Unlock()
}

// EventsLive reports whether this node hears every change event now (on
// PostgreSQL, while its listener listens).
func (s *Store) EventsLive() bool { return s.eventsLive() }

// Subscribe returns the events of every node (this one included) from now
// until ctx ends, when the channel is closed. On PostgreSQL the first call
// starts this node's listener and returns once it listens, so no event
// committed after Subscribe returns is missed.
func (s *Store) Subscribe(ctx context.Context) (<-chan Event, error) {
	ch := s.events.add(ctx)
	if s.dialect == DialectPostgres {
		if err := s.listener.start(ctx); err != nil {
			return nil, err
		}
	}
	return ch, nil
}

// Publish announces evs to every node. Inside a store transaction use
// conn.publish instead, so that the events go out only if it commits.
func (s *Store) Publish(ctx context.Context, evs ...Event) error {
	return s.c().publish(ctx, evs...)
}

// publish sends evs: through NOTIFY on PostgreSQL (delivered at commit
// when c is a transaction), and to the hub on SQLite (after the commit
// when c is a transaction, see inTx). This node's caches see them at
// once either way (after the commit, in a transaction).
func (c conn) publish(ctx context.Context, evs ...Event) error {
	if len(evs) == 0 {
		return nil
	}
	if c.dialect == DialectPostgres {
		for _, ev := range evs {
			payload, err := json.Marshal(ev)
			if err != nil {
				return fmt.Errorf("publish event: %w", err)
			}
			if _, err := c.exec(ctx, `SELECT pg_notify(?, ?)`, c.channel, string(payload)); err != nil {
				return fmt.Errorf("publish event: %w", err)
			}
		}
	}
	switch {
	case c.pending != nil:
		*c.pending = append(*c.pending, evs...)
	case c.events != nil && c.dialect == DialectPostgres:
		c.events.local(evs...)
	case c.events != nil:
		c.events.deliver(evs...)
	}
	return nil
}

// committed hands the events of a committed transaction to this node:
// to the hub on SQLite, to its own caches only on PostgreSQL (the hub
// hears them through NOTIFY).
func (s *Store) committed(evs []Event) {
	if s.dialect == DialectPostgres {
		s.events.local(evs...)
		return
	}
	s.events.deliver(evs...)
}

// eventsLive reports whether this node hears every change event now: on
// PostgreSQL only while its listener listens (which this starts, without
// waiting, if nothing has yet).
func (s *Store) eventsLive() bool {
	if s.listener == nil {
		return true
	}
	if s.listener.connected() {
		return true
	}
	s.listener.launch()
	return false
}

var notChannelChar = regexp.MustCompile(`[^a-z0-9_]`)

// eventChannel names the NOTIFY channel of a schema. Channels are shared
// by the whole database, so the schema is part of the name: deployments
// (and tests) in other schemas of the same database never hear each other.
func eventChannel(schema string) string {
	name := "sb_events_" + notChannelChar.ReplaceAllString(schema, "_")
	if len(name) > 63 { // PostgreSQL identifiers are at most 63 bytes
		name = name[:63]
	}
	return name
}
