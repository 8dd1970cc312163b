package directory

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// The PIN rules of the mailbox by phone: VoicemailPINLimit wrong PINs
// within VoicemailPINWindow lock the mailbox for VoicemailPINLockout,
// counted in the database so that every node shares them.
const (
	VoicemailPINLimit   = 5
	VoicemailPINWindow  = 15 * time.Minute
	VoicemailPINLockout = 15 * time.Minute
)

// Errors of the mailbox by phone.
var (
	ErrWrongPIN      = errors.New("wrong voicemail PIN")
	ErrMailboxLocked = errors.New("mailbox locked after too many wrong PINs")
)

// phoneSource names the telephone in audit entries of changes made by
// phone.
const phoneSource = "phone"

// MailboxAccess is a mailbox opened by phone: whose it is and whether
// its PIN must be asked.
type MailboxAccess struct {
	Owner *model.User
	// NeedPIN is false only for a user's own mailbox from their own
	// phone with enable_voicemail_pin off.
	NeedPIN bool
}

// OpenMailbox decides which mailbox a call to a feature code opens. own
// (*97): the caller's primary mailbox (its own, or the one its mailbox
// choice names, whose PIN is then always asked); otherwise (*98) the
// mailbox of extension ext, always with its PIN. ErrNoMailbox when there
// is none.
func (s *Service) OpenMailbox(ctx context.Context, tenantID, callerExt, ext string, own bool) (*MailboxAccess, error) {
	if own {
		u, err := enabled(s.store.GetUserByExtension(ctx, tenantID, callerExt))
		if err != nil {
			return nil, err
		}
		switch u.Mailbox {
		case model.MailboxNone:
			return nil, ErrNoMailbox
		case "", model.MailboxSelf, u.ExtensionNumber:
			return &MailboxAccess{Owner: u, NeedPIN: u.EnableVoicemailPIN}, nil
		}
		ext = u.Mailbox
	}
	owner, err := enabled(s.store.GetUserByExtension(ctx, tenantID, ext))
	if errors.Is(err, model.ErrNotFound) {
		return nil, ErrNoMailbox
	}
	if err != nil {
		return nil, err
	}
	return &MailboxAccess{Owner: owner, NeedPIN: true}, nil
}

func pinKey(u *model.User) string { return "vmpin:" + u.TenantID + ":" + u.ID }

// CheckVoicemailPIN checks a PIN typed for owner's mailbox: nil,
// ErrWrongPIN, or ErrMailboxLocked (checked before the PIN, so a locked
// mailbox says nothing about the PIN).
func (s *Service) CheckVoicemailPIN(ctx context.Context, owner *model.User, pin string) error {
	now := s.now()
	until, err := s.store.LockedUntil(ctx, pinKey(owner), now)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return ErrMailboxLocked
	}
	if subtle.ConstantTimeCompare([]byte(pin), []byte(owner.VoicemailPIN)) == 1 && owner.VoicemailPIN != "" {
		return s.store.ClearFailures(ctx, pinKey(owner))
	}
	until, err = s.store.RecordFailure(ctx, pinKey(owner), now, VoicemailPINWindow, VoicemailPINLimit, VoicemailPINLockout)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		s.log.Warn("voicemail PIN lockout", "user_id", owner.ID)
		return ErrMailboxLocked
	}
	return ErrWrongPIN
}

// PhoneMessages lists a mailbox's new (heard false) or heard messages,
// oldest first.
func (s *Service) PhoneMessages(ctx context.Context, owner *model.User, heard bool) ([]model.VoicemailMessage, error) {
	return s.store.MailboxMessages(ctx, owner.TenantID, owner.ID, heard)
}

// MessageAudio reads a message's WAV file.
func (s *Service) MessageAudio(ctx context.Context, m *model.VoicemailMessage) ([]byte, error) {
	b, err := s.store.GetBlob(ctx, m.TenantID, m.FileID)
	if err != nil {
		return nil, err
	}
	return s.BlobData(ctx, b)
}

// phoneCaller is the audit identity of the owner acting by phone.
func phoneCaller(owner *model.User) *Caller {
	c := &Caller{Source: phoneSource}
	c.TenantID, c.UserID, c.UserName = owner.TenantID, owner.ID, owner.Name
	return c
}

// SetMessageState marks a message by phone (heard, saved).
func (s *Service) SetMessageState(ctx context.Context, owner *model.User, id string, heard, saved *bool) error {
	e := phoneCaller(owner).audit("update", "voicemail", id, owner.Name, map[string]any{"heard": heard != nil, "saved": saved != nil})
	if err := s.store.SetVoicemailState(store.WithAudit(ctx, e), owner.TenantID, owner.ID, id, heard, saved); err != nil {
		return err
	}
	return nil
}

// DeleteMessage deletes a message by phone.
func (s *Service) DeleteMessage(ctx context.Context, owner *model.User, id string) error {
	e := phoneCaller(owner).audit("delete", "voicemail", id, owner.Name, nil)
	if err := s.store.DeleteVoicemail(store.WithAudit(ctx, e), owner.TenantID, owner.ID, id); err != nil {
		return err
	}
	return nil
}

// SaveGreetingByPhone keeps a greeting recorded by phone (a WAV) as the
// owner's file and greeting, and makes it the one in use.
func (s *Service) SaveGreetingByPhone(ctx context.Context, owner *model.User, wav []byte) error {
	if s.cfg.Blobs == nil {
		return errors.New("no blob storage configured")
	}
	now := s.now().UTC()
	sum := sha256.Sum256(wav)
	b := &model.Blob{ID: model.NewID(), TenantID: owner.TenantID, UserID: owner.ID, Name: "greeting-" + now.Format("20060102-150405") + ".wav",
		ContentType: "audio/wav", Kind: model.BlobAudio, Size: int64(len(wav)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: now}
	if err := s.cfg.Blobs.Put(ctx, b, wav); err != nil {
		return err
	}
	g := Greeting{ID: model.NewID(), FileID: b.ID, FileName: b.Name, FileSize: b.Size, FileURL: blobURL(b.ID)}
	data, _ := json.Marshal(g)
	c := phoneCaller(owner)
	it := &store.Item{ID: g.ID, TenantID: owner.TenantID, UserID: owner.ID, Kind: greetingKind, Data: data}
	if err := s.store.CreateItem(store.WithAudit(ctx, c.audit("create", greetingKind, g.ID, owner.Name, nil)), it, store.ItemKeyField{},
		maxGreetingsPerUser, "file_id"); err != nil {
		return err
	}
	return s.SetGreetingEnabled(ctx, c, "", g.ID, true)
}

// ChangeVoicemailPIN sets the owner's PIN by phone (the contract's PIN
// rules; a *model.FieldError names voicemail_pin otherwise).
func (s *Service) ChangeVoicemailPIN(ctx context.Context, owner *model.User, pin string) error {
	if err := model.ValidateVoicemailPIN(pin); err != nil {
		return err
	}
	e := phoneCaller(owner).audit("update", "user", owner.ID, owner.Name, map[string]any{"voicemail_pin": pin})
	_, err := s.store.UpdateUser(store.WithAudit(ctx, e), owner.TenantID, owner.ID, func(u *model.User) error {
		u.VoicemailPIN = pin
		return nil
	})
	return err
}
