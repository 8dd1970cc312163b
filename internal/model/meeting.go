package model

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Meeting is a conference room with the seed's settings.
type Meeting struct {
	ID              string `json:"id"`
	ExtensionNumber string `json:"extension_number"`
	MeetingSettings
	CreatedAt     time.Time     `json:"created_at"`
	RuntimeStatus MeetingStatus `json:"-"`
	OwnerID       string        `json:"-"`
	TenantID      string        `json:"-"`
}

// MeetingSettings are what a room's owner sets.
type MeetingSettings struct {
	Mode              string             `json:"mode" enum:"AUDIO,VIDEO" doc:"Fixed at creation"`
	Control           string             `json:"control" enum:"FREE,MASTER"`
	Height            int                `json:"height,omitempty" doc:"VIDEO only: 144 to 2160 (default 720)"`
	Width             int                `json:"width,omitempty" doc:"VIDEO only: 176 to 3840 (default 1280)"`
	Bitrate           int                `json:"bitrate,omitempty" doc:"VIDEO only: 64 to 8192 kbit/s (default 1024)"`
	Framerate         int                `json:"framerate,omitempty" doc:"VIDEO only: 1 to 60 (default 15)"`
	Layout            string             `json:"layout,omitempty" doc:"VIDEO only: LAYOUT0, LAYOUT1, LAYOUT2, LAYOUT3, LAYOUT4, LAYOUT6 or LAYOUT9 (default LAYOUT0)"`
	Subject           string             `json:"subject" maxLength:"256"`
	Language          string             `json:"language" maxLength:"35" doc:"BCP 47 tag (default en-US)"`
	Capacity          int                `json:"capacity" doc:"Most participants at once: 2 to 100 (default 9)"`
	AdminPIN          string             `json:"admin_pin" maxLength:"10" doc:"4 to 10 digits, or empty"`
	RoomPIN           string             `json:"room_pin" maxLength:"10" doc:"4 to 10 digits, or empty"`
	EnableRecording   bool               `json:"enable_recording"`
	EnablePrompt      bool               `json:"enable_prompt"`
	Timezone          string             `json:"timezone" maxLength:"64" doc:"IANA name (default: the tenant's)"`
	ScheduledStartAt  *time.Time         `json:"scheduled_start_at"`
	ScheduledEndAt    *time.Time         `json:"scheduled_end_at"`
	InternalInvitees  []string           `json:"internal_invitees" doc:"Users of the tenant (ids), at most 100"`
	ExternalInvitees  string             `json:"external_invitees" maxLength:"2048"`
	CloseOnNobody     bool               `json:"close_on_nobody"`
	OutboundCallerIDs []OutboundCallerID `json:"outbound_caller_ids"`
	CustomOptions     string             `json:"custom_options" maxLength:"8192"`
}

// MeetingStatus is what a running room reports.
type MeetingStatus struct {
	Status    string `json:"status" enum:"ONLINE,OFFLINE"`
	Locked    bool   `json:"locked"`
	Muted     bool   `json:"muted"`
	Recording bool   `json:"recording"`
}

// Participant is someone in (or invited to) a room.
type Participant struct {
	ID          string    `json:"id"`
	DisplayName string    `json:"display_name"`
	Number      string    `json:"number"`
	State       string    `json:"state" enum:"INVITING,JOINED" doc:"INVITING until the media server reports the join"`
	Muted       bool      `json:"muted"`
	Chairman    bool      `json:"chairman"`
	Position    int       `json:"position" doc:"Place in the video layout; -1 hides the participant"`
	At          time.Time `json:"at" doc:"When invited or joined"`
}

// MaxMeetingCapacity bounds a room's participants (and so its video
// layout's places).
const MaxMeetingCapacity = 100

// Meeting layouts.
var MeetingLayouts = []string{"LAYOUT0", "LAYOUT1", "LAYOUT2", "LAYOUT3", "LAYOUT4", "LAYOUT6", "LAYOUT9"}

var (
	pinRe  = regexp.MustCompile(`^[0-9]{4,10}$`)
	langRe = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
)

// The bounds of a room's texts, as their tags declare them.
var meetingLens = maxLengths[MeetingSettings]("subject", "external_invitees", "custom_options")

// VideoFields are the settings that exist only in VIDEO mode.
var VideoFields = []string{"height", "width", "bitrate", "framerate", "layout"}

