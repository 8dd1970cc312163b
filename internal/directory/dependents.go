package directory

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/routing"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Ref names another object.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// UserRef is a setting of another user that points at the extension.
type UserRef struct {
	UserID   string `json:"user_id"`
	UserName string `json:"user_name"`
	// Setting is where: the BLF key, the speed dial code, or the rule.
	Setting string `json:"setting"`
}

// Dependents are what depends on a user, shown before it is removed.
type Dependents struct {
	Mailbox struct {
		// Greetings is how many voicemail greetings the mailbox holds.
		Greetings int `json:"greetings"`
		// Messages is how many voicemail messages it holds (those
		// Switchboard recorded; a tenant's external voicemail_server
		// keeps its own).
		Messages int `json:"messages"`
	} `json:"mailbox"`
	Groups       []Ref     `json:"groups"`
	Phones       []Ref     `json:"phones" doc:"IP phones assigned to the user (name: the MAC)"`
	BLFKeys      []UserRef `json:"blf_keys" doc:"Other users' BLF keys watching the extension"`
	SpeedDials   []UserRef `json:"speed_dials" doc:"Other users' speed dials calling the extension"`
	ForwardRules []UserRef `json:"forward_rules" doc:"Other users' forward rules, Follow Me and unavailability numbers sending calls to the extension"`
}

// Mailbox choices when a user is removed.
const (
	MailboxDelete = "DELETE"
	MailboxKeep   = "KEEP"
)

// detachedMailboxKind is a kept mailbox of a removed user (tenant-wide).
const detachedMailboxKind = "detached_mailbox"

// DetachedMailbox is the mailbox of a removed user, kept as the admin
// chose: its extension and name at removal, and its greetings.
type DetachedMailbox struct {
	ID          string          `json:"id"`
	Extension   string          `json:"extension"`
	UserName    string          `json:"user_name"`
	DisplayName string          `json:"display_name"`
	DetachedAt  time.Time       `json:"detached_at"`
	Greetings   json.RawMessage `json:"greetings" doc:"The greetings as they were (file ids stay readable by admins)"`
	// Messages is how many voicemail messages it holds (listed at
	// /api/mailboxes/detached/{id}/voicemails).
	Messages int `json:"messages"`
}

