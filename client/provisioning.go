package client

import (
	"context"
	"time"
)

// PhoneProvisioning is a phone's provisioning credential, answered only
// when issued: the phone fetches its Files from URL with HTTP basic
// authentication as Username/Password, or from TokenURL without it.
type PhoneProvisioning struct {
	PhoneID  string   `json:"phone_id"`
	URL      string   `json:"url"`
	Username string   `json:"username"`
	Password string   `json:"password"`
	TokenURL string   `json:"token_url"`
	Files    []string `json:"files"`
}

// SoftphoneSetup is a one-time URL, valid until ExpiresAt, from which
// Linphone loads the user's line.
type SoftphoneSetup struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// IssuePhoneProvisioning issues the phone's provisioning credential and
// its own SIP password (issuing again revokes the previous ones).
func (u *UserScope) IssuePhoneProvisioning(ctx context.Context, phoneID string) (*PhoneProvisioning, error) {
	var out PhoneProvisioning
	if err := u.c.post(ctx, u.base+pathf("/phones/%s/provisioning", phoneID), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// IssueSoftphone issues a one-time URL that sets up Linphone for the
// signed-in user's line (POST /api/user/softphone).
func (c *Client) IssueSoftphone(ctx context.Context) (*SoftphoneSetup, error) {
	var out SoftphoneSetup
	if err := c.post(ctx, "/api/user/softphone", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// ProvisioningTemplate is a tenant's template for the phones whose
// filename is Name (Body is left out of lists).
type ProvisioningTemplate struct {
	Name      string    `json:"name"`
	Vendor    string    `json:"vendor"`
	Body      string    `json:"body,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

type templateBody struct {
	Vendor string `json:"vendor"`
	Body   string `json:"body"`
}

// ListProvisioningTemplates lists the tenant's templates.
func (c *Client) ListProvisioningTemplates(ctx context.Context) ([]ProvisioningTemplate, error) {
	return itemsOf[ProvisioningTemplate](ctx, c, "/api/provisioning_templates")
}

// GetProvisioningTemplate returns one of the tenant's templates.
func (c *Client) GetProvisioningTemplate(ctx context.Context, name string) (*ProvisioningTemplate, error) {
	return one[ProvisioningTemplate](ctx, c, pathf("/api/provisioning_templates/%s", name))
}

// PutProvisioningTemplate creates or replaces a template (checked with a
// sample phone of vendor).
func (c *Client) PutProvisioningTemplate(ctx context.Context, name, vendor, body string) error {
	return c.post(ctx, pathf("/api/provisioning_templates/%s", name), templateBody{Vendor: vendor, Body: body}, nil)
}

// DeleteProvisioningTemplate removes a template.
func (c *Client) DeleteProvisioningTemplate(ctx context.Context, name string) error {
	return c.post(ctx, pathf("/api/provisioning_templates/%s/destroy", name), nil, nil)
}
