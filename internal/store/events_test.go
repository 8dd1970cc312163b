package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// waitEvent returns the next event that is not a resync, or fails after a
// generous bound.
func waitEvent(t *testing.T, ch <-chan store.Event) store.Event {
	t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	for {
		select {
		case ev := <-ch:
			if ev.Kind != store.EventResync {
				return ev
			}
		case <-timer.C:
			t.Fatal("no event within 10 s")
		}
	}
}

// noEvent checks that nothing but resyncs arrives for a short while.
func noEvent(t *testing.T, ch <-chan store.Event, d time.Duration) {
	t.Helper()
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case ev := <-ch:
			if ev.Kind != store.EventResync {
				t.Fatalf("unexpected event %+v", ev)
			}
		case <-timer.C:
			return
		}
	}
}

func TestEventsFollowCommits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		ch, err := s.Subscribe(sctx)
		must(t, err)

		must(t, store.PublishInTx(ctx, s, false, store.Event{Kind: "user", TenantID: "t1", ID: "rolled-back"}))
		must(t, store.PublishInTx(ctx, s, true, store.Event{Kind: "user", TenantID: "t1", ID: "committed"}))
		if ev := waitEvent(t, ch); ev.ID != "committed" || ev.Kind != "user" || ev.TenantID != "t1" {
			t.Fatalf("first event %+v, want the committed one (a rolled-back event must not be delivered)", ev)
		}
		must(t, s.Publish(ctx, store.Event{Kind: "binding", ID: "direct"}))
		if ev := waitEvent(t, ch); ev.ID != "direct" {
			t.Fatalf("event %+v, want the one published outside a transaction", ev)
		}
		cancel()
		for range ch { // the channel closes when the subscription's context ends
		}
	})
}

func TestEventsSlowSubscriberGetsResync(t *testing.T) {
	s := storetest.Open(t, store.DialectSQLite)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := s.Subscribe(sctx)
	must(t, err)
	for i := 0; i < 1500; i++ { // more than a subscriber buffers
		store.DeliverToHub(s, store.Event{Kind: "user", ID: "x"})
	}
	n := 0
	for len(ch) > 0 {
		<-ch
		n++
	}
	store.DeliverToHub(s, store.Event{Kind: "user", ID: "after"})
	if ev := <-ch; ev.Kind != store.EventResync {
		t.Fatalf("after an overflow the next event is %+v, want a resync", ev)
	}
	store.DeliverToHub(s, store.Event{Kind: "user", ID: "later"})
	if ev := <-ch; ev.ID != "later" {
		t.Fatalf("after the resync, got %+v, want later", ev)
	}
	if n != 1024 {
		t.Fatalf("buffered %d events, want 1024", n)
	}
}

// TestEventsAcrossNodes: two stores on one PostgreSQL schema are two
// nodes; each hears the other's events, and a store on another schema of
// the same database hears neither.
func TestEventsAcrossNodes(t *testing.T) {
	dsn := storetest.DSN(t, store.DialectPostgres)
	other := storetest.Open(t, store.DialectPostgres)
	nodes := make([]*store.Store, 2)
	for i := range nodes {
		st, err := store.Open(ctx, dsn, "")
		must(t, err)
		t.Cleanup(func() { _ = st.Close() })
		nodes[i] = st
	}
	must(t, nodes[0].Migrate(ctx))
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chA, err := nodes[0].Subscribe(sctx)
	must(t, err)
	chB, err := nodes[1].Subscribe(sctx)
	must(t, err)
	chOther, err := other.Subscribe(sctx)
	must(t, err)

	must(t, store.PublishInTx(ctx, nodes[0], true, store.Event{Kind: "presence", TenantID: "t", ID: "u1"}))
	for name, ch := range map[string]<-chan store.Event{"publishing node": chA, "other node": chB} {
		if ev := waitEvent(t, ch); ev.ID != "u1" {
			t.Fatalf("%s got %+v", name, ev)
		}
	}
	noEvent(t, chOther, 300*time.Millisecond)
}

// TestEventsListenerReconnects: when the listening connection dies, the
// node says resync and goes on hearing events.
func TestEventsListenerReconnects(t *testing.T) {
	s := storetest.Open(t, store.DialectPostgres)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := s.Subscribe(sctx)
	must(t, err)
	var schema string
	must(t, s.DB().QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema))
	res, err := s.DB().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query = 'LISTEN "sb_events_' || $1 || '"'`, schema)
	must(t, err)
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("terminated %d listener connections, want 1", n)
	}
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	select {
	case ev := <-ch:
		if ev.Kind != store.EventResync {
			t.Fatalf("after the listener died, got %+v, want a resync", ev)
		}
	case <-timer.C:
		t.Fatal("no resync within 10 s of the listener's death")
	}
	must(t, s.Publish(ctx, store.Event{Kind: "user", ID: "after-reconnect"}))
	if ev := waitEvent(t, ch); ev.ID != "after-reconnect" {
		t.Fatalf("got %+v", ev)
	}
}
