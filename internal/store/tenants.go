package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

const tenantColumns = `id, name, domain, enabled, time_zone, system, created_at, otp_required, sip_digest, office_hours, country_code, sip_trunk, voicemail_server, voicemail, blf_hide_caller,
	never_record_internal, call_policy, sip_trunk_require_digest, sip_trunk_username, sip_trunk_ha1_md5, sip_trunk_ha1_sha256, sip_trunk_transport, media_relay`

// TenantSchema returns the query.Schema of tenant lists: name, domain,
// enabled, time_zone and created_at, all filterable and sortable.
func TenantSchema() query.Schema {
	return query.Schema{
		"name":       {Column: "name", Type: query.String, Filterable: true, Sortable: true},
		"domain":     {Column: "domain", Type: query.String, Filterable: true, Sortable: true},
		"enabled":    {Column: "enabled", Type: query.Bool, Filterable: true, Sortable: true},
		"time_zone":  {Column: "time_zone", Type: query.String, Filterable: true, Sortable: true},
		"created_at": {Column: "created_at", Type: query.Time, Filterable: true, Sortable: true},
	}
}

func scanTenant(row rowScanner) (*model.Tenant, error) {
	var t model.Tenant
	var created int64
	var hours, vm, policy string
	if err := row.Scan(&t.ID, &t.Name, &t.Domain, &t.Enabled, &t.TimeZone, &t.System, &created, &t.OTPRequired, &t.SIPDigest,
		&hours, &t.CountryCode, &t.SIPTrunk, &t.VoicemailServer, &vm, &t.BLFHideCaller, &t.NeverRecordInternalCalls,
		&policy,
		&t.SIPTrunkAuth.RequireDigest, &t.SIPTrunkAuth.Username, &t.SIPTrunkAuth.Credentials.HA1MD5, &t.SIPTrunkAuth.Credentials.HA1SHA256,
		&t.SIPTrunkAuth.Transport, &t.MediaRelay); err != nil {
		return nil, err
	}
	if policy != "" {
		if err := json.Unmarshal([]byte(policy), &t.CallPolicy); err != nil {
			return nil, fmt.Errorf("decode call policy of tenant %s: %w", t.ID, err)
		}
	}
	normCallPolicy(&t.CallPolicy)
	if vm != "" {
		if err := json.Unmarshal([]byte(vm), &t.Voicemail); err != nil {
			return nil, fmt.Errorf("decode voicemail settings of tenant %s: %w", t.ID, err)
		}
	}
	t.Created = fromMicros(created)
	if hours != "" {
		if err := json.Unmarshal([]byte(hours), &t.OfficeHours); err != nil {
			return nil, fmt.Errorf("decode office hours of tenant %s: %w", t.ID, err)
		}
	}
	return &t, nil
}

// hoursJSON encodes a week ("" for an empty one: the default applies).
func hoursJSON(w *model.WeekHours) string {
	for _, d := range w.Days() {
		if d.Day.Enabled || len(d.Day.Ranges) > 0 {
			b, _ := json.Marshal(w)
			return string(b)
		}
	}
	return ""
}

