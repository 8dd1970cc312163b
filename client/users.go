package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"
)

// ListUsers lists the tenant's users (GET /api/users); filter and order on
// name, email, display_name, first_name, last_name, role, enabled,
// extension_number, the phones, address, department, max_bindings,
// billing_contact and created_at.
func (c *Client) ListUsers(ctx context.Context, opts *ListOptions) (*List[UserSummary], error) {
	return list[UserSummary](ctx, c, "/api/users", opts)
}

// CreateUser creates a user and returns its id (POST /api/users).
func (c *Client) CreateUser(ctx context.Context, in UserCreate) (string, error) {
	return create(ctx, c, "/api/users", in)
}

// GetUser returns a user (GET /api/users/{id}).
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	return one[User](ctx, c, pathf("/api/users/%s", id))
}

// UpdateUser changes the fields set in in; the others keep their value
// (POST /api/users/{id}).
func (c *Client) UpdateUser(ctx context.Context, id string, in UserUpdate) error {
	return c.post(ctx, pathf("/api/users/%s", id), in, nil)
}

// Mailbox choices of DeleteUser.
const (
	// KeepMailbox keeps a deleted user's voicemail and greetings as a
	// detached mailbox (ListDetachedMailboxes).
	KeepMailbox = "KEEP"
	// DeleteMailbox deletes them with the user.
	DeleteMailbox = "DELETE"
)

// DeleteUser deletes a user; mailbox is KeepMailbox, DeleteMailbox, or ""
// for the server's default (POST /api/users/{id}/destroy). A second
// delete is 404.
func (c *Client) DeleteUser(ctx context.Context, id, mailbox string) error {
	var in any
	if mailbox != "" {
		in = mailboxBody{Mailbox: mailbox}
	}
	return c.post(ctx, pathf("/api/users/%s/destroy", id), in, nil)
}

// SetUserPassword sets a user's password and ends their sessions (POST
// /api/users/{id}/password).
func (c *Client) SetUserPassword(ctx context.Context, id, password string) error {
	return c.post(ctx, pathf("/api/users/%s/password", id), passwordBody{Password: password}, nil)
}

// SetUserExtensionPassword sets a user's SIP password (POST
// /api/users/{id}/extension_password).
func (c *Client) SetUserExtensionPassword(ctx context.Context, id, password string) error {
	return c.post(ctx, pathf("/api/users/%s/extension_password", id), passwordBody{Password: password}, nil)
}

// SetUserRole gives a user a role, built-in or custom, by name in any case
// (POST /api/users/{id}/role).
func (c *Client) SetUserRole(ctx context.Context, id, role string) error {
	return c.post(ctx, pathf("/api/users/%s/role", id), roleBody{Role: role}, nil)
}

// CurrentUser returns the signed-in user (GET /api/user).
func (c *Client) CurrentUser(ctx context.Context) (*User, error) {
	return one[User](ctx, c, "/api/user")
}

// UpdateCurrentUser changes the signed-in user's own settings (POST
// /api/user); enabled, max_bindings, billing_contact and sms need
// user_management.users.
func (c *Client) UpdateCurrentUser(ctx context.Context, in UserUpdate) error {
	return c.post(ctx, "/api/user", in, nil)
}

// ChangePassword changes the signed-in user's password, ending their other
// sessions (POST /api/user/password).
func (c *Client) ChangePassword(ctx context.Context, oldPassword, newPassword string) error {
	return c.post(ctx, "/api/user/password", changePasswordBody{OldPassword: oldPassword, NewPassword: newPassword}, nil)
}

// ChangeExtensionPassword changes the signed-in user's SIP password (POST
// /api/user/extension_password).
func (c *Client) ChangeExtensionPassword(ctx context.Context, oldPassword, newPassword string) error {
	return c.post(ctx, "/api/user/extension_password", changePasswordBody{OldPassword: oldPassword, NewPassword: newPassword}, nil)
}

// ImportReport is the outcome of ImportUsers.
type ImportReport struct {
	DryRun          bool       `json:"dry_run"`
	Rows            int        `json:"rows"`
	Created         int        `json:"created"`
	WithoutPassword int        `json:"without_password"`
	Errors          []RowError `json:"errors"`
}

