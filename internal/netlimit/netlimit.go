// Package netlimit bounds what a TCP listener accepts: at most Total
// connections open at once and at most PerIP from one source address,
// both below the process's file limit, so that a flood of idle
// connections cannot take the file handles that HTTP, the database and
// the other listeners need. A connection over a cap is accepted and
// closed at once (the peer sees a reset or EOF); the listener keeps
// accepting through transient errors such as running out of file
// handles instead of stopping.
package netlimit

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Limits are the caps of a Listener; zero takes the default.
type Limits struct {
	Total int // open connections in all (default: DefaultTotal)
	PerIP int // open connections from one source address (default 256)
}

// DefaultPerIP is the default cap per source address: an office of
// phones behind one NAT address stays well under it.
const DefaultPerIP = 256

// FileLimit is the process's soft limit on open files (RLIMIT_NOFILE),
// 0 when it cannot be read.
func FileLimit() int {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil || r.Cur > 1<<30 {
		return 0
	}
	return int(r.Cur)
}

// DefaultTotal is the default total cap of a listener: a third of the
// file limit (two listeners at their cap still leave a third for the
// rest of the process), at least 16, or 4096 when the limit is unknown.
func DefaultTotal() int {
	n := FileLimit()
	if n == 0 {
		return 4096
	}
	return max(n/3, 16)
}

// Resolve fills in the defaults and lowers a Total above the file limit.
func (l Limits) Resolve() Limits {
	if l.Total <= 0 {
		l.Total = DefaultTotal()
	}
	if fl := FileLimit(); fl > 0 && l.Total > fl*3/4 {
		l.Total = max(fl*3/4, 1)
	}
	if l.PerIP <= 0 {
		l.PerIP = DefaultPerIP
	}
	return l
}

// Listener is a net.Listener with the caps of Limits.
type Listener struct {
	net.Listener
	lim Limits
	// Wrap, when set, wraps each accepted connection (after the caps).
	Wrap func(net.Conn) net.Conn

	mu      sync.Mutex
	open    int
	perIP   map[string]int
	refused atomic.Int64
}

// Listen wraps ln with the caps of lim (defaults filled in).
func Listen(ln net.Listener, lim Limits) *Listener {
	return &Listener{Listener: ln, lim: lim.Resolve(), perIP: map[string]int{}}
}

// Limits are the caps in force.
func (l *Listener) Limits() Limits { return l.lim }

// Open is the number of connections open now.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Refused is the number of connections closed at accept for a cap.
func (l *Listener) Refused() int64 { return l.refused.Load() }

// Accept returns the next connection within the caps. Connections over a
// cap are closed; transient errors (out of file handles, an aborted
// handshake) are waited out with a growing pause, as net/http does.
func (l *Listener) Accept() (net.Conn, error) {
	var pause time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !transient(err) {
				return nil, err
			}
			pause = min(max(2*pause, 5*time.Millisecond), time.Second)
			time.Sleep(pause)
			continue
		}
		pause = 0
		ip := sourceIP(c.RemoteAddr())
		if !l.take(ip) {
			l.refused.Add(1)
			_ = c.Close()
			continue
		}
		var out net.Conn = &conn{Conn: c, release: func() { l.give(ip) }}
		if l.Wrap != nil {
			out = l.Wrap(out)
		}
		return out, nil
	}
}

func (l *Listener) take(ip string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.open >= l.lim.Total || l.perIP[ip] >= l.lim.PerIP {
		return false
	}
	l.open++
	l.perIP[ip]++
	return true
}

func (l *Listener) give(ip string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	if l.perIP[ip]--; l.perIP[ip] <= 0 {
		delete(l.perIP, ip)
	}
}

// transient reports an accept error worth retrying.
func transient(err error) bool {
	if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || errors.Is(err, syscall.ECONNABORTED) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func sourceIP(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// conn gives its place back once, when closed.
type conn struct {
	net.Conn
	once    sync.Once
	release func()
}

// CloseWrite half-closes a TCP connection: net/http uses it to answer
// and then close gracefully (a 431 for headers too large) instead of
// resetting a connection with unread data.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
