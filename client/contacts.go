package client

import (
	"context"
	"encoding/json"
)

// Contact is a personal or business contact.
type Contact struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Company  string `json:"company"`
	Title    string `json:"title"`
	Favorite bool   `json:"favorite"`
	// SyncType names the directory the contact comes from ("" for none).
	SyncType string `json:"sync_type"`
	// Business is the business phone number.
	Business     string `json:"business"`
	Business2    string `json:"business2"`
	MobilePhone  string `json:"mobile_phone"`
	MobilePhone2 string `json:"mobile_phone2"`
	HomePhone    string `json:"home_phone"`
	HomePhone2   string `json:"home_phone2"`
	// Other is another phone number.
	Other       string `json:"other"`
	BusinessFax string `json:"business_fax"`
	HomeFax     string `json:"home_fax"`
	Address     string `json:"address"`
	Notes       string `json:"notes"`
}

// ContactInput is the body that creates or changes a contact: only the
// fields set are sent. Name is needed to create one.
type ContactInput struct {
	Name         *string `json:"name,omitempty"`
	Email        *string `json:"email,omitempty"`
	Company      *string `json:"company,omitempty"`
	Title        *string `json:"title,omitempty"`
	Business     *string `json:"business,omitempty"`
	Business2    *string `json:"business2,omitempty"`
	MobilePhone  *string `json:"mobile_phone,omitempty"`
	MobilePhone2 *string `json:"mobile_phone2,omitempty"`
	HomePhone    *string `json:"home_phone,omitempty"`
	HomePhone2   *string `json:"home_phone2,omitempty"`
	Other        *string `json:"other,omitempty"`
	BusinessFax  *string `json:"business_fax,omitempty"`
	HomeFax      *string `json:"home_fax,omitempty"`
	Address      *string `json:"address,omitempty"`
	Notes        *string `json:"notes,omitempty"`
}

// ExtensionContact is a user of the tenant as the directory shows them.
type ExtensionContact struct {
	ID              string `json:"id"`
	DisplayName     string `json:"display_name"`
	ExtensionNumber string `json:"extension_number"`
	Email           string `json:"email"`
	Department      string `json:"department"`
	MobilePhone     string `json:"mobile_phone"`
	WorkPhone       string `json:"work_phone"`
	HomePhone       string `json:"home_phone"`
	Address         string `json:"address"`
	AvatarFileURL   string `json:"avatar_file_url"`
	Favorite        bool   `json:"favorite"`
}

// ListContacts lists the signed-in user's contacts (GET
// /api/user/contacts).
func (c *Client) ListContacts(ctx context.Context, opts *ListOptions) (*List[Contact], error) {
	return list[Contact](ctx, c, "/api/user/contacts", opts)
}

// CreateContact creates a contact and returns its id (POST
// /api/user/contacts).
func (c *Client) CreateContact(ctx context.Context, in ContactInput) (string, error) {
	return create(ctx, c, "/api/user/contacts", in)
}

// GetContact returns a contact (GET /api/user/contacts/{id}).
func (c *Client) GetContact(ctx context.Context, id string) (*Contact, error) {
	return one[Contact](ctx, c, pathf("/api/user/contacts/%s", id))
}

// UpdateContact changes a contact (POST /api/user/contacts/{id}).
func (c *Client) UpdateContact(ctx context.Context, id string, in ContactInput) error {
	return c.post(ctx, pathf("/api/user/contacts/%s", id), in, nil)
}

// DeleteContact deletes a contact (POST /api/user/contacts/{id}/destroy).
func (c *Client) DeleteContact(ctx context.Context, id string) error {
	return c.post(ctx, pathf("/api/user/contacts/%s/destroy", id), nil, nil)
}

// ListBusinessContacts lists the tenant's business contacts as an admin
// (GET /api/business_contacts).
func (c *Client) ListBusinessContacts(ctx context.Context, opts *ListOptions) (*List[Contact], error) {
	return list[Contact](ctx, c, "/api/business_contacts", opts)
}

// CreateBusinessContact creates a business contact, seen by every user of
// the tenant (POST /api/business_contacts).
func (c *Client) CreateBusinessContact(ctx context.Context, in ContactInput) (string, error) {
	return create(ctx, c, "/api/business_contacts", in)
}

// GetBusinessContact returns a business contact (GET
// /api/business_contacts/{id}).
func (c *Client) GetBusinessContact(ctx context.Context, id string) (*Contact, error) {
	return one[Contact](ctx, c, pathf("/api/business_contacts/%s", id))
}

// UpdateBusinessContact changes a business contact (POST
// /api/business_contacts/{id}).
func (c *Client) UpdateBusinessContact(ctx context.Context, id string, in ContactInput) error {
	return c.post(ctx, pathf("/api/business_contacts/%s", id), in, nil)
}

// DeleteBusinessContact deletes a business contact (POST
// /api/business_contacts/{id}/destroy).
func (c *Client) DeleteBusinessContact(ctx context.Context, id string) error {
	return c.post(ctx, pathf("/api/business_contacts/%s/destroy", id), nil, nil)
}

