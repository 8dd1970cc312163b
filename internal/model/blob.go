package model

import (
	"bytes"
	"time"
)

// Blob is an uploaded file: a greeting's audio or an avatar's image.
type Blob struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Kind        string    `json:"kind" doc:"audio or image"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
	TenantID    string    `json:"-"`
	UserID      string    `json:"-"`
}

// Blob kinds.
const (
	BlobAudio = "audio"
	BlobImage = "image"
)

// SniffBlob tells the type of a file by its first bytes, never by its
// name: WAV and MP3 audio, PNG and JPEG images. ok is false otherwise.
func SniffBlob(b []byte) (contentType, kind string, ok bool) {
	switch {
	case len(b) >= 12 && bytes.Equal(b[:4], []byte("RIFF")) && bytes.Equal(b[8:12], []byte("WAVE")):
		return "audio/wav", BlobAudio, true
	case len(b) >= 10 && bytes.Equal(b[:3], []byte("ID3")):
		return "audio/mpeg", BlobAudio, true
	case len(b) >= 4 && b[0] == 0xFF && b[1]&0xE0 == 0xE0 && b[1]&0x06 != 0 && b[2]&0xF0 != 0xF0 && b[2]&0x0C != 0x0C:
		// An MPEG audio frame header: sync, a valid layer, bitrate and rate.
		return "audio/mpeg", BlobAudio, true
	case len(b) >= 8 && bytes.Equal(b[:8], []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", BlobImage, true
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "image/jpeg", BlobImage, true
	}
	return "", "", false
}
