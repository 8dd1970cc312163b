package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// listening starts s's change listener (PostgreSQL) and waits until it
// listens: only then does the principal cache serve.
func listening(t *testing.T, s *store.Store) {
	t.Helper()
	sctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	if _, err := s.Subscribe(sctx); err != nil {
		t.Fatal(err)
	}
	if !store.ListenerConnected(s) {
		t.Fatal("listener not connected after Subscribe")
	}
}

func mkSession(t *testing.T, s *store.Store, u *model.User, access, via string) *store.Session {
	t.Helper()
	sess := &store.Session{TenantID: u.TenantID, UserID: u.ID, AccessHash: access, RefreshHash: "r-" + access,
		AccessExpires: time.Now().Add(time.Hour), RefreshExpires: time.Now().Add(2 * time.Hour), Via: via}
	must(t, s.CreateSession(ctx, sess))
	return sess
}

// TestPrincipalCacheServesWithoutTheDatabase: a resolved access token is
// answered from memory (a session deleted behind the store's back, with
// no event, still resolves), and an event about its user ends that.
func TestPrincipalCacheServesWithoutTheDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		listening(t, s)
		tn := mkTenant(t, s, "cache.example")
		u := mkUser(t, s, tn.ID, "cal", "100")
		sess := mkSession(t, s, u, "acc-cache", "password")
		now := time.Now()
		p, err := s.PrincipalByAccess(ctx, "acc-cache", now)
		must(t, err)
		eq(t, "session", p.SessionID, sess.ID)
		eq(t, "cached", store.CachedPrincipals(s), 1)

		_, err = s.DB().ExecContext(ctx, rebind(s.Dialect(), `DELETE FROM sessions WHERE id = ?`), sess.ID)
		must(t, err)
		p, err = s.PrincipalByAccess(ctx, "acc-cache", now)
		must(t, err) // from the cache: no database read
		eq(t, "cached session", p.SessionID, sess.ID)
		// The returned principal is a copy: changing it changes nothing.
		p.Role = model.RoleSystemAdmin
		p, err = s.PrincipalByAccess(ctx, "acc-cache", now)
		must(t, err)
		eq(t, "role", p.Role, model.RoleStandardUser)

		must(t, s.Publish(ctx, store.Event{Kind: store.EventSession, TenantID: tn.ID, ID: u.ID}))
		_, err = s.PrincipalByAccess(ctx, "acc-cache", now)
		wantNotFound(t, err)
		// An access token past its expiry is refused even when cached.
		mkSession(t, s, u, "acc-short", "password")
		_, err = s.PrincipalByAccess(ctx, "acc-short", now)
		must(t, err)
		_, err = s.PrincipalByAccess(ctx, "acc-short", now.Add(2*time.Hour))
		wantNotFound(t, err)
	})
}

