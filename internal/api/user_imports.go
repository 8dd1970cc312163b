package api

import (
	"context"
	"io"
	"mime"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// MaxImportBytes bounds an uploaded CSV file.
const MaxImportBytes = directory.MaxImportBytes

// importInput is a CSV file to import: the raw body, read as a stream
// (huma does not buffer it; the directory spools it to disk).
type importInput struct {
	DryRun         bool   `query:"dry_run" doc:"Check every row and report, change nothing"`
	IdempotencyKey string `header:"Idempotency-Key" doc:"A key of the client's choosing: a retry with the same key (and the same file) returns the job the first request started instead of importing again"`
	contentType    string
	body           io.Reader
}

// Resolve keeps the request's body reader and content type for the
// handler.
func (in *importInput) Resolve(ctx huma.Context) []error {
	in.body, in.contentType = ctx.BodyReader(), ctx.Header("Content-Type")
	return nil
}

// csvTypes are the content types an import accepts ("" too).
var csvTypes = map[string]bool{"text/csv": true, "text/plain": true, "application/csv": true, "application/octet-stream": true}

type importJobOutput struct {
	Location string `header:"Location"`
	Body     *model.ImportJob
}

type importJobPath struct {
	ID string `path:"id" maxLength:"64" doc:"The import job's id"`
}

func (s *Server) userImportRoutes() {
	d := s.deps.Directory
	handle(s, route{method: http.MethodPost, path: "/api/users/import", id: "import-users", tag: "Users", access: perm,
		permission: directory.PermUsers, status: http.StatusAccepted, rawBody: "text/csv",
		summary: "Start a job that creates users from a CSV file (the raw body): all or none; dry_run=true only checks and reports every bad row. " +
			"Answers 202 with the job at once (follow it with GET /api/user_import_jobs/{id}); a file that cannot be read is refused at once (400, 413, 415); " +
			"a tenant runs one import at a time (409)"},
		func(ctx context.Context, c *directory.Caller, in *importInput) (*importJobOutput, error) {
			if in.contentType != "" {
				if mt, _, err := mime.ParseMediaType(in.contentType); err != nil || !csvTypes[mt] {
					return nil, newError(http.StatusUnsupportedMediaType, "Content-Type", "The body must be a CSV file (text/csv)")
				}
			}
			job, err := d.StartUserImport(ctx, c, in.body, directory.StartImportOptions{DryRun: in.DryRun, IdempotencyKey: in.IdempotencyKey})
			if err != nil {
				return nil, err
			}
			return &importJobOutput{Location: "/api/user_import_jobs/" + job.ID, Body: job}, nil
		})
	handle(s, route{method: http.MethodGet, path: "/api/user_import_jobs/{id}", id: "get-user-import-job", tag: "Users", access: perm,
		permission: directory.PermUsers,
		summary:    "A CSV user import job of the tenant: its status and progress, and its report once finished (SUCCEEDED, or FAILED: nothing was imported)"},
		func(ctx context.Context, c *directory.Caller, in *importJobPath) (*itemOutput[model.ImportJob], error) {
			return oneOut(d.UserImportJob(ctx, c, in.ID))
		})
}
