package directory

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// DefaultBlobMaxSize bounds an upload unless configured otherwise.
const DefaultBlobMaxSize = 10 << 20

// BlobStorage keeps the bytes of uploaded files. Put records the blob's
// metadata in the store as well, so that a blob is never listed without
// its bytes.
type BlobStorage interface {
	Put(ctx context.Context, b *model.Blob, data []byte) error
	Get(ctx context.Context, b *model.Blob) ([]byte, error)
}

// FileBlobs keeps blobs as files under a directory (the data dir's
// "blobs"), one folder per tenant: the embedded default.
type FileBlobs struct {
	Dir   string
	Store *store.Store
}

func (f FileBlobs) path(b *model.Blob) string {
	// IDs are base64 and may hold '/': name files by their hex.
	return filepath.Join(f.Dir, hex.EncodeToString([]byte(b.TenantID)), hex.EncodeToString([]byte(b.ID)))
}

// Put writes the file (through a temporary name) and then the metadata;
// if the metadata cannot be written the file is removed.
func (f FileBlobs) Put(ctx context.Context, b *model.Blob, data []byte) error {
	p := f.path(b)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("blob storage: %w", err)
	}
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("blob storage: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("blob storage: %w", err)
	}
	if err := f.Store.CreateBlob(ctx, b, nil); err != nil {
		os.Remove(p)
		return err
	}
	return nil
}

// Get reads the file.
func (f FileBlobs) Get(_ context.Context, b *model.Blob) ([]byte, error) {
	data, err := os.ReadFile(f.path(b))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("blob %s has no file: %w", b.ID, model.ErrNotFound)
	}
	return data, err
}

// DBBlobs keeps blobs in the database, so that nodes sharing only
// PostgreSQL serve every file: the default with --db postgres://.
type DBBlobs struct{ Store *store.Store }

// Put writes metadata and bytes in one transaction.
func (d DBBlobs) Put(ctx context.Context, b *model.Blob, data []byte) error {
	return d.Store.CreateBlob(ctx, b, data)
}

// Get reads the bytes.
func (d DBBlobs) Get(ctx context.Context, b *model.Blob) ([]byte, error) {
	return d.Store.BlobData(ctx, b.ID)
}

// UploadBlob stores a file the caller sends. Its type is told by its
// content (WAV, MP3, PNG, JPEG), never by its name; anything else is
// refused.
func (s *Service) UploadBlob(ctx context.Context, c *Caller, name string, data []byte) (*model.Blob, error) {
	if s.cfg.Blobs == nil {
		return nil, errors.New("no blob storage configured")
	}
	if int64(len(data)) > s.blobMax() {
		return nil, &TooLargeError{Max: s.blobMax()}
	}
	if len(data) == 0 {
		return nil, model.Invalid("body", "is empty: send the file's bytes")
	}
	ct, kind, ok := model.SniffBlob(data)
	if !ok {
		return nil, model.Invalid("body", "is not a WAV or MP3 audio file or a PNG or JPEG image")
	}
	name = strings.TrimSpace(name)
	if len(name) > 128 || strings.ContainsAny(name, "/\\\x00\r\n") {
		return nil, model.Invalid("name", "must be a file name of at most 128 characters without slashes")
	}
	sum := sha256.Sum256(data)
	b := &model.Blob{ID: model.NewID(), TenantID: c.TenantID, UserID: c.UserID, Name: name, ContentType: ct, Kind: kind,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), CreatedAt: s.now().UTC()}
	if err := s.cfg.Blobs.Put(ctx, b, data); err != nil {
		return nil, err
	}
	return b, nil
}

func (s *Service) blobMax() int64 {
	if s != nil && s.cfg.BlobMaxSize > 0 {
		return s.cfg.BlobMaxSize
	}
	return DefaultBlobMaxSize
}

// BlobMaxSize is the largest upload accepted.
func (s *Service) BlobMaxSize() int64 { return s.blobMax() }

// TooLargeError refuses an upload over the limit (413).
type TooLargeError struct{ Max int64 }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the file is larger than the limit of %d bytes", e.Max)
}

// blobFor returns a blob of the caller's tenant that the caller may use:
// one they uploaded, or any of the tenant's when they manage users.
func (s *Service) blobFor(ctx context.Context, c *Caller, id string) (*model.Blob, error) {
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	b, err := s.store.GetBlob(ctx, c.TenantID, id)
	if err != nil {
		return nil, err
	}
	if b.UserID != c.UserID && !c.Can(PermUsers) {
		return nil, model.ErrNotFound
	}
	return b, nil
}

// GetBlob returns a file's metadata and bytes.
func (s *Service) GetBlob(ctx context.Context, c *Caller, id string) (*model.Blob, []byte, error) {
	b, err := s.blobFor(ctx, c, id)
	if err != nil {
		return nil, nil, err
	}
	data, err := s.cfg.Blobs.Get(ctx, b)
	if err != nil {
		return nil, nil, err
	}
	return b, data, nil
}

// blobURL is where a blob is fetched.
func blobURL(id string) string { return "/api/blobs/" + id }