// RowError is a problem of one row of an imported file.
type RowError struct {
	Row   int    `json:"row"`
	Field string `json:"field"`
	// Column is the field's column as the file's header names it.
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// ExportUsers writes the tenant's users to w as CSV, in the full format
// and without secrets (GET /api/users/export).
func (c *Client) ExportUsers(ctx context.Context, w io.Writer) error {
	return c.send(ctx, call{method: http.MethodGet, path: "/api/users/export", sink: w})
}

// Dependents are what refers to a user: what deleting them would touch.
type Dependents struct {
	Mailbox MailboxCounts `json:"mailbox"`
	// Groups are the groups the user is in.
	Groups []Ref `json:"groups"`
	// Phones are the IP phones assigned to the user (Name: the MAC).
	Phones []Ref `json:"phones"`
	// BLFKeys are other users' BLF keys watching the extension.
	BLFKeys []UserRef `json:"blf_keys"`
	// SpeedDials are other users' speed dials calling the extension.
	SpeedDials []UserRef `json:"speed_dials"`
	// ForwardRules are other users' forward rules, Follow Me and
	// unavailability numbers sending calls to the extension.
	ForwardRules []UserRef `json:"forward_rules"`
}

// MailboxCounts count a mailbox's content.
type MailboxCounts struct {
	Messages  int `json:"messages"`
	Greetings int `json:"greetings"`
}

// Ref names an object.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// UserRef names another user's setting.
type UserRef struct {
	UserID   string `json:"user_id"`
	UserName string `json:"user_name"`
	Setting  string `json:"setting"`
}

// UserDependents returns what refers to a user (GET
// /api/users/{id}/dependents).
func (c *Client) UserDependents(ctx context.Context, id string) (*Dependents, error) {
	return one[Dependents](ctx, c, pathf("/api/users/%s/dependents", id))
}

// DetachedMailbox is the mailbox of a deleted user, kept (KeepMailbox).
type DetachedMailbox struct {
	ID          string `json:"id"`
	UserName    string `json:"user_name"`
	DisplayName string `json:"display_name"`
	Extension   string `json:"extension"`
	// Greetings are the greetings as they were (their file ids stay
	// readable by admins).
	Greetings  json.RawMessage `json:"greetings"`
	DetachedAt time.Time       `json:"detached_at"`
	// Messages is how many voicemail messages it holds
	// (ListDetachedVoicemails).
	Messages int `json:"messages"`
}

// ListDetachedMailboxes lists the mailboxes of deleted users (GET
// /api/mailboxes/detached).
func (c *Client) ListDetachedMailboxes(ctx context.Context) ([]DetachedMailbox, error) {
	return itemsOf[DetachedMailbox](ctx, c, "/api/mailboxes/detached")
}

// GetBalance returns a user's balance, a decimal with five digits after
// the point, as the API writes it (GET /api/users/{id}/balance).
func (c *Client) GetBalance(ctx context.Context, userID string) (json.Number, error) {
	var out balanceBody
	if err := c.get(ctx, pathf("/api/users/%s/balance", userID), nil, &out); err != nil {
		return "", err
	}
	return out.Balance, nil
}

// SetBalance sets a user's balance (POST /api/users/{id}/balance); use
// json.Number("12.5") to send an exact decimal.
func (c *Client) SetBalance(ctx context.Context, userID string, balance json.Number) error {
	return c.post(ctx, pathf("/api/users/%s/balance", userID), balanceBody{Balance: balance}, nil)
}

type balanceBody struct {
	Balance json.Number `json:"balance"`
}

// ResetProfile puts a user's call settings back to the defaults, keeping
// their identity, caller IDs and PINs (POST /api/users/{id}/profile).
func (c *Client) ResetProfile(ctx context.Context, userID string) error {
	return c.post(ctx, pathf("/api/users/%s/profile", userID), nil, nil)
}

// ResetProfiles resets the profile of the user userID, or, with "", of
// every user the caller outranks (POST /api/users/profile).
func (c *Client) ResetProfiles(ctx context.Context, userID string) error {
	var q url.Values
	if userID != "" {
		q = url.Values{"id": {userID}}
	}
	return c.send(ctx, call{method: http.MethodPost, path: "/api/users/profile", query: q})
}

// BindMS365 binds a user to a Microsoft 365 account, by object id or
// principal name, once per tenant (POST /api/users/{id}/ms365_binding).
func (c *Client) BindMS365(ctx context.Context, userID, account string) error {
	return c.post(ctx, pathf("/api/users/%s/ms365_binding", userID), ms365Body{ID: account}, nil)
}

// UnbindMS365 removes a user's Microsoft 365 binding (POST
// /api/users/{id}/ms365_binding/destroy).
func (c *Client) UnbindMS365(ctx context.Context, userID string) error {
	return c.post(ctx, pathf("/api/users/%s/ms365_binding/destroy", userID), nil, nil)
}

// DeleteRegistration removes one of a user's device registrations (POST
// /api/users/{id}/status/{instance_id}/destroy_status).
func (c *Client) DeleteRegistration(ctx context.Context, userID, instanceID string) error {
	return c.post(ctx, pathf("/api/users/%s/status/%s/destroy_status", userID, instanceID), nil, nil)
}
