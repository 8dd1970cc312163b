package directory

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/changecache"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Bounds of the call cache: what no change event announces (a built-in
// role's permissions after an upgrade) is read again at least every
// callCacheTTL; at most callCacheMax values of each kind are held.
const (
	callCacheTTL = time.Minute
	callCacheMax = 200_000
)

// callCache holds what every call reads — users by extension, their SIP
// credentials, tenants, roles, holidays — in this node's memory. Every
// change drops what it touches: on this node at once, before the write
// that made it returns, and on the others as soon as its change event
// arrives (NOTIFY on PostgreSQL, well within a second; store.OnEvent).
// While a node's listener is down the cache is bypassed, and it is
// flushed when the connection is lost.
// Entries are tagged "u:<user id>" and "t:<tenant id>". What the fraud
// limits count (outside_calls) and the calls in progress are never
// cached: they are read or locked in the database for each call.
type callCache struct {
	users    *changecache.Cache[string, *model.User]     // tenant \x00 extension
	sipUsers *changecache.Cache[string, *store.SIPUser]  // domain \x00 extension
	tenants  *changecache.Cache[string, *model.Tenant]   // tenant id
	roles    *changecache.Cache[string, *model.Role]     // tenant \x00 role name
	holidays *changecache.Cache[string, []model.Holiday] // user id
	now      func() time.Time
}

func newCallCache(now func() time.Time) *callCache {
	return &callCache{
		users:    changecache.New[string, *model.User](callCacheTTL, callCacheMax),
		sipUsers: changecache.New[string, *store.SIPUser](callCacheTTL, callCacheMax),
		tenants:  changecache.New[string, *model.Tenant](callCacheTTL, callCacheMax),
		roles:    changecache.New[string, *model.Role](callCacheTTL, callCacheMax),
		holidays: changecache.New[string, []model.Holiday](callCacheTTL, callCacheMax),
		now:      now,
	}
}

// eventTags names what an event may have changed: a user (and, for its
// items, its holidays), or everything of a tenant (its settings, roles,
// tenant-wide holidays). Calls', sessions' and mailboxes' events change
// nothing cached here.
func eventTags(ev store.Event) []string {
	switch ev.Kind {
	case store.EventUser:
		return []string{"u:" + ev.ID}
	case store.EventItems:
		if ev.ID == "" {
			return []string{"t:" + ev.TenantID}
		}
		return []string{"u:" + ev.ID}
	case store.EventTenant, store.EventRole:
		return []string{"t:" + ev.TenantID}
	}
	return nil
}

// drop forgets what ev names (everything on EventResync).
func (cc *callCache) drop(ev store.Event) {
	if ev.Kind == store.EventResync {
		cc.users.Clear()
		cc.sipUsers.Clear()
		cc.tenants.Clear()
		cc.roles.Clear()
		cc.holidays.Clear()
		return
	}
	for _, t := range eventTags(ev) {
		cc.users.Drop(t)
		cc.sipUsers.Drop(t)
		cc.tenants.Drop(t)
		cc.roles.Drop(t)
		cc.holidays.Drop(t)
	}
}

// FollowChanges makes the SIP proxy's reads (SIPRouter) go through a
// cache that this node's writes and every node's change events keep
// current, until ctx ends. It returns once it hears every node's events.
func (s *Service) FollowChanges(ctx context.Context) error {
	cc := newCallCache(s.now)
	s.store.OnEvent(cc.drop)              // EventResync too when the listener fails
	events, err := s.store.Subscribe(ctx) // starts the PostgreSQL listener
	if err != nil {
		return err
	}
	go func() {
		for range events { // the hook has had them
		}
	}()
	s.cache.Store(cc)
	return nil
}

// cachedRead returns c's value of k, or reads it (read) and keeps it
// under tags; without a cache (c nil), or while this node may miss
// change events (live false: its PostgreSQL listener is down), it reads.
func cachedRead[V any](c *changecache.Cache[string, V], live func() bool, now func() time.Time, k string, read func() (V, []string, error)) (V, error) {
	if c == nil || !live() {
		v, _, err := read()
		return v, err
	}
	if v, ok := c.Get(k, now()); ok {
		return v, nil
	}
	gen := c.Gen()
	v, tags, err := read()
	if err == nil {
		c.Put(k, v, gen, now(), tags...)
	}
	return v, err
}

// Callers must not change what the cached reads return: the values are
// shared.

// userByExtension is store.GetUserByExtension through the cache.
func (s *Service) userByExtension(ctx context.Context, tenantID, ext string) (*model.User, error) {
	var c *changecache.Cache[string, *model.User]
	if cc := s.cache.Load(); cc != nil {
		c = cc.users
	}
	return cachedRead(c, s.store.EventsLive, s.now, tenantID+"\x00"+ext, func() (*model.User, []string, error) {
		u, err := s.store.GetUserByExtension(ctx, tenantID, ext)
		if err != nil {
			return nil, nil, err
		}
		return u, []string{"u:" + u.ID, "t:" + tenantID}, nil
	})
}

// sipUser is store.SIPUserByAOR through the cache.
func (s *Service) sipUser(ctx context.Context, domain, ext string) (*store.SIPUser, error) {
	var c *changecache.Cache[string, *store.SIPUser]
	if cc := s.cache.Load(); cc != nil {
		c = cc.sipUsers
	}
	return cachedRead(c, s.store.EventsLive, s.now, strings.ToLower(domain)+"\x00"+ext, func() (*store.SIPUser, []string, error) {
		u, err := s.store.SIPUserByAOR(ctx, domain, ext)
		if err != nil {
			return nil, nil, err
		}
		return u, []string{"u:" + u.UserID, "t:" + u.TenantID}, nil
	})
}

// tenant is store.GetTenant through the cache.
func (s *Service) tenant(ctx context.Context, id string) (*model.Tenant, error) {
	var c *changecache.Cache[string, *model.Tenant]
	if cc := s.cache.Load(); cc != nil {
		c = cc.tenants
	}
	return cachedRead(c, s.store.EventsLive, s.now, id, func() (*model.Tenant, []string, error) {
		t, err := s.store.GetTenant(ctx, id)
		return t, []string{"t:" + id}, err
	})
}

// role is roleOf through the cache.
func (s *Service) role(ctx context.Context, tenantID, name string) (*model.Role, error) {
	var c *changecache.Cache[string, *model.Role]
	if cc := s.cache.Load(); cc != nil {
		c = cc.roles
	}
	return cachedRead(c, s.store.EventsLive, s.now, tenantID+"\x00"+name, func() (*model.Role, []string, error) {
		r, err := s.roleOf(ctx, tenantID, name)
		return r, []string{"t:" + tenantID}, err
	})
}

// holidaysOf is userHolidays through the cache.
func (s *Service) holidaysOf(ctx context.Context, u *model.User) ([]model.Holiday, error) {
	var c *changecache.Cache[string, []model.Holiday]
	if cc := s.cache.Load(); cc != nil {
		c = cc.holidays
	}
	return cachedRead(c, s.store.EventsLive, s.now, u.ID, func() ([]model.Holiday, []string, error) {
		h, err := s.userHolidays(ctx, u)
		return h, []string{"u:" + u.ID, "t:" + u.TenantID}, err
	})
}
