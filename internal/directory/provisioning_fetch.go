package directory

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/provision"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// ProvisionFetch is one request of a device for a file.
type ProvisionFetch struct {
	Lookup, Secret string // the credential: basic authentication or the secret URL
	File           string // the file name asked for
	Source         string // the device's address, for the audit log
}

// ProvisionFile is a rendered file.
type ProvisionFile struct {
	Body        []byte
	ContentType string
}

// FetchProvisioning renders the file a device asks for. Every failure is
// ErrProvisionRefused (the reason goes to the audit log or the log only),
// and every outcome with a known credential is audited.
func (s *Service) FetchProvisioning(ctx context.Context, f ProvisionFetch) (*ProvisionFile, error) {
	d, err := s.store.DeviceCredentialByLookup(ctx, f.Lookup)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		return nil, err
	}
	if err != nil {
		d = nil
	}
	ok := secretMatches(d, f.Secret)
	if d == nil {
		s.log.Warn("provisioning refused", "source", f.Source, "reason", "unknown credential")
		return nil, ErrProvisionRefused
	}
	out, why, err := s.provisionFile(ctx, d, f, ok)
	if err != nil {
		return nil, err
	}
	e := &model.AuditLog{TenantID: d.TenantID, Action: "provisioning_fetch", ObjectType: "phone", ObjectID: d.PhoneID,
		SourceIP: f.Source, Fields: map[string]any{"file": clipName(f.File)}}
	if d.PhoneID == "" {
		e.ObjectType, e.ObjectID = "softphone", d.ID
	}
	if why != "" {
		e.Action, e.Fields["reason"] = "provisioning_refused", why
	}
	if u, err := s.store.GetUser(ctx, d.TenantID, d.UserID); err == nil {
		e.ObjectName = u.Name
	}
	if err := s.store.AddAudit(ctx, e); err != nil {
		return nil, err
	}
	if why != "" {
		s.log.Warn("provisioning refused", "source", f.Source, "reason", why)
		return nil, ErrProvisionRefused
	}
	return out, nil
}

func clipName(s string) string {
	if len(s) > 128 {
		return s[:128]
	}
	return s
}

// provisionFile renders d's file, or says why not.
func (s *Service) provisionFile(ctx context.Context, d *store.DeviceCredential, f ProvisionFetch, secretOK bool) (*ProvisionFile, string, error) {
	now := s.now()
	switch {
	case !secretOK:
		return nil, "wrong secret", nil
	case !d.ExpiresAt.IsZero() && now.After(d.ExpiresAt):
		return nil, "expired", nil
	case !d.UsedAt.IsZero():
		return nil, "already used", nil
	}
	t, err := s.store.GetTenant(ctx, d.TenantID)
	if err != nil {
		return nil, "", err
	}
	u, err := s.store.GetUser(ctx, d.TenantID, d.UserID)
	if err != nil {
		return nil, "", err
	}
	if !t.Enabled || !u.Enabled {
		return nil, "user or tenant disabled", nil
	}
	cfg, key, err := s.provisioning(ctx)
	if err != nil {
		return nil, "", err
	}
	if d.PhoneID == "" {
		return s.softphoneFile(ctx, d, f, cfg, t, u, linePassword(key, d))
	}
	return s.phoneFile(ctx, d, f, cfg, t, u, linePassword(key, d))
}

func (s *Service) phoneFile(ctx context.Context, d *store.DeviceCredential, f ProvisionFetch, cfg ProvisioningConfig,
	t *model.Tenant, u *model.User, password string) (*ProvisionFile, string, error) {
	it, err := s.store.GetItem(ctx, d.TenantID, d.UserID, phones.kind, d.PhoneID)
	if err != nil {
		return nil, "", err
	}
	phone, err := phones.decode(it) // with its web password, which goes into the file
	if err != nil {
		return nil, "", err
	}
	tmpl := ""
	if pt, err := s.store.GetProvisioningTemplate(ctx, d.TenantID, phone.Filename); err == nil && pt.Vendor == phone.Vendor {
		tmpl = pt.Body
	}
	c := &provision.Config{Phone: *phone, Line: provisionLine(cfg, t, u, phone.Interface, phone.Transport, password),
		Keys: provisionKeys(u), TimeZone: t.TimeZone, URL: cfg.BaseURL + "/provision/"}
	body, err := renderTo(func(b *bytes.Buffer) error { return provision.Render(b, f.File, c, tmpl) })
	if errors.Is(err, provision.ErrUnknownFile) {
		return nil, "not a file of this phone", nil
	}
	if err != nil {
		return nil, "", err
	}
	return &ProvisionFile{Body: body, ContentType: provision.ContentType(phone.Vendor, f.File, phone.MAC)}, "", nil
}

func (s *Service) softphoneFile(ctx context.Context, d *store.DeviceCredential, f ProvisionFetch, cfg ProvisioningConfig,
	t *model.Tenant, u *model.User, password string) (*ProvisionFile, string, error) {
	if f.File != "linphone.xml" {
		return nil, "not a file of this softphone", nil
	}
	used, err := s.store.UseDeviceCredential(ctx, d.ID, s.now().UTC().Truncate(time.Microsecond))
	if err != nil {
		return nil, "", err
	}
	if !used {
		return nil, "already used", nil
	}
	c := &provision.Config{Phone: model.Phone{Language: "ENGLISH"},
		Line: provisionLine(cfg, t, u, u.Interface, u.PreferredTransport, password), TimeZone: t.TimeZone}
	body, err := renderTo(func(b *bytes.Buffer) error { return provision.RenderLinphone(b, c) })
	if err != nil {
		return nil, "", err
	}
	return &ProvisionFile{Body: body, ContentType: "application/xml; charset=utf-8"}, "", nil
}
