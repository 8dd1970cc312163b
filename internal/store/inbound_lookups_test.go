package store_test

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestTrunkAndNumberLookups: a call from a trunk finds its tenant by the
// source address, and the called number finds the user whose outbound
// caller IDs hold it, in that tenant only.
func TestTrunkAndNumberLookups(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		a, b, off := mkTenant(t, s, "a.example"), mkTenant(t, s, "b.example"), mkTenant(t, s, "off.example")
		trunk := func(tn *model.Tenant, uri string, enabled bool) {
			_, err := s.UpdateTenant(ctx, tn.ID, func(t *model.Tenant) error { t.SIPTrunk, t.Enabled = uri, enabled; return nil })
			must(t, err)
		}
		trunk(a, "sip:192.0.2.10", true)
		trunk(b, "sip:192.0.2.11:5070;transport=tcp", true)
		trunk(off, "sip:192.0.2.12", false)
		for source, want := range map[string]string{
			"192.0.2.10:5060": a.ID, "192.0.2.11:5070": b.ID,
			"192.0.2.10:5070": "", "192.0.2.11:5060": "", "192.0.2.12:5060": "", "192.0.2.1:5060": "", "trunk.example:5060": "", "nonsense": "",
		} {
			got, err := s.TenantByTrunkAddr(ctx, source, false)
			if want == "" {
				wantNotFound(t, err)
				continue
			}
			must(t, err)
			eq(t, source, got.ID, want)
		}
		// A trunk that requires TCP or TLS is at its IP with any port over
		// a connection (not over UDP); its digest hashes are kept, never
		// the password.
		_, err := s.UpdateTenant(ctx, b.ID, func(t *model.Tenant) error {
			t.SIPTrunkAuth = model.TrunkAuth{Transport: model.TrunkTCP, RequireDigest: true, Username: "carrier", Password: "not-kept-ever",
				Credentials: model.SIPCredentials{HA1MD5: "m", HA1SHA256: "s"}}
			return nil
		})
		must(t, err)
		for _, c := range []struct {
			source string
			conn   bool
			want   string
		}{{"192.0.2.11:40000", true, b.ID}, {"192.0.2.11:40000", false, ""}, {"192.0.2.10:40000", true, ""}, {"192.0.2.10:5060", true, a.ID}} {
			got, err := s.TenantByTrunkAddr(ctx, c.source, c.conn)
			if c.want == "" {
				wantNotFound(t, err)
				continue
			}
			must(t, err)
			eq(t, c.source, got.ID, c.want)
			if got.ID == b.ID && (got.SIPTrunkAuth != model.TrunkAuth{Transport: model.TrunkTCP, RequireDigest: true, Username: "carrier",
				Credentials: model.SIPCredentials{HA1MD5: "m", HA1SHA256: "s"}}) {
				t.Fatalf("trunk auth: %+v", got.SIPTrunkAuth)
			}
		}

		ann := newUser(a.ID, "ann", "100")
		ann.OutboundCallerIDs = []model.OutboundCallerID{{CallerID: "+33123456789", Preferred: true}}
		must(t, s.CreateUser(ctx, ann))
		u, err := s.UserByCallerID(ctx, a.ID, "+33123456789")
		must(t, err)
		eq(t, "user by caller id", u.ID, ann.ID)
		for _, c := range []struct{ tenant, number string }{{b.ID, "+33123456789"}, {a.ID, "+3312345678"}, {a.ID, "%"}, {a.ID, ""}} {
			_, err := s.UserByCallerID(ctx, c.tenant, c.number)
			wantNotFound(t, err)
		}
	})
}