// voicemailJSON encodes a tenant's voicemail settings ("" when all are
// defaults).
func voicemailJSON(v *model.VoicemailSettings) string {
	if *v == (model.VoicemailSettings{}) {
		return ""
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// normCallPolicy gives a call policy's lists as they read back: empty,
// not nil (JSON [] rather than null).
func normCallPolicy(p *model.CallPolicy) {
	if p.EmergencyNumbers == nil {
		p.EmergencyNumbers = []string{}
	}
	if p.HighRiskPrefixes == nil {
		p.HighRiskPrefixes = []string{}
	}
}

// trunkAuthDefaults is a tenant's trunk authentication as stored: the
// transport ANY when none is set (the password is never stored).
func trunkAuthDefaults(a *model.TrunkAuth) *model.TrunkAuth {
	if a.Transport == "" {
		a.Transport = model.TrunkAnyTransport
	}
	a.Password = ""
	return a
}

// callPolicyJSON encodes a tenant's call policy.
func callPolicyJSON(p *model.CallPolicy) string {
	b, _ := json.Marshal(p)
	return string(b)
}

func tenantSearchText(t *model.Tenant) string {
	return query.Fold(t.Name + " " + t.Domain)
}

// CreateTenant inserts t and, when admin is not nil, its first user, in one
// transaction. It lowercases t.Domain, sets admin.TenantID to t.ID and
// fills t.Created and admin.CreatedAt when they are zero. A taken domain
// gives a *model.ConflictError for "domain".
func (s *Store) CreateTenant(ctx context.Context, t *model.Tenant, admin *model.User) error {
	t.Domain = strings.ToLower(t.Domain)
	t.Created = norm(t.Created)
	normCallPolicy(&t.CallPolicy)
	if t.SIPDigest == "" {
		t.SIPDigest = model.SIPDigestDefault
	}
	a := trunkAuthDefaults(&t.SIPTrunkAuth)
	if t.MediaRelay == "" {
		t.MediaRelay = model.MediaRelayNAT
	}
	return s.inTx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO tenants (`+tenantColumns+`, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.Name, t.Domain, t.Enabled, t.TimeZone, t.System, micros(t.Created), t.OTPRequired, t.SIPDigest, hoursJSON(&t.OfficeHours),
			t.CountryCode, t.SIPTrunk, t.VoicemailServer, voicemailJSON(&t.Voicemail), t.BLFHideCaller, t.NeverRecordInternalCalls,
			callPolicyJSON(&t.CallPolicy), a.RequireDigest, a.Username, a.Credentials.HA1MD5, a.Credentials.HA1SHA256, a.Transport, t.MediaRelay, tenantSearchText(t))
		if err != nil {
			return tenantConflict("create tenant", err, t)
		}
		if admin != nil {
			admin.TenantID = t.ID
			if err := insertUser(ctx, c, admin); err != nil {
				return err
			}
		}
		return nil
	})
}

// GetTenant returns the tenant with id, or model.ErrNotFound.
func (s *Store) GetTenant(ctx context.Context, id string) (*model.Tenant, error) {
	t, err := scanTenant(s.queryRowFixed(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = ?`, id))
	if err != nil {
		return nil, notFound("get tenant", err)
	}
	return t, nil
}

// GetTenantByDomain returns the tenant whose domain is domain, ignoring
// case, or model.ErrNotFound.
func (s *Store) GetTenantByDomain(ctx context.Context, domain string) (*model.Tenant, error) {
	t, err := scanTenant(s.c().queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE domain = ?`, strings.ToLower(domain)))
	if err != nil {
		return nil, notFound("get tenant by domain", err)
	}
	return t, nil
}

// TenantSIPDigest returns the digest algorithms setting of the tenant
// with domain, or model.ErrNotFound.
func (s *Store) TenantSIPDigest(ctx context.Context, domain string) (string, error) {
	var v string
	if err := s.queryRowFixed(ctx, `SELECT sip_digest FROM tenants WHERE domain = ?`, strings.ToLower(domain)).Scan(&v); err != nil {
		return "", notFound("tenant sip digest", err)
	}
	return v, nil
}

// TenantByTrunkAddr returns the enabled tenant whose sip_trunk is at
// source, an IP:port (sip:IP:port, or sip:IP for port 5060, with or
// without ;params), or model.ErrNotFound. Over a connection (TCP or TLS:
// conn), whose source port is the trunk's own choice, a trunk that
// requires TCP or TLS is also at its IP address with any port. A trunk
// at source exactly comes first.
func (s *Store) TenantByTrunkAddr(ctx context.Context, source string, conn bool) (*model.Tenant, error) {
	ip, port, err := net.SplitHostPort(source)
	if err != nil || net.ParseIP(ip) == nil {
		return nil, fmt.Errorf("trunk tenant: %w", model.ErrNotFound)
	}
	host := ip
	if strings.Contains(ip, ":") {
		host = "[" + ip + "]"
	}
	hostport := "sip:" + host + ":" + port
	bare := hostport // only port 5060 may be left out of the trunk's URI
	if port == "5060" {
		bare = "sip:" + host
	}
	exact := `(sip_trunk = ? OR sip_trunk LIKE ? OR sip_trunk = ? OR sip_trunk LIKE ?)`
	t, err := scanTenant(s.c().queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants
		WHERE enabled = ? AND (`+exact+` OR (? AND sip_trunk_transport <> ? AND (sip_trunk = ? OR sip_trunk LIKE ? OR sip_trunk LIKE ?)))
		ORDER BY CASE WHEN `+exact+` THEN 0 ELSE 1 END, created_at LIMIT 1`,
		true, hostport, hostport+";%", bare, bare+";%", conn, model.TrunkAnyTransport, "sip:"+host, "sip:"+host+":%", "sip:"+host+";%",
		hostport, hostport+";%", bare, bare+";%"))
	if err != nil {
		return nil, notFound("trunk tenant", err)
	}
	return t, nil
}

// SystemTenant returns the system tenant, or model.ErrNotFound before
// bootstrap.
func (s *Store) SystemTenant(ctx context.Context) (*model.Tenant, error) {
	t, err := scanTenant(s.c().queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE system = ? ORDER BY created_at, id LIMIT 1`, true))
	if err != nil {
		return nil, notFound("get system tenant", err)
	}
	return t, nil
}

