package model

import "time"

// Enumerations spelled exactly as the contract seed spells them.
var (
	// SMSModes are the values of User.SMS.
	SMSModes = []string{"DISABLE", "ALLOW", "ALLOW_WITH_SENDER_ID"}
	// CallRecordingModes are the values of User.CallRecording: which of
	// the user's calls Switchboard records (seed 000's Call Recording).
	CallRecordingModes = []string{"NONE", "INBOUND", "OUTBOUND", "BOTH"}
	// PlayDateTimeModes are the values of User.VoicemailPlayDatetime.
	PlayDateTimeModes = []string{"DISABLE", "12_HOUR_CLOCK", "24_HOUR_CLOCK"}
	// Interfaces are the values of User.Interface.
	Interfaces = []string{"WEB_DOMAIN", "PUBLIC_IPV4", "PUBLIC_IPV6", "PRIVATE_IPV4", "PRIVATE_IPV6", "SBC_DOMAIN"}
	// Transports are the values of User.PreferredTransport.
	Transports = []string{"UDP", "TCP", "TLS"}
	// OfficeHoursModes are the values of OfficeHours.Mode: GLOBAL follows the
	// tenant's office hours, CUSTOM uses the user's own week.
	OfficeHoursModes = []string{"GLOBAL", "CUSTOM"}
	// ForwardActions are the values of every forward rule's action. The seed
	// shows FORWARD_TO_NUMBER; the rest complete the set a PBX needs.
	ForwardActions = []string{"RING_EXTENSION", "FORWARD_TO_VOICEMAIL", "FORWARD_TO_NUMBER", "FORWARD_TO_MOBILE", "HANG_UP"}
	// CustomRuleTypes are the values of CustomForwardRule.Type.
	CustomRuleTypes = []string{"ALL_HOURS", "OFFICE_HOURS", "NON_OFFICE_HOURS", "SPECIFIC_HOURS"}
)

// Bounds of formats that several members share (the members' own bounds
// are declared in their tags; see limits.go).
const (
	// MaxNameLen bounds a login username, a role's name, an API key's name.
	MaxNameLen = 64
	// MaxEmailLen bounds an email address, in bytes.
	MaxEmailLen = 254
	// MaxTextLen bounds a tenant's name.
	MaxTextLen = 128
	// MaxPhoneLen bounds a phone number, in digits.
	MaxPhoneLen = 32
	// DefaultMaxBinding is the devices a user may register by default.
	DefaultMaxBinding = 10
)

// TimeRange is a span of one day, "HH:MM" to "HH:MM" (24:00 allowed as end).
type TimeRange struct {
	From string `json:"from" maxLength:"5" example:"09:00"`
	To   string `json:"to" maxLength:"5" example:"17:00"`
}

// DayHours says whether a weekday has office hours and which.
type DayHours struct {
	Enabled bool        `json:"enabled"`
	Ranges  []TimeRange `json:"ranges" maxItems:"8"`
}

// WeekHours is a week of DayHours.
type WeekHours struct {
	Monday    DayHours `json:"monday"`
	Tuesday   DayHours `json:"tuesday"`
	Wednesday DayHours `json:"wednesday"`
	Thursday  DayHours `json:"thursday"`
	Friday    DayHours `json:"friday"`
	Saturday  DayHours `json:"saturday"`
	Sunday    DayHours `json:"sunday"`
}

// Days returns the week's days Monday first, with their JSON names.
func (w *WeekHours) Days() []struct {
	Name string
	Day  *DayHours
} {
	return []struct {
		Name string
		Day  *DayHours
	}{
		{"monday", &w.Monday}, {"tuesday", &w.Tuesday}, {"wednesday", &w.Wednesday},
		{"thursday", &w.Thursday}, {"friday", &w.Friday}, {"saturday", &w.Saturday}, {"sunday", &w.Sunday},
	}
}

// OfficeHours is the user's office-hours setting.
type OfficeHours struct {
	Mode string `json:"mode" enum:"GLOBAL,CUSTOM"`
	WeekHours
}

// ForwardRule is one of the presence x office-hours rules.
type ForwardRule struct {
	Action string `json:"action" enum:"RING_EXTENSION,FORWARD_TO_VOICEMAIL,FORWARD_TO_NUMBER,FORWARD_TO_MOBILE,HANG_UP"`
	Number string `json:"number" maxLength:"32"`
}

