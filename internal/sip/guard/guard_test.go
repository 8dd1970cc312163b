package guard

import (
	"fmt"
	"testing"
	"time"
)

func TestGuard(t *testing.T) {
	g := New(3, time.Minute, 10*time.Minute)
	now := time.Unix(1_800_000_000, 0)
	if g.Fail("192.0.2.1", "sip:201@a.example", now) || g.Fail("192.0.2.1", "sip:201@a.example", now) {
		t.Fatal("banned too early")
	}
	if g.Banned("192.0.2.1", now) {
		t.Fatal("banned before the limit")
	}
	// Failures outside the window start over.
	if g.Fail("192.0.2.1", "sip:201@a.example", now.Add(2*time.Minute)) || g.Fail("192.0.2.1", "sip:201@a.example", now.Add(2*time.Minute)) {
		t.Fatal("old failures counted")
	}
	if !g.Fail("192.0.2.1", "sip:201@a.example", now.Add(2*time.Minute)) || !g.Banned("192.0.2.1", now.Add(3*time.Minute)) {
		t.Fatal("not banned at the limit")
	}
	if g.Banned("192.0.2.2", now.Add(3*time.Minute)) {
		t.Fatal("another source banned")
	}
	if g.Banned("192.0.2.1", now.Add(13*time.Minute)) {
		t.Fatal("ban did not end")
	}
	off := New(0, time.Minute, time.Minute)
	for i := 0; i < 100; i++ {
		off.Fail("192.0.2.1", "sip:201@a.example", now)
	}
	if off.Banned("192.0.2.1", now) {
		t.Fatal("a guard with limit 0 banned")
	}
}

// TestGuardProtected: a protected source (live bindings, a trunk) is never
// banned, whoever forges failures from it; failures for an AOR not
// registered there ban that AOR from it, never the one registered there.
func TestGuardProtected(t *testing.T) {
	g := New(3, time.Minute, 10*time.Minute)
	g.Protect = func(ip, aor string) (bool, bool) { return ip == "192.0.2.9", aor == "sip:201@a.example" }
	now := time.Unix(1_800_000_000, 0)
	for i := 0; i < 30; i++ {
		g.Fail("192.0.2.9", "sip:201@a.example", now)
	}
	if g.Banned("192.0.2.9", now) || g.BannedAOR("192.0.2.9", "sip:201@a.example", now) {
		t.Fatal("the phone's address or its own AOR banned")
	}
	for i := 0; i < 6; i++ {
		g.Fail("192.0.2.9", "sip:205@a.example", now)
	}
	if g.Banned("192.0.2.9", now) || !g.BannedAOR("192.0.2.9", "sip:205@a.example", now) {
		t.Fatal("guessing another AOR from a protected address is not stopped")
	}
	if g.BannedAOR("192.0.2.10", "sip:205@a.example", now) {
		t.Fatal("the AOR banned from elsewhere")
	}
	for i := 0; i < 3; i++ {
		g.Fail("192.0.2.10", "sip:201@a.example", now)
	}
	if !g.Banned("192.0.2.10", now) {
		t.Fatal("an unprotected source not banned")
	}
}

func TestSourceIP(t *testing.T) {
	for src, want := range map[string]string{
		"192.0.2.1:5060": "192.0.2.1", "[2001:db8::1]:5061": "2001:db8::1", "192.0.2.1": "192.0.2.1", "": "",
	} {
		if got := SourceIP(src); got != want {
			t.Errorf("SourceIP(%q) = %q, want %q", src, got, want)
		}
	}
}

// TestGuardConnections: failures on a TCP or TLS connection ban that
// connection at the limit, not the address; each banned connection counts
// half the limit against its address, which a guesser opening new
// connections soon reaches (unless the address is protected).
func TestGuardConnections(t *testing.T) {
	g := New(4, time.Minute, 10*time.Minute)
	g.Protect = func(ip, aor string) (bool, bool) { return ip == "192.0.2.9", false }
	now := time.Unix(1_800_000_000, 0)
	a, b := ConnKey("tcp", "192.0.2.1:40001"), ConnKey("TCP", "192.0.2.1:40002")
	for i := 0; i < 3; i++ {
		if g.FailConn(a, "192.0.2.1", "sip:201@a.example", now) {
			t.Fatal("connection banned too early")
		}
	}
	if !g.FailConn(a, "192.0.2.1", "sip:201@a.example", now) || !g.Banned(a, now) {
		t.Fatal("connection not banned at the limit")
	}
	if g.Banned("192.0.2.1", now) || g.Banned(b, now) {
		t.Fatal("one connection's failures banned its address or another connection")
	}
	for i := 0; i < 4; i++ {
		g.FailConn(b, "192.0.2.1", "sip:201@a.example", now)
	}
	if !g.Banned("192.0.2.1", now) {
		t.Fatal("an address whose connections keep failing is not banned")
	}
	for i := 0; i < 5; i++ {
		c := ConnKey("TLS", fmt.Sprintf("192.0.2.9:%d", 40000+i))
		for j := 0; j < 4; j++ {
			g.FailConn(c, "192.0.2.9", "sip:201@a.example", now)
		}
	}
	if g.Banned("192.0.2.9", now) {
		t.Fatal("a protected address banned through its connections")
	}
}
