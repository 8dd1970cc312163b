// Package changecache keeps values read from the store in a node's memory
// and forgets them when the store's change events (of every node: NOTIFY
// on PostgreSQL) say they may have changed. A reader takes Gen before
// reading the store and passes it to Put, so a value read before an
// invalidation is never kept after it.
package changecache

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Cache maps keys to values, each tagged with the names (user or tenant
// IDs, ...) whose change drops it. Values also expire after a time to
// live, which bounds the staleness of what no event announces.
type Cache[K comparable, V any] struct {
	ttl time.Duration
	max int

	mu   sync.Mutex
	gen  uint64
	m    map[K]entry[V]
	tags map[string]map[K]struct{}
}

type entry[V any] struct {
	v    V
	till time.Time
}

// New makes a cache of at most max values kept for ttl each.
func New[K comparable, V any](ttl time.Duration, max int) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, max: max, m: map[K]entry[V]{}, tags: map[string]map[K]struct{}{}}
}

// Get returns the value of k, if it is cached and not expired at now.
func (c *Cache[K, V]) Get(k K, now time.Time) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !now.Before(e.till) {
		var zero V
		return zero, false
	}
	return e.v, true
}

// Gen is the invalidation generation: take it before reading the store.
func (c *Cache[K, V]) Gen() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// Put keeps v for k under tags, unless something was invalidated since
// gen (then v may be stale) or the cache is full.
func (c *Cache[K, V]) Put(k K, v V, gen uint64, now time.Time, tags ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for k, e := range c.m { // full: forget what has expired
			if !now.Before(e.till) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= c.max {
			return
		}
	}
	c.m[k] = entry[V]{v: v, till: now.Add(c.ttl)}
	for _, t := range tags {
		if c.tags[t] == nil {
			c.tags[t] = map[K]struct{}{}
		}
		c.tags[t][k] = struct{}{}
	}
}

// Drop forgets every value tagged with tag.
func (c *Cache[K, V]) Drop(tag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k := range c.tags[tag] {
		delete(c.m, k)
	}
	delete(c.tags, tag)
}

// Clear forgets everything.
func (c *Cache[K, V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.m)
	clear(c.tags)
}

// Len is the number of values held (expired ones included).
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// Follow subscribes to the store's change events and, until ctx ends,
// drops the values tagged with what tags names for each event (an
// EventResync clears the cache, as events may have been missed). It
// returns once subscribed, so no change committed after it is missed.
func (c *Cache[K, V]) Follow(ctx context.Context, st *store.Store, tags func(store.Event) []string) error {
	events, err := st.Subscribe(ctx)
	if err != nil {
		return err
	}
	go func() {
		for ev := range events {
			if ev.Kind == store.EventResync {
				c.Clear()
				continue
			}
			for _, t := range tags(ev) {
				c.Drop(t)
			}
		}
	}()
	return nil
}
