package directory

import (
	"context"
	"net"
	"regexp"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Status is what GET .../status answers.
type Status struct {
	Status       string         `json:"status" doc:"ONLINE when the user has a registered device, else OFFLINE"`
	Presence     string         `json:"presence"`
	PresenceNote string         `json:"presence_note"`
	Registration []Registration `json:"registration"`
	EnableDND    bool           `json:"enable_dnd"`
	EnableACB    bool           `json:"enable_acb"`
}

// Registration is one registered device of a user.
type Registration struct {
	InstanceID     string `json:"instance_id"`
	UserAgent      string `json:"user_agent"`
	Application    string `json:"application"`
	IP             string `json:"ip"`
	EnablePush     bool   `json:"enable_push"`
	ContactAddress string `json:"contact_address"`
	// BehindNAT: the device registered from another address than its
	// contact names; calls reach it where it registered from.
	BehindNAT bool `json:"behind_nat"`
}

// UserStatus reports a user's status, presence and registered devices:
// ONLINE while one binding is registered.
func (s *Service) UserStatus(ctx context.Context, c *Caller, userID string) (*Status, error) {
	u, err := s.target(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	presence := u.Presence
	if presence == "" {
		presence = model.PresenceAvailable
	}
	bindings, err := s.store.ListBindings(ctx, u.TenantID, u.ID, s.now())
	if err != nil {
		return nil, err
	}
	st := &Status{Status: "OFFLINE", Presence: presence, PresenceNote: u.PresenceNote, Registration: []Registration{},
		EnableDND: u.EnableDND, EnableACB: u.EnableACB}
	for _, b := range bindings {
		ip, _, err := net.SplitHostPort(b.Source)
		if err != nil {
			ip = b.Source
		}
		st.Registration = append(st.Registration, Registration{InstanceID: b.InstanceID, UserAgent: b.UserAgent,
			Application: b.UserAgent, IP: ip, EnablePush: b.EnablePush, ContactAddress: contactAddress(b.Contact),
			BehindNAT: b.BehindNAT()})
	}
	if len(st.Registration) > 0 {
		st.Status = "ONLINE"
	}
	return st, nil
}

// contactAddress is the URI of a Contact value (inside <> when present).
func contactAddress(v string) string { return model.ContactURI(v) }

// DeleteRegistration removes one registered device of a user (the
// device's next REGISTER adds it again, as with any registrar).
func (s *Service) DeleteRegistration(ctx context.Context, c *Caller, userID, instanceID string) error {
	u, err := s.target(ctx, c, userID, true)
	if err != nil {
		return err
	}
	e := c.audit("destroy_registration", "user", u.ID, u.Name, map[string]any{"instance_id": instanceID})
	return s.store.DeleteBinding(store.WithAudit(ctx, e), u.TenantID, u.ID, instanceID, s.now())
}

// SetPresence sets the caller's presence and note.
func (s *Service) SetPresence(ctx context.Context, c *Caller, presence, note string) error {
	if err := model.ValidatePresence(presence, note); err != nil {
		return err
	}
	e := c.audit("set_presence", "user", c.UserID, c.UserName, map[string]any{"presence": presence, "presence_note": note})
	_, err := s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, c.UserID, func(u *model.User) error {
		u.Presence, u.PresenceNote = presence, note
		return nil
	})
	return err
}

// CallerID is one number a user may present on outbound calls.
type CallerID struct {
	ProviderID  string `json:"provider_id"`
	CallerID    string `json:"caller_id"`
	Description string `json:"description"`
}

// OutboundCallerIDs lists what the caller may present: their own outbound
// caller IDs (the preferred one first), then those of their groups.
func (s *Service) OutboundCallerIDs(ctx context.Context, c *Caller) ([]CallerID, error) {
	u, err := s.store.GetUser(ctx, c.TenantID, c.UserID)
	if err != nil {
		return nil, err
	}
	out := []CallerID{}
	seen := map[string]bool{}
	add := func(id model.OutboundCallerID) {
		if !seen[id.CallerID] {
			seen[id.CallerID] = true
			out = append(out, CallerID{ProviderID: id.ProviderID, CallerID: id.CallerID, Description: id.Description})
		}
	}
	for _, id := range u.OutboundCallerIDs {
		if id.Preferred {
			add(id)
		}
	}
	for _, id := range u.OutboundCallerIDs {
		add(id)
	}
	groups, err := s.store.GroupsOfUser(ctx, c.TenantID, c.UserID)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		for _, id := range g.OutboundCallerIDs {
			add(id)
		}
	}
	return out, nil
}

// Balance permissions.
const (
	PermBillingView = "billing.view_only or billing.full_access"
	PermBillingFull = "billing.full_access"
)

