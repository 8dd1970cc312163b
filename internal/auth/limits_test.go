package auth

import (
	"testing"
	"time"
)

func TestSlowDown(t *testing.T) {
	l := LoginLimits{AccountLimit: 5, SourceLimit: 50, Window: time.Minute, Lockout: time.Minute, Delay: time.Second}
	for failures, want := range map[int]time.Duration{0: 0, 4: 0, 5: time.Second, 6: 2 * time.Second, 8: 8 * time.Second,
		9: 16 * time.Second, 10: 16 * time.Second, 1000000: 16 * time.Second} {
		if got := l.SlowDown(failures); got != want {
			t.Errorf("%d failures: %v, want %v", failures, got, want)
		}
	}
	if d := (LoginLimits{}).OrDefault(); d != DefaultLoginLimits {
		t.Fatalf("zero limits: %+v", d)
	}
	if d := (LoginLimits{AccountLimit: 1, SourceLimit: 1, Window: 1, Lockout: 1}).OrDefault(); d.Delay != DefaultLoginDelay {
		t.Fatalf("a zero delay alone: %v", d.Delay)
	}
}
