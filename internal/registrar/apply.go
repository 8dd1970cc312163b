// Package registrar is Switchboard's SIP registrar (RFC 3261 section 10.3,
// digest authentication with SHA-256 and MD5 per RFC 8760, RFC 5626
// instance keys). The SIP parsing and transports come from sipgo; the
// registrar's rules are here: Apply decides a REGISTER's outcome from the
// current bindings without I/O, and Server wires it to the network and the
// store.
package registrar

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
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
func Apply(current []store.Binding, r *Request, max int, lim Limits) ([]store.Binding, Outcome) {
	refuse := func(status int, reason string) ([]store.Binding, Outcome) {
		return current, Outcome{Status: status, Reason: reason}
	}
	if len(r.Contacts) == 0 {
		return current, Outcome{Status: StatusOK} // a query
	}
	if len(r.Contacts) > MaxContacts {
		return refuse(StatusBadRequest, "Too Many Contacts")
	}
	for i := range r.Contacts {
		if r.Contacts[i].Wildcard {
			if len(r.Contacts) != 1 || r.Expires != 0 || r.Contacts[i].Expires > 0 {
				return refuse(StatusBadRequest, "Wildcard Contact Needs Expires 0 And No Other Contact")
			}
			// Remove all, unless one binding of this Call-ID is as new.
			for j := range current {
				if current[j].CallID == r.CallID && r.CSeq <= current[j].CSeq {
					return refuse(StatusBadRequest, "CSeq Out Of Order")
				}
			}
			return []store.Binding{}, Outcome{Status: StatusOK, Changed: len(current) > 0}
		}
	}

	next := make([]store.Binding, len(current))
	copy(next, current)
	index := make(map[string]int, len(next))
	for i := range next {
		index[next[i].InstanceID] = i
	}
	removed := map[string]bool{}
	added := 0
	for i := range r.Contacts {
		c := &r.Contacts[i]
		exp := c.Expires
		if exp < 0 {
			exp = r.Expires
		}
		var ttl time.Duration
		switch {
		case exp < 0:
			ttl = lim.Default
		case exp == 0:
			ttl = 0
		default:
			ttl = time.Duration(exp) * time.Second
			if ttl < lim.Min {
				return current, Outcome{Status: StatusIntervalTooBrief, Reason: "Interval Too Brief", MinExpires: int(lim.Min / time.Second)}
			}
			if ttl > lim.Max {
				ttl = lim.Max
			}
		}
		key := InstanceKey(c)
		j, exists := index[key]
		if exists && next[j].CallID == r.CallID && r.CSeq <= next[j].CSeq {
			return refuse(StatusBadRequest, "CSeq Out Of Order")
		}
		if ttl == 0 {
			if exists {
				removed[key] = true
			}
			continue
		}
		b := store.Binding{InstanceID: key, Contact: c.Value, CallID: r.CallID, CSeq: r.CSeq,
			ExpiresAt: r.Now.Add(ttl), Q: c.Q, UserAgent: r.UserAgent, Source: r.Source, Transport: r.Transport,
			EnablePush: c.Push, CreatedAt: r.Now}
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
	if added > 0 && len(out) > max {
		return refuse(StatusForbidden, "Too Many Registrations")
	}
	return out, Outcome{Status: StatusOK, Changed: true}
}
