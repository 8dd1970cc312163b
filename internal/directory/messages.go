package directory

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Permissions of recordings.
const (
	PermOwnRecordings    = "user_call_log.call_recording_view_only or user_call_log.call_recording_full_access"
	PermDeleteRecordings = "user_call_log.call_recording_full_access"
)

// Auto-responder limits.
const (
	AutoReplyWindow = 30 * time.Second
	// MaxIngestBatch bounds the items of one ingestion request.
	MaxIngestBatch = 1000
)

// RecordingIn is a recording sent by a trusted switch: its user's
// extension, the call, and an uploaded audio file.
type RecordingIn struct {
	Extension string    `json:"extension" maxLength:"64" required:"true"`
	CallID    string    `json:"call_id,omitempty" maxLength:"256"`
	Caller    string    `json:"caller" maxLength:"128"`
	Callee    string    `json:"callee" maxLength:"128"`
	StartedAt time.Time `json:"started_at" required:"true"`
	EndedAt   time.Time `json:"ended_at" required:"true"`
	FileID    string    `json:"file_id" maxLength:"64" required:"true" doc:"An audio file uploaded with POST /api/blobs; it passes to the user"`
}

// MessageIn is an external message sent by a trusted switch.
type MessageIn struct {
	Extension string `json:"extension" maxLength:"64" required:"true" doc:"The user it belongs to"`
	// Group marks a message to or from a group conversation (never
	// auto-answered).
	Group bool `json:"group,omitempty"`
	model.ExternalMessage
}

// userByExt resolves extensions of a batch, naming the item on failure.
func (s *Service) userByExt(ctx context.Context, tenantID string, cache map[string]*model.User, i int, ext string) (*model.User, error) {
	if u, ok := cache[ext]; ok {
		return u, nil
	}
	u, err := s.store.GetUserByExtension(ctx, tenantID, ext)
	if errors.Is(err, model.ErrNotFound) {
		return nil, model.Invalid(fmt.Sprintf("items[%d].extension", i), "is not an extension of this tenant")
	} else if err != nil {
		return nil, err
	}
	cache[ext] = u
	return u, nil
}

func itemError(i int, err error) error {
	var fe *model.FieldError
	if errors.As(err, &fe) {
		return model.Invalid(fmt.Sprintf("items[%d].%s", i, fe.Field), "%s", fe.Message)
	}
	return err
}

// IngestRecordings stores recordings sent by a trusted switch, all or
// none, and returns their ids.
func (s *Service) IngestRecordings(ctx context.Context, c *Caller, items []RecordingIn) ([]string, error) {
	if err := c.require(PermIngestCallLogs); err != nil {
		return nil, err
	}
	if len(items) == 0 || len(items) > MaxIngestBatch {
		return nil, model.Invalid("items", "must hold 1 to %d recordings", MaxIngestBatch)
	}
	users := map[string]*model.User{}
	recs := make([]model.Recording, len(items))
	ids := make([]string, len(items))
	for i, in := range items {
		u, err := s.userByExt(ctx, c.TenantID, users, i, in.Extension)
		if err != nil {
			return nil, err
		}
		if in.StartedAt.IsZero() {
			return nil, model.Invalid(fmt.Sprintf("items[%d].started_at", i), "is required")
		}
		if in.EndedAt.Before(in.StartedAt) {
			return nil, model.Invalid(fmt.Sprintf("items[%d].ended_at", i), "is before started_at")
		}
		if !model.ValidID(in.FileID) {
			return nil, model.Invalid(fmt.Sprintf("items[%d].file_id", i), "is not an audio file of this tenant")
		}
		ids[i] = model.NewID()
		recs[i] = model.Recording{ID: ids[i], TenantID: c.TenantID, UserID: u.ID, CallID: in.CallID, Caller: in.Caller, Callee: in.Callee,
			StartedAt: in.StartedAt.UTC(), EndedAt: in.EndedAt.UTC(), FileID: in.FileID}
	}
	return ids, s.store.CreateRecordings(ctx, c.UserID, recs)
}

// ListRecordings lists the caller's recordings.
func (s *Service) ListRecordings(ctx context.Context, c *Caller, p query.Params) (int, []model.Recording, error) {
	if err := c.require(PermOwnRecordings); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.RecordingSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListRecordings(ctx, c.TenantID, c.UserID, q)
}

