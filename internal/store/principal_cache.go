package store

import (
	"sync"
	"sync/atomic"
	"time"
)

// Access tokens are checked on every API and portal request, and the
// principal behind one (session, user, tenant, role) changes rarely, so
// each node keeps the principals it resolved in memory and drops them on
// the change events that can alter them (EventSession, EventUser,
// EventTenant, EventRole, EventResync).
//
// The events come from the store itself: a change made on this node is
// applied to the cache before the call that made it returns (so on one
// node a sign-out refuses the token at once), and on PostgreSQL the other
// nodes hear it through NOTIFY, in the time one notification takes to
// travel (milliseconds; the design bound is 1 s). When the listener is
// not connected (before it starts, or after its connection failed) the
// cache is neither read nor filled, and losing the connection flushes it,
// since notifications sent meanwhile are lost. Every entry is also read
// again after principalMaxAge, a bound for what no event can report (a
// connection that died silently).
const (
	principalMaxAge     = 10 * time.Second
	principalMaxEntries = 100_000
)

type cachedPrincipal struct {
	p       Principal
	expires int64 // access token expiry, Unix µs
	loaded  time.Time
}

// principalCache maps access token digests to principals.
type principalCache struct {
	mu     sync.RWMutex
	byHash map[string]*cachedPrincipal
	byUser map[string]map[string]struct{} // user id -> access digests
	// gen counts invalidations: a fill that began before one is not
	// kept, since what it read may be what the invalidation was about.
	gen atomic.Uint64
}

func newPrincipalCache() *principalCache {
	return &principalCache{byHash: map[string]*cachedPrincipal{}, byUser: map[string]map[string]struct{}{}}
}

// get returns the principal of accessHash if cached, unexpired at now
// (Unix µs) and not older than principalMaxAge.
func (c *principalCache) get(accessHash string, now int64, clock time.Time) (Principal, bool) {
	c.mu.RLock()
	e, ok := c.byHash[accessHash]
	c.mu.RUnlock()
	if !ok || e.expires <= now || clock.Sub(e.loaded) > principalMaxAge {
		return Principal{}, false
	}
	return e.p, true
}

// put keeps p unless an invalidation happened since gen was read.
func (c *principalCache) put(accessHash string, p Principal, expires int64, gen uint64, clock time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen.Load() != gen {
		return
	}
	if len(c.byHash) >= principalMaxEntries {
		c.clearLocked()
	}
	c.dropLocked(accessHash)
	c.byHash[accessHash] = &cachedPrincipal{p: p, expires: expires, loaded: clock}
	hashes := c.byUser[p.UserID]
	if hashes == nil {
		hashes = map[string]struct{}{}
		c.byUser[p.UserID] = hashes
	}
	hashes[accessHash] = struct{}{}
}

// apply drops what evs may have made stale.
func (c *principalCache) apply(evs ...Event) {
	for _, ev := range evs {
		switch ev.Kind {
		case EventSession, EventUser:
			if ev.ID == "" {
				c.flush()
			} else {
				c.dropUser(ev.ID)
			}
		case EventTenant, EventRole:
			if ev.TenantID == "" {
				c.flush()
			} else {
				c.dropTenant(ev.TenantID)
			}
		case EventResync:
			c.flush()
		}
	}
}

func (c *principalCache) flush() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	c.clearLocked()
}

func (c *principalCache) dropUser(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for h := range c.byUser[userID] {
		delete(c.byHash, h)
	}
	delete(c.byUser, userID)
}

func (c *principalCache) dropTenant(tenantID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen.Add(1)
	for h, e := range c.byHash {
		if e.p.TenantID == tenantID {
			c.dropLocked(h)
		}
	}
}

func (c *principalCache) dropLocked(accessHash string) {
	e, ok := c.byHash[accessHash]
	if !ok {
		return
	}
	delete(c.byHash, accessHash)
	if hashes := c.byUser[e.p.UserID]; hashes != nil {
		delete(hashes, accessHash)
		if len(hashes) == 0 {
			delete(c.byUser, e.p.UserID)
		}
	}
}

func (c *principalCache) clearLocked() {
	clear(c.byHash)
	clear(c.byUser)
}

// len returns how many principals are cached.
func (c *principalCache) len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.byHash)
}
