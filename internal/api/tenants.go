package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type tenantCreateOutput struct {
	Body struct {
		ID      string `json:"id"`
		AdminID string `json:"admin_id"`
	}
}

type tenantListOutput struct {
	Body struct {
		Count int            `json:"count"`
		Items []model.Tenant `json:"items"`
	}
}

type tenantUpdateDoc struct {
	Name     string `json:"name" maxLength:"128"`
	Enabled  bool   `json:"enabled"`
	TimeZone string `json:"time_zone" maxLength:"64"`
	// OTPRequired makes two-factor login the rule for the tenant's users.
	OTPRequired bool `json:"otp_required"`
	// SIPDigest is the digest algorithms offered to phones, in order:
	// SHA256_THEN_MD5, MD5_THEN_SHA256, SHA256_ONLY or MD5_ONLY.
	SIPDigest string `json:"sip_digest"`
	// OfficeHours is the week users with office_hours.mode GLOBAL follow.
	OfficeHours model.WeekHours `json:"office_hours"`
	// CountryCode is the tenant's country calling code, without "+".
	CountryCode string `json:"country_code" maxLength:"3"`
	// SIPTrunk is where calls to outside numbers go (sip:host[:port]).
	SIPTrunk string `json:"sip_trunk" maxLength:"256"`
	// VoicemailServer takes calls for the users' mailboxes.
	VoicemailServer string `json:"voicemail_server" maxLength:"256"`
	// Voicemail holds the limits and options of Switchboard's own voicemail.
	Voicemail model.VoicemailSettings `json:"voicemail"`
	// BLFHideCaller keeps callers out of busy lamps (phones watching a
	// ringing extension see that it rings, not who calls).
	BLFHideCaller bool `json:"blf_hide_caller"`
	// NeverRecordInternalCalls keeps calls between the tenant's users out
	// of recording.
	NeverRecordInternalCalls bool `json:"never_record_internal_calls"`
	// CallPolicy holds the rules of calls through the trunk.
	CallPolicy model.CallPolicy `json:"call_policy"`
	// SIPTrunkAuth is what the trunk must show for its INVITEs to be
	// inbound calls: digest credentials, a transport.
	SIPTrunkAuth model.TrunkAuth `json:"sip_trunk_auth"`
	// MediaRelay is which calls have their media anchored in the media
	// relay (--rtpengine): NAT (those with a party behind NAT) or ALWAYS.
	MediaRelay string `json:"media_relay"`
}

// ownTenantUpdateDoc is what a tenant's Admin may change of their own
// tenant.
type ownTenantUpdateDoc struct {
	// SIPDigest is the digest algorithms offered to phones, in order:
	// SHA256_THEN_MD5, MD5_THEN_SHA256, SHA256_ONLY or MD5_ONLY.
	SIPDigest string `json:"sip_digest"`
	// BLFHideCaller keeps callers out of busy lamps.
	BLFHideCaller bool `json:"blf_hide_caller"`
	// TimeZone is the IANA zone the company's office hours are in.
	TimeZone string `json:"time_zone" maxLength:"64"`
	// OfficeHours is the week users with office_hours.mode GLOBAL follow.
	OfficeHours model.WeekHours `json:"office_hours"`
	// NeverRecordInternalCalls keeps calls between the tenant's users out
	// of recording.
	NeverRecordInternalCalls bool `json:"never_record_internal_calls"`
	// CallPolicy holds the rules of calls through the trunk (emergency
	// numbers).
	CallPolicy model.CallPolicy `json:"call_policy"`
}

// ownTenantRoutes are the caller's own tenant: read with
// company.view_only, its phone settings changed with company.full_access.
func (s *Server) ownTenantRoutes() {
	d := s.deps.Directory
	own := func(method, path, id, summary, permission string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Tenants", access: perm, permission: permission, status: status}
	}
	handle(s, own(http.MethodGet, "/api/tenant", "get-own-tenant", "Get the signed-in user's tenant", directory.PermCompanyView, 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*itemOutput[model.Tenant], error) {
			return oneOut(d.GetOwnTenant(ctx, c))
		})
	handle(s, own(http.MethodPost, "/api/tenant", "update-own-tenant", "Change the signed-in user's tenant's phone settings and office hours (sip_digest, blf_hide_caller, time_zone, office_hours, call_policy)", directory.PermCompanyFull, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *createInput[ownTenantUpdateDoc, model.Tenant]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateOwnTenant(ctx, c, p)
		})
}

func (s *Server) tenantRoutes() {
	d := s.deps.Directory
	tenants := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: "Tenants", access: perm,
			permission: directory.PermTenants, status: status}
	}
	handle(s, tenants(http.MethodPost, "/api/tenants", "create-tenant", "Create a tenant with its first Admin", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *struct{ Body directory.TenantCreate }) (*tenantCreateOutput, error) {
			t, admin, err := d.CreateTenant(ctx, c, in.Body)
			if err != nil {
				return nil, err
			}
			out := &tenantCreateOutput{}
			out.Body.ID, out.Body.AdminID = t.ID, admin.ID
			return out, nil
		})
	handle(s, tenants(http.MethodGet, "/api/tenants", "list-tenants", "List tenants", 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*tenantListOutput, error) {
			n, list, err := d.ListTenants(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &tenantListOutput{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	handle(s, tenants(http.MethodGet, "/api/tenants/{id}", "get-tenant", "Get a tenant", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.Tenant], error) {
			return oneOut(d.GetTenant(ctx, c, in.ID))
		})
	handle(s, tenants(http.MethodPost, "/api/tenants/{id}", "update-tenant", "Change a tenant's name, enabled flag or time zone", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *updateInput[tenantUpdateDoc, model.Tenant]) (*struct{}, error) {
			p, err := in.patch()
			if err != nil {
				return nil, err
			}
			return nil, d.UpdateTenant(ctx, c, in.ID, p)
		})
	handle(s, tenants(http.MethodPost, "/api/tenants/{id}/destroy", "destroy-tenant", "Delete a tenant and everything in it", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteTenant(ctx, c, in.ID)
		})
}
