package store

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// EventMailbox is the event (see Subscribe) of every change of a
// mailbox's messages: a message left, marked, deleted. TenantID and ID
// name the mailbox (its user's id); MailboxCounts then gives what a
// message-waiting lamp shows.
const EventMailbox = "mailbox"

// VoicemailSchema is the query schema of voicemail message lists.
func VoicemailSchema() query.Schema {
	f := func(col string, t query.FieldType) query.Field {
		return query.Field{Column: col, Type: t, Filterable: true, Sortable: true}
	}
	return query.Schema{"caller": f("caller", query.String), "caller_name": f("caller_name", query.String),
		"extension": f("extension", query.String), "call_id": f("call_id", query.String), "created_at": f("created_at", query.Time),
		"duration_ms": f("duration_ms", query.Int), "heard": f("heard", query.Bool), "saved": f("saved", query.Bool)}
}

const voicemailColumns = `id, tenant_id, mailbox_id, extension, caller, caller_name, call_id, created_at, duration_ms, heard, saved, blob_id,
	(SELECT name FROM blobs WHERE blobs.id = voicemail_messages.blob_id), (SELECT size FROM blobs WHERE blobs.id = voicemail_messages.blob_id)`

func scanVoicemail(row rowScanner) (*model.VoicemailMessage, error) {
	var m model.VoicemailMessage
	var created int64
	var name *string
	var size *int64
	if err := row.Scan(&m.ID, &m.TenantID, &m.MailboxID, &m.Extension, &m.Caller, &m.CallerName, &m.CallID, &created, &m.DurationMS,
		&m.Heard, &m.Saved, &m.FileID, &name, &size); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMicros(created)
	m.Duration = (m.DurationMS + 500) / 1000
	if name != nil {
		m.FileName = *name
	}
	if size != nil {
		m.FileSize = *size
	}
	m.FileURL = "/api/blobs/" + m.FileID
	return &m, nil
}

// notifyMailbox announces a change of a mailbox to every node, when the
// transaction commits.
func notifyMailbox(ctx context.Context, c conn, tenantID, mailboxID string) error {
	return c.publish(ctx, Event{Kind: EventMailbox, TenantID: tenantID, ID: mailboxID})
}

// CreateVoicemail stores a message whose audio blob is already stored,
// unless its mailbox holds max messages already: then a
// *model.ConflictError on "mailbox" (the count and the insert are one
// transaction, with the mailbox's user locked, so two nodes cannot both
// fill the last place).
func (s *Store) CreateVoicemail(ctx context.Context, m *model.VoicemailMessage, max int) error {
	return s.inTx(ctx, func(c conn) error {
		var id string
		// Lock the mailbox's user (a detached mailbox has none: nobody
		// leaves messages there).
		if err := c.queryRow(ctx, `SELECT id FROM users WHERE tenant_id = ? AND id = ?`+c.forUpdate(), m.TenantID, m.MailboxID).Scan(&id); err != nil {
			return notFound("create voicemail", err)
		}
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ?`, m.TenantID, m.MailboxID).Scan(&n); err != nil {
			return fmt.Errorf("create voicemail: %w", err)
		}
		if n >= max {
			return model.Conflict("mailbox", "the mailbox is full (%d messages)", max)
		}
		m.CreatedAt = norm(m.CreatedAt)
		if _, err := c.exec(ctx, `INSERT INTO voicemail_messages (id, tenant_id, mailbox_id, extension, caller, caller_name, call_id, created_at,
			duration_ms, heard, saved, blob_id, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.TenantID, m.MailboxID, m.Extension, m.Caller, m.CallerName, m.CallID, micros(m.CreatedAt), m.DurationMS, m.Heard, m.Saved,
			m.FileID, query.Fold(m.Caller+" "+m.CallerName+" "+m.Extension)); err != nil {
			return fmt.Errorf("create voicemail: %w", err)
		}
		return notifyMailbox(ctx, c, m.TenantID, m.MailboxID)
	})
}

// ListVoicemails lists a mailbox's messages with the query language,
// newest first by default.
func (s *Store) ListVoicemails(ctx context.Context, tenantID, mailboxID string, q *query.List) (int, []model.VoicemailMessage, error) {
	return listPaged(ctx, s, listSpec[model.VoicemailMessage]{op: "list voicemails", table: "voicemail_messages", cols: voicemailColumns,
		conds: []string{"tenant_id = ?", "mailbox_id = ?"}, args: []any{tenantID, mailboxID}, order: "created_at DESC, id", scan: scanVoicemail}, q)
}

