package transport

import (
	"net"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/netlimit"
)

// Timeouts of accepted TCP and TLS connections; zero takes the default.
type Timeouts struct {
	// First bounds the time from accept to the first complete request
	// (the TLS handshake included): default 10 s.
	First time.Duration
	// Idle closes a connection that has sent no request for this long
	// and carries no registered binding: default 2 minutes.
	Idle time.Duration
}

func (t Timeouts) resolve() Timeouts {
	if t.First <= 0 {
		t.First = 10 * time.Second
	}
	if t.Idle <= 0 {
		t.Idle = 2 * time.Minute
	}
	return t
}

// conns tracks the accepted stream connections by transport and remote
// address, so that a request marks its connection as alive and a
// registration keeps it open while the binding lasts.
type conns struct {
	tm  Timeouts
	now func() time.Time
	// failed is told of a connection that carried a binding and closed
	// while the transport serves (not when it stops).
	failed func(transport, raddr string)
	mu     sync.Mutex
	by     map[string]*streamConn
	done   bool // the transport is stopping
}

func connKey(transport, raddr string) string { return transport + " " + raddr }

// limit wraps ln with the caps and has its connections tracked under
// transport ("TCP" or "TLS").
func (cs *conns) limit(ln net.Listener, lim netlimit.Limits, transport string) *netlimit.Listener {
	l := netlimit.Listen(ln, lim)
	l.Wrap = func(c net.Conn) net.Conn {
		raddr := c.RemoteAddr().String()
		sc := &streamConn{Conn: c, cs: cs, transport: transport, raddr: raddr, key: connKey(transport, raddr), accepted: cs.now()}
		cs.mu.Lock()
		cs.by[sc.key] = sc
		cs.mu.Unlock()
		return sc
	}
	return l
}

// seen records a complete request on the connection of raddr.
func (cs *conns) seen(transport, raddr string) {
	if c := cs.get(transport, raddr); c != nil {
		c.update(func() { c.last = cs.now() })
	}
}

// keep holds the connection of raddr open until until (a binding's end).
func (cs *conns) keep(transport, raddr string, until time.Time) {
	if c := cs.get(transport, raddr); c != nil {
		c.update(func() { c.until = until })
	}
}

func (cs *conns) get(transport, raddr string) *streamConn {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.by[connKey(transport, raddr)]
}

// open tells whether the connection of raddr is open.
func (cs *conns) open(transport, raddr string) bool { return cs.get(transport, raddr) != nil }

// stop marks the transport as stopping: connections closing from now on
// are not failed flows.
func (cs *conns) stop() {
	cs.mu.Lock()
	cs.done = true
	cs.mu.Unlock()
}

func (cs *conns) count() int {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return len(cs.by)
}

// streamConn is an accepted TCP connection (under TLS for TLS) whose
// reads end at its deadline: First after accept until a request is
// seen, then Idle after the last request or the end of its binding,
// whichever is later.
type streamConn struct {
	net.Conn
	cs        *conns
	transport string
	raddr     string
	key       string
	accepted  time.Time

	mu    sync.Mutex
	last  time.Time // the last complete request; zero: none yet
	until time.Time // a registered binding's end
	once  sync.Once
}

func (c *streamConn) deadline() time.Time {
	if c.last.IsZero() {
		return c.accepted.Add(c.cs.tm.First)
	}
	d := c.last.Add(c.cs.tm.Idle)
	if c.until.After(d) {
		d = c.until
	}
	return d
}

// update changes the marks and moves the deadline of a read under way.
func (c *streamConn) update(f func()) {
	c.mu.Lock()
	f()
	d := c.deadline()
	c.mu.Unlock()
	_ = c.Conn.SetReadDeadline(d)
}

func (c *streamConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	d := c.deadline()
	c.mu.Unlock()
	if err := c.Conn.SetReadDeadline(d); err != nil {
		return 0, err
	}
	return c.Conn.Read(b)
}

// Close forgets the connection and, when it carried a binding, reports
// the flow as failed (RFC 5626: the phone is no longer reached by it).
func (c *streamConn) Close() error {
	c.once.Do(func() {
		c.cs.mu.Lock()
		if c.cs.by[c.key] == c {
			delete(c.cs.by, c.key)
		}
		report := !c.cs.done && c.cs.failed != nil
		c.cs.mu.Unlock()
		c.mu.Lock()
		bound := !c.until.IsZero()
		c.mu.Unlock()
		if report && bound {
			c.cs.failed(c.transport, c.raddr)
		}
	})
	return c.Conn.Close()
}
