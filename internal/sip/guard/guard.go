// Package guard protects the SIP server from password guessing: it counts
// authentication failures per source IP address and, past a limit, has
// the server ignore that source for a while.
package guard

import (
	"net"
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

	mu      sync.Mutex
	sources map[string]*sourceState
}

type sourceState struct {
	first       time.Time
	failures    int
	bannedUntil time.Time
}

// maxGuardSources bounds the sources tracked at once.
const maxGuardSources = 100000

// New makes a guard; limit 0 turns it off.
func New(limit int, window, ban time.Duration) *Guard {
	return &Guard{Limit: limit, Window: window, Ban: ban, sources: map[string]*sourceState{}}
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

// Fail records a failure from ip and reports whether it starts a ban.
func (g *Guard) Fail(ip string, now time.Time) bool {
	if g.Limit <= 0 {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sources[ip]
	if s == nil {
		if len(g.sources) >= maxGuardSources {
			g.prune(now)
			if len(g.sources) >= maxGuardSources {
				return false
			}
		}
		s = &sourceState{}
		g.sources[ip] = s
	}
	if now.Sub(s.first) > g.Window {
		s.first, s.failures = now, 0
	}
	s.failures++
	if s.failures >= g.Limit && !now.Before(s.bannedUntil) {
		s.bannedUntil = now.Add(g.Ban)
		s.first, s.failures = now, 0
		return true
	}
	return false
}

// prune drops sources with neither a ban nor recent failures.
func (g *Guard) prune(now time.Time) {
	for ip, s := range g.sources {
		if !now.Before(s.bannedUntil) && now.Sub(s.first) > g.Window {
			delete(g.sources, ip)
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
