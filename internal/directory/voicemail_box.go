package directory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// ErrNoMailbox is returned for a call to an extension whose user has no
// mailbox (mailbox NONE, or another user's that does not exist).
var ErrNoMailbox = errors.New("the extension has no mailbox")

// VoicemailBox is the mailbox a call to an extension lands in, as the
// media engine needs it.
type VoicemailBox struct {
	TenantID string
	// Extension is the extension called; Owner is the user whose mailbox
	// it is (the called user, or the one its mailbox choice names).
	Extension string
	Owner     *model.User
	Tenant    *model.Tenant
	// Settings are the tenant's voicemail settings, defaults in place.
	Settings model.VoicemailSettings
	// Greeting is the owner's enabled greeting (nil: the default prompt).
	Greeting *model.Blob
	// Full says the mailbox holds its quota of messages.
	Full bool
}

// VoicemailBoxAt resolves the mailbox of extension ext of the tenant,
// following the user's mailbox choice (one step: the named user's own
// mailbox). A missing or disabled user is model.ErrNotFound; a user
// without mailbox is ErrNoMailbox.
func (s *Service) VoicemailBoxAt(ctx context.Context, tenantID, ext string) (*VoicemailBox, error) {
	u, err := enabled(s.store.GetUserByExtension(ctx, tenantID, ext))
	if err != nil {
		return nil, err
	}
	owner := u
	switch u.Mailbox {
	case model.MailboxNone:
		return nil, ErrNoMailbox
	case "", model.MailboxSelf, u.ExtensionNumber:
	default:
		if owner, err = enabled(s.store.GetUserByExtension(ctx, tenantID, u.Mailbox)); err != nil {
			if errors.Is(err, model.ErrNotFound) {
				return nil, ErrNoMailbox
			}
			return nil, err
		}
	}
	return s.boxOf(ctx, ext, owner)
}

// VoicemailBoxOf is the mailbox of user u itself (for its owner's access
// by phone).
func (s *Service) VoicemailBoxOf(ctx context.Context, u *model.User) (*VoicemailBox, error) {
	return s.boxOf(ctx, u.ExtensionNumber, u)
}

func (s *Service) boxOf(ctx context.Context, ext string, owner *model.User) (*VoicemailBox, error) {
	tenant, err := s.store.GetTenant(ctx, owner.TenantID)
	if err != nil {
		return nil, err
	}
	b := &VoicemailBox{TenantID: owner.TenantID, Extension: ext, Owner: owner, Tenant: tenant, Settings: tenant.Voicemail.Effective()}
	n, err := s.store.CountVoicemails(ctx, owner.TenantID, owner.ID)
	if err != nil {
		return nil, err
	}
	b.Full = n >= b.Settings.MaxMessages
	greetings, err := s.greetingsOf(ctx, owner.TenantID, owner.ID)
	if err != nil {
		return nil, err
	}
	for _, g := range greetings {
		if g.Enabled {
			if blob, err := s.store.GetBlob(ctx, owner.TenantID, g.FileID); err == nil {
				b.Greeting = blob
			}
		}
	}
	return b, nil
}

// BlobData reads the bytes of a stored file (a greeting, a message).
func (s *Service) BlobData(ctx context.Context, b *model.Blob) ([]byte, error) {
	if s.cfg.Blobs == nil {
		return nil, errors.New("no blob storage configured")
	}
	return s.cfg.Blobs.Get(ctx, b)
}

// VoicemailDeposit is a message the media engine recorded.
type VoicemailDeposit struct {
	Caller, CallerName, CallID string
	DurationMS                 int64
	// WAV is the audio, an 8 kHz mono 16-bit WAV file.
	WAV []byte
}

// DepositVoicemail stores a message in box: its audio as a file of the
// mailbox's owner, then the message (refused with a *model.ConflictError
// when the mailbox filled up meanwhile; the file is removed then). The
// owner is told by email when enable_voicemail_notify is on.
func (s *Service) DepositVoicemail(ctx context.Context, box *VoicemailBox, in VoicemailDeposit) (*model.VoicemailMessage, error) {
	if s.cfg.Blobs == nil {
		return nil, errors.New("no blob storage configured")
	}
	now := s.now().UTC()
	sum := sha256.Sum256(in.WAV)
	b := &model.Blob{ID: model.NewID(), TenantID: box.TenantID, UserID: box.Owner.ID, Name: "voicemail-" + now.Format("20060102-150405") + ".wav",
		ContentType: "audio/wav", Kind: model.BlobAudio, Size: int64(len(in.WAV)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: now}
	if err := s.cfg.Blobs.Put(ctx, b, in.WAV); err != nil {
		return nil, err
	}
	m := &model.VoicemailMessage{ID: model.NewID(), TenantID: box.TenantID, MailboxID: box.Owner.ID, Extension: box.Extension,
		Caller: clipText(in.Caller, 128), CallerName: clipText(in.CallerName, 128), CallID: clipText(in.CallID, 256), CreatedAt: now,
		DurationMS: in.DurationMS, FileID: b.ID, FileName: b.Name, FileSize: b.Size}
	if err := s.store.CreateVoicemail(ctx, m, box.Settings.MaxMessages); err != nil {
		_ = s.store.DeleteBlob(context.WithoutCancel(ctx), box.TenantID, b.ID)
		return nil, err
	}
	m.Duration, m.FileURL = (m.DurationMS+500)/1000, blobURL(b.ID)
	if box.Owner.EnableVoicemailNotify {
		s.notifyVoicemail(box, m, in.WAV)
	}
	return m, nil
}

// clipText keeps at most n bytes of a caller-supplied value, on a rune
// boundary.
func clipText(v string, n int) string {
	if len(v) <= n {
		return v
	}
	for n > 0 && v[n]&0xC0 == 0x80 {
		n--
	}
	return v[:n]
}

// MailboxCounts returns the new (not heard) and old (heard) messages of
// a mailbox (a user's id): what a message-waiting lamp shows. Every
// change of a mailbox is a store.EventMailbox event (store.Subscribe), on
// every node.
func (s *Service) MailboxCounts(ctx context.Context, tenantID, mailboxID string) (newCount, oldCount int, err error) {
	return s.store.MailboxCounts(ctx, tenantID, mailboxID)
}

// VoicemailNotice is the email about a new message.
type VoicemailNotice struct {
	To        string // the owner's address
	UserName  string // the owner's display name
	Extension string // the extension called
	Tenant    string // the tenant's name
	Message   model.VoicemailMessage
	// Location is the tenant's time zone, for the time shown.
	Location *time.Location
	// WAV is the voice file, attached only when the tenant allows it.
	WAV []byte
}

// Mailer sends voicemail-to-email notifications.
type Mailer interface {
	SendVoicemail(ctx context.Context, n VoicemailNotice) error
}

// notifyVoicemail emails the owner about a new message (in the
// background: the caller's call is not held up by a mail server).
func (s *Service) notifyVoicemail(box *VoicemailBox, m *model.VoicemailMessage, wav []byte) {
	if s.cfg.Mailer == nil || box.Owner.Email == "" {
		return
	}
	n := VoicemailNotice{To: box.Owner.Email, UserName: box.Owner.DisplayName, Extension: box.Extension, Message: *m,
		Tenant: box.Tenant.Name, Location: location(box.Tenant.TimeZone)}
	if box.Settings.AttachAudio {
		n.WAV = wav
	}
	go func() {
		if err := s.cfg.Mailer.SendVoicemail(context.Background(), n); err != nil {
			s.log.Warn("voicemail email", "user_id", box.Owner.ID, "error", err.Error())
		}
	}()
}