// TestPrincipalCacheFollowsEveryChange: each change that can end or alter
// a session takes effect on the next read on the node that made it,
// although the token was cached just before.
func TestPrincipalCacheFollowsEveryChange(t *testing.T) {
	type fixture struct {
		s    *store.Store
		tn   *model.Tenant
		u    *model.User
		sess *store.Session
	}
	cases := []struct {
		name  string
		via   string
		apply func(t *testing.T, f fixture)
		check func(t *testing.T, p *store.Principal, err error)
	}{
		{"sign-out", "password", func(t *testing.T, f fixture) { must(t, f.s.DeleteSessionByAccess(ctx, f.sess.AccessHash)) }, refused},
		{"session ended by id", "password", func(t *testing.T, f fixture) { must(t, f.s.DeleteSession(ctx, f.sess.ID)) }, refused},
		{"all sessions of the user (password change)", "password", func(t *testing.T, f fixture) {
			must(t, f.s.DeleteUserSessions(ctx, f.u.ID, ""))
		}, refused},
		{"refresh token rotated", "password", func(t *testing.T, f fixture) {
			next := &store.Session{AccessHash: "acc-next", RefreshHash: "r-next", AccessExpires: time.Now().Add(time.Hour), RefreshExpires: time.Now().Add(time.Hour)}
			must(t, f.s.RotateSession(ctx, f.sess.RefreshHash, time.Now(), next))
		}, refused},
		{"API key revoked", store.ViaAPIKey + "k-cache", func(t *testing.T, f fixture) {
			must(t, f.s.DeleteAPIKey(ctx, f.tn.ID, f.u.ID, "k-cache"))
		}, refused},
		{"user disabled", "password", func(t *testing.T, f fixture) {
			_, err := f.s.UpdateUser(ctx, f.tn.ID, f.u.ID, func(u *model.User) error { u.Enabled = false; return nil })
			must(t, err)
		}, func(t *testing.T, p *store.Principal, err error) {
			must(t, err)
			eq(t, "user enabled", p.UserEnabled, false)
		}},
		{"role changed", "password", func(t *testing.T, f fixture) {
			_, err := f.s.UpdateUser(ctx, f.tn.ID, f.u.ID, func(u *model.User) error { u.Role = model.RoleAdmin; return nil })
			must(t, err)
		}, func(t *testing.T, p *store.Principal, err error) {
			must(t, err)
			eq(t, "role", p.Role, model.RoleAdmin)
		}},
		{"user deleted", "password", func(t *testing.T, f fixture) { must(t, f.s.DeleteUser(ctx, f.tn.ID, f.u.ID)) }, refused},
		{"tenant disabled", "password", func(t *testing.T, f fixture) {
			_, err := f.s.UpdateTenant(ctx, f.tn.ID, func(tn *model.Tenant) error { tn.Enabled = false; return nil })
			must(t, err)
		}, func(t *testing.T, p *store.Principal, err error) {
			must(t, err)
			eq(t, "tenant enabled", p.TenantEnabled, false)
		}},
		{"custom role's permissions changed", "password", func(t *testing.T, f fixture) {
			_, err := f.s.UpdateRole(ctx, f.tn.ID, "Auditor", func(r *model.Role) error { r.Permissions.General.Meeting = true; return nil })
			must(t, err)
		}, func(t *testing.T, p *store.Principal, err error) {
			must(t, err)
			if !strings.Contains(p.RolePermissions, `"meeting":true`) {
				t.Fatalf("permissions %s, want meeting granted", p.RolePermissions)
			}
		}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		listening(t, s)
		for i, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				tn := mkTenant(t, s, "c"+string(rune('a'+i))+".example")
				must(t, s.CreateRole(ctx, tn.ID, &model.Role{Name: "Auditor"}))
				u := newUser(tn.ID, "cu", "100")
				u.Role = "Auditor"
				must(t, s.CreateUser(ctx, u))
				if strings.HasPrefix(tc.via, store.ViaAPIKey) {
					must(t, s.CreateAPIKey(ctx, &model.APIKey{Token: "k-cache", Name: "k", TenantID: tn.ID, UserID: u.ID, SecretHash: "h"}, 5))
				}
				sess := mkSession(t, s, u, "acc-"+tn.ID, tc.via)
				_, err := s.PrincipalByAccess(ctx, sess.AccessHash, time.Now())
				must(t, err)
				tc.apply(t, fixture{s: s, tn: tn, u: u, sess: sess})
				p, err := s.PrincipalByAccess(ctx, sess.AccessHash, time.Now())
				tc.check(t, p, err)
			})
		}
	})
}

func refused(t *testing.T, _ *store.Principal, err error) {
	t.Helper()
	wantNotFound(t, err)
}

// TestPrincipalCacheAcrossNodes: two stores on one PostgreSQL schema are
// two nodes. A token cached on node B stops resolving there once node A
// ends its session: B hears it through NOTIFY (the design bound is 1 s;
// the loop allows 5 s so that a loaded machine does not fail the test).
// While B's listener is down B reads the database on every request, so a
// change it cannot hear about still takes effect.
func TestPrincipalCacheAcrossNodes(t *testing.T) {
	dsn := storetest.DSN(t, store.DialectPostgres)
	nodes := make([]*store.Store, 2)
	for i := range nodes {
		st, err := store.Open(ctx, dsn, "")
		must(t, err)
		t.Cleanup(func() { _ = st.Close() })
		nodes[i] = st
	}
	must(t, nodes[0].Migrate(ctx))
	a, b := nodes[0], nodes[1]
	listening(t, a)
	listening(t, b)
	tn := mkTenant(t, a, "nodes.example")
	u := mkUser(t, a, tn.ID, "nod", "100")
	for _, h := range []string{"acc-n1", "acc-n2"} {
		mkSession(t, a, u, h, "password")
		_, err := b.PrincipalByAccess(ctx, h, time.Now())
		must(t, err)
	}
	must(t, a.DeleteSessionByAccess(ctx, "acc-n1"))
	refusedWithin(t, b, "acc-n1", 5*time.Second)

	// The listener's connection dies: B stops trusting its cache at once.
	_, err := b.PrincipalByAccess(ctx, "acc-n2", time.Now())
	must(t, err)
	var schema string
	must(t, b.DB().QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema))
	_, err = a.DB().ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query = 'LISTEN "sb_events_' || $1 || '"'`, schema)
	must(t, err)
	// Behind both nodes' backs (no event at all): only a database read
	// can see it.
	_, err = a.DB().ExecContext(ctx, `DELETE FROM sessions WHERE access_hash = 'acc-n2'`)
	must(t, err)
	refusedWithin(t, b, "acc-n2", 5*time.Second)
}

// refusedWithin polls s until hash no longer resolves, failing after
// limit.
func refusedWithin(t *testing.T, s *store.Store, hash string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		_, err := s.PrincipalByAccess(ctx, hash, time.Now())
		if err != nil {
			wantNotFound(t, err)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still resolves %v after the change", hash, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