// GetRecording returns one of the caller's recordings.
func (s *Service) GetRecording(ctx context.Context, c *Caller, id string) (*model.Recording, error) {
	if err := c.require(PermOwnRecordings); err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	return s.store.GetRecording(ctx, c.TenantID, c.UserID, id)
}

// DeleteRecording removes one of the caller's recordings and its file.
func (s *Service) DeleteRecording(ctx context.Context, c *Caller, id string) error {
	if err := c.require(PermDeleteRecordings); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return s.store.DeleteRecording(ctx, c.TenantID, c.UserID, id)
}

// IngestMessages stores external messages sent by a trusted switch, all or
// none, and returns their ids. An inbound direct SMS to a user with the
// auto-responder on is answered: one outbound message with the user's
// text, at most one per 30 s per sender number, never for group messages
// or messages from an extension of the tenant.
func (s *Service) IngestMessages(ctx context.Context, c *Caller, items []MessageIn) (ids []string, replies int, err error) {
	if err := c.require(PermIngestCallLogs); err != nil {
		return nil, 0, err
	}
	if len(items) == 0 || len(items) > MaxIngestBatch {
		return nil, 0, model.Invalid("items", "must hold 1 to %d messages", MaxIngestBatch)
	}
	now := s.now().UTC()
	users := map[string]*model.User{}
	extensions := map[string]bool{} // sender numbers that are extensions
	msgs := make([]model.ExternalMessage, len(items))
	var auto []store.AutoReply
	for i, in := range items {
		u, err := s.userByExt(ctx, c.TenantID, users, i, in.Extension)
		if err != nil {
			return nil, 0, err
		}
		m := in.ExternalMessage
		if err := model.ValidateExternalMessage(&m); err != nil {
			return nil, 0, itemError(i, err)
		}
		m.ID, m.TenantID, m.UserID = model.NewID(), c.TenantID, u.ID
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		msgs[i] = m
		if m.Direction != "IN" || in.Group || !u.EnableSMSAutoResponder || u.SMS == "DISABLE" || strings.TrimSpace(u.SMSAutoResponseText) == "" {
			continue
		}
		internal, known := extensions[m.Sender]
		if !known {
			_, err := s.store.GetUserByExtension(ctx, c.TenantID, m.Sender)
			if err != nil && !errors.Is(err, model.ErrNotFound) {
				return nil, 0, err
			}
			internal = err == nil
			extensions[m.Sender] = internal
		}
		if internal {
			continue // from a colleague: an internal message
		}
		reply := &model.ExternalMessage{ID: model.NewID(), TenantID: c.TenantID, UserID: u.ID, ConfigID: m.ConfigID, Sender: m.Receiver,
			SenderName: u.DisplayName, Receiver: m.Sender, ReceiverName: m.SenderName, ChannelName: m.ChannelName, ChannelNumber: m.ChannelNumber,
			Brand: m.Brand, DID: m.DID, MsgType: "SMS", Direction: "OUT", Content: u.SMSAutoResponseText, Reason: "AUTO_RESPONSE",
			Delivery: "PENDING", CreatedAt: now}
		auto = append(auto, store.AutoReply{UserID: u.ID, Number: m.Sender, Reply: reply})
	}
	sent, err := s.store.CreateMessages(ctx, msgs, auto, now, AutoReplyWindow)
	if err != nil {
		return nil, 0, err
	}
	ids = make([]string, len(msgs))
	for i := range msgs {
		ids[i] = msgs[i].ID
	}
	return ids, sent, nil
}

// ListMessages lists the caller's external messages, newest first.
func (s *Service) ListMessages(ctx context.Context, c *Caller, p query.Params) (int, []model.ExternalMessage, error) {
	q, err := query.Parse(p, store.MessageSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListMessages(ctx, c.TenantID, c.UserID, q)
}

// GetMessage returns one of the caller's external messages.
func (s *Service) GetMessage(ctx context.Context, c *Caller, id string) (*model.ExternalMessage, error) {
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	return s.store.GetMessage(ctx, c.TenantID, c.UserID, id)
}