// UserDependents lists what depends on user id of the caller's tenant.
func (s *Service) UserDependents(ctx context.Context, c *Caller, id string) (*Dependents, error) {
	u, err := s.target(ctx, c, id, false)
	if err != nil {
		return nil, err
	}
	d := &Dependents{Groups: []Ref{}, Phones: []Ref{}, BLFKeys: []UserRef{}, SpeedDials: []UserRef{}, ForwardRules: []UserRef{}}
	if d.Mailbox.Greetings, err = s.store.CountItems(ctx, u.TenantID, u.ID, greetingKind); err != nil {
		return nil, err
	}
	if d.Mailbox.Messages, err = s.store.CountVoicemails(ctx, u.TenantID, u.ID); err != nil {
		return nil, err
	}
	groups, err := s.store.GroupsOfUser(ctx, u.TenantID, u.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range groups {
		d.Groups = append(d.Groups, Ref{ID: g.ID, Name: g.Name})
	}
	phoneItems, err := s.store.ListItems(ctx, u.TenantID, u.ID, phones.kind, maxPhonesPerUser)
	if err != nil {
		return nil, err
	}
	for _, it := range phoneItems {
		d.Phones = append(d.Phones, Ref{ID: it.ID, Name: it.TenantKey})
	}
	ext := u.ExtensionNumber
	others, err := s.store.UsersMentioning(ctx, u.TenantID, u.ID, ext)
	if err != nil {
		return nil, err
	}
	for i := range others {
		o := &others[i]
		for _, b := range o.BLFs {
			if b.Value == ext {
				d.BLFKeys = append(d.BLFKeys, UserRef{UserID: o.ID, UserName: o.Name, Setting: "blfs key " + b.Key})
			}
		}
		for _, setting := range forwardsTo(o, ext) {
			d.ForwardRules = append(d.ForwardRules, UserRef{UserID: o.ID, UserName: o.Name, Setting: setting})
		}
	}
	items, err := s.store.ItemsMentioning(ctx, u.TenantID, []string{speedDial8.kind, speedDial100.kind}, ext)
	if err != nil {
		return nil, err
	}
	type dial struct {
		userID, kind, code string
	}
	var dials []dial
	var owners []string
	for _, it := range items {
		var sd model.SpeedDial
		if json.Unmarshal(it.Data, &sd) != nil || routing.Digits(sd.PhoneNumber) != ext || it.UserID == u.ID {
			continue
		}
		dials = append(dials, dial{it.UserID, it.Kind, sd.Code})
		owners = append(owners, it.UserID)
	}
	names, err := s.store.UsersByID(ctx, u.TenantID, owners)
	if err != nil {
		return nil, err
	}
	for _, sd := range dials {
		ref := UserRef{UserID: sd.userID, Setting: strings.TrimPrefix(sd.kind, "speed_dial_") + " code " + sd.code}
		if o := names[sd.userID]; o != nil {
			ref.UserName = o.Name
		}
		d.SpeedDials = append(d.SpeedDials, ref)
	}
	return d, nil
}

// forwardsTo names o's settings that send calls to ext.
func forwardsTo(o *model.User, ext string) []string {
	var out []string
	for _, fr := range o.ForwardRules.Rules() {
		if fr.Action == "FORWARD_TO_NUMBER" && routing.Digits(fr.Number) == ext {
			out = append(out, fr.Name)
		}
	}
	for i, cr := range o.CustomForwardRules {
		if cr.Action == "FORWARD_TO_NUMBER" && routing.Digits(cr.Number) == ext {
			out = append(out, fmt.Sprintf("custom_forward_rules[%d]", i))
		}
	}
	for i, n := range o.FollowMe.Numbers {
		if routing.Digits(n) == ext {
			out = append(out, fmt.Sprintf("follow_me.numbers[%d]", i))
		}
	}
	if o.NetworkUnavailableNumber != "" && routing.Digits(o.NetworkUnavailableNumber) == ext {
		out = append(out, "network_unavailable_number")
	}
	return out
}

// DeleteUserWith removes a user, keeping its mailbox detached (KEEP: its
// greetings and voicemail messages stay, as a tenant item) or deleting it
// with the user (DELETE, the default: messages and their files go).
func (s *Service) DeleteUserWith(ctx context.Context, c *Caller, id, mailbox string) error {
	switch mailbox {
	case "", MailboxDelete:
		return s.DeleteUser(ctx, c, id)
	case MailboxKeep:
	default:
		return model.Invalid("mailbox", "must be KEEP or DELETE")
	}
	u, err := s.deletable(ctx, c, id)
	if err != nil {
		return err
	}
	greetings, err := s.store.ListItems(ctx, u.TenantID, u.ID, greetingKind, maxGreetingsPerUser)
	if err != nil {
		return err
	}
	list := make([]json.RawMessage, 0, len(greetings))
	for _, g := range greetings {
		list = append(list, g.Data)
	}
	raw, _ := json.Marshal(list)
	mb := DetachedMailbox{ID: model.NewID(), Extension: u.ExtensionNumber, UserName: u.Name, DisplayName: u.DisplayName,
		DetachedAt: s.now().UTC(), Greetings: raw}
	data, err := json.Marshal(mb)
	if err != nil {
		return err
	}
	e := c.audit("delete", "user", id, u.Name, map[string]any{"mailbox": MailboxKeep})
	return s.store.DeleteUserKeeping(store.WithAudit(ctx, e), c.TenantID, id,
		&store.Item{ID: mb.ID, Kind: detachedMailboxKind, Data: data})
}

// DetachedMailboxes lists the kept mailboxes of removed users.
func (s *Service) DetachedMailboxes(ctx context.Context, c *Caller) ([]DetachedMailbox, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	items, err := s.store.ListItems(ctx, c.TenantID, "", detachedMailboxKind, 10000)
	if err != nil {
		return nil, err
	}
	out := make([]DetachedMailbox, 0, len(items))
	for _, it := range items {
		var mb DetachedMailbox
		if err := json.Unmarshal(it.Data, &mb); err != nil {
			return nil, fmt.Errorf("decode mailbox %s: %w", it.ID, err)
		}
		if mb.Messages, err = s.store.CountVoicemails(ctx, c.TenantID, it.ID); err != nil {
			return nil, err
		}
		out = append(out, mb)
	}
	return out, nil
}
