package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestLoginFailures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		now := time.Now().UTC().Truncate(time.Second)
		// Concurrent failures all count: 10 at once with a limit of 10 lock.
		var wg sync.WaitGroup
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.RecordFailure(ctx, "k", now, time.Minute, 10, time.Hour); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		until, err := s.LockedUntil(ctx, "k", now)
		must(t, err)
		if !until.Equal(now.Add(time.Hour)) {
			t.Fatalf("locked until %v, want %v", until, now.Add(time.Hour))
		}
		if u, _ := s.LockedUntil(ctx, "k", now.Add(2*time.Hour)); !u.IsZero() {
			t.Fatal("the lock outlived its time")
		}
		// Below the limit nothing locks; outside the window the count restarts.
		for i := range 3 {
			if u, err := s.RecordFailure(ctx, "w", now.Add(time.Duration(i)*50*time.Second), time.Minute, 3, time.Hour); err != nil || !u.IsZero() {
				t.Fatalf("failure %d locked: %v %v", i, u, err)
			}
		}
		must(t, s.ClearFailures(ctx, "w"))
		for i := range 2 {
			_, err := s.RecordFailure(ctx, "w", now, time.Minute, 3, time.Hour)
			must(t, err)
			_ = i
		}
		if u, _ := s.RecordFailure(ctx, "w", now, time.Minute, 3, time.Hour); u.IsZero() {
			t.Fatal("the third failure in the window did not lock")
		}
		must(t, s.PurgeLoginFailures(ctx, now.Add(48*time.Hour)))
		if u, _ := s.LockedUntil(ctx, "w", now); !u.IsZero() {
			t.Fatal("purge left the counter")
		}
	})
}
