package client

import "time"

// Meeting is a meeting room the signed-in user owns (Ownership) or is
// invited to.
type Meeting struct {
	// AdminPIN: 4 to 10 digits, or empty.
	AdminPIN string `json:"admin_pin"`
	// Bitrate: VIDEO only: 64 to 8192 kbit/s (default 1024).
	Bitrate int `json:"bitrate"`
	// Capacity: Most participants at once: 2 to 100 (default 9).
	Capacity         int       `json:"capacity"`
	CloseOnNobody    bool      `json:"close_on_nobody"`
	Control          string    `json:"control"`
	CreatedAt        time.Time `json:"created_at"`
	CustomOptions    string    `json:"custom_options"`
	Domain           string    `json:"domain"`
	EnablePrompt     bool      `json:"enable_prompt"`
	EnableRecording  bool      `json:"enable_recording"`
	ExtensionNumber  string    `json:"extension_number"`
	ExternalInvitees string    `json:"external_invitees"`
	// Framerate: VIDEO only: 1 to 60 (default 15).
	Framerate int `json:"framerate"`
	// Height: VIDEO only: 144 to 2160 (default 720).
	Height int    `json:"height"`
	ID     string `json:"id"`
	// InternalInvitees: Users of the tenant (ids), at most 100.
	InternalInvitees []string `json:"internal_invitees"`
	// Language: BCP 47 tag (default en-US).
	Language string `json:"language"`
	// Layout: VIDEO only: LAYOUT0, LAYOUT1, LAYOUT2, LAYOUT3, LAYOUT4, LAYOUT6 or LAYOUT9 (default LAYOUT0).
	Layout string `json:"layout"`
	// Mode: Fixed at creation.
	Mode              string             `json:"mode"`
	OutboundCallerIDs []OutboundCallerID `json:"outbound_caller_ids"`
	Ownership         bool               `json:"ownership"`
	// RoomPIN: 4 to 10 digits, or empty.
	RoomPIN          string     `json:"room_pin"`
	SBCHost          string     `json:"sbc_host"`
	SBCPort          int        `json:"sbc_port"`
	ScheduledEndAt   *time.Time `json:"scheduled_end_at"`
	ScheduledStartAt *time.Time `json:"scheduled_start_at"`
	Subject          string     `json:"subject"`
	// Timezone: IANA name (default: the tenant's).
	Timezone string `json:"timezone"`
	// Token: An opaque join token of the room.
	Token string `json:"token"`
	// Width: VIDEO only: 176 to 3840 (default 1280).
	Width int `json:"width"`
}

// MeetingInput is the body that creates or changes a meeting room: only
// the fields set are sent.
type MeetingInput struct {
	// AdminPIN: 4 to 10 digits, or empty.
	AdminPIN *string `json:"admin_pin,omitempty"`
	// Bitrate: VIDEO only: 64 to 8192 kbit/s (default 1024).
	Bitrate *int `json:"bitrate,omitempty"`
	// Capacity: Most participants at once: 2 to 100 (default 9).
	Capacity         *int    `json:"capacity,omitempty"`
	CloseOnNobody    *bool   `json:"close_on_nobody,omitempty"`
	Control          *string `json:"control,omitempty"`
	CustomOptions    *string `json:"custom_options,omitempty"`
	EnablePrompt     *bool   `json:"enable_prompt,omitempty"`
	EnableRecording  *bool   `json:"enable_recording,omitempty"`
	ExternalInvitees *string `json:"external_invitees,omitempty"`
	// Framerate: VIDEO only: 1 to 60 (default 15).
	Framerate *int `json:"framerate,omitempty"`
	// Height: VIDEO only: 144 to 2160 (default 720).
	Height *int `json:"height,omitempty"`
	// InternalInvitees: Users of the tenant (ids), at most 100.
	InternalInvitees []string `json:"internal_invitees,omitzero"`
	// Language: BCP 47 tag (default en-US).
	Language *string `json:"language,omitempty"`
	// Layout: VIDEO only: LAYOUT0, LAYOUT1, LAYOUT2, LAYOUT3, LAYOUT4, LAYOUT6 or LAYOUT9 (default LAYOUT0).
	Layout *string `json:"layout,omitempty"`
	// Mode: Fixed at creation.
	Mode              *string            `json:"mode,omitempty"`
	OutboundCallerIDs []OutboundCallerID `json:"outbound_caller_ids,omitzero"`
	// RoomPIN: 4 to 10 digits, or empty.
	RoomPIN          *string    `json:"room_pin,omitempty"`
	ScheduledEndAt   *time.Time `json:"scheduled_end_at,omitempty"`
	ScheduledStartAt *time.Time `json:"scheduled_start_at,omitempty"`
	Subject          *string    `json:"subject,omitempty"`
	// Timezone: IANA name (default: the tenant's).
	Timezone *string `json:"timezone,omitempty"`
	// Width: VIDEO only: 176 to 3840 (default 1280).
	Width *int `json:"width,omitempty"`
}

// MeetingCreated is the answer of CreateMeeting: the room's id and its
// extension (8000 to 8999).
type MeetingCreated struct {
	ID              string `json:"id"`
	ExtensionNumber string `json:"extension_number"`
}

// MeetingStatus is whether a room is running, locked, muted, recorded.
type MeetingStatus struct {
	Locked    bool   `json:"locked"`
	Muted     bool   `json:"muted"`
	Recording bool   `json:"recording"`
	Status    string `json:"status"`
}

// Participant is someone invited to or in a meeting.
type Participant struct {
	// At: When invited or joined.
	At          time.Time `json:"at"`
	Chairman    bool      `json:"chairman"`
	DisplayName string    `json:"display_name"`
	ID          string    `json:"id"`
	Muted       bool      `json:"muted"`
	Number      string    `json:"number"`
	// Position: Place in the video layout; -1 hides the participant.
	Position int `json:"position"`
	// State: INVITING until the media server reports the join.
	State string `json:"state"`
}

// MeetingEvent is what the media server reports (MeetingEvent): Type
// JOINED or LEFT.
type MeetingEvent struct {
	DisplayName string `json:"display_name,omitempty"`
	// Number: Who: the extension or phone number.
	Number string `json:"number"`
	Type   string `json:"type"`
}
