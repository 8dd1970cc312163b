package model

import (
	"strings"
	"time"
)

// VoicemailMessage is a message left in a mailbox by a caller and recorded
// by Switchboard's media engine. Its audio is a WAV file (file_url).
type VoicemailMessage struct {
	ID string `json:"id"`
	// Extension is the extension the caller tried (the mailbox's, or the
	// user's whose mailbox choice sends calls to this one).
	Extension  string    `json:"extension"`
	Caller     string    `json:"caller" doc:"The caller's number or extension"`
	CallerName string    `json:"caller_name" doc:"The caller's display name, when given"`
	CallID     string    `json:"call_id"`
	CreatedAt  time.Time `json:"created_at" doc:"When the message was left"`
	// Duration is the message's length in whole seconds (rounded);
	// DurationMS in milliseconds.
	Duration   int64  `json:"duration"`
	DurationMS int64  `json:"duration_ms"`
	Heard      bool   `json:"heard" doc:"Listened to (by phone or in the portal); new messages are not heard"`
	Saved      bool   `json:"saved" doc:"Kept on purpose by its owner"`
	FileID     string `json:"file_id"`
	FileName   string `json:"file_name"`
	FileSize   int64  `json:"file_size"`
	FileURL    string `json:"file_url"`
	TenantID   string `json:"-"`
	MailboxID  string `json:"-"`
}

// VoicemailSettings are a tenant's voicemail limits and options.
type VoicemailSettings struct {
	// MaxSeconds bounds one message (default 180 s).
	MaxSeconds int `json:"max_seconds" minimum:"10" maximum:"3600" doc:"Longest message in seconds (default 180)"`
	// MaxMessages is each mailbox's quota (default 100).
	MaxMessages int `json:"max_messages" minimum:"1" maximum:"10000" doc:"Messages a mailbox holds at most (default 100); a full mailbox takes no more"`
	// AttachAudio sends the voice file with voicemail-to-email
	// notifications. Off by default: the file may hold health or other
	// protected data that email does not protect.
	AttachAudio bool `json:"attach_audio" doc:"Attach the voice file to voicemail-to-email notifications (default off: email is not a safe place for what callers say)"`
}

// Voicemail defaults and bounds.
const (
	DefaultVoicemailMaxSeconds  = 180
	DefaultVoicemailMaxMessages = 100
)

// Effective returns the settings with defaults in place of zeros.
func (v VoicemailSettings) Effective() VoicemailSettings {
	if v.MaxSeconds == 0 {
		v.MaxSeconds = DefaultVoicemailMaxSeconds
	}
	if v.MaxMessages == 0 {
		v.MaxMessages = DefaultVoicemailMaxMessages
	}
	return v
}

// ValidateVoicemailSettings checks a tenant's voicemail settings (zero
// values mean the default).
func ValidateVoicemailSettings(v *VoicemailSettings) error {
	if v.MaxSeconds != 0 && (v.MaxSeconds < 10 || v.MaxSeconds > 3600) {
		return Invalid("voicemail.max_seconds", "must be from 10 to 3600 seconds")
	}
	if v.MaxMessages != 0 && (v.MaxMessages < 1 || v.MaxMessages > 10000) {
		return Invalid("voicemail.max_messages", "must be from 1 to 10000")
	}
	return nil
}

// Mailbox choices of User.Mailbox: the user's own mailbox, none, or
// (any other value) the extension of another user whose mailbox takes
// this user's messages.
const (
	MailboxSelf = "SELF"
	MailboxNone = "NONE"
)

// ValidateMailboxChoice checks User.Mailbox's form: SELF, NONE or an
// extension number (the directory checks that it is another user's).
func ValidateMailboxChoice(v string) error {
	switch v {
	case "", MailboxSelf, MailboxNone:
		return nil
	}
	if !validExtension(v) {
		return Invalid("mailbox", "must be SELF, NONE or the extension number of another user")
	}
	return nil
}

func validExtension(v string) bool {
	return len(v) >= 3 && len(v) <= 64 && strings.Trim(v, "0123456789") == ""
}
