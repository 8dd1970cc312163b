package netlimit

import (
	"io"
	"net"
	"testing"
	"time"
)

// dialFrom connects to addr from the loopback address src (127.0.0.x).
func dialFrom(t *testing.T, src, addr string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}, Timeout: 5 * time.Second}
	c, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByPeer reports whether the server closed c (EOF or reset).
func closedByPeer(c net.Conn, wait time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(wait))
	_, err := c.Read(make([]byte, 1))
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return false
	}
	return err != nil
}

// TestCaps: a source over its cap and any source over the total are
// closed at accept; closing a connection gives its place back.
func TestCaps(t *testing.T) {
	raw, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l := Listen(raw, Limits{Total: 5, PerIP: 3})
	defer l.Close()
	accepted := make(chan net.Conn, 100)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	addr := raw.Addr().String()
	var fromA []net.Conn
	for range 4 {
		fromA = append(fromA, dialFrom(t, "127.0.0.2", addr))
	}
	for i := 0; i < 3; i++ {
		<-accepted
	}
	if !closedByPeer(fromA[3], 5*time.Second) {
		t.Fatal("a fourth connection from one address was kept (per-address cap 3)")
	}
	b1, b2, b3 := dialFrom(t, "127.0.0.3", addr), dialFrom(t, "127.0.0.3", addr), dialFrom(t, "127.0.0.3", addr)
	c1 := <-accepted
	<-accepted
	if !closedByPeer(b3, 5*time.Second) {
		t.Fatal("a sixth connection was kept (total cap 5)")
	}
	if l.Open() != 5 || l.Refused() != 2 {
		t.Fatalf("open %d refused %d, want 5 and 2", l.Open(), l.Refused())
	}
	_, _ = b1, b2
	c1.Close()
	b4 := dialFrom(t, "127.0.0.3", addr)
	select {
	case c := <-accepted:
		if _, err := b4.Write([]byte("x")); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1)
		if _, err := io.ReadFull(c, buf); err != nil {
			t.Fatalf("the connection taking a freed place: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a closed connection did not give its place back")
	}
}

func TestResolve(t *testing.T) {
	fl := FileLimit()
	if fl == 0 {
		t.Skip("no file limit to read")
	}
	r := Limits{Total: fl * 10}.Resolve()
	if r.Total >= fl || r.PerIP != DefaultPerIP {
		t.Fatalf("resolved %+v with file limit %d", r, fl)
	}
	if d := (Limits{}).Resolve(); d.Total != DefaultTotal() || d.Total >= fl {
		t.Fatalf("default total %d with file limit %d", d.Total, fl)
	}
}
