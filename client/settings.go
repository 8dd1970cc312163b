package client

import (
	"context"
	"net/url"
	"time"
)

// UserScope reaches one user's settings. The API offers each in two forms
// with one behaviour: /api/user/... for the signed-in user (Me) and
// /api/users/{id}/... for an admin (ForUser, user_management.users).
type UserScope struct {
	c    *Client
	base string // "/api/user" or "/api/users/{id}"
}

// Me reaches the signed-in user's settings (/api/user/...).
func (c *Client) Me() *UserScope { return &UserScope{c: c, base: "/api/user"} }

// ForUser reaches a user's settings as an admin (/api/users/{id}/...).
func (c *Client) ForUser(userID string) *UserScope {
	return &UserScope{c: c, base: pathf("/api/users/%s", userID)}
}

// Collection is a list of one user's objects (phones, speed dials,
// holidays): T as answers hold it, I the body that creates or changes one.
type Collection[T, I any] struct {
	c    *Client
	base string
}

// List returns every object of the collection.
func (col Collection[T, I]) List(ctx context.Context) ([]T, error) {
	return itemsOf[T](ctx, col.c, col.base)
}

// Create creates an object and returns its id.
func (col Collection[T, I]) Create(ctx context.Context, in I) (string, error) {
	return create(ctx, col.c, col.base, in)
}

// Get returns an object.
func (col Collection[T, I]) Get(ctx context.Context, id string) (*T, error) {
	return one[T](ctx, col.c, col.base+pathf("/%s", id))
}

// Update changes the fields set in in; the others keep their value.
func (col Collection[T, I]) Update(ctx context.Context, id string, in I) error {
	return col.c.post(ctx, col.base+pathf("/%s", id), in, nil)
}

// Delete deletes an object; a second delete is 404.
func (col Collection[T, I]) Delete(ctx context.Context, id string) error {
	return col.c.post(ctx, col.base+pathf("/%s/destroy", id), nil, nil)
}

// Phones are the user's IP phones (.../phones).
func (u *UserScope) Phones() Collection[Phone, PhoneInput] {
	return Collection[Phone, PhoneInput]{u.c, u.base + "/phones"}
}

// SpeedDial8 are the user's one-digit speed dials, codes 2 to 9
// (.../speed_dial_8).
func (u *UserScope) SpeedDial8() Collection[SpeedDial, SpeedDialInput] {
	return Collection[SpeedDial, SpeedDialInput]{u.c, u.base + "/speed_dial_8"}
}

// SpeedDial100 are the user's two-digit speed dials, codes 00 to 99
// (.../speed_dial_100).
func (u *UserScope) SpeedDial100() Collection[SpeedDial, SpeedDialInput] {
	return Collection[SpeedDial, SpeedDialInput]{u.c, u.base + "/speed_dial_100"}
}

// Holidays are the user's own holidays (.../holidays).
func (u *UserScope) Holidays() Collection[Holiday, HolidayInput] {
	return Collection[Holiday, HolidayInput]{u.c, u.base + "/holidays"}
}

// SpeedDial is a speed-dial code and the number it calls.
type SpeedDial struct {
	ID          string `json:"id"`
	Code        string `json:"code"`
	PhoneNumber string `json:"phone_number"`
	Description string `json:"description"`
}

// SpeedDialInput is the body that creates or changes a speed dial.
type SpeedDialInput struct {
	Code        *string `json:"code,omitempty"`
	PhoneNumber *string `json:"phone_number,omitempty"`
	Description *string `json:"description,omitempty"`
}

// Greeting is a voicemail greeting; at most one is enabled.
type Greeting struct {
	ID       string `json:"id"`
	Enabled  bool   `json:"enabled"`
	FileID   string `json:"file_id"`
	FileName string `json:"file_name"`
	FileSize int    `json:"file_size"`
	FileURL  string `json:"file_url"`
}

// ListGreetings lists the user's greetings (.../greetings).
func (u *UserScope) ListGreetings(ctx context.Context) ([]Greeting, error) {
	return itemsOf[Greeting](ctx, u.c, u.base+"/greetings")
}

// CreateGreeting makes a greeting of an uploaded WAV or MP3 (UploadBlob)
// and returns its id (.../greetings).
func (u *UserScope) CreateGreeting(ctx context.Context, fileID string) (string, error) {
	return create(ctx, u.c, u.base+"/greetings", fileBody{FileID: fileID})
}

// EnableGreeting makes a greeting the one played, disabling the others
// (.../greetings/{id}/enable).
func (u *UserScope) EnableGreeting(ctx context.Context, id string) error {
	return u.c.post(ctx, u.greeting(id, "enable"), nil, nil)
}

// DisableGreeting stops playing a greeting (.../greetings/{id}/disable).
func (u *UserScope) DisableGreeting(ctx context.Context, id string) error {
	return u.c.post(ctx, u.greeting(id, "disable"), nil, nil)
}

