package directory

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// promptKind is a tenant's replacement of a voicemail prompt (a
// tenant-wide item keyed by the prompt's name).
const promptKind = "voicemail_prompt"

// PromptCatalog is what the media engine offers to replace: each prompt's
// name and words, in order, and the check a replacement's audio must pass.
type PromptCatalog struct {
	Names []string
	Texts map[string]string
	// Check refuses audio the engine cannot play (undecodable, too long,
	// silent), with a message a person can act on.
	Check func(data []byte) error
}

// VoicemailPrompt is one prompt of the voicemail and the tenant's
// replacement of it, if any (ID "" for none: the built-in one plays).
type VoicemailPrompt struct {
	Name     string `json:"name"`
	Text     string `json:"text" doc:"What the built-in prompt says"`
	ID       string `json:"id" doc:"The replacement's id, empty when the built-in prompt plays"`
	FileID   string `json:"file_id,omitempty"`
	FileName string `json:"file_name,omitempty"`
	FileURL  string `json:"file_url,omitempty"`
}

// PromptReplacement is the body that replaces a prompt.
type PromptReplacement struct {
	Name   string `json:"name" maxLength:"64" required:"true" doc:"The prompt's name (GET /api/voicemail_prompts)"`
	FileID string `json:"file_id" maxLength:"64" required:"true" doc:"An uploaded WAV or MP3 (POST /api/blobs), at most 60 s"`
}

// ListVoicemailPrompts lists every prompt with the tenant's replacements.
func (s *Service) ListVoicemailPrompts(ctx context.Context, c *Caller) ([]VoicemailPrompt, error) {
	if err := c.require(PermCompanyView); err != nil {
		return nil, err
	}
	repl, err := s.promptItems(ctx, c.TenantID)
	if err != nil {
		return nil, err
	}
	out := make([]VoicemailPrompt, 0, len(s.cfg.Prompts.Names))
	for _, n := range s.cfg.Prompts.Names {
		p := VoicemailPrompt{Name: n, Text: s.cfg.Prompts.Texts[n]}
		if r, ok := repl[n]; ok {
			p.ID, p.FileID, p.FileName, p.FileURL = r.ID, r.FileID, r.FileName, r.FileURL
		}
		out = append(out, p)
	}
	return out, nil
}

// promptItems are the tenant's replacements by prompt name.
func (s *Service) promptItems(ctx context.Context, tenantID string) (map[string]VoicemailPrompt, error) {
	items, err := s.store.ListItems(ctx, tenantID, "", promptKind, 1000)
	if err != nil {
		return nil, err
	}
	out := make(map[string]VoicemailPrompt, len(items))
	for _, it := range items {
		var p VoicemailPrompt
		if err := json.Unmarshal(it.Data, &p); err != nil {
			return nil, fmt.Errorf("decode prompt %s: %w", it.ID, err)
		}
		p.ID = it.ID
		out[p.Name] = p
	}
	return out, nil
}

// ReplaceVoicemailPrompt makes an uploaded audio file the tenant's
// version of a prompt (one replacement per prompt: 409 while one exists).
func (s *Service) ReplaceVoicemailPrompt(ctx context.Context, c *Caller, in PromptReplacement) (string, error) {
	if err := c.require(PermCompanyFull); err != nil {
		return "", err
	}
	text, ok := s.cfg.Prompts.Texts[in.Name]
	if !ok {
		return "", model.Invalid("name", "is not a prompt of the voicemail (GET /api/voicemail_prompts lists them)")
	}
	b, err := s.blobFor(ctx, c, in.FileID)
	if err != nil || b.Kind != model.BlobAudio {
		return "", model.Invalid("file_id", "is not a WAV or MP3 file of this tenant")
	}
	data, err := s.BlobData(ctx, b)
	if err != nil {
		return "", err
	}
	if s.cfg.Prompts.Check != nil {
		if err := s.cfg.Prompts.Check(data); err != nil {
			return "", model.Invalid("file_id", "%s", err.Error())
		}
	}
	p := VoicemailPrompt{ID: model.NewID(), Name: in.Name, Text: text, FileID: b.ID, FileName: b.Name, FileURL: blobURL(b.ID)}
	raw, _ := json.Marshal(p)
	e := c.audit("create", promptKind, p.ID, in.Name, map[string]any{"name": in.Name, "file_id": in.FileID})
	it := &store.Item{ID: p.ID, TenantID: c.TenantID, Kind: promptKind, TenantKey: in.Name, Data: raw}
	if err := s.store.CreateItem(store.WithAudit(ctx, e), it, store.ItemKeyField{Tenant: "name"}, 1000, "name"); err != nil {
		return "", err
	}
	return p.ID, nil
}

// DeleteVoicemailPrompt removes a replacement: the built-in prompt plays
// again.
func (s *Service) DeleteVoicemailPrompt(ctx context.Context, c *Caller, id string) error {
	if err := c.require(PermCompanyFull); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	e := c.audit("delete", promptKind, id, "", nil)
	return s.store.DeleteTenantItem(store.WithAudit(ctx, e), c.TenantID, promptKind, id, "")
}

// TenantPrompts returns the files of a tenant's replaced prompts by name
// (for the media engine).
func (s *Service) TenantPrompts(ctx context.Context, tenantID string) (map[string]*model.Blob, error) {
	repl, err := s.promptItems(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*model.Blob, len(repl))
	for name, p := range repl {
		b, err := s.store.GetBlob(ctx, tenantID, p.FileID)
		if errors.Is(err, model.ErrNotFound) {
			continue // its file is gone: the built-in prompt plays
		}
		if err != nil {
			return nil, err
		}
		out[name] = b
	}
	return out, nil
}
