package client

import (
	"context"
	"encoding/json"
	"time"
)

// Tenant is one customer account with its own SIP domain.
type Tenant struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Domain is the tenant's SIP domain; it cannot change.
	Domain  string `json:"domain"`
	Enabled bool   `json:"enabled"`
	// System marks the system tenant (system.local), which cannot be
	// deleted or disabled.
	System      bool   `json:"system"`
	TimeZone    string `json:"time_zone"`
	OTPRequired bool   `json:"otp_required"`
	// SIPDigest is SHA256_THEN_MD5, MD5_THEN_SHA256, SHA256_ONLY or
	// MD5_ONLY.
	SIPDigest string `json:"sip_digest"`
	// OfficeHours is the week of the users in GLOBAL mode.
	OfficeHours     WeekHours `json:"office_hours"`
	CountryCode     string    `json:"country_code"`
	SIPTrunk        string    `json:"sip_trunk"`
	VoicemailServer string    `json:"voicemail_server"`
	// Voicemail holds the limits and options of Switchboard's own
	// voicemail (used when there is no voicemail_server).
	Voicemail VoicemailSettings `json:"voicemail"`
	// BLFHideCaller keeps callers out of busy lamps.
	BLFHideCaller bool `json:"blf_hide_caller"`
	// NeverRecordInternalCalls keeps calls between users out of recording.
	NeverRecordInternalCalls bool `json:"never_record_internal_calls"`
	// CallPolicy holds the rules of calls through the trunk.
	CallPolicy CallPolicy `json:"call_policy"`
	// SIPTrunkAuth is what the trunk must show for its INVITEs to be
	// inbound calls (the password is never returned).
	SIPTrunkAuth TrunkAuth `json:"sip_trunk_auth"`
	CreatedAt    time.Time `json:"created_at"`
}

// CallPolicy is a tenant's rules for calls through its trunk (README
// "Call policy and toll fraud"); zero limits are the defaults.
type CallPolicy struct {
	// EmergencyNumbers are the tenant's emergency numbers (empty: its
	// country's defaults).
	EmergencyNumbers []string `json:"emergency_numbers"`
	// AllowHighRisk lets users call high-risk numbers.
	AllowHighRisk bool `json:"allow_high_risk"`
	// HighRiskPrefixes are the tenant's own high-risk prefixes (+CC...).
	HighRiskPrefixes             []string `json:"high_risk_prefixes"`
	MaxOutsideCallsPerUser       int      `json:"max_outside_calls_per_user"`
	MaxOutsideCalls              int      `json:"max_outside_calls"`
	MaxInternationalCallsPerHour int      `json:"max_international_calls_per_hour"`
}

// MarshalJSON sends nil lists as empty ones (the API refuses null).
func (p CallPolicy) MarshalJSON() ([]byte, error) {
	type plain CallPolicy
	q := plain(p)
	if q.EmergencyNumbers == nil {
		q.EmergencyNumbers = []string{}
	}
	if q.HighRiskPrefixes == nil {
		q.HighRiskPrefixes = []string{}
	}
	return json.Marshal(q)
}

// TrunkAuth is what a tenant's trunk must show: digest credentials
// (Password is write-only) and/or a transport (ANY, TCP or TLS).
type TrunkAuth struct {
	RequireDigest bool   `json:"require_digest"`
	Username      string `json:"username"`
	Password      string `json:"password,omitempty"`
	Transport     string `json:"transport,omitempty"`
}

// VoicemailSettings are a tenant's voicemail limits and options (zero:
// the default).
type VoicemailSettings struct {
	// MaxSeconds is the longest message (10-3600, default 180).
	MaxSeconds int `json:"max_seconds,omitempty"`
	// MaxMessages is each mailbox's quota (1-10000, default 100).
	MaxMessages int `json:"max_messages,omitempty"`
	// AttachAudio attaches the voice file to voicemail emails (default
	// off: email is no place for what callers say).
	AttachAudio bool `json:"attach_audio,omitempty"`
}

// TenantAdmin is the first Admin of a new tenant.
type TenantAdmin struct {
	Name            string `json:"name"`
	Password        string `json:"password"`
	Email           string `json:"email"`
	ExtensionNumber string `json:"extension_number"`
}

// TenantCreate is the body of CreateTenant.
type TenantCreate struct {
	Name        string      `json:"name"`
	Domain      string      `json:"domain"`
	Admin       TenantAdmin `json:"admin"`
	TimeZone    string      `json:"time_zone,omitempty"`
	Enabled     *bool       `json:"enabled,omitempty"`
	OTPRequired *bool       `json:"otp_required,omitempty"`
	SIPDigest   string      `json:"sip_digest,omitempty"`
}