// ListTenants returns the number of tenants matching q and the page of
// them q selects. Search words must each match the name or the domain,
// ignoring case and accents. A nil q lists everything.
func (s *Store) ListTenants(ctx context.Context, q *query.List) (int, []model.Tenant, error) {
	return listPaged(ctx, s, listSpec[model.Tenant]{op: "list tenants", table: "tenants", cols: tenantColumns,
		order: "created_at, id", scan: scanTenant}, q)
}

// UpdateTenant loads the tenant with id (locked), applies fn and writes the
// result back, in one transaction. An error from fn aborts the update and
// is returned as is. The ID cannot be changed; the domain is lowercased.
func (s *Store) UpdateTenant(ctx context.Context, id string, fn func(*model.Tenant) error) (*model.Tenant, error) {
	var out *model.Tenant
	err := s.inTx(ctx, func(c conn) error {
		t, err := scanTenant(c.queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = ?`+c.forUpdate(), id))
		if err != nil {
			return notFound("update tenant", err)
		}
		if err := fn(t); err != nil {
			return err
		}
		t.ID = id
		t.Domain = strings.ToLower(t.Domain)
		a := trunkAuthDefaults(&t.SIPTrunkAuth)
		t.Created = norm(t.Created)
		_, err = c.exec(ctx, `UPDATE tenants SET name = ?, domain = ?, enabled = ?, time_zone = ?, system = ?, created_at = ?,
			otp_required = ?, sip_digest = ?, office_hours = ?, country_code = ?, sip_trunk = ?, voicemail_server = ?,
			voicemail = ?, blf_hide_caller = ?, never_record_internal = ?, call_policy = ?, sip_trunk_require_digest = ?, sip_trunk_username = ?,
			sip_trunk_ha1_md5 = ?, sip_trunk_ha1_sha256 = ?, sip_trunk_transport = ?, media_relay = ?, search_text = ? WHERE id = ?`,
			t.Name, t.Domain, t.Enabled, t.TimeZone, t.System, micros(t.Created), t.OTPRequired, t.SIPDigest, hoursJSON(&t.OfficeHours),
			t.CountryCode, t.SIPTrunk, t.VoicemailServer, voicemailJSON(&t.Voicemail), t.BLFHideCaller, t.NeverRecordInternalCalls,
			callPolicyJSON(&t.CallPolicy), a.RequireDigest, a.Username, a.Credentials.HA1MD5, a.Credentials.HA1SHA256, a.Transport, t.MediaRelay, tenantSearchText(t), id)
		if err != nil {
			return tenantConflict("update tenant", err, t)
		}
		out = t
		return c.publish(ctx, Event{Kind: EventTenant, TenantID: id})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EventTenant is published when a tenant is changed or deleted
// (TenantID names it).
const EventTenant = "tenant"

// DeleteTenant deletes the tenant with id together with everything in it
// (users, sessions, roles, API keys), or returns model.ErrNotFound. Its
// audit log stays.
func (s *Store) DeleteTenant(ctx context.Context, id string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM tenants WHERE id = ?`, id)
		if err := deleted("delete tenant", res, err); err != nil {
			return err
		}
		// Roles have no foreign key (the built-in ones belong to no tenant).
		if _, err := c.exec(ctx, `DELETE FROM roles WHERE tenant_id = ?`, id); err != nil {
			return fmt.Errorf("delete tenant roles: %w", err)
		}
		return c.publish(ctx, Event{Kind: EventTenant, TenantID: id})
	})
}
