package directory

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Meetings are conference rooms: a state machine over settings, running
// state (ONLINE/OFFLINE, locked, muted, recording) and participants. No
// audio is mixed here: a media server reports joins and leaves through
// ReportMeetingEvent, and an invitation records the invited participant
// as INVITING until it joins.

// PermMeetings lets a user have meeting rooms.
const PermMeetings = "general.meeting"

// PermMediaServer reports joins and leaves (the trusted switch's role).
const PermMediaServer = PermIngestCallLogs

var (
	meetingReadOnly    = keySet([]string{"id", "extension_number", "created_at", "mode", "ownership", "domain", "sbc_host", "sbc_port", "token", "capacity_used"})
	meetingCreateRules = fieldRules{accept: keysOf(model.Meeting{}, "id", "extension_number", "created_at"), readOnly: meetingReadOnly}
	meetingUpdateRules = fieldRules{accept: without(meetingCreateRules.accept, "mode"), readOnly: meetingReadOnly}
)

// MeetingView is a room as the API shows it: its settings, whether the
// caller owns it, and what a client needs to join.
type MeetingView struct {
	*model.Meeting
	Ownership bool   `json:"ownership"`
	Domain    string `json:"domain,omitempty"`
	SBCHost   string `json:"sbc_host,omitempty"`
	SBCPort   int    `json:"sbc_port,omitempty"`
	Token     string `json:"token,omitempty" doc:"An opaque join token of the room"`
}

func (s *Service) meetingView(ctx context.Context, c *Caller, m *model.Meeting, detail bool) (*MeetingView, error) {
	v := &MeetingView{Meeting: m, Ownership: m.OwnerID == c.UserID}
	if detail {
		t, err := s.store.GetTenant(ctx, c.TenantID)
		if err != nil {
			return nil, err
		}
		key, err := s.syncKey(ctx)
		if err != nil {
			return nil, err
		}
		mac := hmac.New(sha256.New, key)
		mac.Write([]byte("meeting:" + m.ID))
		v.Domain, v.Token = t.Domain, strings.ToUpper(base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16]))
	}
	if !v.Ownership { // PINs are the owner's
		cp := *m
		cp.AdminPIN = ""
		v.Meeting = &cp
	}
	return v, nil
}

// MeetingPatch is the body of a meeting room's create or update.
type MeetingPatch = Patch[model.MeetingSettings]

// CreateMeeting makes a room owned by the caller.
func (s *Service) CreateMeeting(ctx context.Context, c *Caller, p *MeetingPatch) (*model.Meeting, error) {
	if err := c.require(PermMeetings); err != nil {
		return nil, err
	}
	mt := &model.Meeting{ID: model.NewID(), TenantID: c.TenantID, OwnerID: c.UserID, MeetingSettings: model.MeetingSettings{EnablePrompt: true}}
	mt.RuntimeStatus.Status = "OFFLINE"
	if err := apply(p, mt, meetingCreateRules); err != nil {
		return nil, err
	}
	if err := model.ValidateMeeting(mt, p.Given(), s.now(), true); err != nil {
		return nil, err
	}
	return mt, s.store.CreateMeeting(ctx, mt)
}

// meetingFor loads a room the caller owns or is invited to (others'
// rooms: 404); with owner, an invitee is refused (403).
func (s *Service) meetingFor(ctx context.Context, c *Caller, id string, owner bool) (*model.Meeting, error) {
	if err := c.require(PermMeetings); err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	m, err := s.store.GetMeeting(ctx, c.TenantID, id)
	if err != nil {
		return nil, err
	}
	if m.OwnerID == c.UserID {
		return m, nil
	}
	invited, err := s.store.IsInvitee(ctx, m.ID, c.UserID)
	if err != nil {
		return nil, err
	}
	if !invited {
		return nil, model.ErrNotFound
	}
	if owner {
		return nil, model.Forbidden("only the meeting's owner can do this")
	}
	return m, nil
}

