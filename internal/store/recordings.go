package store

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// RecordingSchema is the query schema of recording lists.
func RecordingSchema() query.Schema {
	f := func(col string, t query.FieldType) query.Field {
		return query.Field{Column: col, Type: t, Filterable: true, Sortable: true}
	}
	return query.Schema{"caller": f("caller", query.String), "callee": f("callee", query.String), "call_id": f("call_id", query.String),
		"started_at": f("started_at", query.Time), "ended_at": f("ended_at", query.Time)}
}

const recordingColumns = `id, tenant_id, user_id, call_id, caller, callee, started_at, ended_at, blob_id,
	(SELECT name FROM blobs WHERE blobs.id = recordings.blob_id), (SELECT size FROM blobs WHERE blobs.id = recordings.blob_id)`

func scanRecording(row rowScanner) (*model.Recording, error) {
	var r model.Recording
	var started, ended int64
	var name *string
	var size *int64
	if err := row.Scan(&r.ID, &r.TenantID, &r.UserID, &r.CallID, &r.Caller, &r.Callee, &started, &ended, &r.FileID, &name, &size); err != nil {
		return nil, err
	}
	r.StartedAt, r.EndedAt = fromMicros(started), fromMicros(ended)
	r.Duration = int64(r.EndedAt.Sub(r.StartedAt) / time.Second)
	if name != nil {
		r.FileName = *name
	}
	if size != nil {
		r.FileSize = *size
	}
	r.FileURL = "/api/blobs/" + r.FileID
	return &r, nil
}

