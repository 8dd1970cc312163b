package client

import (
	"context"
	"time"
)

// Voicemail is a voicemail message Switchboard recorded; its audio (a
// WAV file) downloads from FileURL with GetBlob.
type Voicemail struct {
	ID         string    `json:"id"`
	Extension  string    `json:"extension"`
	Caller     string    `json:"caller"`
	CallerName string    `json:"caller_name"`
	CallID     string    `json:"call_id"`
	CreatedAt  time.Time `json:"created_at"`
	Duration   int       `json:"duration"`
	DurationMS int       `json:"duration_ms"`
	Heard      bool      `json:"heard"`
	Saved      bool      `json:"saved"`
	FileID     string    `json:"file_id"`
	FileName   string    `json:"file_name"`
	FileSize   int       `json:"file_size"`
	FileURL    string    `json:"file_url"`
}

// VoicemailUpdate marks a message; nil members keep their value.
type VoicemailUpdate struct {
	Heard *bool `json:"heard,omitempty"`
	Saved *bool `json:"saved,omitempty"`
}

// ListVoicemails lists the user's voicemail messages, newest first, with
// the query language (.../voicemails).
func (u *UserScope) ListVoicemails(ctx context.Context, opts *ListOptions) (*List[Voicemail], error) {
	return list[Voicemail](ctx, u.c, u.base+"/voicemails", opts)
}

// GetVoicemail returns one of the user's voicemail messages.
func (u *UserScope) GetVoicemail(ctx context.Context, id string) (*Voicemail, error) {
	return one[Voicemail](ctx, u.c, u.base+pathf("/voicemails/%s", id))
}

// UpdateVoicemail marks a message heard or saved (or not).
func (u *UserScope) UpdateVoicemail(ctx context.Context, id string, in VoicemailUpdate) error {
	return u.c.post(ctx, u.base+pathf("/voicemails/%s", id), in, nil)
}

// DeleteVoicemail deletes a message and its audio.
func (u *UserScope) DeleteVoicemail(ctx context.Context, id string) error {
	return u.c.post(ctx, u.base+pathf("/voicemails/%s/destroy", id), nil, nil)
}

// ListDetachedVoicemails lists the messages of a detached mailbox (a
// removed user's, kept; user_management.users).
func (c *Client) ListDetachedVoicemails(ctx context.Context, mailboxID string, opts *ListOptions) (*List[Voicemail], error) {
	return list[Voicemail](ctx, c, pathf("/api/mailboxes/detached/%s/voicemails", mailboxID), opts)
}

// VoicemailPrompt is a prompt of the voicemail and the tenant's
// replacement of it (ID "" when the built-in prompt plays).
type VoicemailPrompt struct {
	Name     string `json:"name"`
	Text     string `json:"text"`
	ID       string `json:"id"`
	FileID   string `json:"file_id,omitempty"`
	FileName string `json:"file_name,omitempty"`
	FileURL  string `json:"file_url,omitempty"`
}

type promptBody struct {
	Name   string `json:"name"`
	FileID string `json:"file_id"`
}

// ListVoicemailPrompts lists the voicemail's prompts with the tenant's
// replacements (company.view_only).
func (c *Client) ListVoicemailPrompts(ctx context.Context) ([]VoicemailPrompt, error) {
	return itemsOf[VoicemailPrompt](ctx, c, "/api/voicemail_prompts")
}

// ReplaceVoicemailPrompt makes an uploaded WAV or MP3 the tenant's version
// of prompt name and returns the replacement's id (company.full_access).
func (c *Client) ReplaceVoicemailPrompt(ctx context.Context, name, fileID string) (string, error) {
	return create(ctx, c, "/api/voicemail_prompts", promptBody{Name: name, FileID: fileID})
}

// DeleteVoicemailPrompt removes a replacement.
func (c *Client) DeleteVoicemailPrompt(ctx context.Context, id string) error {
	return c.post(ctx, pathf("/api/voicemail_prompts/%s/destroy", id), nil, nil)
}