// GetMeeting returns a room the caller owns or is invited to.
func (s *Service) GetMeeting(ctx context.Context, c *Caller, id string) (*MeetingView, error) {
	m, err := s.meetingFor(ctx, c, id, false)
	if err != nil {
		return nil, err
	}
	return s.meetingView(ctx, c, m, true)
}

// ListMeetings lists the rooms the caller owns or is invited to.
func (s *Service) ListMeetings(ctx context.Context, c *Caller, p query.Params) (int, []*MeetingView, error) {
	if err := c.require(PermMeetings); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.MeetingSchema())
	if err != nil {
		return 0, nil, err
	}
	n, list, err := s.store.ListMeetings(ctx, c.TenantID, c.UserID, q)
	if err != nil {
		return 0, nil, err
	}
	out := make([]*MeetingView, len(list))
	for i := range list {
		if out[i], err = s.meetingView(ctx, c, &list[i], false); err != nil {
			return 0, nil, err
		}
	}
	return n, out, nil
}

// UpdateMeeting changes a room's settings (the owner's; not its mode).
func (s *Service) UpdateMeeting(ctx context.Context, c *Caller, id string, p *MeetingPatch) error {
	if _, err := s.meetingFor(ctx, c, id, true); err != nil {
		return err
	}
	var participants *[]model.Participant
	return update(ctx, c, id, p, updater[model.Meeting]{rules: meetingUpdateRules,
		store: func(ctx context.Context, change func(*model.Meeting) error) error {
			return s.store.UpdateMeeting(ctx, c.TenantID, id, func(mt *model.Meeting, ps *[]model.Participant) error {
				participants = ps
				return change(mt)
			})
		},
		after: func(mt *model.Meeting) error {
			if err := model.ValidateMeeting(mt, p.Given(), s.now(), false); err != nil {
				return err
			}
			if len(*participants) > mt.Capacity {
				return model.Invalid("capacity", "is below the %d participants in the room", len(*participants))
			}
			return nil
		},
	})
}

// DeleteMeeting removes a room (the owner's).
func (s *Service) DeleteMeeting(ctx context.Context, c *Caller, id string) error {
	if _, err := s.meetingFor(ctx, c, id, true); err != nil {
		return err
	}
	return s.store.DeleteMeeting(ctx, c.TenantID, id)
}

// MeetingStatus is a room's running state.
func (s *Service) MeetingStatus(ctx context.Context, c *Caller, id string) (*model.MeetingStatus, error) {
	m, err := s.meetingFor(ctx, c, id, false)
	if err != nil {
		return nil, err
	}
	return &m.RuntimeStatus, nil
}

func conflict(msg string) error { return model.Conflict("status", "%s", msg) }

// MeetingAction runs one of the room's controls (the owner's): start,
// stop, lock, unlock, mute, unmute, start_recording, stop_recording.
func (s *Service) MeetingAction(ctx context.Context, c *Caller, id, action string) error {
	if _, err := s.meetingFor(ctx, c, id, true); err != nil {
		return err
	}
	now := s.now()
	return s.store.UpdateMeeting(ctx, c.TenantID, id, func(m *model.Meeting, ps *[]model.Participant) error {
		st := &m.RuntimeStatus
		online := st.Status == "ONLINE"
		if action != "start" && action != "stop" && !online {
			return conflict("the meeting is not started")
		}
		switch action {
		case "start":
			if online {
				return conflict("the meeting is already started")
			}
			if m.ScheduledEndAt != nil && now.After(*m.ScheduledEndAt) {
				return conflict("the meeting's scheduled time is over")
			}
			st.Status, st.Recording = "ONLINE", m.EnableRecording
		case "stop":
			if !online {
				return conflict("the meeting is not started")
			}
			*st = model.MeetingStatus{Status: "OFFLINE"}
			*ps = []model.Participant{} // everyone leaves
		case "lock", "unlock":
			st.Locked = action == "lock"
		case "mute", "unmute":
			st.Muted = action == "mute"
			for i := range *ps {
				if !(*ps)[i].Chairman {
					(*ps)[i].Muted = st.Muted
				}
			}
		case "start_recording":
			if st.Recording {
				return conflict("the meeting is already recording")
			}
			st.Recording = true
		case "stop_recording":
			if !st.Recording {
				return conflict("the meeting is not recording")
			}
			st.Recording = false
		default:
			return model.ErrNotFound
		}
		return nil
	})
}

