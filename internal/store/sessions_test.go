package store_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		u := mkUser(t, s, tn.ID, "alice", "101")
		now := at(0)

		sess := &store.Session{TenantID: tn.ID, UserID: u.ID, AccessHash: "acc1", RefreshHash: "ref1",
			AccessExpires: now.Add(15 * time.Minute), RefreshExpires: now.Add(24 * time.Hour), CreatedAt: now, Via: "password"}
		must(t, s.CreateSession(ctx, sess))
		if sess.ID == "" {
			t.Fatal("CreateSession did not set ID")
		}

		p, err := s.PrincipalByAccess(ctx, "acc1", now)
		must(t, err)
		want := store.Principal{SessionID: sess.ID, UserID: u.ID, TenantID: tn.ID, UserName: "alice", Role: model.RoleStandardUser,
			Extension: "101", UserEnabled: true, TenantEnabled: true, TenantSystem: false, Via: "password"}
		if *p != want {
			t.Fatalf("principal = %+v, want %+v", *p, want)
		}
		// Access expiry; unknown tokens; refresh digests are not access digests.
		_, err = s.PrincipalByAccess(ctx, "acc1", now.Add(15*time.Minute))
		wantNotFound(t, err)
		_, err = s.PrincipalByAccess(ctx, "ref1", now)
		wantNotFound(t, err)

		// Disabled users and tenants still resolve; the caller decides.
		_, err = s.UpdateUser(ctx, tn.ID, u.ID, func(u *model.User) error { u.Enabled = false; return nil })
		must(t, err)
		p, err = s.PrincipalByAccess(ctx, "acc1", now)
		must(t, err)
		eq(t, "user enabled", p.UserEnabled, false)

		// Rotate once succeeds, twice fails.
		next := &store.Session{AccessHash: "acc2", RefreshHash: "ref2", AccessExpires: now.Add(time.Hour), RefreshExpires: now.Add(48 * time.Hour)}
		must(t, s.RotateSession(ctx, "ref1", now.Add(time.Hour), next))
		eq(t, "next user", next.UserID, u.ID)
		eq(t, "next tenant", next.TenantID, tn.ID)
		eq(t, "next via", next.Via, "password")
		_, err = s.PrincipalByAccess(ctx, "acc1", now)
		wantNotFound(t, err)
		p, err = s.PrincipalByAccess(ctx, "acc2", now)
		must(t, err)
		eq(t, "rotated session", p.SessionID, next.ID)
		// Rotating ref1 again is a replay: it fails and ends the family
		// (the session rotated into, acc2, too).
		again := &store.Session{AccessHash: "acc3", RefreshHash: "ref3", AccessExpires: now.Add(time.Hour), RefreshExpires: now.Add(48 * time.Hour)}
		err = s.RotateSession(ctx, "ref1", now.Add(time.Hour), again)
		wantNotFound(t, err)
		if !errors.Is(err, store.ErrRefreshReused) {
			t.Fatalf("replay: %v, want ErrRefreshReused", err)
		}
		_, err = s.PrincipalByAccess(ctx, "acc2", now)
		wantNotFound(t, err)
		next = &store.Session{TenantID: tn.ID, UserID: u.ID, AccessHash: "acc2", RefreshHash: "ref2", AccessExpires: now.Add(time.Hour),
			RefreshExpires: now.Add(48 * time.Hour), Via: "password"}
		must(t, s.CreateSession(ctx, next))
		// An expired refresh token cannot be rotated.
		wantNotFound(t, s.RotateSession(ctx, "ref2", now.Add(48*time.Hour), again))

		// DeleteUserSessions keeps the excepted session.
		for _, h := range []string{"x", "y", "z"} {
			must(t, s.CreateSession(ctx, &store.Session{TenantID: tn.ID, UserID: u.ID, AccessHash: "acc-" + h, RefreshHash: "ref-" + h,
				AccessExpires: now.Add(time.Hour), RefreshExpires: now.Add(time.Hour)}))
		}
		must(t, s.DeleteUserSessions(ctx, u.ID, next.ID))
		_, err = s.PrincipalByAccess(ctx, "acc2", now)
		must(t, err)
		_, err = s.PrincipalByAccess(ctx, "acc-x", now)
		wantNotFound(t, err)

		// Sign-out by access digest, idempotent.
		must(t, s.DeleteSessionByAccess(ctx, "acc2"))
		must(t, s.DeleteSessionByAccess(ctx, "acc2"))
		_, err = s.PrincipalByAccess(ctx, "acc2", now)
		wantNotFound(t, err)

		// DeleteSession by id.
		last := &store.Session{TenantID: tn.ID, UserID: u.ID, AccessHash: "accL", RefreshHash: "refL", AccessExpires: now.Add(time.Hour), RefreshExpires: now.Add(time.Hour)}
		must(t, s.CreateSession(ctx, last))
		must(t, s.DeleteSession(ctx, last.ID))
		_, err = s.PrincipalByAccess(ctx, "accL", now)
		wantNotFound(t, err)

		// Purge.
		for i, exp := range []time.Duration{-time.Minute, 0, time.Minute} {
			must(t, s.CreateSession(ctx, &store.Session{TenantID: tn.ID, UserID: u.ID, AccessHash: "pa" + string(rune('0'+i)), RefreshHash: "pr" + string(rune('0'+i)),
				AccessExpires: now.Add(exp), RefreshExpires: now.Add(exp)}))
		}
		n, err := s.PurgeExpiredSessions(ctx, now)
		must(t, err)
		eq(t, "purged", n, 2)
	})
}

func TestConcurrentRotate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "a.example.com")
		u := mkUser(t, s, tn.ID, "alice", "101")
		now := time.Now()
		must(t, s.CreateSession(ctx, &store.Session{TenantID: tn.ID, UserID: u.ID, AccessHash: "acc", RefreshHash: "ref",
			AccessExpires: now.Add(time.Hour), RefreshExpires: now.Add(time.Hour), Via: "password"}))
		const n = 10
		errs := make([]error, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				next := &store.Session{AccessHash: "acc" + string(rune('a'+i)), RefreshHash: "ref" + string(rune('a'+i)),
					AccessExpires: now.Add(time.Hour), RefreshExpires: now.Add(time.Hour)}
				errs[i] = s.RotateSession(ctx, "ref", now, next)
			}()
		}
		close(start)
		wg.Wait()
		wins := 0
		for _, err := range errs {
			switch {
			case err == nil:
				wins++
			case !errors.Is(err, model.ErrNotFound):
				t.Errorf("rotate: %v", err)
			}
		}
		eq(t, "winners", wins, 1)
	})
}
