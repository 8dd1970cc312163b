package client

import "time"

// User is a user with every setting, as GET /api/users/{id} and GET
// /api/user answer. Fields are in the OpenAPI document's (alphabetical)
// order.
type User struct {
	Address                            string              `json:"address"`
	AnonymousOutboundCalls             bool                `json:"anonymous_outbound_calls"`
	AvailableNoAnswerForwardRule       NoAnswerForwardRule `json:"available_no_answer_forward_rule"`
	AvailableNonOfficeHoursForwardRule ForwardRule         `json:"available_non_office_hours_forward_rule"`
	AvailableOfficeHoursForwardRule    ForwardRule         `json:"available_office_hours_forward_rule"`
	AvatarFileName                     string              `json:"avatar_file_name"`
	AvatarFileSize                     int                 `json:"avatar_file_size"`
	AvatarFileURL                      string              `json:"avatar_file_url"`
	AwayNonOfficeHoursForwardRule      ForwardRule         `json:"away_non_office_hours_forward_rule"`
	AwayOfficeHoursForwardRule         ForwardRule         `json:"away_office_hours_forward_rule"`
	BillingContact                     bool                `json:"billing_contact"`
	BLFs                               []BLF               `json:"blfs"`
	BusyNoAnswerForwardRule            NoAnswerForwardRule `json:"busy_no_answer_forward_rule"`
	BusyNonOfficeHoursForwardRule      ForwardRule         `json:"busy_non_office_hours_forward_rule"`
	BusyOfficeHoursForwardRule         ForwardRule         `json:"busy_office_hours_forward_rule"`
	CallRestrictions                   CallRestrictions    `json:"call_restrictions"`
	CreatedAt                          time.Time           `json:"created_at"`
	CustomForwardRules                 []CustomForwardRule `json:"custom_forward_rules"`
	CustomOptions                      string              `json:"custom_options"`
	DeliveryOutboundCID                bool                `json:"delivery_outbound_cid"`
	Department                         string              `json:"department"`
	DisplayName                        string              `json:"display_name"`
	DNDNonOfficeHoursForwardRule       ForwardRule         `json:"dnd_non_office_hours_forward_rule"`
	DNDOfficeHoursForwardRule          ForwardRule         `json:"dnd_office_hours_forward_rule"`
	Email                              string              `json:"email"`
	EnableACB                          bool                `json:"enable_acb"`
	EnableAudioRecording               bool                `json:"enable_audio_recording"`
	EnableCallWaiting                  bool                `json:"enable_call_waiting"`
	EnableDND                          bool                `json:"enable_dnd"`
	EnableHotDesking                   bool                `json:"enable_hot_desking"`
	EnableSMSAutoResponder             bool                `json:"enable_sms_auto_responder"`
	EnableVideoRecording               bool                `json:"enable_video_recording"`
	EnableVoicemailNotify              bool                `json:"enable_voicemail_notify"`
	EnableVoicemailPIN                 bool                `json:"enable_voicemail_pin"`
	Enabled                            bool                `json:"enabled"`
	ExtensionNumber                    string              `json:"extension_number"`
	FirstName                          string              `json:"first_name"`
	FollowMe                           FollowMe            `json:"follow_me"`
	HomePhone                          string              `json:"home_phone"`
	ID                                 string              `json:"id"`
	Interface                          string              `json:"interface"`
	KeepOriginalCallerID               bool                `json:"keep_original_caller_id"`
	LastName                           string              `json:"last_name"`
	LunchNonOfficeHoursForwardRule     ForwardRule         `json:"lunch_non_office_hours_forward_rule"`
	LunchOfficeHoursForwardRule        ForwardRule         `json:"lunch_office_hours_forward_rule"`
	Mailbox                            string              `json:"mailbox"`
	MaxBindings                        int                 `json:"max_bindings"`
	MobilePhone                        string              `json:"mobile_phone"`
	Name                               string              `json:"name"`
	NetworkUnavailableDirectCallsOnly  bool                `json:"network_unavailable_direct_calls_only"`
	NetworkUnavailableNumber           string              `json:"network_unavailable_number"`
	NetworkUnavailableRingTime         int                 `json:"network_unavailable_ring_time"`
	OfficeHours                        OfficeHours         `json:"office_hours"`
	OfflineNonOfficeHoursForwardRule   ForwardRule         `json:"offline_non_office_hours_forward_rule"`
	OfflineOfficeHoursForwardRule      ForwardRule         `json:"offline_office_hours_forward_rule"`
	OnCallPIN                          string              `json:"oncall_pin"`
	OTPEnabled                         bool                `json:"otp_enabled"`
	OTPRequired                        bool                `json:"otp_required"`
	OutboundCallerIDs                  []OutboundCallerID  `json:"outbound_caller_ids"`
	PreferredTransport                 string              `json:"preferred_transport"`
	Profile                            string              `json:"profile"`
	RequireKeyPress                    bool                `json:"require_key_press"`
	Role                               string              `json:"role"`
	SMS                                string              `json:"sms"`
	SMSAutoResponseText                string              `json:"sms_auto_response_text"`
	SyncType                           string              `json:"sync_type"`
	Transports                         []Transport         `json:"transports"`
	TripNonOfficeHoursForwardRule      ForwardRule         `json:"trip_non_office_hours_forward_rule"`
	TripOfficeHoursForwardRule         ForwardRule         `json:"trip_office_hours_forward_rule"`
	VoicemailPIN                       string              `json:"voicemail_pin"`
	VoicemailPlayDatetime              string              `json:"voicemail_play_datetime"`
	VoicemailPrompt                    string              `json:"voicemail_prompt"`
	WorkPhone                          string              `json:"work_phone"`
}