// Participants lists a room's participants.
func (s *Service) Participants(ctx context.Context, c *Caller, id string) ([]model.Participant, error) {
	m, err := s.meetingFor(ctx, c, id, false)
	if err != nil {
		return nil, err
	}
	return s.store.Participants(ctx, m.ID)
}

// Participant returns one participant.
func (s *Service) Participant(ctx context.Context, c *Caller, id, pid string) (*model.Participant, error) {
	ps, err := s.Participants(ctx, c, id)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if ps[i].ID == pid {
			return &ps[i], nil
		}
	}
	return nil, model.ErrNotFound
}

// Invite asks number (an extension or a phone number) into a running,
// unlocked room with room to spare: it is recorded as INVITING until the
// media server reports the join.
func (s *Service) Invite(ctx context.Context, c *Caller, id, number string) (string, error) {
	if _, err := s.meetingFor(ctx, c, id, true); err != nil {
		return "", err
	}
	number = strings.TrimSpace(number)
	if number == "" {
		return "", model.Invalid("number", "is required")
	}
	if err := model.ValidatePhoneNumber("number", number); err != nil {
		return "", err
	}
	name := number
	if u, err := s.store.GetUserByExtension(ctx, c.TenantID, number); err == nil {
		t, err := s.store.GetTenant(ctx, c.TenantID)
		if err != nil {
			return "", err
		}
		name = `"` + u.DisplayName + `"<sip:` + number + `@` + t.Domain + `>`
	}
	pid := model.NewID()
	err := s.store.UpdateMeeting(ctx, c.TenantID, id, func(m *model.Meeting, ps *[]model.Participant) error {
		if m.RuntimeStatus.Status != "ONLINE" {
			return conflict("the meeting is not started")
		}
		if m.RuntimeStatus.Locked {
			return conflict("the meeting is locked")
		}
		if len(*ps) >= m.Capacity {
			return model.Conflict("capacity", "the meeting is full (%d participants)", m.Capacity)
		}
		for _, p := range *ps {
			if p.Number == number {
				return model.Conflict("number", "%s is already in the meeting", number)
			}
		}
		*ps = append(*ps, model.Participant{ID: pid, DisplayName: name, Number: number, State: "INVITING", Muted: m.RuntimeStatus.Muted,
			Position: len(*ps), At: s.now().UTC()})
		return nil
	})
	return pid, err
}

// ParticipantAction runs a participant control (the owner's): mute,
// unmute, chairman (transfers the chair), position, destroy (kick out).
func (s *Service) ParticipantAction(ctx context.Context, c *Caller, id, pid, action string, position int) error {
	if _, err := s.meetingFor(ctx, c, id, true); err != nil {
		return err
	}
	return s.store.UpdateMeeting(ctx, c.TenantID, id, func(m *model.Meeting, ps *[]model.Participant) error {
		idx := -1
		for i := range *ps {
			if (*ps)[i].ID == pid {
				idx = i
			}
		}
		if idx < 0 {
			return model.ErrNotFound
		}
		p := &(*ps)[idx]
		switch action {
		case "mute", "unmute":
			p.Muted = action == "mute"
		case "chairman":
			for i := range *ps {
				(*ps)[i].Chairman = i == idx
			}
		case "position":
			if m.Mode != "VIDEO" {
				return model.Invalid("position", "exists only in VIDEO mode")
			}
			if position < -1 || position >= m.Capacity {
				return model.Invalid("position", "must be from -1 (hidden) to %d", m.Capacity-1)
			}
			p.Position = position
		case "destroy":
			*ps = append((*ps)[:idx], (*ps)[idx+1:]...)
		default:
			return model.ErrNotFound
		}
		return nil
	})
}