// DeleteGreeting deletes a greeting (.../greetings/{id}/destroy).
func (u *UserScope) DeleteGreeting(ctx context.Context, id string) error {
	return u.c.post(ctx, u.greeting(id, "destroy"), nil, nil)
}

func (u *UserScope) greeting(id, action string) string {
	return u.base + pathf("/greetings/%s/", id) + action
}

// GlobalHolidays lists the tenant holidays the user observes
// (.../global_holidays).
func (u *UserScope) GlobalHolidays(ctx context.Context) ([]Holiday, error) {
	return itemsOf[Holiday](ctx, u.c, u.base+"/global_holidays")
}

// SetGlobalHolidays sets which tenant holidays (ids from ListTenantHolidays)
// the user observes, none to clear them, and returns the user's id as the
// API answers it (.../global_holidays).
func (u *UserScope) SetGlobalHolidays(ctx context.Context, holidayIDs []string) (string, error) {
	if holidayIDs == nil {
		holidayIDs = []string{}
	}
	return create(ctx, u.c, u.base+"/global_holidays", idListBody{Items: holidayIDs})
}

// Status is a user's presence and registrations.
type Status struct {
	// Status is ONLINE when the user has a registered device, else OFFLINE.
	Status       string         `json:"status"`
	Presence     string         `json:"presence"`
	PresenceNote string         `json:"presence_note"`
	EnableDND    bool           `json:"enable_dnd"`
	EnableACB    bool           `json:"enable_acb"`
	Registration []Registration `json:"registration"`
}

// Registration is one registered device.
type Registration struct {
	InstanceID     string `json:"instance_id"`
	ContactAddress string `json:"contact_address"`
	IP             string `json:"ip"`
	UserAgent      string `json:"user_agent"`
	Application    string `json:"application"`
	EnablePush     bool   `json:"enable_push"`
}

// Status returns the user's presence and registrations (.../status).
func (u *UserScope) Status(ctx context.Context) (*Status, error) {
	return one[Status](ctx, u.c, u.base+"/status")
}

// RoutingOptions are the "what if" of Routing; zero fields mean an
// anonymous caller, now.
type RoutingOptions struct {
	Caller string
	At     time.Time
}

// Routing explains how a call to the user would be routed now, or for
// another caller or time (.../routing).
func (u *UserScope) Routing(ctx context.Context, opts *RoutingOptions) (*RoutingExplanation, error) {
	q := url.Values{}
	if opts != nil && opts.Caller != "" {
		q.Set("caller", opts.Caller)
	}
	if opts != nil && !opts.At.IsZero() {
		q.Set("at", opts.At.Format(time.RFC3339))
	}
	var out RoutingExplanation
	if err := u.c.get(ctx, u.base+"/routing", q, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CallQueues lists the call queues the user is an agent of
// (.../call_queues).
func (u *UserScope) CallQueues(ctx context.Context) ([]HuntGroupSummary, error) {
	return itemsOf[HuntGroupSummary](ctx, u.c, u.base+"/call_queues")
}

// Agent returns the user as an agent of a call queue
// (.../call_queues/{queue}/agent).
func (u *UserScope) Agent(ctx context.Context, queueID string) (*Agent, error) {
	return one[Agent](ctx, u.c, u.base+pathf("/call_queues/%s/agent", queueID))
}

// SetAgentStatus sets the user's agent status in a call queue: READY,
// NOT_READY, WRAP_UP, BREAK, LUNCH, LOGGED_IN or LOGGED_OUT
// (.../call_queues/{queue}/agent).
func (u *UserScope) SetAgentStatus(ctx context.Context, queueID, status string) error {
	return u.c.post(ctx, u.base+pathf("/call_queues/%s/agent", queueID), statusBody{Status: status}, nil)
}

// SetPresence sets the signed-in user's presence: AVAILABLE, AWAY,
// BUSINESS_TRIP, LUNCH or DO_NOT_DISTURB, with an optional note (POST
// /api/user/presence).
func (c *Client) SetPresence(ctx context.Context, presence, note string) error {
	return c.post(ctx, "/api/user/presence", presenceBody{Presence: presence, PresenceNote: note}, nil)
}

// CallerID is a caller ID the signed-in user may present, their own or
// their groups'.
type CallerID struct {
	CallerID    string `json:"caller_id"`
	Description string `json:"description"`
	ProviderID  string `json:"provider_id"`
}

// OutboundCallerIDs lists the caller IDs the signed-in user may present,
// the preferred one first (GET /api/user/outbound_caller_ids).
func (c *Client) OutboundCallerIDs(ctx context.Context) ([]CallerID, error) {
	return itemsOf[CallerID](ctx, c, "/api/user/outbound_caller_ids")
}
