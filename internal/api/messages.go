package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type idsOutput struct {
	Body struct {
		IDs []string `json:"ids"`
		// AutoReplies is how many auto-responses the messages caused.
		AutoReplies *int `json:"auto_replies,omitempty"`
	}
}

// The aliases of unnamed structs keep the schema names huma derives from
// the operations (My-list-recordingsResponse, ...).

type recordingListOutput = struct {
	Body struct {
		Count int               `json:"count"`
		Items []model.Recording `json:"items"`
	}
}

type recordingOutput = struct {
	Body struct {
		Items []*model.Recording `json:"items"`
	}
}

type recordingsInput = struct {
	Body struct {
		Items []directory.RecordingIn `json:"items" maxItems:"1000" required:"true"`
	}
}

type messageListOutput = struct {
	Body struct {
		Count int                     `json:"count"`
		Items []model.ExternalMessage `json:"items"`
	}
}

type messagesInput = struct {
	Body struct {
		Items []directory.MessageIn `json:"items" maxItems:"1000" required:"true"`
	}
}

func (s *Server) recordingRoutes() {
	d := s.deps.Directory
	handle(s, route{method: http.MethodGet, path: "/api/user/recordings", id: "my-list-recordings", tag: "Call history", access: perm,
		permission: directory.PermOwnRecordings, summary: "List your call recordings (query language; newest first)"},
		func(ctx context.Context, c *directory.Caller, in *listParams) (*recordingListOutput, error) {
			n, list, err := d.ListRecordings(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &recordingListOutput{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	handle(s, route{method: http.MethodGet, path: "/api/user/recordings/{id}", id: "my-get-recording", tag: "Call history", access: perm,
		permission: directory.PermOwnRecordings, summary: "Get a call recording; its audio downloads from file_url"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*recordingOutput, error) {
			r, err := d.GetRecording(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			out := &recordingOutput{}
			out.Body.Items = []*model.Recording{r}
			return out, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/user/recordings/{id}/destroy", id: "my-destroy-recording", tag: "Call history", access: perm,
		permission: directory.PermDeleteRecordings, status: http.StatusNoContent, summary: "Delete a call recording and its audio"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteRecording(ctx, c, in.ID)
		})
	handle(s, route{method: http.MethodPost, path: "/api/recordings", id: "ingest-recordings", tag: "Call history", access: perm,
		permission: directory.PermIngestCallLogs, status: http.StatusCreated, maxBody: 1 << 20,
		summary: "Store call recordings sent by a trusted switch (upload each audio with POST /api/blobs first; all or none)"},
		func(ctx context.Context, c *directory.Caller, in *recordingsInput) (*idsOutput, error) {
			ids, err := d.IngestRecordings(ctx, c, in.Body.Items)
			if err != nil {
				return nil, err
			}
			out := &idsOutput{}
			out.Body.IDs = ids
			return out, nil
		})
}

func (s *Server) externalMessageRoutes() {
	d := s.deps.Directory
	handle(s, route{method: http.MethodGet, path: "/api/user/external_messages", id: "my-list-external-messages", tag: "Messages", access: self,
		summary: "List your external messages (SMS), newest first"},
		func(ctx context.Context, c *directory.Caller, in *listParams) (*messageListOutput, error) {
			n, list, err := d.ListMessages(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &messageListOutput{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
	handle(s, route{method: http.MethodGet, path: "/api/user/external_messages/{id}", id: "my-get-external-message", tag: "Messages", access: self,
		summary: "Get one of your external messages"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[model.ExternalMessage], error) {
			return oneOut(d.GetMessage(ctx, c, in.ID))
		})
	handle(s, route{method: http.MethodPost, path: "/api/external_messages", id: "ingest-external-messages", tag: "Messages", access: perm,
		permission: directory.PermIngestCallLogs, status: http.StatusCreated, maxBody: 8 << 20,
		summary: "Store external messages sent by a trusted switch (all or none); inbound direct SMS get their users' auto-responses"},
		func(ctx context.Context, c *directory.Caller, in *messagesInput) (*idsOutput, error) {
			ids, n, err := d.IngestMessages(ctx, c, in.Body.Items)
			if err != nil {
				return nil, err
			}
			out := &idsOutput{}
			out.Body.IDs, out.Body.AutoReplies = ids, &n
			return out, nil
		})
}