// SetLayout places participants in the video layout in the order given
// (the others are hidden).
func (s *Service) SetLayout(ctx context.Context, c *Caller, id string, order []string) error {
	if _, err := s.meetingFor(ctx, c, id, true); err != nil {
		return err
	}
	return s.store.UpdateMeeting(ctx, c.TenantID, id, func(m *model.Meeting, ps *[]model.Participant) error {
		if m.Mode != "VIDEO" {
			return model.Invalid("items", "the layout exists only in VIDEO mode")
		}
		pos := map[string]int{}
		for i, pid := range order {
			if _, dup := pos[pid]; dup {
				return model.Invalid("items", "lists a participant twice")
			}
			pos[pid] = i
		}
		found := 0
		for i := range *ps {
			if p, ok := pos[(*ps)[i].ID]; ok {
				(*ps)[i].Position = p
				found++
			} else {
				(*ps)[i].Position = -1
			}
		}
		if found != len(order) {
			return model.Invalid("items", "lists someone who is not a participant")
		}
		return nil
	})
}

// MeetingEvent is what a media server reports.
type MeetingEvent struct {
	Type        string `json:"type" enum:"JOINED,LEFT" required:"true"`
	Number      string `json:"number" maxLength:"64" required:"true" doc:"Who: the extension or phone number"`
	DisplayName string `json:"display_name,omitempty" maxLength:"256"`
}

// ReportMeetingEvent records a join or a leave reported by the media
// server: a join turns an invitation into a participant (or adds one, if
// the room is running, unlocked and not full); a leave removes it, and
// with close_on_nobody the last leave stops the room.
func (s *Service) ReportMeetingEvent(ctx context.Context, c *Caller, id string, ev MeetingEvent) (string, error) {
	if err := c.require(PermMediaServer); err != nil {
		return "", err
	}
	if !model.ValidID(id) {
		return "", model.ErrNotFound
	}
	var pid string
	err := s.store.UpdateMeeting(ctx, c.TenantID, id, func(m *model.Meeting, ps *[]model.Participant) error {
		idx := -1
		for i := range *ps {
			if (*ps)[i].Number == ev.Number {
				idx = i
			}
		}
		switch ev.Type {
		case "JOINED":
			if m.RuntimeStatus.Status != "ONLINE" {
				return conflict("the meeting is not started")
			}
			if idx >= 0 {
				(*ps)[idx].State, pid = "JOINED", (*ps)[idx].ID
				if ev.DisplayName != "" {
					(*ps)[idx].DisplayName = ev.DisplayName
				}
				return nil
			}
			if m.RuntimeStatus.Locked {
				return conflict("the meeting is locked")
			}
			if len(*ps) >= m.Capacity {
				return model.Conflict("capacity", "the meeting is full (%d participants)", m.Capacity)
			}
			name := ev.DisplayName
			if name == "" {
				name = ev.Number
			}
			pid = model.NewID()
			*ps = append(*ps, model.Participant{ID: pid, DisplayName: name, Number: ev.Number, State: "JOINED", Muted: m.RuntimeStatus.Muted,
				Chairman: len(*ps) == 0, Position: len(*ps), At: s.now().UTC()})
		case "LEFT":
			if idx < 0 {
				return model.ErrNotFound
			}
			pid = (*ps)[idx].ID
			*ps = append((*ps)[:idx], (*ps)[idx+1:]...)
			if len(*ps) == 0 && m.CloseOnNobody {
				m.RuntimeStatus = model.MeetingStatus{Status: "OFFLINE"}
			}
		default:
			return model.Invalid("type", "must be JOINED or LEFT")
		}
		return nil
	})
	return pid, err
}
