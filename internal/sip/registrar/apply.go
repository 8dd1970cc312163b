// Package registrar is Switchboard's SIP registrar (RFC 3261 section 10.3,
// RFC 5626 instance keys). The SIP parsing and transports come from sipgo
// and the digest authentication from package digest; the registrar's rules
// are here: Apply decides a REGISTER's outcome from the current bindings
// without I/O, and Registrar wires it to the requests and the store.
package registrar

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Limits are the expiry bounds of bindings.
type Limits struct {
	Min     time.Duration // shorter non-zero expiries get 423 (default 60 s)
	Max     time.Duration // longer ones are clamped (default 3600 s)
	Default time.Duration // when the request gives none (default 3600 s)
}

// DefaultLimits are the registrar's defaults.
var DefaultLimits = Limits{Min: 60 * time.Second, Max: 3600 * time.Second, Default: 3600 * time.Second}

// MaxContacts bounds the Contact values of one REGISTER.
const MaxContacts = 20

// Contact is one Contact value of a REGISTER.
type Contact struct {
	Wildcard bool
	URI      string // the contact address, e.g. sip:201@192.0.2.1:5060;transport=tcp
	Value    string // the whole value as registered, with header parameters
	Expires  int    // the expires parameter; -1 when absent
	Instance string // +sip.instance without quotes, e.g. <urn:uuid:...>
	RegID    string // reg-id
	Q        string
	Push     bool // RFC 8599 push parameters present
}

// Request is what Apply needs of a REGISTER.
type Request struct {
	CallID    string
	CSeq      uint32
	Expires   int // the Expires header; -1 when absent
	Contacts  []Contact
	UserAgent string
	Source    string
	Transport string
	Node      string // this node's SIP address, which holds the flow
	Now       time.Time
}

// Outcome is Apply's answer.
type Outcome struct {
	Status     int // 200, or 400, 403, 423 (nothing changes)
	Reason     string
	MinExpires int // with 423
	Changed    bool
}

// Statuses of refusals.
const (
	StatusOK               = 200
	StatusBadRequest       = 400
	StatusForbidden        = 403
	StatusIntervalTooBrief = 423
)

// InstanceKey is the key a contact's binding is stored under: its
// +sip.instance (with ;reg-id=N when given) or, without one, a digest of
// the contact URI.
func InstanceKey(c *Contact) string {
	if c.Instance != "" {
		k := strings.Trim(c.Instance, "<>")
		if c.RegID != "" {
			k += ";reg-id=" + c.RegID
		}
		return k
	}
	sum := sha256.Sum256([]byte(c.URI))
	return "c-" + hex.EncodeToString(sum[:12])
}

// Apply works out a REGISTER (RFC 3261 section 10.3 steps 6 to 8) on a
// user's current unexpired bindings and returns the complete new set. On
// any refusal it returns current unchanged and the refusal.
//
// max is the user's max_bindings: a REGISTER that would leave more bindings
// than that, by adding new ones, is refused with 403 and the old bindings
// are kept (refreshes and removals of existing bindings are always allowed).
func Apply(current []model.Binding, r *Request, max int, lim Limits) ([]model.Binding, Outcome) {
	if len(r.Contacts) == 0 {
		return current, Outcome{Status: StatusOK} // a query
	}
	if len(r.Contacts) > MaxContacts {
		return current, Outcome{Status: StatusBadRequest, Reason: "Too Many Contacts"}
	}
	if hasWildcard(r.Contacts) {
		return removeAll(current, r)
	}
	next, added, out := merge(current, r, lim)
	if out.Status != StatusOK {
		return current, out
	}
	if added > 0 && len(next) > max {
		return current, Outcome{Status: StatusForbidden, Reason: "Too Many Registrations"}
	}
	return next, Outcome{Status: StatusOK, Changed: true}
}

