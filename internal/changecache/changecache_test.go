package changecache

import (
	"context"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestCache(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	c := New[string, int](time.Minute, 3)
	c.Put("a", 1, c.Gen(), t0, "u1", "t1")
	c.Put("b", 2, c.Gen(), t0, "u2", "t1")
	if v, ok := c.Get("a", t0); !ok || v != 1 {
		t.Fatalf("a: %v %v", v, ok)
	}
	if _, ok := c.Get("a", t0.Add(time.Minute)); ok {
		t.Fatal("a outlived its time to live")
	}
	c.Drop("u1")
	if _, ok := c.Get("a", t0); ok {
		t.Fatal("a survived its tag's drop")
	}
	if _, ok := c.Get("b", t0); !ok {
		t.Fatal("b went with another tag")
	}
	// A value read before an invalidation is not kept after it.
	gen := c.Gen()
	c.Drop("t1")
	c.Put("a", 1, gen, t0)
	if _, ok := c.Get("a", t0); ok || c.Len() != 0 {
		t.Fatalf("a stale value was kept (%d held)", c.Len())
	}
	// Full: new keys wait until old ones expire.
	for i, k := range []string{"x", "y", "z", "w"} {
		c.Put(k, i, c.Gen(), t0)
	}
	if _, ok := c.Get("w", t0); ok || c.Len() != 3 {
		t.Fatalf("over the bound: %d", c.Len())
	}
	c.Put("w", 4, c.Gen(), t0.Add(2*time.Minute))
	if v, ok := c.Get("w", t0.Add(2*time.Minute)); !ok || v != 4 {
		t.Fatal("expired values did not make room")
	}
	c.Clear()
	if c.Len() != 0 {
		t.Fatal("clear left values")
	}
}

// TestFollow: a change event from the store drops what it names, on
// both databases.
func TestFollow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		c := New[string, int](time.Hour, 10)
		if err := c.Follow(ctx, st, func(ev store.Event) []string { return []string{ev.ID} }); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		c.Put("k", 1, c.Gen(), now, "u1")
		c.Put("j", 2, c.Gen(), now, "u2")
		if err := st.Publish(ctx, store.Event{Kind: store.EventUser, ID: "u1"}); err != nil {
			t.Fatal(err)
		}
		for { // delivered asynchronously; the test's deadline bounds the wait
			if _, ok := c.Get("k", now); !ok {
				break
			}
			time.Sleep(time.Millisecond)
		}
		if _, ok := c.Get("j", now); !ok {
			t.Fatal("another user's value went")
		}
	})
}
