package guard

import (
	"testing"
	"time"
)

func TestGuard(t *testing.T) {
	g := New(3, time.Minute, 10*time.Minute)
	now := time.Unix(1_800_000_000, 0)
	if g.Fail("192.0.2.1", now) || g.Fail("192.0.2.1", now) {
		t.Fatal("banned too early")
	}
	if g.Banned("192.0.2.1", now) {
		t.Fatal("banned before the limit")
	}
	// Failures outside the window start over.
	if g.Fail("192.0.2.1", now.Add(2*time.Minute)) || g.Fail("192.0.2.1", now.Add(2*time.Minute)) {
		t.Fatal("old failures counted")
	}
	if !g.Fail("192.0.2.1", now.Add(2*time.Minute)) || !g.Banned("192.0.2.1", now.Add(3*time.Minute)) {
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
		off.Fail("192.0.2.1", now)
	}
	if off.Banned("192.0.2.1", now) {
		t.Fatal("a guard with limit 0 banned")
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
