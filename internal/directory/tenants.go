package directory

import (
	"context"
	"slices"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/auth"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// PermTenants is the permission that manages tenants.
const PermTenants = "system.tenant"

// TenantAdmin is the first Admin created with a tenant.
type TenantAdmin struct {
	Name            string `json:"name" maxLength:"64" required:"true"`
	Password        string `json:"password" maxLength:"128" required:"true"`
	Email           string `json:"email" maxLength:"254" required:"true"`
	ExtensionNumber string `json:"extension_number" maxLength:"64" required:"true"`
}

// TenantCreate is the body of POST /api/tenants.
type TenantCreate struct {
	Name     string      `json:"name" maxLength:"128" required:"true"`
	Domain   string      `json:"domain" maxLength:"253" required:"true"`
	TimeZone string      `json:"time_zone,omitempty" maxLength:"64"`
	Enabled  *bool       `json:"enabled,omitempty"`
	Admin    TenantAdmin `json:"admin" required:"true"`
	// OTPRequired makes two-factor login the rule for the tenant's users.
	OTPRequired bool `json:"otp_required,omitempty"`
	// SIPDigest is the digest algorithms offered to phones, in order.
	SIPDigest string `json:"sip_digest,omitempty" enum:"SHA256_THEN_MD5,MD5_THEN_SHA256,SHA256_ONLY,MD5_ONLY"`
}

// CreateTenant creates a tenant and its first Admin in one transaction.
func (s *Service) CreateTenant(ctx context.Context, c *Caller, in TenantCreate) (*model.Tenant, *model.User, error) {
	if err := c.require(PermTenants); err != nil {
		return nil, nil, err
	}
	t := &model.Tenant{ID: model.NewID(), Name: strings.TrimSpace(in.Name), Domain: strings.ToLower(strings.TrimSpace(in.Domain)),
		TimeZone: in.TimeZone, Enabled: true, OTPRequired: in.OTPRequired}
	if in.Enabled != nil {
		t.Enabled = *in.Enabled
	}
	t.SIPDigest = in.SIPDigest
	model.ApplyTenantDefaults(t)
	if err := model.ValidateTenant(t); err != nil {
		return nil, nil, err
	}
	if t.Domain == model.SystemTenantDomain {
		return nil, nil, model.Conflict("domain", "domain %q is already in use", t.Domain)
	}
	admin, err := s.newUser(ctx, c, t, firstAdmin(in.Admin.Name, in.Admin.Password, in.Admin.Email, in.Admin.ExtensionNumber, model.RoleAdmin))
	if err != nil {
		return nil, nil, prefixField(err, "admin.")
	}
	e := c.audit("create", "tenant", t.ID, t.Domain, map[string]any{"name": t.Name, "domain": t.Domain,
		"time_zone": t.TimeZone, "enabled": t.Enabled, "admin": map[string]any{"name": admin.Name,
			"email": admin.Email, "extension_number": admin.ExtensionNumber, "password": model.Masked}})
	e.TenantID = t.ID
	if err := s.store.CreateTenant(store.WithAudit(ctx, e), t, admin); err != nil {
		return nil, nil, err
	}
	return t, admin, nil
}

func prefixField(err error, prefix string) error {
	if fe, ok := err.(*model.FieldError); ok {
		return &model.FieldError{Field: prefix + fe.Field, Message: fe.Message}
	}
	return err
}

// GetTenant returns one tenant.
func (s *Service) GetTenant(ctx context.Context, c *Caller, id string) (*model.Tenant, error) {
	if err := c.require(PermTenants); err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	return s.store.GetTenant(ctx, id)
}

// ListTenants lists tenants with the query language.
func (s *Service) ListTenants(ctx context.Context, c *Caller, p query.Params) (int, []model.Tenant, error) {
	if err := c.require(PermTenants); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.TenantSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListTenants(ctx, q)
}

var tenantRules = fieldRules{
	accept: keySet([]string{"name", "enabled", "time_zone", "otp_required", "sip_digest", "office_hours", "country_code", "sip_trunk", "voicemail_server", "voicemail", "blf_hide_caller",
		"never_record_internal_calls", "call_policy", "sip_trunk_auth", "media_relay"}),
	readOnly: keySet([]string{"id", "domain", "system", "created_at"}),
}

// TenantPatch is the body of a tenant's update.
type TenantPatch = Patch[model.Tenant]

// UpdateTenant changes a tenant's name, enabled flag, time zone and
// settings. The domain is the SIP realm that phones' credentials are
// bound to, so it cannot change.
func (s *Service) UpdateTenant(ctx context.Context, c *Caller, id string, p *TenantPatch) error {
	if err := c.require(PermTenants); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	var username string // the trunk's, before
	return update(ctx, c, id, p, updater[model.Tenant]{kind: "tenant", tenantID: id, rules: tenantRules,
		store: func(ctx context.Context, change func(*model.Tenant) error) error {
			return discard(s.store.UpdateTenant(ctx, id, change))
		},
		before: func(t *model.Tenant) error { username = t.SIPTrunkAuth.Username; return nil },
		after: func(t *model.Tenant) error {
			if t.System && !t.Enabled {
				return model.Invalid("enabled", "the system tenant cannot be disabled")
			}
			t.Name = strings.TrimSpace(t.Name)
			if err := model.ValidateTenant(t); err != nil {
				return err
			}
			return hashTrunkPassword(&t.SIPTrunkAuth, username, t.Domain)
		},
		name: func(t *model.Tenant) string { return t.Domain },
	})
}

// DeleteTenant removes a tenant with all its users. The system tenant
// cannot be removed.
func (s *Service) DeleteTenant(ctx context.Context, c *Caller, id string) error {
	if err := c.require(PermTenants); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	t, err := s.store.GetTenant(ctx, id)
	if err != nil {
		return err
	}
	if t.System {
		return model.Forbidden("the system tenant cannot be deleted")
	}
	e := c.audit("delete", "tenant", id, t.Domain, nil)
	e.TenantID = id
	return s.store.DeleteTenant(store.WithAudit(ctx, e), id)
}

// ownTenantRules are the settings a tenant's own Admin may change:
// ownTenantEditable, its call policy included (its emergency numbers,
// whether it calls high-risk numbers, its fraud limits: the tenant's own
// risk). The rest of a tenant (name, trunk, enabled...) is the
// SystemAdmin's.
var ownTenantRules = fieldRules{
	accept: keySet(ownTenantEditable),
	readOnly: keySet([]string{"id", "name", "domain", "enabled", "system", "created_at", "otp_required",
		"country_code", "sip_trunk", "voicemail_server", "voicemail", "sip_trunk_auth", "media_relay"}),
}

// ownTenantEditable are the settings a tenant's own Admin changes: how
// phones authenticate, busy lamps, and the company's office hours in its
// time zone. The rest (country, trunk, voicemail server and options) are
// the provider's, since they decide what calls cost and where they go.
var ownTenantEditable = []string{"sip_digest", "blf_hide_caller", "time_zone", "office_hours", "never_record_internal_calls", "call_policy"}

// OwnTenantEditable lists the settings UpdateOwnTenant accepts that the
// portal's company page edits (the API also takes call_policy).
func OwnTenantEditable() []string { return slices.Clone(ownTenantEditable) }

// GetOwnTenant returns the caller's own tenant.
func (s *Service) GetOwnTenant(ctx context.Context, c *Caller) (*model.Tenant, error) {
	if err := c.require(PermCompanyView); err != nil {
		return nil, err
	}
	return s.store.GetTenant(ctx, c.TenantID)
}

// UpdateOwnTenant changes the settings of the caller's own tenant that
// its Admin may change (ownTenantRules), audited in that tenant.
func (s *Service) UpdateOwnTenant(ctx context.Context, c *Caller, p *TenantPatch) error {
	if err := c.require(PermCompanyFull); err != nil {
		return err
	}
	id := c.TenantID
	return update(ctx, c, id, p, updater[model.Tenant]{kind: "tenant", tenantID: id, rules: ownTenantRules,
		store: func(ctx context.Context, change func(*model.Tenant) error) error {
			return discard(s.store.UpdateTenant(ctx, id, change))
		},
		after: func(t *model.Tenant) error { return model.ValidateTenant(t) },
		name:  func(t *model.Tenant) string { return t.Domain },
	})
}

// hashTrunkPassword keeps a trunk password given as its digest hashes for
// the tenant's domain (the password itself is never kept). The hashes
// hold the user name, so a new user name needs the password again.
func hashTrunkPassword(a *model.TrunkAuth, oldUsername, domain string) error {
	switch {
	case a.Password != "":
		a.Credentials = auth.SIPCredentials(a.Username, domain, a.Password)
		a.Password = ""
	case a.Username != oldUsername && a.Credentials.HA1MD5 != "":
		return model.Invalid("sip_trunk_auth.password", "give the password again with a new username")
	}
	return nil
}
