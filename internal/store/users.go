package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// userColumns are the users columns read and written by the store, in the
// order of userArgs and scanUser. search_text is written only.
const userColumns = `id, tenant_id, name, name_lower, role, extension_number, email, email_lower,
	display_name, first_name, last_name, enabled, mobile_phone, work_phone, home_phone, address,
	department, max_bindings, oncall_pin, billing_contact, settings, profile, avatar_file_name,
	avatar_file_size, avatar_file_url, sync_type, created_at, updated_at, password_hash,
	sip_ha1_md5, sip_ha1_sha256, otp_required, otp_enabled, otp_secret, otp_pending_secret, otp_last_step,
	otp_recovery, presence, presence_note, ms365_id, balance`

const insertUserSQL = `INSERT INTO users (` + userColumns + `, search_text, name_key)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const updateUserSQL = `UPDATE users SET name = ?, name_lower = ?, role = ?, extension_number = ?,
	email = ?, email_lower = ?, display_name = ?, first_name = ?, last_name = ?, enabled = ?,
	mobile_phone = ?, work_phone = ?, home_phone = ?, address = ?, department = ?, max_bindings = ?,
	oncall_pin = ?, billing_contact = ?, settings = ?, profile = ?, avatar_file_name = ?,
	avatar_file_size = ?, avatar_file_url = ?, sync_type = ?, created_at = ?, updated_at = ?,
	password_hash = ?, sip_ha1_md5 = ?, sip_ha1_sha256 = ?, otp_required = ?, otp_enabled = ?, otp_secret = ?,
	otp_pending_secret = ?, otp_last_step = ?, otp_recovery = ?, presence = ?, presence_note = ?, ms365_id = ?,
	balance = ?, search_text = ?, name_key = ?
	WHERE tenant_id = ? AND id = ?`

// UserSchema returns the query.Schema of user lists: the documented
// filterable and sortable fields of a user.
func UserSchema() query.Schema {
	str := func(col string) query.Field {
		return query.Field{Column: col, Type: query.String, Filterable: true, Sortable: true}
	}
	return query.Schema{
		"name":             {Column: "name", Type: query.String, Filterable: true, Sortable: true, SortColumn: "name_lower"},
		"email":            {Column: "email", Type: query.String, Filterable: true, Sortable: true, SortColumn: "email_lower"},
		"display_name":     str("display_name"),
		"first_name":       str("first_name"),
		"last_name":        str("last_name"),
		"role":             str("role"),
		"extension_number": {Column: "extension_number", Type: query.String, Filterable: true, Sortable: true, NoFold: true},
		"mobile_phone":     str("mobile_phone"),
		"work_phone":       str("work_phone"),
		"home_phone":       str("home_phone"),
		"address":          str("address"),
		"department":       str("department"),
		"enabled":          {Column: "enabled", Type: query.Bool, Filterable: true, Sortable: true},
		"max_bindings":     {Column: "max_bindings", Type: query.Int, Filterable: true, Sortable: true},
		"billing_contact":  {Column: "billing_contact", Type: query.Bool, Filterable: true, Sortable: true},
		"created_at":       {Column: "created_at", Type: query.Time, Filterable: true, Sortable: true},
	}
}

// userSearchText is the folded text that list searches match (indexed by
// trigrams: users_search on SQLite, users_search_trgm_idx on PostgreSQL).
func userSearchText(u *model.User) string {
	return query.SearchText(u.Name, u.DisplayName, u.Email, u.ExtensionNumber, u.FirstName, u.LastName)
}

// userValues returns u's column values, without id and tenant_id, in the
// order of updateUserSQL up to name_key included.
func userValues(u *model.User) ([]any, error) {
	settings, err := encodeSettings(&u.UserSettings)
	if err != nil {
		return nil, err
	}
	recovery := u.OTP.Recovery
	if recovery == nil {
		recovery = []string{}
	}
	rec, err := json.Marshal(recovery)
	if err != nil {
		return nil, fmt.Errorf("encode recovery codes: %w", err)
	}
	return []any{
		u.Name, strings.ToLower(u.Name), u.Role, u.ExtensionNumber,
		u.Email, strings.ToLower(u.Email), u.DisplayName, u.FirstName, u.LastName, u.Enabled,
		u.MobilePhone, u.WorkPhone, u.HomePhone, u.Address, u.Department, u.MaxBindings,
		u.OnCallPIN, u.BillingContact, string(settings), u.Profile, u.AvatarFileName,
		u.AvatarFileSize, u.AvatarFileURL, u.SyncType, micros(u.CreatedAt), micros(u.UpdatedAt),
		u.PasswordHash, u.SIP.HA1MD5, u.SIP.HA1SHA256, u.OTPRequired, u.OTPEnabled, u.OTP.Secret,
		u.OTP.PendingSecret, u.OTP.LastStep, string(rec), u.Presence, u.PresenceNote, u.MS365ID,
		int64(u.Balance), userSearchText(u), model.NameKey(u.Name),
	}, nil
}

// insertArgs prepares u for insertion (timestamps) and returns the values
// of insertUserSQL.
func insertArgs(u *model.User) ([]any, error) {
	u.CreatedAt = norm(u.CreatedAt)
	if u.UpdatedAt.IsZero() {
		u.UpdatedAt = u.CreatedAt
	}
	u.UpdatedAt = norm(u.UpdatedAt)
	vals, err := userValues(u)
	if err != nil {
		return nil, err
	}
	// Column order: id, tenant_id, name, name_lower, ... as in userValues.
	return append([]any{u.ID, u.TenantID}, vals...), nil
}

func insertUser(ctx context.Context, c conn, u *model.User) error {
	args, err := insertArgs(u)
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	if err := extensionFree(ctx, c, u.TenantID, u.ExtensionNumber, extGroups, extMeetings); err != nil {
		return err
	}
	if err := emailFree(ctx, c, u.TenantID, strings.ToLower(u.Email), u.ID); err != nil {
		return err
	}
	if err := nameFree(ctx, c, u); err != nil {
		return err
	}
	if _, err := c.exec(ctx, insertUserSQL, args...); err != nil {
		return userConflict("create user", err, u)
	}
	return logChange(ctx, c, u.TenantID, "", SyncExtensionContact, u.ID, ChangeCreated)
}

func scanUser(row rowScanner) (*model.User, error) {
	var u model.User
	var settings, recovery string
	var created, updated int64
	err := row.Scan(&u.ID, &u.TenantID, &u.Name, new(string), &u.Role, &u.ExtensionNumber, &u.Email, new(string),
		&u.DisplayName, &u.FirstName, &u.LastName, &u.Enabled, &u.MobilePhone, &u.WorkPhone, &u.HomePhone, &u.Address,
		&u.Department, &u.MaxBindings, &u.OnCallPIN, &u.BillingContact, &settings, &u.Profile, &u.AvatarFileName,
		&u.AvatarFileSize, &u.AvatarFileURL, &u.SyncType, &created, &updated, &u.PasswordHash,
		&u.SIP.HA1MD5, &u.SIP.HA1SHA256, &u.OTPRequired, &u.OTPEnabled, &u.OTP.Secret, &u.OTP.PendingSecret,
		&u.OTP.LastStep, &recovery, &u.Presence, &u.PresenceNote, &u.MS365ID, (*int64)(&u.Balance))
	if err != nil {
		return nil, err
	}
	if settings != "" {
		if err := decodeSettings(settings, &u.UserSettings); err != nil {
			return nil, fmt.Errorf("decode settings of user %s: %w", u.ID, err)
		}
	}
	if err := json.Unmarshal([]byte(recovery), &u.OTP.Recovery); err != nil {
		return nil, fmt.Errorf("decode recovery codes of user %s: %w", u.ID, err)
	}
	if len(u.OTP.Recovery) == 0 {
		u.OTP.Recovery = nil
	}
	u.CreatedAt = fromMicros(created)
	u.UpdatedAt = fromMicros(updated)
	return &u, nil
}

// CreateUser inserts u. The caller sets u.ID and u.TenantID; CreatedAt and
// UpdatedAt are set when zero. A taken name (ignoring case) or extension in
// the tenant gives a *model.ConflictError for "name", "email" or
// "extension_number".
func (s *Store) CreateUser(ctx context.Context, u *model.User) error {
	return s.inTx(ctx, func(c conn) error { return insertUser(ctx, c, u) })
}

// getUser reads one user matching cond (with ? placeholders).
func (s *Store) getUser(ctx context.Context, op, cond string, args ...any) (*model.User, error) {
	// cond is one of this file's constants, so the statement is cacheable.
	u, err := scanUser(s.queryRowFixed(ctx, `SELECT `+userColumns+` FROM users WHERE `+cond, args...))
	if err != nil {
		return nil, notFound(op, err)
	}
	return u, nil
}

// GetUser returns the user id of tenant tenantID, or model.ErrNotFound
// (also when the user belongs to another tenant).
func (s *Store) GetUser(ctx context.Context, tenantID, id string) (*model.User, error) {
	return s.getUser(ctx, "get user", `tenant_id = ? AND id = ?`, tenantID, id)
}

// GetUserByName returns the user of tenantID named name, ignoring case,
// or model.ErrNotFound.
func (s *Store) GetUserByName(ctx context.Context, tenantID, name string) (*model.User, error) {
	return s.getUser(ctx, "get user by name", `tenant_id = ? AND name_lower = ?`, tenantID, strings.ToLower(name))
}

// GetUserByExtension returns the user of tenantID with extension number
// ext, or model.ErrNotFound.
func (s *Store) GetUserByExtension(ctx context.Context, tenantID, ext string) (*model.User, error) {
	return s.getUser(ctx, "get user by extension", `tenant_id = ? AND extension_number = ?`, tenantID, ext)
}

// FindUsersByEmail returns up to limit users (all when limit <= 0) whose
// email is email, ignoring case, oldest first. tenantID "" searches every
// tenant. No match is an empty slice, not an error.
func (s *Store) FindUsersByEmail(ctx context.Context, tenantID, email string, limit int) ([]model.User, error) {
	q := `SELECT ` + userColumns + ` FROM users WHERE email_lower = ?`
	args := []any{strings.ToLower(email)}
	if tenantID != "" {
		q += ` AND tenant_id = ?`
		args = append(args, tenantID)
	}
	q += ` ORDER BY created_at, id`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	return queryAll(ctx, s.c(), "find users by email", scanUser, q, args...)
}

// ListUsers returns the number of users of tenantID matching q (all pages)
// and the page q selects, ordered by q's order then id (created_at, id by
// default). Every search word must occur in the user's folded name,
// display name, email, extension, first or last name. A nil q lists all.
func (s *Store) ListUsers(ctx context.Context, tenantID string, q *query.List) (int, []model.User, error) {
	return listPaged(ctx, s, listSpec[model.User]{op: "list users", table: "users", cols: userColumns,
		conds: []string{"tenant_id = ?"}, args: []any{tenantID}, order: "created_at, id",
		trigram: usersTrigram(tenantID), scan: scanUser}, q)
}

// UsersByID returns a tenant's users among ids.
func (s *Store) UsersByID(ctx context.Context, tenantID string, ids []string) (map[string]*model.User, error) {
	return byIDs(ctx, s, "users by id", "users", userColumns, []string{"tenant_id = ?"}, []any{tenantID}, ids, scanUser,
		func(u *model.User) string { return u.ID })
}

// UpdateUser loads user id of tenantID (locked), applies fn and writes every
// column back with UpdatedAt set to now, in one transaction. An error from
// fn aborts the update and is returned as is. ID and TenantID cannot be
// changed. Unique violations give a *model.ConflictError as in CreateUser.
func (s *Store) UpdateUser(ctx context.Context, tenantID, id string, fn func(*model.User) error) (*model.User, error) {
	var out *model.User
	err := s.inTx(ctx, func(c conn) error {
		u, err := scanUser(c.queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = ? AND id = ?`+c.forUpdate(), tenantID, id))
		if err != nil {
			return notFound("update user", err)
		}
		before, email := model.ExtensionContactOf(u), strings.ToLower(u.Email)
		if err := fn(u); err != nil {
			return err
		}
		u.ID, u.TenantID = id, tenantID
		if e := strings.ToLower(u.Email); e != email {
			if err := emailFree(ctx, c, tenantID, e, id); err != nil {
				return err
			}
		}
		u.CreatedAt = norm(u.CreatedAt)
		u.UpdatedAt = now()
		vals, err := userValues(u)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if _, err := c.exec(ctx, updateUserSQL, append(vals, tenantID, id)...); err != nil {
			return userConflict("update user", err, u)
		}
		if model.ExtensionContactOf(u) != before {
			if err := logChange(ctx, c, tenantID, "", SyncExtensionContact, id, ChangeUpdated); err != nil {
				return err
			}
		}
		if !u.Enabled {
			// A disabled user's devices are unregistered with it.
			if _, err := c.exec(ctx, `DELETE FROM sip_bindings WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("update user: %w", err)
			}
		}
		out = u
		return c.publish(ctx, Event{Kind: EventUser, TenantID: tenantID, ID: id})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteUser deletes user id of tenantID and its sessions, or returns
// model.ErrNotFound.
func (s *Store) DeleteUser(ctx context.Context, tenantID, id string) error {
	return s.inTx(ctx, func(c conn) error { return deleteUser(ctx, c, tenantID, id) })
}

func deleteUser(ctx context.Context, c conn, tenantID, id string) error {
	res, err := c.exec(ctx, `DELETE FROM users WHERE tenant_id = ? AND id = ?`, tenantID, id)
	if err := deleted("delete user", res, err); err != nil {
		return err
	}
	// The user's own collections (no foreign key: tenant-wide items
	// share the table with user_id '').
	if _, err := c.exec(ctx, `DELETE FROM user_items WHERE tenant_id = ? AND user_id = ?`, tenantID, id); err != nil {
		return fmt.Errorf("delete user items: %w", err)
	}
	// Its mailbox's messages (a kept mailbox has moved them first).
	if err := deleteMailbox(ctx, c, tenantID, id); err != nil {
		return err
	}
	// Its personal contacts, and the others' favorite marks on it.
	if _, err := c.exec(ctx, `DELETE FROM contacts WHERE tenant_id = ? AND user_id = ?`, tenantID, id); err != nil {
		return fmt.Errorf("delete user contacts: %w", err)
	}
	if _, err := c.exec(ctx, `DELETE FROM favorites WHERE kind = ? AND object_id = ?`, SyncExtensionContact, id); err != nil {
		return fmt.Errorf("delete user favorites: %w", err)
	}
	if err := logChange(ctx, c, tenantID, "", SyncExtensionContact, id, ChangeDeleted); err != nil {
		return err
	}
	return c.publish(ctx, Event{Kind: EventUser, TenantID: tenantID, ID: id})
}

// CountUsers returns the number of users of tenantID.
func (s *Store) CountUsers(ctx context.Context, tenantID string) (int, error) {
	var n int
	if err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ?`, tenantID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// BindMS365 sets (or, with account "", clears) a user's Microsoft 365
// binding and sync type. An account already bound to another user of the
// tenant gives a *model.ConflictError on "id" (a unique index decides,
// so concurrent binds on several nodes cannot both win). The account is
// kept lower-case: object ids and principal names ignore case.
func (s *Store) BindMS365(ctx context.Context, tenantID, userID, account, syncType string) error {
	return s.inTx(ctx, func(c conn) error {
		var id string
		if err := c.queryRow(ctx, `SELECT id FROM users WHERE tenant_id = ? AND id = ?`+c.forUpdate(), tenantID, userID).Scan(&id); err != nil {
			return notFound("bind Microsoft 365", err)
		}
		_, err := c.exec(ctx, `UPDATE users SET ms365_id = ?, sync_type = ?, updated_at = ? WHERE tenant_id = ? AND id = ?`,
			strings.ToLower(account), syncType, micros(now()), tenantID, userID)
		if field, ok := uniqueViolation(err); ok && field == "ms365_id" {
			return model.Conflict("id", "this Microsoft 365 account is already bound to another user")
		}
		return err
	})
}

// UsersMentioning returns the users of tenantID, other than exceptID,
// whose settings text contains needle (the caller checks each match).
func (s *Store) UsersMentioning(ctx context.Context, tenantID, exceptID, needle string) ([]model.User, error) {
	return queryAll(ctx, s.c(), "users mentioning", scanUser, `SELECT `+userColumns+` FROM users WHERE tenant_id = ? AND id <> ? AND settings LIKE ? ESCAPE '\'`,
		tenantID, exceptID, "%"+likeEscape(needle)+"%")
}

// likeEscape escapes LIKE's wildcards (with \ as the escape).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