// ListMyBusinessContacts lists the business contacts with the signed-in
// user's favorite marks (GET /api/user/business_contacts).
func (c *Client) ListMyBusinessContacts(ctx context.Context, opts *ListOptions) (*List[Contact], error) {
	return list[Contact](ctx, c, "/api/user/business_contacts", opts)
}

// GetMyBusinessContact returns a business contact with the signed-in
// user's favorite mark (GET /api/user/business_contacts/{id}).
func (c *Client) GetMyBusinessContact(ctx context.Context, id string) (*Contact, error) {
	return one[Contact](ctx, c, pathf("/api/user/business_contacts/%s", id))
}

// ListExtensionContacts lists the tenant's users as contacts (GET
// /api/user/extension_contacts).
func (c *Client) ListExtensionContacts(ctx context.Context, opts *ListOptions) (*List[ExtensionContact], error) {
	return list[ExtensionContact](ctx, c, "/api/user/extension_contacts", opts)
}

// SetContactFavorite marks (on) or unmarks a personal contact as a
// favorite (POST /api/user/contacts/{id}/favorite or unfavorite).
func (c *Client) SetContactFavorite(ctx context.Context, id string, on bool) error {
	return c.post(ctx, pathf("/api/user/contacts/%s/", id)+favorite(on), nil, nil)
}

// SetBusinessContactFavorite marks (on) or unmarks a business contact as
// the signed-in user's favorite (POST
// /api/user/business_contacts/{id}/favorite or unfavorite).
func (c *Client) SetBusinessContactFavorite(ctx context.Context, id string, on bool) error {
	return c.post(ctx, pathf("/api/user/business_contacts/%s/", id)+favorite(on), nil, nil)
}

// SetExtensionContactFavorite marks (on) or unmarks a user of the tenant
// as the signed-in user's favorite (POST
// /api/user/extension_contacts/{id}/favorite or unfavorite).
func (c *Client) SetExtensionContactFavorite(ctx context.Context, userID string, on bool) error {
	return c.post(ctx, pathf("/api/user/extension_contacts/%s/", userID)+favorite(on), nil, nil)
}

func favorite(on bool) string {
	if on {
		return "favorite"
	}
	return "unfavorite"
}

// SyncList names a list that a client keeps in sync by tokens and diffs.
type SyncList string

// The lists with sync tokens.
const (
	SyncContacts          SyncList = "contacts"
	SyncBusinessContacts  SyncList = "business_contacts"
	SyncExtensionContacts SyncList = "extension_contacts"
	SyncCDRs              SyncList = "cdrs"
)

// SyncToken takes a token for a list's changes (POST
// /api/user/{list}/sync_tokens). Take a token, then list, then ask for the
// changes with the list's diff method (ContactsDiff, ...), which answers
// the next token too.
func (c *Client) SyncToken(ctx context.Context, l SyncList) (string, error) {
	var out tokenBody
	if err := c.post(ctx, pathf("/api/user/%s/sync_tokens", string(l)), nil, &out); err != nil {
		return "", err
	}
	return out.Token, nil
}

// Change is one entry of a sync diff: the object as it is now and its
// ChangeType, CREATED or UPDATED; DELETED with only the object's id.
type Change[T any] struct {
	ID         string
	ChangeType string
	Object     T
}

// SyncDiff is the answer of a diff: the changes since the token, and the
// token for the next diff.
type SyncDiff[T any] struct {
	Token string      `json:"token"`
	Items []Change[T] `json:"items"`
}

// changeHead holds the members every change carries.
type changeHead struct {
	ID         string `json:"id"`
	ChangeType string `json:"change_type"`
}

// UnmarshalJSON reads a change: the object's members and change_type in
// one JSON object.
func (ch *Change[T]) UnmarshalJSON(b []byte) error {
	var h changeHead
	if err := json.Unmarshal(b, &h); err != nil {
		return err
	}
	ch.ID, ch.ChangeType = h.ID, h.ChangeType
	return json.Unmarshal(b, &ch.Object)
}

// ContactsDiff returns the changes of the personal contacts since token
// (POST /api/user/contacts/sync_tokens/{token}/diff); a token the server
// does not know is a 403.
func (c *Client) ContactsDiff(ctx context.Context, token string) (*SyncDiff[Contact], error) {
	return syncDiff[Contact](ctx, c, SyncContacts, token)
}

// BusinessContactsDiff returns the changes of the business contacts since
// token (POST /api/user/business_contacts/sync_tokens/{token}/diff).
func (c *Client) BusinessContactsDiff(ctx context.Context, token string) (*SyncDiff[Contact], error) {
	return syncDiff[Contact](ctx, c, SyncBusinessContacts, token)
}

// ExtensionContactsDiff returns the changes of the extension contacts
// since token (POST /api/user/extension_contacts/sync_tokens/{token}/diff).
func (c *Client) ExtensionContactsDiff(ctx context.Context, token string) (*SyncDiff[ExtensionContact], error) {
	return syncDiff[ExtensionContact](ctx, c, SyncExtensionContacts, token)
}

func syncDiff[T any](ctx context.Context, c *Client, l SyncList, token string) (*SyncDiff[T], error) {
	var out SyncDiff[T]
	if err := c.post(ctx, pathf("/api/user/%s/sync_tokens/%s/diff", string(l), token), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
