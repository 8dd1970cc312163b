package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// DeviceCredential is one device's provisioning credential and its own SIP
// password for its user's line (kept as digest hashes and the salt the
// password is derived from). PhoneID is "" for a softphone.
type DeviceCredential struct {
	ID, TenantID, UserID, PhoneID string
	Lookup, SecretHash, LineSalt  string
	Line                          model.SIPCredentials
	// ExpiresAt ends the provisioning credential (zero: never); UsedAt is
	// when a one-time one was used.
	ExpiresAt, UsedAt, CreatedAt time.Time
}

const deviceColumns = `id, tenant_id, user_id, COALESCE(phone_id, ''), lookup, secret_hash, line_salt, ha1_md5, ha1_sha256,
	expires_at, used_at, created_at`

func scanDevice(row rowScanner) (*DeviceCredential, error) {
	var d DeviceCredential
	var exp, used, created int64
	if err := row.Scan(&d.ID, &d.TenantID, &d.UserID, &d.PhoneID, &d.Lookup, &d.SecretHash, &d.LineSalt,
		&d.Line.HA1MD5, &d.Line.HA1SHA256, &exp, &used, &created); err != nil {
		return nil, err
	}
	d.ExpiresAt, d.UsedAt, d.CreatedAt = zeroTime(exp), zeroTime(used), fromMicros(created)
	return &d, nil
}

// zeroTime is a stored instant that may be unset (0).
func zeroTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMicros(v)
}

func zeroMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

