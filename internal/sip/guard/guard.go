// Package guard protects the SIP server from password guessing: it counts
// authentication failures per source IP address and, past a limit, has
// the server ignore that source for a while. A source address can be
// forged (UDP), so an address that must keep working — one with live
// authenticated bindings, a tenant's trunk — is never banned: failures
// from it are counted per source and AOR instead, and only an AOR that
// is not registered from that address is refused there. A TCP or TLS
// connection cannot be forged, so failures on one are counted per
// connection: past the limit that connection is ignored, and only then
// does the address it comes from count failures (half the limit per
// banned connection), so one failing phone behind a shared address does
// not lock out the others, and opening new connections does not buy a
// guesser more than twice the limit.
package guard

import (
	"net"
	"strings"
	"sync"
	"time"
)

// Guard counts authentication failures per source IP address; past Limit
// failures within Window the source is ignored (its requests get no
// answer) for Ban. It is per node and bounded in size.
type Guard struct {
	Limit  int
	Window time.Duration
	Ban    time.Duration

	// Protect, when set, is asked when a source reaches the limit.
	Protect Protector

	mu      sync.Mutex
	sources map[string]*sourceState
	pairs   map[string]*sourceState // "ip aor" of protected sources
}

// Protector tells whether ip must never be banned (it has live
// authenticated bindings or is a tenant's trunk) and whether aor is
// registered from it.
type Protector func(ip, aor string) (protected, bound bool)

type sourceState struct {
	first       time.Time
	failures    int
	bannedUntil time.Time
	// protectedUntil: the source must not be banned (see Protector).
	protectedUntil time.Time
}

// maxGuardSources bounds the sources tracked at once.
const maxGuardSources = 100000

// New makes a guard; limit 0 turns it off.
func New(limit int, window, ban time.Duration) *Guard {
	return &Guard{Limit: limit, Window: window, Ban: ban, sources: map[string]*sourceState{}, pairs: map[string]*sourceState{}}
}

// BannedAOR reports whether requests for aor from ip are refused at now
// (a protected source that failed for that AOR too often).
func (g *Guard) BannedAOR(ip, aor string, now time.Time) bool {
	if g.Limit <= 0 {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.pairs[ip+" "+aor]
	return s != nil && now.Before(s.bannedUntil)
}

// Banned reports whether ip is being ignored at now.
func (g *Guard) Banned(ip string, now time.Time) bool {
	if g.Limit <= 0 {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sources[ip]
	return s != nil && now.Before(s.bannedUntil)
}

// Fail records a failure from ip for aor and reports whether it starts a
// ban: of the source, or, when Protect says the source must not be
// banned, of aor from that source unless aor is registered there.
func (g *Guard) Fail(ip, aor string, now time.Time) bool {
	return g.fail(ip, aor, now, 1)
}

// ConnKey is the key a TCP or TLS connection's failures count under:
// its network and remote address (ip:port).
func ConnKey(network, remote string) string {
	return strings.ToUpper(network) + " " + remote
}

// FailConn records a failure on the TCP or TLS connection conn (see
// ConnKey) from ip for aor and reports whether it starts a ban: of the
// connection at the limit, which also counts half the limit of failures
// against ip (Fail's rules: a protected address is never banned).
func (g *Guard) FailConn(conn, ip, aor string, now time.Time) bool {
	if g.Limit <= 0 || !g.count(g.sources, conn, now, 1) || !g.ban(g.sources, conn, now) {
		return false
	}
	g.fail(ip, aor, now, max(1, g.Limit/2))
	return true
}

// fail counts weight failures from ip for aor (see Fail).
func (g *Guard) fail(ip, aor string, now time.Time, weight int) bool {
	if g.Limit <= 0 {
		return false
	}
	reached := g.count(g.sources, ip, now, weight)
	if !g.isProtected(ip, now) {
		if !reached {
			return false
		}
		if protected, _ := g.ask(ip, aor); !protected {
			return g.ban(g.sources, ip, now)
		}
		g.protect(ip, now)
	}
	// A protected source: count per AOR.
	pair := ip + " " + aor
	if !g.count(g.pairs, pair, now, weight) {
		return false
	}
	if _, bound := g.ask(ip, aor); bound {
		g.reset(g.pairs, pair, now)
		return false
	}
	return g.ban(g.pairs, pair, now)
}

// ask is Protect's answer (nothing is protected without it).
func (g *Guard) ask(ip, aor string) (protected, bound bool) {
	if g.Protect == nil {
		return false, false
	}
	return g.Protect(ip, aor)
}

// isProtected tells whether ip was found protected within the ban time.
func (g *Guard) isProtected(ip string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sources[ip]
	return s != nil && now.Before(s.protectedUntil)
}

// protect remembers for the ban time that ip must not be banned, and
// starts its count over.
func (g *Guard) protect(ip string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := g.sources[ip]; s != nil {
		s.protectedUntil = now.Add(g.Ban)
		s.first, s.failures = now, 0
	}
}

// count adds weight failures under key and reports whether they reach
// the limit (and no ban is on).
func (g *Guard) count(m map[string]*sourceState, key string, now time.Time, weight int) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := m[key]
	if s == nil {
		if len(m) >= maxGuardSources {
			g.prune(m, now)
			if len(m) >= maxGuardSources {
				return false
			}
		}
		s = &sourceState{}
		m[key] = s
	}
	if now.Sub(s.first) > g.Window {
		s.first, s.failures = now, 0
	}
	s.failures += weight
	return s.failures >= g.Limit && !now.Before(s.bannedUntil)
}

// ban bans key from now; false when it already was.
func (g *Guard) ban(m map[string]*sourceState, key string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := m[key]
	if s == nil || now.Before(s.bannedUntil) {
		return false
	}
	s.bannedUntil = now.Add(g.Ban)
	s.first, s.failures = now, 0
	return true
}

// reset starts key's count over.
func (g *Guard) reset(m map[string]*sourceState, key string, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if s := m[key]; s != nil {
		s.first, s.failures = now, 0
	}
}

// prune drops keys with neither a ban nor recent failures.
func (g *Guard) prune(m map[string]*sourceState, now time.Time) {
	for k, s := range m {
		if !now.Before(s.bannedUntil) && !now.Before(s.protectedUntil) && now.Sub(s.first) > g.Window {
			delete(m, k)
		}
	}
}

// SourceIP is the IP address of a source address (host:port), the key the
// guard counts under; src itself when it has no port.
func SourceIP(src string) string {
	host, _, err := net.SplitHostPort(src)
	if err != nil {
		return src
	}
	return host
}
