package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// voicemailPath names a message of a user (admin form).
type voicemailPath struct {
	ID        string `path:"id" maxLength:"64"`
	MessageID string `path:"item_id" maxLength:"64"`
}

// voicemailUpdateIn is the admin form's update request.
type voicemailUpdateIn struct {
	ID        string `path:"id" maxLength:"64"`
	MessageID string `path:"item_id" maxLength:"64"`
	Body      directory.VoicemailUpdate
}

// idListParams is a list request about one object (a user, a mailbox).
type idListParams struct {
	ID      string `path:"id" maxLength:"64"`
	Filter  string `query:"filter" maxLength:"2000" doc:"OData-style filter, e.g. heard eq false"`
	Search  string `query:"search" maxLength:"256" doc:"Free text, case- and accent-insensitive"`
	OrderBy string `query:"orderby" maxLength:"256" doc:"field [asc|desc], comma-separated"`
	Skip    string `query:"skip" maxLength:"12" doc:"Items to skip (default 0)"`
	Top     string `query:"top" maxLength:"4" doc:"Page size 1-100 (default 100)"`
}

func (p *idListParams) params() query.Params {
	return listParams{Filter: p.Filter, Search: p.Search, OrderBy: p.OrderBy, Skip: p.Skip, Top: p.Top}.params()
}

// voicemailRoutes are the voicemail messages Switchboard recorded: the
// signed-in user's (/api/user/voicemails, general.voicemail_*), a user's
// for user admins (/api/users/{id}/voicemails), and a detached mailbox's.
func (s *Server) voicemailRoutes() {
	d := s.deps.Directory
	const tag = "Voicemail"
	own := func(method, path, id, summary, permission string, status int) route {
		return route{method: method, path: path, id: id, summary: summary, tag: tag, access: perm, permission: permission, status: status}
	}
	admin := func(method, path, id, summary string, status int) route {
		return route{method: method, path: path, id: id, summary: summary + " (of a user)", tag: tag, access: perm,
			permission: directory.PermUsers, status: status}
	}
	list := func(n int, items []model.VoicemailMessage, err error) (*countedItemsOutput[model.VoicemailMessage], error) {
		if err != nil {
			return nil, err
		}
		out := &countedItemsOutput[model.VoicemailMessage]{}
		out.Body.Count, out.Body.Items = n, items
		return out, nil
	}
	const listDoc = "List voicemail messages, newest first (filter and orderby on caller, caller_name, extension, call_id, created_at, duration_ms, heard, saved; search on caller and name); the audio downloads from file_url"
	handle(s, own(http.MethodGet, "/api/user/voicemails", "my-list-voicemails", listDoc, directory.PermVoicemailView, 0),
		func(ctx context.Context, c *directory.Caller, in *listParams) (*countedItemsOutput[model.VoicemailMessage], error) {
			return list(d.ListVoicemails(ctx, c, "", in.params()))
		})
	handle(s, admin(http.MethodGet, "/api/users/{id}/voicemails", "user-list-voicemails", listDoc, 0),
		func(ctx context.Context, c *directory.Caller, in *idListParams) (*countedItemsOutput[model.VoicemailMessage], error) {
			return list(d.ListVoicemails(ctx, c, in.ID, in.params()))
		})
	handle(s, own(http.MethodGet, "/api/user/voicemails/{id}", "my-get-voicemail", "Get a voicemail message", directory.PermVoicemailView, 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.VoicemailMessage], error) {
			return oneOut(d.GetVoicemail(ctx, c, "", in.ID))
		})
	handle(s, admin(http.MethodGet, "/api/users/{id}/voicemails/{item_id}", "user-get-voicemail", "Get a voicemail message", 0),
		func(ctx context.Context, c *directory.Caller, in *voicemailPath) (*itemOutput[model.VoicemailMessage], error) {
			return oneOut(d.GetVoicemail(ctx, c, in.ID, in.MessageID))
		})
	const markDoc = "Mark a voicemail message heard or saved (members left out keep their value)"
	handle(s, own(http.MethodPost, "/api/user/voicemails/{id}", "my-update-voicemail", markDoc, directory.PermVoicemailFull, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body directory.VoicemailUpdate
		}) (*struct{}, error) {
			return nil, d.UpdateVoicemail(ctx, c, "", in.ID, in.Body)
		})
	handle(s, admin(http.MethodPost, "/api/users/{id}/voicemails/{item_id}", "user-update-voicemail", markDoc, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *voicemailUpdateIn) (*struct{}, error) {
			return nil, d.UpdateVoicemail(ctx, c, in.ID, in.MessageID, in.Body)
		})
	const delDoc = "Delete a voicemail message and its audio"
	handle(s, own(http.MethodPost, "/api/user/voicemails/{id}/destroy", "my-destroy-voicemail", delDoc, directory.PermVoicemailFull, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteVoicemail(ctx, c, "", in.ID)
		})
	handle(s, admin(http.MethodPost, "/api/users/{id}/voicemails/{item_id}/destroy", "user-destroy-voicemail", delDoc, http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *voicemailPath) (*struct{}, error) {
			return nil, d.DeleteVoicemail(ctx, c, in.ID, in.MessageID)
		})
	handle(s, route{method: http.MethodGet, path: "/api/mailboxes/detached/{id}/voicemails", id: "list-detached-voicemails", tag: tag,
		summary: "List the voicemail messages of a detached mailbox (a removed user's, kept)", access: perm, permission: directory.PermUsers},
		func(ctx context.Context, c *directory.Caller, in *idListParams) (*countedItemsOutput[model.VoicemailMessage], error) {
			return list(d.DetachedVoicemails(ctx, c, in.ID, in.params()))
		})
}

type promptsOutput = struct {
	Body struct {
		Items []directory.VoicemailPrompt `json:"items"`
	}
}

// voicemailPromptRoutes let a tenant replace the voicemail's prompts with
// its own recordings.
func (s *Server) voicemailPromptRoutes() {
	d := s.deps.Directory
	const tag = "Voicemail"
	handle(s, route{method: http.MethodGet, path: "/api/voicemail_prompts", id: "list-voicemail-prompts", tag: tag, access: perm,
		permission: directory.PermCompanyView, summary: "List the voicemail's prompts (name, words) with the tenant's replacements"},
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*promptsOutput, error) {
			list, err := d.ListVoicemailPrompts(ctx, c)
			if err != nil {
				return nil, err
			}
			out := &promptsOutput{}
			out.Body.Items = list
			return out, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/voicemail_prompts", id: "replace-voicemail-prompt", tag: tag, access: perm,
		permission: directory.PermCompanyFull, status: http.StatusCreated,
		summary: "Replace a prompt with an uploaded WAV or MP3 (at most 60 s, not silent; one replacement per prompt)"},
		func(ctx context.Context, c *directory.Caller, in *struct{ Body directory.PromptReplacement }) (*createdOutput, error) {
			return created(d.ReplaceVoicemailPrompt(ctx, c, in.Body))
		})
	handle(s, route{method: http.MethodPost, path: "/api/voicemail_prompts/{id}/destroy", id: "destroy-voicemail-prompt", tag: tag, access: perm,
		permission: directory.PermCompanyFull, status: http.StatusNoContent, summary: "Remove a prompt's replacement (the built-in prompt plays again)"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteVoicemailPrompt(ctx, c, in.ID)
		})
}