// TenantCreated is the answer of CreateTenant: the tenant's id and its
// Admin's.
type TenantCreated struct {
	ID      string `json:"id"`
	AdminID string `json:"admin_id"`
}

// TenantUpdate is the body of UpdateTenant: only the fields set are sent.
type TenantUpdate struct {
	Name            *string    `json:"name,omitempty"`
	Enabled         *bool      `json:"enabled,omitempty"`
	TimeZone        *string    `json:"time_zone,omitempty"`
	OTPRequired     *bool      `json:"otp_required,omitempty"`
	SIPDigest       *string    `json:"sip_digest,omitempty"`
	OfficeHours     *WeekHours `json:"office_hours,omitempty"`
	CountryCode     *string    `json:"country_code,omitempty"`
	SIPTrunk        *string    `json:"sip_trunk,omitempty"`
	VoicemailServer *string    `json:"voicemail_server,omitempty"`
	// Voicemail replaces the tenant's voicemail settings.
	Voicemail *VoicemailSettings `json:"voicemail,omitempty"`
	// BLFHideCaller keeps callers out of busy lamps.
	BLFHideCaller *bool `json:"blf_hide_caller,omitempty"`
	// NeverRecordInternalCalls keeps calls between users out of recording.
	NeverRecordInternalCalls *bool `json:"never_record_internal_calls,omitempty"`
	// CallPolicy replaces the tenant's call policy.
	CallPolicy *CallPolicy `json:"call_policy,omitempty"`
	// SIPTrunkAuth changes the trunk's authentication (a password left
	// out keeps the one set).
	SIPTrunkAuth *TrunkAuth `json:"sip_trunk_auth,omitempty"`
}

// ListTenants lists the tenants (GET /api/tenants; system.tenant); filter
// and order on name, domain, enabled, time_zone and created_at.
func (c *Client) ListTenants(ctx context.Context, opts *ListOptions) (*List[Tenant], error) {
	return list[Tenant](ctx, c, "/api/tenants", opts)
}

// CreateTenant creates a tenant and its first Admin in one transaction
// (POST /api/tenants).
func (c *Client) CreateTenant(ctx context.Context, in TenantCreate) (*TenantCreated, error) {
	var out TenantCreated
	if err := c.post(ctx, "/api/tenants", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// GetTenant returns a tenant (GET /api/tenants/{id}).
func (c *Client) GetTenant(ctx context.Context, id string) (*Tenant, error) {
	return one[Tenant](ctx, c, pathf("/api/tenants/%s", id))
}

// UpdateTenant changes the fields set in in (POST /api/tenants/{id}).
func (c *Client) UpdateTenant(ctx context.Context, id string, in TenantUpdate) error {
	return c.post(ctx, pathf("/api/tenants/%s", id), in, nil)
}

// DeleteTenant deletes a tenant with its users and their sessions (POST
// /api/tenants/{id}/destroy).
func (c *Client) DeleteTenant(ctx context.Context, id string) error {
	return c.post(ctx, pathf("/api/tenants/%s/destroy", id), nil, nil)
}

// OwnTenantUpdate is the body of UpdateOwnTenant: the settings a
// tenant's Admin may change.
type OwnTenantUpdate struct {
	// SIPDigest is SHA256_THEN_MD5, MD5_THEN_SHA256, SHA256_ONLY or
	// MD5_ONLY.
	SIPDigest *string `json:"sip_digest,omitempty"`
	// BLFHideCaller keeps callers out of busy lamps.
	BLFHideCaller *bool `json:"blf_hide_caller,omitempty"`
	// TimeZone is the IANA zone the company's office hours are in.
	TimeZone *string `json:"time_zone,omitempty"`
	// OfficeHours is the week users with office_hours.mode GLOBAL follow.
	OfficeHours *WeekHours `json:"office_hours,omitempty"`
	// NeverRecordInternalCalls keeps calls between users out of recording.
	NeverRecordInternalCalls *bool `json:"never_record_internal_calls,omitempty"`
	// CallPolicy replaces the tenant's call policy (emergency numbers,
	// high-risk numbers, fraud limits).
	CallPolicy *CallPolicy `json:"call_policy,omitempty"`
}

// GetOwnTenant returns the signed-in user's tenant (GET /api/tenant;
// company.view_only).
func (c *Client) GetOwnTenant(ctx context.Context) (*Tenant, error) {
	return one[Tenant](ctx, c, "/api/tenant")
}

// UpdateOwnTenant changes the signed-in user's tenant's phone settings
// (POST /api/tenant; company.full_access), audited.
func (c *Client) UpdateOwnTenant(ctx context.Context, in OwnTenantUpdate) error {
	return c.post(ctx, "/api/tenant", in, nil)
}