// ResetOnPatch empties the number of a rule given in a body before the
// members given are applied: the number belongs to the action, so a rule
// switched to another action without a number loses its old one rather
// than contradicting it.
func (r *ForwardRule) ResetOnPatch() { r.Number = "" }

// ResetOnPatch empties the number, as ForwardRule's does; the timeout
// is kept unless given.
func (r *NoAnswerForwardRule) ResetOnPatch() { r.Number = "" }

// ResetOnPatch empties the number, as ForwardRule's does.
func (r *CustomForwardRule) ResetOnPatch() { r.Number = "" }

// NoAnswerForwardRule is a forward rule applied after ringing for Timeout
// seconds.
type NoAnswerForwardRule struct {
	Action  string `json:"action" enum:"RING_EXTENSION,FORWARD_TO_VOICEMAIL,FORWARD_TO_NUMBER,FORWARD_TO_MOBILE,HANG_UP"`
	Number  string `json:"number" maxLength:"32"`
	Timeout int    `json:"timeout" minimum:"5" maximum:"600"`
}

// CustomForwardRule forwards calls from one caller ID during some hours.
type CustomForwardRule struct {
	Action   string     `json:"action" enum:"RING_EXTENSION,FORWARD_TO_VOICEMAIL,FORWARD_TO_NUMBER,FORWARD_TO_MOBILE,HANG_UP"`
	Number   string     `json:"number" maxLength:"32"`
	CallerID string     `json:"caller_id" maxLength:"32"`
	Type     string     `json:"type" enum:"ALL_HOURS,OFFICE_HOURS,NON_OFFICE_HOURS,SPECIFIC_HOURS"`
	Hours    *WeekHours `json:"hours,omitempty"`
}

// OutboundCallerID is a caller ID the user may present on outbound calls.
type OutboundCallerID struct {
	ProviderID  string `json:"provider_id" maxLength:"40"`
	CallerID    string `json:"caller_id" maxLength:"32"`
	Preferred   bool   `json:"preferred"`
	Description string `json:"description" maxLength:"128"`
}

// BLF is one busy-lamp-field key on the user's phones.
type BLF struct {
	Key       string `json:"key" maxLength:"32"`
	Value     string `json:"value" maxLength:"64"`
	FirstName string `json:"first_name" maxLength:"64"`
	LastName  string `json:"last_name" maxLength:"64"`
}

// UserFields are the user's plain, filterable settings, kept in their own
// database columns. Create and update both accept them.
type UserFields struct {
	Email          string `json:"email" maxLength:"254" format:"email"`
	DisplayName    string `json:"display_name" maxLength:"128"`
	FirstName      string `json:"first_name" maxLength:"64"`
	LastName       string `json:"last_name" maxLength:"64"`
	Enabled        bool   `json:"enabled"`
	MobilePhone    string `json:"mobile_phone" maxLength:"32"`
	WorkPhone      string `json:"work_phone" maxLength:"32"`
	HomePhone      string `json:"home_phone" maxLength:"32"`
	Address        string `json:"address" maxLength:"512"`
	Department     string `json:"department" maxLength:"128"`
	MaxBindings    int    `json:"max_bindings" minimum:"1" maximum:"100"`
	OnCallPIN      string `json:"oncall_pin" maxLength:"10"`
	BillingContact bool   `json:"billing_contact"`
	// OTPRequired makes the user sign in with a second factor (set by
	// admins; the tenant may require it of everyone).
	OTPRequired bool `json:"otp_required"`
}

// ForwardRules are the contract's sixteen presence x office-hours rules
// (fourteen office/non-office rules and two no-answer rules).
type ForwardRules struct {
	AvailableOfficeHours    ForwardRule         `json:"available_office_hours_forward_rule"`
	AvailableNonOfficeHours ForwardRule         `json:"available_non_office_hours_forward_rule"`
	AvailableNoAnswer       NoAnswerForwardRule `json:"available_no_answer_forward_rule"`
	BusyOfficeHours         ForwardRule         `json:"busy_office_hours_forward_rule"`
	BusyNonOfficeHours      ForwardRule         `json:"busy_non_office_hours_forward_rule"`
	BusyNoAnswer            NoAnswerForwardRule `json:"busy_no_answer_forward_rule"`
	DNDOfficeHours          ForwardRule         `json:"dnd_office_hours_forward_rule"`
	DNDNonOfficeHours       ForwardRule         `json:"dnd_non_office_hours_forward_rule"`
	AwayOfficeHours         ForwardRule         `json:"away_office_hours_forward_rule"`
	AwayNonOfficeHours      ForwardRule         `json:"away_non_office_hours_forward_rule"`
	LunchOfficeHours        ForwardRule         `json:"lunch_office_hours_forward_rule"`
	LunchNonOfficeHours     ForwardRule         `json:"lunch_non_office_hours_forward_rule"`
	TripOfficeHours         ForwardRule         `json:"trip_office_hours_forward_rule"`
	TripNonOfficeHours      ForwardRule         `json:"trip_non_office_hours_forward_rule"`
	OfflineOfficeHours      ForwardRule         `json:"offline_office_hours_forward_rule"`
	OfflineNonOfficeHours   ForwardRule         `json:"offline_non_office_hours_forward_rule"`
}

