// Package siptest holds what the SIP packages' tests share: a store with
// one tenant and one SIP user to register and call as.
package siptest

import (
	"context"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// The test user: extension Ext of the tenant at Domain, with Password and
// max_bindings MaxBindings.
const (
	Domain      = "acme.example"
	Ext         = "201"
	Password    = "Sip-secret-201"
	MaxBindings = 3
)

// Store opens a SQLite store holding the tenant at Domain (the default
// sip_digest) and its user Ext.
func Store(t testing.TB) *store.Store {
	st := storetest.Open(t, store.DialectSQLite)
	ctx := context.Background()
	tn := &model.Tenant{ID: model.NewID(), Name: "Acme", Domain: Domain, Enabled: true, TimeZone: "UTC", SIPDigest: model.SIPDigestDefault}
	if err := st.CreateTenant(ctx, tn, nil); err != nil {
		t.Fatal(err)
	}
	u := &model.User{ID: model.NewID(), TenantID: tn.ID, Name: "alice", Role: model.RoleStandardUser, ExtensionNumber: Ext}
	u.Enabled, u.Email, u.MaxBindings = true, "alice@"+Domain, MaxBindings
	u.SIP = auth.SIPCredentials(Ext, Domain, Password)
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	return st
}

// HA1 is the test user's SHA-256 HA1, for computing digest responses.
func HA1() string { return auth.SIPCredentials(Ext, Domain, Password).HA1SHA256 }
