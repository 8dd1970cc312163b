package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// Meeting rooms get an extension from this range, free among the tenant's
// users, call queues, ring groups and rooms.
const (
	meetingExtFirst = 8000
	meetingExtLast  = 8999
)

// MeetingSchema is the query schema of meeting lists.
func MeetingSchema() query.Schema {
	return query.Schema{
		"extension_number": {Column: "extension_number", Type: query.String, Filterable: true, Sortable: true, NoFold: true},
		"created_at":       {Column: "created_at", Type: query.Time, Filterable: true, Sortable: true},
	}
}

func scanMeeting(row rowScanner) (*model.Meeting, error) {
	var m model.Meeting
	var data, state string
	var created int64
	if err := row.Scan(&m.ID, &m.TenantID, &m.OwnerID, &m.ExtensionNumber, &data, &state, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &m); err != nil {
		return nil, fmt.Errorf("decode meeting %s: %w", m.ID, err)
	}
	if err := json.Unmarshal([]byte(state), &m.RuntimeStatus); err != nil {
		return nil, fmt.Errorf("decode meeting %s: %w", m.ID, err)
	}
	m.CreatedAt = fromMicros(created)
	return &m, nil
}

const meetingColumns = `id, tenant_id, owner_id, extension_number, data, state, created_at`

func meetingDocs(m *model.Meeting) (string, string, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return "", "", err
	}
	state, err := json.Marshal(m.RuntimeStatus)
	return string(data), string(state), err
}

func setInvitees(ctx context.Context, c conn, m *model.Meeting) error {
	if _, err := c.exec(ctx, `DELETE FROM meeting_invitees WHERE meeting_id = ?`, m.ID); err != nil {
		return fmt.Errorf("meeting invitees: %w", err)
	}
	for i, u := range m.InternalInvitees {
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND id = ?`, m.TenantID, u).Scan(&n); err != nil {
			return fmt.Errorf("meeting invitees: %w", err)
		}
		if n == 0 {
			return model.Invalid(fmt.Sprintf("internal_invitees[%d]", i), "is not a user of this tenant")
		}
		if _, err := c.exec(ctx, `INSERT INTO meeting_invitees (meeting_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, m.ID, u); err != nil {
			return fmt.Errorf("meeting invitees: %w", err)
		}
	}
	return nil
}

// CreateMeeting stores a room, giving it the first free extension of the
// meeting range.
func (s *Store) CreateMeeting(ctx context.Context, m *model.Meeting) error {
	m.CreatedAt = norm(time.Now())
	return s.inTx(ctx, func(c conn) error {
		if c.dialect == DialectPostgres { // one extension chooser per tenant at a time
			if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('meetext:' || ?))`, m.TenantID); err != nil {
				return err
			}
		}
		taken, err := extensionsIn(ctx, c, m.TenantID, "", extUsers, extGroups, extMeetings)
		if err != nil {
			return fmt.Errorf("create meeting: %w", err)
		}
		m.ExtensionNumber = ""
		for n := meetingExtFirst; n <= meetingExtLast; n++ {
			if e := strconv.Itoa(n); !taken[e] {
				m.ExtensionNumber = e
				break
			}
		}
		if m.ExtensionNumber == "" {
			return model.Conflict("extension_number", "every meeting extension (%d–%d) is taken", meetingExtFirst, meetingExtLast)
		}
		data, state, err := meetingDocs(m)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `INSERT INTO meetings (`+meetingColumns+`, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ID, m.TenantID, m.OwnerID, m.ExtensionNumber, data, state, micros(m.CreatedAt), query.Fold(m.Subject+" "+m.ExtensionNumber)); err != nil {
			return fmt.Errorf("create meeting: %w", err)
		}
		return setInvitees(ctx, c, m)
	})
}

// GetMeeting returns a room of the tenant.
func (s *Store) GetMeeting(ctx context.Context, tenantID, id string) (*model.Meeting, error) {
	m, err := scanMeeting(s.c().queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return nil, notFound("get meeting", err)
	}
	return m, nil
}

// IsInvitee tells whether userID is invited to a room.
func (s *Store) IsInvitee(ctx context.Context, meetingID, userID string) (bool, error) {
	var n int
	err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM meeting_invitees WHERE meeting_id = ? AND user_id = ?`, meetingID, userID).Scan(&n)
	return n > 0, err
}

// ListMeetings lists the rooms a user owns or is invited to.
func (s *Store) ListMeetings(ctx context.Context, tenantID, userID string, q *query.List) (int, []model.Meeting, error) {
	return listPaged(ctx, s, listSpec[model.Meeting]{op: "list meetings", table: "meetings", cols: meetingColumns,
		conds: []string{"tenant_id = ?", "(owner_id = ? OR id IN (SELECT meeting_id FROM meeting_invitees WHERE user_id = ?))"},
		args:  []any{tenantID, userID, userID}, order: "created_at, id", scan: scanMeeting}, q)
}

// UpdateMeeting loads a room and its participants (locked), lets fn change
// them, and writes both back in one transaction.
func (s *Store) UpdateMeeting(ctx context.Context, tenantID, id string, fn func(m *model.Meeting, ps *[]model.Participant) error) error {
	return s.inTx(ctx, func(c conn) error {
		m, err := scanMeeting(c.queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE tenant_id = ? AND id = ?`+c.forUpdate(), tenantID, id))
		if err != nil {
			return notFound("update meeting", err)
		}
		ps, err := participants(ctx, c, id)
		if err != nil {
			return err
		}
		invitees := fmt.Sprint(m.InternalInvitees)
		if err := fn(m, &ps); err != nil {
			return err
		}
		data, state, err := meetingDocs(m)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE meetings SET data = ?, state = ?, search_text = ? WHERE id = ?`, data, state,
			query.Fold(m.Subject+" "+m.ExtensionNumber), id); err != nil {
			return fmt.Errorf("update meeting: %w", err)
		}
		if fmt.Sprint(m.InternalInvitees) != invitees {
			if err := setInvitees(ctx, c, m); err != nil {
				return err
			}
		}
		if _, err := c.exec(ctx, `DELETE FROM meeting_participants WHERE meeting_id = ?`, id); err != nil {
			return fmt.Errorf("update participants: %w", err)
		}
		for i, p := range ps {
			raw, err := json.Marshal(p)
			if err != nil {
				return err
			}
			if _, err := c.exec(ctx, `INSERT INTO meeting_participants (id, meeting_id, data, seq) VALUES (?, ?, ?, ?)`, p.ID, id, string(raw), i); err != nil {
				return fmt.Errorf("update participants: %w", err)
			}
		}
		return nil
	})
}

func participants(ctx context.Context, c conn, meetingID string) ([]model.Participant, error) {
	return queryAll(ctx, c, "participants", func(row rowScanner) (*model.Participant, error) {
		var data string
		var p model.Participant
		if err := row.Scan(&data); err != nil {
			return nil, err
		}
		return &p, json.Unmarshal([]byte(data), &p)
	}, `SELECT data FROM meeting_participants WHERE meeting_id = ? ORDER BY seq`, meetingID)
}

// Participants lists a room's participants in order of arrival.
func (s *Store) Participants(ctx context.Context, meetingID string) ([]model.Participant, error) {
	return participants(ctx, s.c(), meetingID)
}

// DeleteMeeting removes a room.
func (s *Store) DeleteMeeting(ctx context.Context, tenantID, id string) error {
	res, err := s.c().exec(ctx, `DELETE FROM meetings WHERE tenant_id = ? AND id = ?`, tenantID, id)
	return deleted("delete meeting", res, err)
}
