package registrar

import (
	"context"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/changecache"
	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Bounds of the user cache: a user's credentials are read again at least
// every userTTL (tenants' changes publish no event), and at most
// maxCachedUsers are held.
const (
	userTTL        = 5 * time.Minute
	maxCachedUsers = 200_000
)

// users keeps the users REGISTERs authenticate against, so that a
// refresh reads nothing before its batch. The cache is only a first
// guess: a user's change (EventUser, from any node) drops its entry, a
// failed check with a cached user is tried again with a fresh read, and
// the batch's transaction compares the locked user with the one checked
// (sameCredentials), so a stale entry never lets a REGISTER in.
type users struct {
	st    *store.Store
	now   func() time.Time
	cache *changecache.Cache[string, *store.SIPUser]
}

func newUsers(st *store.Store, now func() time.Time) *users {
	return &users{st: st, now: now, cache: changecache.New[string, *store.SIPUser](userTTL, maxCachedUsers)}
}

func userKey(domain, ext string) string { return strings.ToLower(domain) + "\x00" + ext }

// lookup is a digest.UserLookup through the cache. Unknown users are not
// cached.
func (us *users) lookup(ctx context.Context, domain, ext string) (*store.SIPUser, error) {
	k := userKey(domain, ext)
	if u, ok := us.cache.Get(k, us.now()); ok {
		return u, nil
	}
	gen := us.cache.Gen()
	u, err := us.st.SIPUserByAOR(ctx, domain, ext)
	if err != nil {
		return nil, err
	}
	us.cache.Put(k, u, gen, us.now(), u.UserID)
	return u, nil
}

// cached tells whether a's user is in the cache.
func (us *users) cached(a digest.AOR) bool {
	_, ok := us.cache.Get(userKey(a.Domain, a.Ext), us.now())
	return ok
}

// forget drops a's user (its credentials changed).
func (us *users) forget(a digest.AOR) {
	if u, ok := us.cache.Get(userKey(a.Domain, a.Ext), us.now()); ok {
		us.cache.Drop(u.UserID)
	}
}

// follow drops users as the store's change events name them.
func (us *users) follow(ctx context.Context) error {
	return us.cache.Follow(ctx, us.st, func(ev store.Event) []string {
		if ev.Kind == store.EventUser {
			return []string{ev.ID}
		}
		return nil
	})
}
