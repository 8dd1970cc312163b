package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestAPIKeys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "keys.example")
		u := mkUser(t, s, tn.ID, "kim", "100")
		key := func(tok string) *model.APIKey {
			return &model.APIKey{Token: tok, Name: "n", TenantID: tn.ID, UserID: u.ID, SecretHash: "h-" + tok}
		}
		must(t, s.CreateAPIKey(ctx, key("k1"), 2))
		must(t, s.CreateAPIKey(ctx, key("k2"), 2))
		wantConflict(t, s.CreateAPIKey(ctx, key("k3"), 2), "name")
		if err := s.CreateAPIKey(ctx, &model.APIKey{Token: "k4", TenantID: "other", UserID: u.ID}, 5); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("key for a user of another tenant: %v", err)
		}
		list, err := s.ListAPIKeys(ctx, tn.ID, u.ID)
		must(t, err)
		if len(list) != 2 || list[0].Token != "k1" || list[0].LastUsedAt != nil {
			t.Fatalf("list: %+v", list)
		}
		must(t, s.TouchAPIKey(ctx, "k1"))
		k, err := s.GetAPIKey(ctx, "k1")
		must(t, err)
		if k.SecretHash != "h-k1" || k.LastUsedAt == nil {
			t.Fatalf("get: %+v", k)
		}
		// Deleting a key ends its sessions and only its sessions.
		sess := func(via string) *store.Session {
			sn := &store.Session{TenantID: tn.ID, UserID: u.ID, AccessHash: "a-" + via, RefreshHash: "r-" + via,
				AccessExpires: time.Now().Add(time.Hour), RefreshExpires: time.Now().Add(time.Hour), Via: via}
			must(t, s.CreateSession(ctx, sn))
			return sn
		}
		sess(store.ViaAPIKey + "k1")
		sess("password")
		must(t, s.DeleteAPIKey(ctx, tn.ID, u.ID, "k1"))
		wantNotFound(t, s.DeleteAPIKey(ctx, tn.ID, u.ID, "k1"))
		if _, err := s.PrincipalByAccess(ctx, "a-"+store.ViaAPIKey+"k1", time.Now()); !errors.Is(err, model.ErrNotFound) {
			t.Fatalf("the key's session survived: %v", err)
		}
		if _, err := s.PrincipalByAccess(ctx, "a-password", time.Now()); err != nil {
			t.Fatalf("the password session went too: %v", err)
		}
		// Keys go with their user.
		must(t, s.DeleteUser(ctx, tn.ID, u.ID))
		wantNotFound(t, func() error { _, err := s.GetAPIKey(ctx, "k2"); return err }())
	})
}