// UserSummary is a user as lists show it.
type UserSummary struct {
	Address         string    `json:"address"`
	AvatarFileName  string    `json:"avatar_file_name"`
	AvatarFileSize  int       `json:"avatar_file_size"`
	AvatarFileURL   string    `json:"avatar_file_url"`
	CreatedAt       time.Time `json:"created_at"`
	Department      string    `json:"department"`
	DisplayName     string    `json:"display_name"`
	Email           string    `json:"email"`
	Enabled         bool      `json:"enabled"`
	ExtensionNumber string    `json:"extension_number"`
	FirstName       string    `json:"first_name"`
	HomePhone       string    `json:"home_phone"`
	ID              string    `json:"id"`
	LastName        string    `json:"last_name"`
	MobilePhone     string    `json:"mobile_phone"`
	Name            string    `json:"name"`
	Role            string    `json:"role"`
	SyncType        string    `json:"sync_type"`
	WorkPhone       string    `json:"work_phone"`
}

// UserCreate is the body of CreateUser. Name, ExtensionNumber, Email and
// Password are needed; whatever else is left out gets its default (role
// StandardUser, a generated SIP password and PINs, ...). Booleans and
// nested settings are pointers so that false can be sent.
type UserCreate struct {
	Address                            string               `json:"address,omitempty"`
	AnonymousOutboundCalls             *bool                `json:"anonymous_outbound_calls,omitempty"`
	AvailableNoAnswerForwardRule       *NoAnswerForwardRule `json:"available_no_answer_forward_rule,omitempty"`
	AvailableNonOfficeHoursForwardRule *ForwardRule         `json:"available_non_office_hours_forward_rule,omitempty"`
	AvailableOfficeHoursForwardRule    *ForwardRule         `json:"available_office_hours_forward_rule,omitempty"`
	AwayNonOfficeHoursForwardRule      *ForwardRule         `json:"away_non_office_hours_forward_rule,omitempty"`
	AwayOfficeHoursForwardRule         *ForwardRule         `json:"away_office_hours_forward_rule,omitempty"`
	BillingContact                     *bool                `json:"billing_contact,omitempty"`
	BLFs                               []BLF                `json:"blfs,omitzero"`
	BusyNoAnswerForwardRule            *NoAnswerForwardRule `json:"busy_no_answer_forward_rule,omitempty"`
	BusyNonOfficeHoursForwardRule      *ForwardRule         `json:"busy_non_office_hours_forward_rule,omitempty"`
	BusyOfficeHoursForwardRule         *ForwardRule         `json:"busy_office_hours_forward_rule,omitempty"`
	CallRestrictions                   *CallRestrictions    `json:"call_restrictions,omitempty"`
	CustomForwardRules                 []CustomForwardRule  `json:"custom_forward_rules,omitzero"`
	CustomOptions                      string               `json:"custom_options,omitempty"`
	DeliveryOutboundCID                *bool                `json:"delivery_outbound_cid,omitempty"`
	Department                         string               `json:"department,omitempty"`
	DisplayName                        string               `json:"display_name,omitempty"`
	DNDNonOfficeHoursForwardRule       *ForwardRule         `json:"dnd_non_office_hours_forward_rule,omitempty"`
	DNDOfficeHoursForwardRule          *ForwardRule         `json:"dnd_office_hours_forward_rule,omitempty"`
	Email                              string               `json:"email,omitempty"`
	EnableACB                          *bool                `json:"enable_acb,omitempty"`
	EnableAudioRecording               *bool                `json:"enable_audio_recording,omitempty"`
	EnableCallWaiting                  *bool                `json:"enable_call_waiting,omitempty"`
	EnableDND                          *bool                `json:"enable_dnd,omitempty"`
	EnableHotDesking                   *bool                `json:"enable_hot_desking,omitempty"`
	EnableSMSAutoResponder             *bool                `json:"enable_sms_auto_responder,omitempty"`
	EnableVideoRecording               *bool                `json:"enable_video_recording,omitempty"`
	EnableVoicemailNotify              *bool                `json:"enable_voicemail_notify,omitempty"`
	EnableVoicemailPIN                 *bool                `json:"enable_voicemail_pin,omitempty"`
	Enabled                            *bool                `json:"enabled,omitempty"`
	ExtensionNumber                    string               `json:"extension_number"`
	// ExtensionPassword is the SIP password; generated when left out.
	ExtensionPassword              string          `json:"extension_password,omitempty"`
	FirstName                      string          `json:"first_name,omitempty"`
	FollowMe                       *FollowMeUpdate `json:"follow_me,omitempty"`
	HomePhone                      string          `json:"home_phone,omitempty"`
	Interface                      string          `json:"interface,omitempty"`
	KeepOriginalCallerID           *bool           `json:"keep_original_caller_id,omitempty"`
	LastName                       string          `json:"last_name,omitempty"`
	LunchNonOfficeHoursForwardRule *ForwardRule    `json:"lunch_non_office_hours_forward_rule,omitempty"`
	LunchOfficeHoursForwardRule    *ForwardRule    `json:"lunch_office_hours_forward_rule,omitempty"`
	Mailbox                        string          `json:"mailbox,omitempty"`
	MaxBindings                    int             `json:"max_bindings,omitempty"`
	MobilePhone                    string          `json:"mobile_phone,omitempty"`
	// Name is the login username: letters, digits, _ - ' . (immutable).
	Name                              string             `json:"name"`
	NetworkUnavailableDirectCallsOnly *bool              `json:"network_unavailable_direct_calls_only,omitempty"`
	NetworkUnavailableNumber          string             `json:"network_unavailable_number,omitempty"`
	NetworkUnavailableRingTime        int                `json:"network_unavailable_ring_time,omitempty"`
	OfficeHours                       *OfficeHours       `json:"office_hours,omitempty"`
	OfflineNonOfficeHoursForwardRule  *ForwardRule       `json:"offline_non_office_hours_forward_rule,omitempty"`
	OfflineOfficeHoursForwardRule     *ForwardRule       `json:"offline_office_hours_forward_rule,omitempty"`
	OnCallPIN                         string             `json:"oncall_pin,omitempty"`
	OTPRequired                       *bool              `json:"otp_required,omitempty"`
	OutboundCallerIDs                 []OutboundCallerID `json:"outbound_caller_ids,omitzero"`
	// Password is 8 to 128 characters; common passwords are refused.
	Password           string `json:"password"`
	PreferredTransport string `json:"preferred_transport,omitempty"`
	RequireKeyPress    *bool  `json:"require_key_press,omitempty"`
	// Role defaults to StandardUser.
	Role                          string       `json:"role,omitempty"`
	SMS                           string       `json:"sms,omitempty"`
	SMSAutoResponseText           string       `json:"sms_auto_response_text,omitempty"`
	TripNonOfficeHoursForwardRule *ForwardRule `json:"trip_non_office_hours_forward_rule,omitempty"`
	TripOfficeHoursForwardRule    *ForwardRule `json:"trip_office_hours_forward_rule,omitempty"`
	VoicemailPIN                  string       `json:"voicemail_pin,omitempty"`
	VoicemailPlayDatetime         string       `json:"voicemail_play_datetime,omitempty"`
	VoicemailPrompt               string       `json:"voicemail_prompt,omitempty"`
	WorkPhone                     string       `json:"work_phone,omitempty"`
}

