package store

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

const blobColumns = `id, tenant_id, user_id, name, content_type, kind, size, sha256, created_at`

func scanBlob(row rowScanner) (*model.Blob, error) {
	var b model.Blob
	var created int64
	if err := row.Scan(&b.ID, &b.TenantID, &b.UserID, &b.Name, &b.ContentType, &b.Kind, &b.Size, &b.SHA256, &created); err != nil {
		return nil, err
	}
	b.CreatedAt = fromMicros(created)
	return &b, nil
}

// CreateBlob records a blob's metadata; with data != nil the bytes go in
// the blob_data table in the same transaction (database storage).
func (s *Store) CreateBlob(ctx context.Context, b *model.Blob, data []byte) error {
	b.CreatedAt = norm(b.CreatedAt)
	return s.inTx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `INSERT INTO blobs (`+blobColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.TenantID, b.UserID, b.Name, b.ContentType, b.Kind, b.Size, b.SHA256, micros(b.CreatedAt)); err != nil {
			return fmt.Errorf("create blob: %w", err)
		}
		if data != nil {
			if _, err := c.exec(ctx, `INSERT INTO blob_data (id, data) VALUES (?, ?)`, b.ID, data); err != nil {
				return fmt.Errorf("store blob data: %w", err)
			}
		}
		return nil
	})
}

// GetBlob returns a blob of tenantID, or model.ErrNotFound.
func (s *Store) GetBlob(ctx context.Context, tenantID, id string) (*model.Blob, error) {
	b, err := scanBlob(s.c().queryRow(ctx, `SELECT `+blobColumns+` FROM blobs WHERE tenant_id = ? AND id = ?`, tenantID, id))
	if err != nil {
		return nil, notFound("get blob", err)
	}
	return b, nil
}

// BlobData returns the bytes kept in the database for blob id.
func (s *Store) BlobData(ctx context.Context, id string) ([]byte, error) {
	var data []byte
	if err := s.c().queryRow(ctx, `SELECT data FROM blob_data WHERE id = ?`, id).Scan(&data); err != nil {
		return nil, notFound("read blob", err)
	}
	return data, nil
}

// DeleteBlob removes a blob's metadata (and database bytes).
func (s *Store) DeleteBlob(ctx context.Context, tenantID, id string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM blobs WHERE tenant_id = ? AND id = ?`, tenantID, id)
		return deleted("delete blob", res, err)
	})
}