// UserSettings are the user's structured settings, stored together as one
// JSON document.
type UserSettings struct {
	EnableAudioRecording bool `json:"enable_audio_recording" doc:"Records all the user's calls (as call_recording BOTH)"`
	EnableVideoRecording bool `json:"enable_video_recording"`
	// CallRecording is which of the user's calls are recorded: NONE,
	// INBOUND (calls to the user), OUTBOUND (calls from the user) or BOTH.
	CallRecording string `json:"call_recording" enum:"NONE,INBOUND,OUTBOUND,BOTH" doc:"Which calls of the user are recorded: NONE (default), INBOUND (to the user), OUTBOUND (from the user) or BOTH; enable_audio_recording means BOTH"`
	// PlayRecordingAnnouncement plays the caller of a recorded inbound
	// call a prompt saying that the call is recorded.
	PlayRecordingAnnouncement bool   `json:"play_recording_announcement" doc:"On recorded inbound calls to the user, the caller first hears that the call is recorded"`
	EnableDND                 bool   `json:"enable_dnd"`
	EnableACB                 bool   `json:"enable_acb"`
	EnableHotDesking          bool   `json:"enable_hot_desking"`
	AnonymousOutboundCalls    bool   `json:"anonymous_outbound_calls"`
	DeliveryOutboundCID       bool   `json:"delivery_outbound_cid"`
	SMS                       string `json:"sms" enum:"DISABLE,ALLOW,ALLOW_WITH_SENDER_ID"`
	// The SMS auto-responder answers direct inbound SMS with the text, at
	// most once per 30 s per sender number.
	EnableSMSAutoResponder bool                `json:"enable_sms_auto_responder"`
	SMSAutoResponseText    string              `json:"sms_auto_response_text" maxLength:"1600"`
	OutboundCallerIDs      []OutboundCallerID  `json:"outbound_caller_ids" maxItems:"50"`
	CustomOptions          string              `json:"custom_options" maxLength:"8192"`
	OfficeHours            OfficeHours         `json:"office_hours"`
	CustomForwardRules     []CustomForwardRule `json:"custom_forward_rules" maxItems:"20"`
	VoicemailPrompt        string              `json:"voicemail_prompt" maxLength:"35"`
	EnableVoicemailPIN     bool                `json:"enable_voicemail_pin"`
	VoicemailPIN           string              `json:"voicemail_pin" maxLength:"10"`
	EnableVoicemailNotify  bool                `json:"enable_voicemail_notify"`
	VoicemailPlayDatetime  string              `json:"voicemail_play_datetime" enum:"DISABLE,12_HOUR_CLOCK,24_HOUR_CLOCK"`
	// Mailbox is where the user's voicemail goes: SELF (the user's own
	// mailbox, the default), NONE (no voicemail) or the extension of
	// another user whose mailbox takes the messages.
	Mailbox            string `json:"mailbox" maxLength:"64" doc:"SELF (default), NONE, or the extension of another user whose mailbox takes this user's messages"`
	Interface          string `json:"interface" enum:"WEB_DOMAIN,PUBLIC_IPV4,PUBLIC_IPV6,PRIVATE_IPV4,PRIVATE_IPV6,SBC_DOMAIN"`
	PreferredTransport string `json:"preferred_transport" enum:"UDP,TCP,TLS"`
	BLFs               []BLF  `json:"blfs" maxItems:"200"`
	ForwardRules
	CallHandling
}