// MailboxMessages lists a mailbox's heard (heard true) or new messages,
// oldest first, for listening by phone.
func (s *Store) MailboxMessages(ctx context.Context, tenantID, mailboxID string, heard bool) ([]model.VoicemailMessage, error) {
	return queryAll(ctx, s.c(), "mailbox messages", scanVoicemail, `SELECT `+voicemailColumns+` FROM voicemail_messages
		WHERE tenant_id = ? AND mailbox_id = ? AND heard = ? ORDER BY created_at, id`, tenantID, mailboxID, heard)
}

// MailboxCounts returns how many messages a mailbox holds that are new
// (not heard) and old (heard): what a message-waiting lamp shows.
func (s *Store) MailboxCounts(ctx context.Context, tenantID, mailboxID string) (newCount, oldCount int, err error) {
	err = s.c().queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN heard THEN 0 ELSE 1 END), 0), COALESCE(SUM(CASE WHEN heard THEN 1 ELSE 0 END), 0)
		FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ?`, tenantID, mailboxID).Scan(&newCount, &oldCount)
	if err != nil {
		return 0, 0, fmt.Errorf("mailbox counts: %w", err)
	}
	return newCount, oldCount, nil
}

// GetVoicemail returns one message of a mailbox, or model.ErrNotFound.
func (s *Store) GetVoicemail(ctx context.Context, tenantID, mailboxID, id string) (*model.VoicemailMessage, error) {
	m, err := scanVoicemail(s.c().queryRow(ctx, `SELECT `+voicemailColumns+` FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ? AND id = ?`,
		tenantID, mailboxID, id))
	if err != nil {
		return nil, notFound("get voicemail", err)
	}
	return m, nil
}

// SetVoicemailState changes a message's heard and saved flags (nil keeps
// one), or returns model.ErrNotFound.
func (s *Store) SetVoicemailState(ctx context.Context, tenantID, mailboxID, id string, heard, saved *bool) error {
	return s.inTx(ctx, func(c conn) error {
		var h, sv bool
		if err := c.queryRow(ctx, `SELECT heard, saved FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ? AND id = ?`+c.forUpdate(),
			tenantID, mailboxID, id).Scan(&h, &sv); err != nil {
			return notFound("update voicemail", err)
		}
		if heard != nil {
			h = *heard
		}
		if saved != nil {
			sv = *saved
		}
		if _, err := c.exec(ctx, `UPDATE voicemail_messages SET heard = ?, saved = ? WHERE id = ?`, h, sv, id); err != nil {
			return fmt.Errorf("update voicemail: %w", err)
		}
		return notifyMailbox(ctx, c, tenantID, mailboxID)
	})
}

// DeleteVoicemail removes a message and its audio file's record.
func (s *Store) DeleteVoicemail(ctx context.Context, tenantID, mailboxID, id string) error {
	return s.inTx(ctx, func(c conn) error {
		var blob string
		if err := c.queryRow(ctx, `SELECT blob_id FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ? AND id = ?`,
			tenantID, mailboxID, id).Scan(&blob); err != nil {
			return notFound("delete voicemail", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM voicemail_messages WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete voicemail: %w", err)
		}
		if _, err := c.exec(ctx, `DELETE FROM blobs WHERE tenant_id = ? AND id = ?`, tenantID, blob); err != nil {
			return fmt.Errorf("delete voicemail file: %w", err)
		}
		return notifyMailbox(ctx, c, tenantID, mailboxID)
	})
}

// CountVoicemails counts a mailbox's messages.
func (s *Store) CountVoicemails(ctx context.Context, tenantID, mailboxID string) (int, error) {
	var n int
	if err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ?`, tenantID, mailboxID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count voicemails: %w", err)
	}
	return n, nil
}

// deleteMailbox removes a mailbox's messages and their files' records
// (the user goes with its mailbox).
func deleteMailbox(ctx context.Context, c conn, tenantID, mailboxID string) error {
	if _, err := c.exec(ctx, `DELETE FROM blobs WHERE tenant_id = ? AND id IN
		(SELECT blob_id FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ?)`, tenantID, tenantID, mailboxID); err != nil {
		return fmt.Errorf("delete mailbox files: %w", err)
	}
	if _, err := c.exec(ctx, `DELETE FROM voicemail_messages WHERE tenant_id = ? AND mailbox_id = ?`, tenantID, mailboxID); err != nil {
		return fmt.Errorf("delete mailbox: %w", err)
	}
	return nil
}

// moveMailbox gives a mailbox's messages to another mailbox (a removed
// user's messages to the detached mailbox kept in its place).
func moveMailbox(ctx context.Context, c conn, tenantID, from, to string) error {
	if _, err := c.exec(ctx, `UPDATE voicemail_messages SET mailbox_id = ? WHERE tenant_id = ? AND mailbox_id = ?`, to, tenantID, from); err != nil {
		return fmt.Errorf("keep mailbox messages: %w", err)
	}
	return nil
}
