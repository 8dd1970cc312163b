package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// NodeSecret returns the secret called name that every node shares,
// creating a random one (32 bytes, hex) the first time.
func (s *Store) NodeSecret(ctx context.Context, name string) (string, error) {
	buf := make([]byte, 32)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	if _, err := s.c().exec(ctx, `INSERT INTO node_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		name, hex.EncodeToString(buf)); err != nil {
		return "", fmt.Errorf("create node secret: %w", err)
	}
	var v string
	if err := s.c().queryRow(ctx, `SELECT value FROM node_secrets WHERE name = ?`, name).Scan(&v); err != nil {
		return "", fmt.Errorf("read node secret: %w", err)
	}
	return v, nil
}