// User is one person (or fax machine) of a tenant. Secrets carry `json:"-"`
// so they can never be encoded into a response.
type User struct {
	ID       string `json:"id"`
	TenantID string `json:"-"`
	// Name is the login username, immutable after creation.
	Name            string `json:"name"`
	Role            string `json:"role"`
	ExtensionNumber string `json:"extension_number"`
	UserFields
	UserSettings
	Profile        string    `json:"profile"`
	AvatarFileName string    `json:"avatar_file_name"`
	AvatarFileSize int64     `json:"avatar_file_size"`
	AvatarFileURL  string    `json:"avatar_file_url"`
	SyncType       string    `json:"sync_type"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"-"`
	// Transports are where the user's phones reach the node's SIP
	// server (read-only, from the node's listeners; never stored).
	Transports []Transport `json:"transports"`
	// OTPEnabled says the user has enrolled an authenticator.
	OTPEnabled bool `json:"otp_enabled"`

	// PasswordHash is the argon2id PHC string of the login password.
	PasswordHash string `json:"-"`
	// SIP holds the digest hashes of the extension password.
	SIP SIPCredentials `json:"-"`
	// OTP is the user's two-factor state.
	OTP OTPState `json:"-"`
	// Presence and PresenceNote are what the user says of themselves
	// (POST /api/user/presence); see GET .../status.
	Presence     string `json:"-"`
	PresenceNote string `json:"-"`
	// MS365ID is the Microsoft 365 object id or principal name the user is
	// bound to ("" when not bound); SyncType says "Microsoft 365" then.
	MS365ID string `json:"-"`
	// Balance is the extension's credit, exact to five decimals.
	Balance Balance `json:"-"`
}

// OTPState is a user's two-factor secret material: never in a response.
type OTPState struct {
	Secret        string   // base32 TOTP secret, once enrolled
	PendingSecret string   // base32 secret waiting for its first code
	LastStep      int64    // last accepted step: a code works once
	Recovery      []string // hex SHA-256 of the unused recovery codes
}

// SIPCredentials are the digest HA1 values of a user's extension password
// for realm = the tenant's domain and username = the extension number. The
// plain extension password is never stored.
type SIPCredentials struct {
	HA1MD5    string
	HA1SHA256 string
}

// Transport is one SIP listener a phone may use: its protocol, port and
// whether the server asks the phone for a client certificate
// (Verification; Switchboard never does: DISABLE).
type Transport struct {
	Protocol     string `json:"protocol" enum:"UDP,TCP,TLS"`
	Port         int    `json:"port"`
	Verification string `json:"verification" enum:"DISABLE,ENABLE"`
}

// UserSummary is the list item shape of GET /api/users.
type UserSummary struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Enabled         bool      `json:"enabled"`
	Email           string    `json:"email"`
	DisplayName     string    `json:"display_name"`
	FirstName       string    `json:"first_name"`
	LastName        string    `json:"last_name"`
	Role            string    `json:"role"`
	MobilePhone     string    `json:"mobile_phone"`
	WorkPhone       string    `json:"work_phone"`
	HomePhone       string    `json:"home_phone"`
	Address         string    `json:"address"`
	Department      string    `json:"department"`
	ExtensionNumber string    `json:"extension_number"`
	CreatedAt       time.Time `json:"created_at"`
	AvatarFileName  string    `json:"avatar_file_name"`
	AvatarFileSize  int64     `json:"avatar_file_size"`
	AvatarFileURL   string    `json:"avatar_file_url"`
	SyncType        string    `json:"sync_type"`
}

// Summary returns the list item form of u.
func (u *User) Summary() UserSummary {
	return UserSummary{
		ID: u.ID, Name: u.Name, Enabled: u.Enabled, Email: u.Email, DisplayName: u.DisplayName,
		FirstName: u.FirstName, LastName: u.LastName, Role: u.Role, MobilePhone: u.MobilePhone,
		WorkPhone: u.WorkPhone, HomePhone: u.HomePhone, Address: u.Address, Department: u.Department,
		ExtensionNumber: u.ExtensionNumber, CreatedAt: u.CreatedAt, AvatarFileName: u.AvatarFileName,
		AvatarFileSize: u.AvatarFileSize, AvatarFileURL: u.AvatarFileURL, SyncType: u.SyncType,
	}
}

// RecordsCalls tells whether the user's calls in that direction (inbound:
// to the user) are recorded: call_recording, or enable_audio_recording
// (all calls).
func (s *UserSettings) RecordsCalls(inbound bool) bool {
	switch s.CallRecording {
	case "BOTH":
		return true
	case "INBOUND":
		return inbound || s.EnableAudioRecording
	case "OUTBOUND":
		return !inbound || s.EnableAudioRecording
	}
	return s.EnableAudioRecording
}