// CreateRecordings stores recordings, all or none; each one's audio blob,
// which uploaderID must have uploaded, passes to the recording's user (who
// may then download it).
func (s *Store) CreateRecordings(ctx context.Context, uploaderID string, recs []model.Recording) error {
	return s.inTx(ctx, func(c conn) error {
		for i := range recs {
			r := &recs[i]
			res, err := c.exec(ctx, `UPDATE blobs SET user_id = ? WHERE tenant_id = ? AND id = ? AND kind = ? AND user_id = ?`,
				r.UserID, r.TenantID, r.FileID, model.BlobAudio, uploaderID)
			if err != nil {
				return fmt.Errorf("create recording: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return model.Invalid(fmt.Sprintf("items[%d].file_id", i), "is not an audio file you uploaded")
			}
			if _, err := c.exec(ctx, `INSERT INTO recordings (id, tenant_id, user_id, call_id, caller, callee, started_at, ended_at, blob_id, search_text)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, r.TenantID, r.UserID, r.CallID, r.Caller, r.Callee, micros(r.StartedAt), micros(r.EndedAt),
				r.FileID, query.Fold(r.Caller+" "+r.Callee)); err != nil {
				return fmt.Errorf("create recording: %w", err)
			}
		}
		return nil
	})
}

// ListRecordings lists a user's recordings with the query language.
func (s *Store) ListRecordings(ctx context.Context, tenantID, userID string, q *query.List) (int, []model.Recording, error) {
	return listPaged(ctx, s, listSpec[model.Recording]{op: "list recordings", table: "recordings", cols: recordingColumns,
		conds: []string{"tenant_id = ?", "user_id = ?"}, args: []any{tenantID, userID}, order: "started_at DESC, id", scan: scanRecording}, q)
}

// GetRecording returns one of a user's recordings.
func (s *Store) GetRecording(ctx context.Context, tenantID, userID, id string) (*model.Recording, error) {
	r, err := scanRecording(s.c().queryRow(ctx, `SELECT `+recordingColumns+` FROM recordings WHERE tenant_id = ? AND user_id = ? AND id = ?`,
		tenantID, userID, id))
	if err != nil {
		return nil, notFound("get recording", err)
	}
	return r, nil
}

// DeleteRecording removes a recording and its audio file's record.
func (s *Store) DeleteRecording(ctx context.Context, tenantID, userID, id string) error {
	return s.inTx(ctx, func(c conn) error {
		var blob string
		if err := c.queryRow(ctx, `SELECT blob_id FROM recordings WHERE tenant_id = ? AND user_id = ? AND id = ?`, tenantID, userID, id).Scan(&blob); err != nil {
			return notFound("delete recording", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM recordings WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete recording: %w", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM blobs WHERE tenant_id = ? AND id = ?`, tenantID, blob); err != nil {
			return fmt.Errorf("delete recording file: %w", err)
		}
		return nil
	})
}

// MessageSchema is the query schema of external message lists.
func MessageSchema() query.Schema {
	f := func(col string, t query.FieldType) query.Field {
		return query.Field{Column: col, Type: t, Filterable: true, Sortable: true}
	}
	return query.Schema{"sender": f("sender", query.String), "receiver": f("receiver", query.String), "direction": f("direction", query.String),
		"msg_type": f("msg_type", query.String), "delivery": f("delivery", query.String), "did": f("did", query.String),
		"created_at": f("created_at", query.Time)}
}

const messageColumns = `id, tenant_id, user_id, config_id, sender, sender_name, receiver, receiver_name, channel_name, channel_number,
	brand, did, msg_type, direction, content, reason, delivery, provider_msg_id, created_at`

func scanMessage(row rowScanner) (*model.ExternalMessage, error) {
	var m model.ExternalMessage
	var created int64
	if err := row.Scan(&m.ID, &m.TenantID, &m.UserID, &m.ConfigID, &m.Sender, &m.SenderName, &m.Receiver, &m.ReceiverName, &m.ChannelName,
		&m.ChannelNumber, &m.Brand, &m.DID, &m.MsgType, &m.Direction, &m.Content, &m.Reason, &m.Delivery, &m.ProviderMsgID, &created); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMicros(created)
	return &m, nil
}

func insertMessage(ctx context.Context, c conn, m *model.ExternalMessage) error {
	if _, err := c.exec(ctx, `INSERT INTO external_messages (`+messageColumns+`, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.TenantID, m.UserID, m.ConfigID, m.Sender, m.SenderName, m.Receiver, m.ReceiverName, m.ChannelName, m.ChannelNumber,
		m.Brand, m.DID, m.MsgType, m.Direction, m.Content, m.Reason, m.Delivery, m.ProviderMsgID, micros(norm(m.CreatedAt)),
		query.Fold(m.Sender+" "+m.SenderName+" "+m.Receiver+" "+m.ReceiverName+" "+m.Content)); err != nil {
		return fmt.Errorf("create message: %w", err)
	}
	return nil
}

// AutoReply decides whether msgs' replies may go: for each, the reply is
// stored only if the user has not auto-replied to that number within
// window before now (checked and noted atomically, across nodes).
type AutoReply struct {
	UserID, Number string
	Reply          *model.ExternalMessage
}

// CreateMessages stores messages, all or none, and, in the same
// transaction, the auto-replies whose window allows them; it returns how
// many replies were stored.
func (s *Store) CreateMessages(ctx context.Context, msgs []model.ExternalMessage, replies []AutoReply, now time.Time, window time.Duration) (int, error) {
	sent := 0
	err := s.inTx(ctx, func(c conn) error {
		sent = 0
		for i := range msgs {
			if err := insertMessage(ctx, c, &msgs[i]); err != nil {
				return err
			}
		}
		for _, r := range replies {
			res, err := c.exec(ctx, `INSERT INTO sms_autoreplies (user_id, number, last_at) VALUES (?, ?, ?)
				ON CONFLICT (user_id, number) DO UPDATE SET last_at = excluded.last_at WHERE sms_autoreplies.last_at <= ?`,
				r.UserID, r.Number, micros(now), micros(now.Add(-window)))
			if err != nil {
				return fmt.Errorf("auto-reply: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				continue // replied to this number within the window
			}
			if err := insertMessage(ctx, c, r.Reply); err != nil {
				return err
			}
			sent++
		}
		return nil
	})
	return sent, err
}

// ListMessages lists a user's external messages with the query language.
func (s *Store) ListMessages(ctx context.Context, tenantID, userID string, q *query.List) (int, []model.ExternalMessage, error) {
	return listPaged(ctx, s, listSpec[model.ExternalMessage]{op: "list messages", table: "external_messages", cols: messageColumns,
		conds: []string{"tenant_id = ?", "user_id = ?"}, args: []any{tenantID, userID}, order: "created_at DESC, id", scan: scanMessage}, q)
}

// GetMessage returns one of a user's external messages.
func (s *Store) GetMessage(ctx context.Context, tenantID, userID, id string) (*model.ExternalMessage, error) {
	m, err := scanMessage(s.c().queryRow(ctx, `SELECT `+messageColumns+` FROM external_messages WHERE tenant_id = ? AND user_id = ? AND id = ?`,
		tenantID, userID, id))
	if err != nil {
		return nil, notFound("get message", err)
	}
	return m, nil
}