func (s *Service) billingTarget(ctx context.Context, c *Caller, userID, perm string) (*model.User, error) {
	if err := c.require(perm); err != nil {
		return nil, err
	}
	if !model.ValidID(userID) {
		return nil, model.ErrNotFound
	}
	return s.store.GetUser(ctx, c.TenantID, userID)
}

// GetBalance returns a user's balance.
func (s *Service) GetBalance(ctx context.Context, c *Caller, userID string) (model.Balance, error) {
	u, err := s.billingTarget(ctx, c, userID, PermBillingView)
	if err != nil {
		return 0, err
	}
	return u.Balance, nil
}

// SetBalance sets a user's balance.
func (s *Service) SetBalance(ctx context.Context, c *Caller, userID string, b model.Balance) error {
	u, err := s.billingTarget(ctx, c, userID, PermBillingFull)
	if err != nil {
		return err
	}
	if b > model.MaxBalance || b < -model.MaxBalance {
		return model.Invalid("balance", "%s", model.ErrBalance)
	}
	e := c.audit("set_balance", "user", userID, u.Name, map[string]any{"balance": b.String()})
	_, err = s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, userID, func(u *model.User) error {
		u.Balance = b
		return nil
	})
	return err
}

// resetProfile puts a user's call handling back to the defaults: DND, ACB,
// hot desking, recording, office hours, every forward rule, custom
// forward rules, BLFs, voicemail options (the PIN stays), interface,
// transport, custom options, and the presence. Identity, contact details,
// passwords, the role, outbound caller IDs and SMS are kept.
func resetProfile(u *model.User) {
	keep := u.UserSettings
	u.UserSettings = model.UserSettings{}
	u.VoicemailPIN = keep.VoicemailPIN
	u.Mailbox = keep.Mailbox // where the messages are, not a preference
	u.OutboundCallerIDs = keep.OutboundCallerIDs
	u.CallRestrictions = keep.CallRestrictions // a security setting, not a preference
	u.SMS = keep.SMS
	u.DeliveryOutboundCID, u.EnableVoicemailPIN = true, true
	model.PresetCallHandling(&u.CallHandling)
	u.Presence, u.PresenceNote, u.Profile = model.PresenceAvailable, "", ""
	model.ApplyUserDefaults(u)
}

// ResetProfile resets one user's profile (see resetProfile).
func (s *Service) ResetProfile(ctx context.Context, c *Caller, userID string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if _, err := s.target(ctx, c, userID, true); err != nil {
		return err
	}
	e := c.audit("reset_profile", "user", userID, "", nil)
	_, err := s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, userID, func(u *model.User) error {
		e.ObjectName = u.Name
		resetProfile(u)
		return nil
	})
	return err
}

// ResetAllProfiles resets the profile of every user of the tenant whom the
// caller outranks, in one transaction, and returns how many it reset.
func (s *Service) ResetAllProfiles(ctx context.Context, c *Caller) (int, error) {
	if err := c.require(PermUsers); err != nil {
		return 0, err
	}
	e := c.audit("reset_profile", "tenant", c.TenantID, "all users", nil)
	n := 0
	err := s.store.UpdateAllUsers(store.WithAudit(ctx, e), c.TenantID, func(u *model.User) (bool, error) {
		if s.requireOutranks(ctx, c, u) != nil {
			return false, nil
		}
		resetProfile(u)
		n++
		return true, nil
	})
	e.Fields = map[string]any{"users": n}
	return n, err
}

// ms365Object is a Microsoft 365 object id (a GUID).
var ms365Object = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// SyncMS365 is the sync_type of users bound to Microsoft 365.
const SyncMS365 = "Microsoft 365"

// BindMS365 binds a user to a Microsoft 365 account by its object id or
// user principal name; one account binds at most one user of the tenant.
func (s *Service) BindMS365(ctx context.Context, c *Caller, userID, account string) error {
	if _, err := s.target(ctx, c, userID, true); err != nil {
		return err
	}
	if !ms365Object.MatchString(account) && model.ValidateEmail("id", account) != nil {
		return model.Invalid("id", "must be a Microsoft 365 object id (a GUID) or user principal name (name@domain)")
	}
	e := c.audit("bind_ms365", "user", userID, "", map[string]any{"id": account})
	return s.store.BindMS365(store.WithAudit(ctx, e), c.TenantID, userID, account, SyncMS365)
}

// UnbindMS365 removes a user's Microsoft 365 binding.
func (s *Service) UnbindMS365(ctx context.Context, c *Caller, userID string) error {
	u, err := s.target(ctx, c, userID, true)
	if err != nil {
		return err
	}
	if u.MS365ID == "" {
		return model.ErrNotFound
	}
	e := c.audit("unbind_ms365", "user", userID, u.Name, nil)
	return s.store.BindMS365(store.WithAudit(ctx, e), c.TenantID, userID, "", "")
}
