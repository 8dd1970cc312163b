package subscribe

import (
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// resource is what a subscription watches: a package of one user.
type resource struct {
	pkg, tenantID, userID string
}

// subscription is one accepted SUBSCRIBE dialog.
type subscription struct {
	key      string // Call-ID and both tags
	res      resource
	watcher  string // the subscribing user's id
	device   string // the source address the SUBSCRIBE came from
	entity   string // sip:ext@domain of the resource
	callID   string
	local    sip.FromHeader // our side (the SUBSCRIBE's To, with our tag)
	remote   sip.ToHeader   // the subscriber (the SUBSCRIBE's From)
	contact  sip.Uri        // where NOTIFYs go
	ours     sip.Uri        // our Contact
	dest     string         // the address NOTIFYs are sent to
	network  string
	accepted time.Time

	mu       sync.Mutex
	expires  time.Time
	cseq     uint32
	version  int
	pending  *state // the newest state not yet notified
	final    string // set once: the reason of the terminating NOTIFY
	sending  bool
	reported map[string]leg // dialogs last notified (dialog package)
}

// registry indexes a node's subscriptions by dialog, by resource, and
// counts them per user and per device.
type registry struct {
	mu        sync.Mutex
	byKey     map[string]*subscription
	byRes     map[resource]map[*subscription]struct{}
	byWatcher map[string]map[*subscription]struct{}
	perDevice map[string]int
}

func newRegistry() *registry {
	return &registry{byKey: map[string]*subscription{}, byRes: map[resource]map[*subscription]struct{}{},
		byWatcher: map[string]map[*subscription]struct{}{}, perDevice: map[string]int{}}
}

func dialogKey(callID, remoteTag, localTag string) string {
	return callID + "\x00" + remoteTag + "\x00" + localTag
}

func (r *registry) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.byKey)
}

func (r *registry) get(key string) *subscription {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.byKey[key]
}

// add registers s unless a limit is reached; the string names the limit.
func (r *registry) add(s *subscription, l Limits) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case len(r.byKey) >= l.PerNode:
		return "node"
	case len(r.byWatcher[s.watcher]) >= l.PerUser:
		return "user"
	case r.perDevice[s.device] >= l.PerDevice:
		return "device"
	}
	r.byKey[s.key] = s
	addTo(r.byRes, s.res, s)
	addTo(r.byWatcher, s.watcher, s)
	r.perDevice[s.device]++
	return ""
}

func addTo[K comparable](m map[K]map[*subscription]struct{}, k K, s *subscription) {
	set := m[k]
	if set == nil {
		set = map[*subscription]struct{}{}
		m[k] = set
	}
	set[s] = struct{}{}
}

func removeFrom[K comparable](m map[K]map[*subscription]struct{}, k K, s *subscription) {
	if set := m[k]; set != nil {
		delete(set, s)
		if len(set) == 0 {
			delete(m, k)
		}
	}
}

// remove forgets s (once).
func (r *registry) remove(s *subscription) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.byKey[s.key] != s {
		return
	}
	delete(r.byKey, s.key)
	removeFrom(r.byRes, s.res, s)
	removeFrom(r.byWatcher, s.watcher, s)
	if r.perDevice[s.device]--; r.perDevice[s.device] <= 0 {
		delete(r.perDevice, s.device)
	}
}

// watching lists the subscriptions to res.
func (r *registry) watching(res resource) []*subscription {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*subscription, 0, len(r.byRes[res]))
	for s := range r.byRes[res] {
		out = append(out, s)
	}
	return out
}

// ofUser lists the subscriptions user id holds as a watcher, and those
// to any of its resources.
func (r *registry) ofUser(tenantID, id string) (held, watched []*subscription) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for s := range r.byWatcher[id] {
		held = append(held, s)
	}
	for _, pkg := range []string{PkgMessageSummary, PkgDialog, PkgPresence} {
		for s := range r.byRes[resource{pkg: pkg, tenantID: tenantID, userID: id}] {
			watched = append(watched, s)
		}
	}
	return held, watched
}

// resources lists every resource watched.
func (r *registry) resources() []resource {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]resource, 0, len(r.byRes))
	for res := range r.byRes {
		out = append(out, res)
	}
	return out
}

// expired lists the subscriptions whose time is up at now.
func (r *registry) expired(now time.Time) []*subscription {
	r.mu.Lock()
	all := make([]*subscription, 0, len(r.byKey))
	for _, s := range r.byKey {
		all = append(all, s)
	}
	r.mu.Unlock()
	var out []*subscription
	for _, s := range all {
		s.mu.Lock()
		if !now.Before(s.expires) && s.final == "" {
			out = append(out, s)
		}
		s.mu.Unlock()
	}
	return out
}
