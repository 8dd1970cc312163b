package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// ErrSchemaOutdated reports that the database schema is older than this
// binary expects; run the migrations (switchboard migrate, or start
// without --no-migrate).
var ErrSchemaOutdated = errors.New("database schema is outdated: migrations must be applied")

// SQLite result codes for unique violations.
const (
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

// uniqueKey ties a unique index to the API field it protects. The
// PostgreSQL error names the index; the SQLite one lists its columns.
type uniqueKey struct {
	pgIndex   string // constraint name in PostgreSQL's error
	sqliteCol string // "table.column" that only this index lists in SQLite's message
	field     string
}

var uniqueKeys = []uniqueKey{
	{"tenants_domain_key", "tenants.domain", "domain"},
	{"users_tenant_name_key", "users.name_lower", "name"},
	{"users_tenant_extension_key", "users.extension_number", "extension_number"},
	{emailIndex, "users.email_lower", "email"},
	{nameKeyIndex, "users.name_key", "name"},
	{"tenants_pkey", "tenants.id", "id"},
	{"users_pkey", "users.id", "id"},
	{"sessions_pkey", "sessions.id", "id"},
	{"roles_pkey", "roles.name_lower", "role_name"},
	{"user_items_tenant_key", "user_items.tenant_key", "tenant_key"},
	{"user_items_user_key", "user_items.user_key", "user_key"},
	{"user_groups_tenant_name_key", "user_groups.name_lower", "group_name"},
	{"users_ms365_key", "users.ms365_id", "ms365_id"},
	{"api_keys_pkey", "api_keys.token", "api_key_token"},
	{"sessions_access_hash_key", "sessions.access_hash", "access_hash"},
	{"sessions_refresh_hash_key", "sessions.refresh_hash", "refresh_hash"},
	{"hunt_groups_extension_key", "hunt_groups.extension_number", "extension_number"},
	{"hunt_groups_name_key", "hunt_groups.name_lower", "name"},
}

// uniqueViolation returns the field of the unique index err violates, or
// ok == false when err is not a unique violation.
func uniqueViolation(err error) (field string, ok bool) {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		if pgErr.Code != "23505" {
			return "", false
		}
		for _, k := range uniqueKeys {
			if pgErr.ConstraintName == k.pgIndex {
				return k.field, true
			}
		}
		return pgErr.ConstraintName, true
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		code := liteErr.Code()
		if code != sqliteConstraintUnique && code != sqliteConstraintPrimaryKey {
			return "", false
		}
		msg := liteErr.Error()
		for _, k := range uniqueKeys {
			if containsColumn(msg, k.sqliteCol) {
				return k.field, true
			}
		}
		return "unknown", true
	}
	return "", false
}

// containsColumn reports whether SQLite's message "UNIQUE constraint
// failed: users.tenant_id, users.name_lower" lists col exactly.
func containsColumn(msg, col string) bool {
	for rest := msg; ; {
		i := strings.Index(rest, col)
		if i < 0 {
			return false
		}
		end := i + len(col)
		if end == len(rest) || !isIdentByte(rest[end]) {
			if i == 0 || !isIdentByte(rest[i-1]) {
				return true
			}
		}
		rest = rest[end:]
	}
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// userConflict maps a unique violation on a user write to a
// *model.ConflictError; other errors are wrapped with op.
func userConflict(op string, err error, u *model.User) error {
	if field, ok := uniqueViolation(err); ok {
		switch field {
		case "name":
			return model.Conflict("name", "user name %q is already in use", u.Name)
		case "extension_number":
			return model.Conflict("extension_number", "extension %q is already in use", u.ExtensionNumber)
		case "email":
			return model.Conflict("email", "email %q is already in use", strings.ToLower(u.Email))
		case "id":
			return model.Conflict("id", "user id %q is already in use", u.ID)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// tenantConflict maps a unique violation on a tenant write to a
// *model.ConflictError; other errors are wrapped with op.
func tenantConflict(op string, err error, t *model.Tenant) error {
	if field, ok := uniqueViolation(err); ok {
		switch field {
		case "domain":
			return model.Conflict("domain", "domain %q is already in use", t.Domain)
		case "id":
			return model.Conflict("id", "tenant id %q is already in use", t.ID)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// notFound turns sql.ErrNoRows into model.ErrNotFound, wrapping with op.
func notFound(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, model.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// deleted checks the outcome of a DELETE of one row.
func deleted(op string, res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, model.ErrNotFound)
	}
	return nil
}
