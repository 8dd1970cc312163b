package client

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Blob is an uploaded file (a greeting's audio, an avatar image).
type Blob struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ContentType is the type found in the content, whatever the name.
	ContentType string `json:"content_type"`
	// Kind is audio or image.
	Kind      string    `json:"kind"`
	Size      int       `json:"size"`
	SHA256    string    `json:"sha256"`
	CreatedAt time.Time `json:"created_at"`
}

// UploadBlob uploads a file: a WAV or MP3 for greetings, a PNG or JPEG for
// avatars (POST /api/blobs).
func (c *Client) UploadBlob(ctx context.Context, name string, data io.Reader) (*Blob, error) {
	var out Blob
	err := c.send(ctx, call{method: http.MethodPost, path: "/api/blobs", query: url.Values{"name": {name}},
		raw: data, contentType: "application/octet-stream", out: &out})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// BlobContent is a downloaded file.
type BlobContent struct {
	ContentType string
	Data        []byte
}

// GetBlob downloads a file: its uploader and the tenant's admins may (GET
// /api/blobs/{id}).
func (c *Client) GetBlob(ctx context.Context, id string) (*BlobContent, error) {
	var b bytes.Buffer
	var h http.Header
	if err := c.send(ctx, call{method: http.MethodGet, path: pathf("/api/blobs/%s", id), sink: &b, header: &h}); err != nil {
		return nil, err
	}
	return &BlobContent{ContentType: h.Get("Content-Type"), Data: b.Bytes()}, nil
}
