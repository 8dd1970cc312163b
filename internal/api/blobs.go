package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type blobOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentLength      string `header:"Content-Length"`
	ContentDisposition string `header:"Content-Disposition"`
	Cache              string `header:"Cache-Control"`
	NoSniff            string `header:"X-Content-Type-Options"`
	Body               []byte
}

// uploadInput is a file uploaded as the raw body.
type uploadInput = struct {
	Name    string `query:"name" maxLength:"128" doc:"The file's name, for display"`
	RawBody []byte `contentType:"application/octet-stream"`
}

func (s *Server) blobRoutes() {
	d := s.deps.Directory
	max := d.BlobMaxSize()
	handle(s, route{method: http.MethodPost, path: "/api/blobs", id: "upload-blob", tag: "Files", access: self, status: http.StatusCreated,
		maxBody: max, summary: "Upload a file (WAV or MP3 audio, PNG or JPEG image; the type is told by content) as the raw request body"},
		func(ctx context.Context, c *directory.Caller, in *uploadInput) (*itemOutput[model.Blob], error) {
			return oneOut(d.UploadBlob(ctx, c, in.Name, in.RawBody))
		})
	handle(s, route{method: http.MethodGet, path: "/api/blobs/{id}", id: "get-blob", tag: "Files", access: self, produces: "application/octet-stream",
		summary: "Download a file you uploaded (admins: any of the tenant's)"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*blobOutput, error) {
			b, data, err := d.GetBlob(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			return &blobOutput{ContentType: b.ContentType, ContentLength: strconv.Itoa(len(data)),
				ContentDisposition: `inline; filename="` + safeFilename(b.Name) + `"`, Cache: "private, max-age=3600",
				NoSniff: "nosniff", Body: data}, nil
		})
}

// safeFilename keeps what may go inside a quoted Content-Disposition.
func safeFilename(name string) string {
	out := make([]rune, 0, len(name))
	for _, r := range name {
		if r >= 0x20 && r != '"' && r != '\\' && r < 0x7f {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return "file"
	}
	return string(out)
}
