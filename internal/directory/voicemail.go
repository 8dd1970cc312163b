package directory

import (
	"context"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Permissions of voicemail messages (the role matrix's general flags).
const (
	PermVoicemailView = "general.voicemail_view_only or general.voicemail_full_access"
	PermVoicemailFull = "general.voicemail_full_access"
)

// VoicemailUpdate changes a message's state; members left out keep
// their value.
type VoicemailUpdate struct {
	Heard *bool `json:"heard,omitempty" doc:"Mark listened to (true) or new again (false)"`
	Saved *bool `json:"saved,omitempty" doc:"Keep on purpose (true) or not (false)"`
}

// voicemailScope is whose mailbox a request reads: the caller's own
// (userID ""), or, for user admins, the user's. Changes need the full
// voicemail permission (own) or to outrank the user (admin form).
func (s *Service) voicemailScope(ctx context.Context, c *Caller, userID string, write bool) (*model.User, error) {
	perm := PermVoicemailView
	if write {
		perm = PermVoicemailFull
	}
	if userID == "" {
		if err := c.require(perm); err != nil {
			return nil, err
		}
	}
	return s.target(ctx, c, userID, write)
}

// ListVoicemails lists a mailbox's messages with the query language,
// newest first (userID "" for the caller's own).
func (s *Service) ListVoicemails(ctx context.Context, c *Caller, userID string, p query.Params) (int, []model.VoicemailMessage, error) {
	u, err := s.voicemailScope(ctx, c, userID, false)
	if err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.VoicemailSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListVoicemails(ctx, u.TenantID, u.ID, q)
}

// GetVoicemail returns one message of a mailbox.
func (s *Service) GetVoicemail(ctx context.Context, c *Caller, userID, id string) (*model.VoicemailMessage, error) {
	u, err := s.voicemailScope(ctx, c, userID, false)
	if err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	return s.store.GetVoicemail(ctx, u.TenantID, u.ID, id)
}

// UpdateVoicemail marks a message heard or saved (or not).
func (s *Service) UpdateVoicemail(ctx context.Context, c *Caller, userID, id string, in VoicemailUpdate) error {
	u, err := s.voicemailScope(ctx, c, userID, true)
	if err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	fields := map[string]any{}
	if in.Heard != nil {
		fields["heard"] = *in.Heard
	}
	if in.Saved != nil {
		fields["saved"] = *in.Saved
	}
	e := c.audit("update", "voicemail", id, u.Name, fields)
	if err := s.store.SetVoicemailState(store.WithAudit(ctx, e), u.TenantID, u.ID, id, in.Heard, in.Saved); err != nil {
		return err
	}
	return nil
}

// DeleteVoicemail removes a message and its audio.
func (s *Service) DeleteVoicemail(ctx context.Context, c *Caller, userID, id string) error {
	u, err := s.voicemailScope(ctx, c, userID, true)
	if err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	e := c.audit("delete", "voicemail", id, u.Name, nil)
	if err := s.store.DeleteVoicemail(store.WithAudit(ctx, e), u.TenantID, u.ID, id); err != nil {
		return err
	}
	return nil
}

// DetachedVoicemails lists the messages of a detached mailbox (a removed
// user's, kept), for user admins.
func (s *Service) DetachedVoicemails(ctx context.Context, c *Caller, mailboxID string, p query.Params) (int, []model.VoicemailMessage, error) {
	if err := c.require(PermUsers); err != nil {
		return 0, nil, err
	}
	if !model.ValidID(mailboxID) {
		return 0, nil, model.ErrNotFound
	}
	if _, err := s.store.GetItem(ctx, c.TenantID, "", detachedMailboxKind, mailboxID); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.VoicemailSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListVoicemails(ctx, c.TenantID, mailboxID, q)
}