// ValidateMeeting fills defaults and checks a room's settings. present
// lists the members a request set (so that a video setting sent for an
// AUDIO room is refused by name).
func ValidateMeeting(m *Meeting, present map[string]bool, now time.Time, creating bool) error {
	if err := OneOf("mode", m.Mode, []string{"AUDIO", "VIDEO"}); err != nil {
		return err
	}
	setDefault(&m.Control, "FREE")
	if err := OneOf("control", m.Control, []string{"FREE", "MASTER"}); err != nil {
		return err
	}
	if err := validateMeetingVideo(m, present); err != nil {
		return err
	}
	setDefault(&m.Language, "en-US")
	if !langRe.MatchString(m.Language) {
		return Invalid("language", "must be a BCP 47 tag such as en-US")
	}
	if m.Capacity == 0 {
		m.Capacity = 9
	}
	if m.Capacity < 2 || m.Capacity > MaxMeetingCapacity {
		return Invalid("capacity", "must be from 2 to %d", MaxMeetingCapacity)
	}
	for _, p := range []struct{ f, v string }{{"admin_pin", m.AdminPIN}, {"room_pin", m.RoomPIN}} {
		if p.v != "" && !pinRe.MatchString(p.v) {
			return Invalid(p.f, "must be 4 to 10 digits")
		}
	}
	if m.AdminPIN != "" && m.AdminPIN == m.RoomPIN {
		return Invalid("admin_pin", "must differ from room_pin")
	}
	if m.Timezone != "" {
		if _, err := time.LoadLocation(m.Timezone); err != nil {
			return Invalid("timezone", "is not an IANA time zone name")
		}
	}
	if err := validateMeetingSchedule(m, now, creating); err != nil {
		return err
	}
	return validateMeetingLists(m)
}

// validateMeetingVideo checks the settings that exist only in VIDEO mode
// (and clears them in AUDIO mode).
func validateMeetingVideo(m *Meeting, present map[string]bool) error {
	if m.Mode == "AUDIO" {
		for _, f := range VideoFields {
			if present[f] {
				return Invalid(f, "exists only in VIDEO mode")
			}
		}
		m.Height, m.Width, m.Bitrate, m.Framerate, m.Layout = 0, 0, 0, 0, ""
		return nil
	}
	video := []struct {
		f           string
		v           *int
		def, lo, hi int
	}{{"height", &m.Height, 720, 144, 2160}, {"width", &m.Width, 1280, 176, 3840}, {"bitrate", &m.Bitrate, 1024, 64, 8192},
		{"framerate", &m.Framerate, 15, 1, 60}}
	for _, r := range video {
		if *r.v == 0 {
			*r.v = r.def
		}
	}
	setDefault(&m.Layout, "LAYOUT0")
	for _, r := range video {
		if *r.v < r.lo || *r.v > r.hi {
			return Invalid(r.f, "must be from %d to %d", r.lo, r.hi)
		}
	}
	return OneOf("layout", m.Layout, MeetingLayouts)
}

// validateMeetingSchedule checks the scheduled start and end, which go
// together, within 7 days, and (for a new room) not in the past.
func validateMeetingSchedule(m *Meeting, now time.Time, creating bool) error {
	if (m.ScheduledStartAt == nil) != (m.ScheduledEndAt == nil) {
		return Invalid("scheduled_end_at", "scheduled_start_at and scheduled_end_at go together")
	}
	if m.ScheduledStartAt == nil {
		return nil
	}
	if !m.ScheduledEndAt.After(*m.ScheduledStartAt) {
		return Invalid("scheduled_end_at", "must be after scheduled_start_at")
	}
	if m.ScheduledEndAt.Sub(*m.ScheduledStartAt) > 7*24*time.Hour {
		return Invalid("scheduled_end_at", "is more than 7 days after scheduled_start_at")
	}
	if creating && m.ScheduledEndAt.Before(now) {
		return Invalid("scheduled_end_at", "is in the past")
	}
	return nil
}

// validateMeetingLists checks the invitees, texts and caller IDs.
func validateMeetingLists(m *Meeting) error {
	if len(m.InternalInvitees) > 100 {
		return Invalid("internal_invitees", "may list at most 100 users")
	}
	for _, t := range []struct {
		f, v string
		max  int
	}{{"subject", m.Subject, meetingLens["subject"]}, {"external_invitees", m.ExternalInvitees, meetingLens["external_invitees"]}} {
		if err := checkText(t.f, t.v, t.max, true); err != nil {
			return err
		}
	}
	if err := checkText("custom_options", m.CustomOptions, meetingLens["custom_options"], true); err != nil {
		return err
	}
	if m.CustomOptions != "" && !json.Valid([]byte(m.CustomOptions)) {
		return Invalid("custom_options", "must be valid JSON (or empty)")
	}
	if len(m.OutboundCallerIDs) > 10 {
		return Invalid("outbound_caller_ids", "may have at most 10 entries")
	}
	for i, c := range m.OutboundCallerIDs {
		if err := ValidatePhoneNumber(fmt.Sprintf("outbound_caller_ids[%d].caller_id", i), c.CallerID); err != nil {
			return err
		}
	}
	if m.InternalInvitees == nil {
		m.InternalInvitees = []string{}
	}
	if m.OutboundCallerIDs == nil {
		m.OutboundCallerIDs = []OutboundCallerID{}
	}
	return nil
}