func hasWildcard(cs []Contact) bool {
	for i := range cs {
		if cs[i].Wildcard {
			return true
		}
	}
	return false
}

// removeAll answers a REGISTER with the wildcard contact (*): every
// binding goes, unless one of the request's Call-ID is as new as it.
func removeAll(current []model.Binding, r *Request) ([]model.Binding, Outcome) {
	if len(r.Contacts) != 1 || r.Expires != 0 || r.Contacts[0].Expires > 0 {
		return current, Outcome{Status: StatusBadRequest, Reason: "Wildcard Contact Needs Expires 0 And No Other Contact"}
	}
	for j := range current {
		if current[j].CallID == r.CallID && r.CSeq <= current[j].CSeq {
			return current, Outcome{Status: StatusBadRequest, Reason: "CSeq Out Of Order"}
		}
	}
	return []model.Binding{}, Outcome{Status: StatusOK, Changed: len(current) > 0}
}

// merge applies each contact of r to a copy of current: a new contact is
// added, a known one refreshed, one with expiry 0 removed. It returns the
// new set and how many bindings it added, or a refusal (a status other
// than StatusOK) that leaves current as it was.
func merge(current []model.Binding, r *Request, lim Limits) ([]model.Binding, int, Outcome) {
	next := make([]model.Binding, len(current))
	copy(next, current)
	index := make(map[string]int, len(next))
	for i := range next {
		index[next[i].InstanceID] = i
	}
	removed := map[string]bool{}
	added := 0
	for i := range r.Contacts {
		c := &r.Contacts[i]
		ttl, ok := lifetime(c, r.Expires, lim)
		if !ok {
			return nil, 0, Outcome{Status: StatusIntervalTooBrief, Reason: "Interval Too Brief", MinExpires: int(lim.Min / time.Second)}
		}
		key := InstanceKey(c)
		j, exists := index[key]
		if exists && next[j].CallID == r.CallID && r.CSeq <= next[j].CSeq {
			return nil, 0, Outcome{Status: StatusBadRequest, Reason: "CSeq Out Of Order"}
		}
		if ttl == 0 {
			if exists {
				removed[key] = true
			}
			continue
		}
		b := binding(c, key, r, ttl)
		if exists {
			b.TenantID, b.UserID, b.CreatedAt = next[j].TenantID, next[j].UserID, next[j].CreatedAt
			next[j] = b
			delete(removed, key)
			continue
		}
		index[key] = len(next)
		next = append(next, b)
		added++
	}
	out := next[:0:0]
	for _, b := range next {
		if !removed[b.InstanceID] {
			out = append(out, b)
		}
	}
	return out, added, Outcome{Status: StatusOK}
}

// lifetime is how long contact c is to stay bound: its expires parameter,
// else the request's Expires header (requestExpires, -1 when absent),
// else lim.Default; longer than lim.Max is clamped and 0 removes it.
// false: shorter than lim.Min (423 Interval Too Brief).
func lifetime(c *Contact, requestExpires int, lim Limits) (time.Duration, bool) {
	exp := c.Expires
	if exp < 0 {
		exp = requestExpires
	}
	switch {
	case exp < 0:
		return lim.Default, true
	case exp == 0:
		return 0, true
	}
	ttl := time.Duration(exp) * time.Second
	if ttl < lim.Min {
		return 0, false
	}
	return min(ttl, lim.Max), true
}

// binding is what contact c of r binds under key for ttl, as a new
// binding (a refresh keeps the old one's tenant, user and creation time).
func binding(c *Contact, key string, r *Request, ttl time.Duration) model.Binding {
	return model.Binding{InstanceID: key, Contact: c.Value, CallID: r.CallID, CSeq: r.CSeq,
		ExpiresAt: r.Now.Add(ttl), Q: c.Q, UserAgent: r.UserAgent, Source: r.Source, Transport: r.Transport,
		EnablePush: c.Push, CreatedAt: r.Now, Node: r.Node}
}