// PutDeviceCredential stores d. A phone's replaces the phone's previous
// one (the old file credential and SIP password stop working); a
// softphone's is added and the user's oldest softphones past keep are
// removed. The audit entry of ctx is written in the same transaction.
func (s *Store) PutDeviceCredential(ctx context.Context, d *DeviceCredential, keep int) error {
	return s.inTx(ctx, func(c conn) error {
		var phone any
		if d.PhoneID != "" {
			phone = d.PhoneID
			if _, err := c.exec(ctx, `DELETE FROM device_credentials WHERE tenant_id = ? AND phone_id = ?`, d.TenantID, d.PhoneID); err != nil {
				return fmt.Errorf("replace device credential: %w", err)
			}
		}
		if _, err := c.exec(ctx, `INSERT INTO device_credentials (id, tenant_id, user_id, phone_id, lookup, secret_hash, line_salt,
			ha1_md5, ha1_sha256, expires_at, used_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.TenantID, d.UserID, phone, d.Lookup, d.SecretHash, d.LineSalt, d.Line.HA1MD5, d.Line.HA1SHA256,
			zeroMicros(d.ExpiresAt), zeroMicros(d.UsedAt), micros(now())); err != nil {
			return fmt.Errorf("store device credential: %w", err)
		}
		if d.PhoneID != "" {
			return nil
		}
		_, err := c.exec(ctx, `DELETE FROM device_credentials WHERE tenant_id = ? AND user_id = ? AND phone_id IS NULL AND id NOT IN
			(SELECT id FROM device_credentials WHERE tenant_id = ? AND user_id = ? AND phone_id IS NULL ORDER BY created_at DESC, id LIMIT ?)`,
			d.TenantID, d.UserID, d.TenantID, d.UserID, keep)
		return err
	})
}

// DeviceCredentialByLookup returns the credential whose public half is
// lookup, or model.ErrNotFound.
func (s *Store) DeviceCredentialByLookup(ctx context.Context, lookup string) (*DeviceCredential, error) {
	d, err := scanDevice(s.c().queryRow(ctx, `SELECT `+deviceColumns+` FROM device_credentials WHERE lookup = ?`, lookup))
	if err != nil {
		return nil, notFound("device credential", err)
	}
	return d, nil
}

// DevicePhoneCredential returns the credential of a phone, or
// model.ErrNotFound when none was issued.
func (s *Store) DevicePhoneCredential(ctx context.Context, tenantID, phoneID string) (*DeviceCredential, error) {
	d, err := scanDevice(s.c().queryRow(ctx, `SELECT `+deviceColumns+` FROM device_credentials WHERE tenant_id = ? AND phone_id = ?`,
		tenantID, phoneID))
	if err != nil {
		return nil, notFound("device credential", err)
	}
	return d, nil
}

// UseDeviceCredential marks a one-time credential used at t. It reports
// false when it was already used (by another request or node).
func (s *Store) UseDeviceCredential(ctx context.Context, id string, t time.Time) (bool, error) {
	res, err := s.c().exec(ctx, `UPDATE device_credentials SET used_at = ? WHERE id = ? AND used_at = 0`, micros(t), id)
	if err != nil {
		return false, fmt.Errorf("use device credential: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// PurgeDeviceCredentials removes one-time credentials that expired unused
// before t (their SIP password never worked).
func (s *Store) PurgeDeviceCredentials(ctx context.Context, t time.Time) error {
	_, err := s.c().exec(ctx, `DELETE FROM device_credentials WHERE expires_at <> 0 AND used_at = 0 AND expires_at < ?`, micros(t))
	return err
}

// deviceLines are the digest hashes of a user's devices' SIP passwords
// that register: every phone's, and softphones' once set up.
func deviceLines(ctx context.Context, c conn, tenantID, userID string) ([]model.SIPCredentials, error) {
	rows, err := c.query(ctx, `SELECT ha1_md5, ha1_sha256 FROM device_credentials
		WHERE tenant_id = ? AND user_id = ? AND (expires_at = 0 OR used_at <> 0) ORDER BY created_at, id`, tenantID, userID)
	if err != nil {
		return nil, fmt.Errorf("device lines: %w", err)
	}
	defer rows.Close()
	var out []model.SIPCredentials
	for rows.Next() {
		var l model.SIPCredentials
		if err := rows.Scan(&l.HA1MD5, &l.HA1SHA256); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// AddAudit writes one audit entry on its own (an event that changes
// nothing else, such as a phone fetching its file).
func (s *Store) AddAudit(ctx context.Context, e *model.AuditLog) error {
	return s.inTx(WithAudit(ctx, e), func(conn) error { return nil })
}

// ProvisioningTemplate is a tenant's own template for the phones whose
// filename is Name.
type ProvisioningTemplate struct {
	Name      string    `json:"name"`
	Vendor    string    `json:"vendor"`
	Body      string    `json:"body,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// PutProvisioningTemplate creates or replaces a tenant's template.
func (s *Store) PutProvisioningTemplate(ctx context.Context, tenantID string, t *ProvisioningTemplate) error {
	return s.inTx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO provisioning_templates (tenant_id, name, vendor, body, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, name) DO UPDATE SET vendor = excluded.vendor, body = excluded.body, updated_at = excluded.updated_at`,
			tenantID, t.Name, t.Vendor, t.Body, micros(now()))
		return err
	})
}

// GetProvisioningTemplate returns a tenant's template, or model.ErrNotFound.
func (s *Store) GetProvisioningTemplate(ctx context.Context, tenantID, name string) (*ProvisioningTemplate, error) {
	var t ProvisioningTemplate
	var at int64
	err := s.c().queryRow(ctx, `SELECT name, vendor, body, updated_at FROM provisioning_templates WHERE tenant_id = ? AND name = ?`,
		tenantID, name).Scan(&t.Name, &t.Vendor, &t.Body, &at)
	if err != nil {
		return nil, notFound("provisioning template", err)
	}
	t.UpdatedAt = fromMicros(at)
	return &t, nil
}

// ListProvisioningTemplates lists a tenant's templates by name, without
// their bodies.
func (s *Store) ListProvisioningTemplates(ctx context.Context, tenantID string) ([]ProvisioningTemplate, error) {
	return queryAll(ctx, s.c(), "list provisioning templates", func(row rowScanner) (*ProvisioningTemplate, error) {
		var t ProvisioningTemplate
		var at int64
		if err := row.Scan(&t.Name, &t.Vendor, &at); err != nil {
			return nil, err
		}
		t.UpdatedAt = fromMicros(at)
		return &t, nil
	}, `SELECT name, vendor, updated_at FROM provisioning_templates WHERE tenant_id = ? ORDER BY name LIMIT 1000`, tenantID)
}

// DeleteProvisioningTemplate removes a tenant's template (model.ErrNotFound
// when there is none).
func (s *Store) DeleteProvisioningTemplate(ctx context.Context, tenantID, name string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM provisioning_templates WHERE tenant_id = ? AND name = ?`, tenantID, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("provisioning template", sql.ErrNoRows)
		}
		return nil
	})
}
