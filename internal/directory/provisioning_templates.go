package directory

import (
	"context"
	"slices"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/provision"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// MaxProvisioningTemplates bounds a tenant's templates.
const MaxProvisioningTemplates = 100

// ListProvisioningTemplates lists the tenant's own templates (without
// their bodies).
func (s *Service) ListProvisioningTemplates(ctx context.Context, c *Caller) ([]store.ProvisioningTemplate, error) {
	if err := c.require(PermCompanyView); err != nil {
		return nil, err
	}
	return s.store.ListProvisioningTemplates(ctx, c.TenantID)
}

// GetProvisioningTemplate returns one of the tenant's templates.
func (s *Service) GetProvisioningTemplate(ctx context.Context, c *Caller, name string) (*store.ProvisioningTemplate, error) {
	if err := c.require(PermCompanyView); err != nil {
		return nil, err
	}
	return s.store.GetProvisioningTemplate(ctx, c.TenantID, name)
}

// PutProvisioningTemplate creates or replaces the tenant's template for
// the phones whose filename is name, once it parses and renders a sample
// phone of vendor (well-formed XML for XML vendors).
func (s *Service) PutProvisioningTemplate(ctx context.Context, c *Caller, name, vendor, body string) error {
	if err := c.require(PermCompanyFull); err != nil {
		return err
	}
	if err := checkTemplateName(name); err != nil {
		return err
	}
	if !slices.Contains(model.PhoneVendors(), vendor) {
		return model.Invalid("vendor", "must be one of %s", strings.Join(model.PhoneVendors(), ", "))
	}
	if err := provision.Check(vendor, body); err != nil {
		return model.Invalid("body", "%s", clipName(err.Error()))
	}
	list, err := s.store.ListProvisioningTemplates(ctx, c.TenantID)
	if err != nil {
		return err
	}
	if len(list) >= MaxProvisioningTemplates && !slices.ContainsFunc(list, func(t store.ProvisioningTemplate) bool { return t.Name == name }) {
		return model.Conflict("name", "a tenant holds at most %d templates", MaxProvisioningTemplates)
	}
	e := c.audit("put_provisioning_template", "provisioning_template", name, name, map[string]any{"vendor": vendor, "size": len(body)})
	return s.store.PutProvisioningTemplate(store.WithAudit(ctx, e), c.TenantID, &store.ProvisioningTemplate{Name: name, Vendor: vendor, Body: body})
}

// DeleteProvisioningTemplate removes one of the tenant's templates: its
// phones go back to the built-in one.
func (s *Service) DeleteProvisioningTemplate(ctx context.Context, c *Caller, name string) error {
	if err := c.require(PermCompanyFull); err != nil {
		return err
	}
	e := c.audit("delete_provisioning_template", "provisioning_template", name, name, nil)
	return s.store.DeleteProvisioningTemplate(store.WithAudit(ctx, e), c.TenantID, name)
}

// checkTemplateName applies the rule of a phone's filename.
func checkTemplateName(name string) error {
	p := model.Phone{Filename: name}
	err := model.ValidatePhoneFilename(&p)
	if err != nil {
		return model.Invalid("name", "must be a file name of letters, digits and . _ - (at most 128)")
	}
	return nil
}