// UserUpdate is the body of UpdateUser and UpdateCurrentUser: only the
// fields set (non-nil) are sent, and the others keep their value. A nil
// slice is left out; an empty, non-nil one clears the list.
type UserUpdate struct {
	Address                            *string              `json:"address,omitempty"`
	AnonymousOutboundCalls             *bool                `json:"anonymous_outbound_calls,omitempty"`
	AvailableNoAnswerForwardRule       *NoAnswerForwardRule `json:"available_no_answer_forward_rule,omitempty"`
	AvailableNonOfficeHoursForwardRule *ForwardRule         `json:"available_non_office_hours_forward_rule,omitempty"`
	AvailableOfficeHoursForwardRule    *ForwardRule         `json:"available_office_hours_forward_rule,omitempty"`
	// AvatarFileID is an uploaded PNG or JPEG (UploadBlob) to use as the
	// avatar; "" removes it.
	AvatarFileID                      *string              `json:"avatar_file_id,omitempty"`
	AwayNonOfficeHoursForwardRule     *ForwardRule         `json:"away_non_office_hours_forward_rule,omitempty"`
	AwayOfficeHoursForwardRule        *ForwardRule         `json:"away_office_hours_forward_rule,omitempty"`
	BillingContact                    *bool                `json:"billing_contact,omitempty"`
	BLFs                              []BLF                `json:"blfs,omitzero"`
	BusyNoAnswerForwardRule           *NoAnswerForwardRule `json:"busy_no_answer_forward_rule,omitempty"`
	BusyNonOfficeHoursForwardRule     *ForwardRule         `json:"busy_non_office_hours_forward_rule,omitempty"`
	BusyOfficeHoursForwardRule        *ForwardRule         `json:"busy_office_hours_forward_rule,omitempty"`
	CallRestrictions                  *CallRestrictions    `json:"call_restrictions,omitempty"`
	CustomForwardRules                []CustomForwardRule  `json:"custom_forward_rules,omitzero"`
	CustomOptions                     *string              `json:"custom_options,omitempty"`
	DeliveryOutboundCID               *bool                `json:"delivery_outbound_cid,omitempty"`
	Department                        *string              `json:"department,omitempty"`
	DisplayName                       *string              `json:"display_name,omitempty"`
	DNDNonOfficeHoursForwardRule      *ForwardRule         `json:"dnd_non_office_hours_forward_rule,omitempty"`
	DNDOfficeHoursForwardRule         *ForwardRule         `json:"dnd_office_hours_forward_rule,omitempty"`
	Email                             *string              `json:"email,omitempty"`
	EnableACB                         *bool                `json:"enable_acb,omitempty"`
	EnableAudioRecording              *bool                `json:"enable_audio_recording,omitempty"`
	EnableCallWaiting                 *bool                `json:"enable_call_waiting,omitempty"`
	EnableDND                         *bool                `json:"enable_dnd,omitempty"`
	EnableHotDesking                  *bool                `json:"enable_hot_desking,omitempty"`
	EnableSMSAutoResponder            *bool                `json:"enable_sms_auto_responder,omitempty"`
	EnableVideoRecording              *bool                `json:"enable_video_recording,omitempty"`
	EnableVoicemailNotify             *bool                `json:"enable_voicemail_notify,omitempty"`
	EnableVoicemailPIN                *bool                `json:"enable_voicemail_pin,omitempty"`
	Enabled                           *bool                `json:"enabled,omitempty"`
	FirstName                         *string              `json:"first_name,omitempty"`
	FollowMe                          *FollowMeUpdate      `json:"follow_me,omitempty"`
	HomePhone                         *string              `json:"home_phone,omitempty"`
	Interface                         *string              `json:"interface,omitempty"`
	KeepOriginalCallerID              *bool                `json:"keep_original_caller_id,omitempty"`
	LastName                          *string              `json:"last_name,omitempty"`
	LunchNonOfficeHoursForwardRule    *ForwardRule         `json:"lunch_non_office_hours_forward_rule,omitempty"`
	LunchOfficeHoursForwardRule       *ForwardRule         `json:"lunch_office_hours_forward_rule,omitempty"`
	Mailbox                           *string              `json:"mailbox,omitempty"`
	MaxBindings                       *int                 `json:"max_bindings,omitempty"`
	MobilePhone                       *string              `json:"mobile_phone,omitempty"`
	NetworkUnavailableDirectCallsOnly *bool                `json:"network_unavailable_direct_calls_only,omitempty"`
	NetworkUnavailableNumber          *string              `json:"network_unavailable_number,omitempty"`
	NetworkUnavailableRingTime        *int                 `json:"network_unavailable_ring_time,omitempty"`
	OfficeHours                       *OfficeHours         `json:"office_hours,omitempty"`
	OfflineNonOfficeHoursForwardRule  *ForwardRule         `json:"offline_non_office_hours_forward_rule,omitempty"`
	OfflineOfficeHoursForwardRule     *ForwardRule         `json:"offline_office_hours_forward_rule,omitempty"`
	OnCallPIN                         *string              `json:"oncall_pin,omitempty"`
	OTPRequired                       *bool                `json:"otp_required,omitempty"`
	OutboundCallerIDs                 []OutboundCallerID   `json:"outbound_caller_ids,omitzero"`
	PreferredTransport                *string              `json:"preferred_transport,omitempty"`
	RequireKeyPress                   *bool                `json:"require_key_press,omitempty"`
	SMS                               *string              `json:"sms,omitempty"`
	SMSAutoResponseText               *string              `json:"sms_auto_response_text,omitempty"`
	TripNonOfficeHoursForwardRule     *ForwardRule         `json:"trip_non_office_hours_forward_rule,omitempty"`
	TripOfficeHoursForwardRule        *ForwardRule         `json:"trip_office_hours_forward_rule,omitempty"`
	VoicemailPIN                      *string              `json:"voicemail_pin,omitempty"`
	VoicemailPlayDatetime             *string              `json:"voicemail_play_datetime,omitempty"`
	VoicemailPrompt                   *string              `json:"voicemail_prompt,omitempty"`
	WorkPhone                         *string              `json:"work_phone,omitempty"`
}

// Transport is a SIP listener of the server the user's phones may use.
type Transport struct {
	Protocol     string `json:"protocol"`
	Port         int    `json:"port"`
	Verification string `json:"verification"`
}
