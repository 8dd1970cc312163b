package store_test

import (
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestOTPChallenges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "otp.example")
		u := mkUser(t, s, tn.ID, "olga", "100")
		now := time.Now().UTC()
		must(t, s.CreateOTPChallenge(ctx, &store.OTPChallenge{TokenHash: "h1", TenantID: tn.ID, UserID: u.ID, Expires: now.Add(time.Minute)}))
		// Concurrent attempts all count: of 8 at once with a limit of 5,
		// exactly 5 get the challenge.
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if ch, err := s.AttemptOTPChallenge(ctx, "h1", now, 5); err == nil && ch.UserID == u.ID {
					mu.Lock()
					got++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if got != 5 {
			t.Fatalf("%d attempts succeeded, want 5", got)
		}
		_, err := s.AttemptOTPChallenge(ctx, "h1", now, 5)
		wantNotFound(t, err)
		// Expired challenges are refused and purged.
		must(t, s.CreateOTPChallenge(ctx, &store.OTPChallenge{TokenHash: "h2", TenantID: tn.ID, UserID: u.ID, Expires: now.Add(time.Minute)}))
		_, err = s.AttemptOTPChallenge(ctx, "h2", now.Add(2*time.Minute), 5)
		wantNotFound(t, err)
		must(t, s.CreateOTPChallenge(ctx, &store.OTPChallenge{TokenHash: "h3", TenantID: tn.ID, UserID: u.ID, Expires: now.Add(time.Minute)}))
		if n, err := s.PurgeExpiredOTPChallenges(ctx, now.Add(2*time.Minute)); err != nil || n != 1 {
			t.Fatalf("purged %d %v", n, err)
		}
	})
}
