package store

import (
	"context"
	"database/sql"
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

const insertUserSQL = `INSERT INTO users (` + userColumns + `, search_text)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
	?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

const updateUserSQL = `UPDATE users SET name = ?, name_lower = ?, role = ?, extension_number = ?,
	email = ?, email_lower = ?, display_name = ?, first_name = ?, last_name = ?, enabled = ?,
	mobile_phone = ?, work_phone = ?, home_phone = ?, address = ?, department = ?, max_bindings = ?,
	oncall_pin = ?, billing_contact = ?, settings = ?, profile = ?, avatar_file_name = ?,
	avatar_file_size = ?, avatar_file_url = ?, sync_type = ?, created_at = ?, updated_at = ?,
	password_hash = ?, sip_ha1_md5 = ?, sip_ha1_sha256 = ?, otp_required = ?, otp_enabled = ?, otp_secret = ?,
	otp_pending_secret = ?, otp_last_step = ?, otp_recovery = ?, presence = ?, presence_note = ?, ms365_id = ?,
	balance = ?, search_text = ?
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

// userSearchText is the folded text that list searches match.
func userSearchText(u *model.User) string {
	return query.Fold(strings.Join([]string{u.Name, u.DisplayName, u.Email, u.ExtensionNumber, u.FirstName, u.LastName}, " "))
}

// userValues returns u's column values, without id and tenant_id, in the
// order of updateUserSQL up to search_text included.
func userValues(u *model.User) ([]any, error) {
	settings, err := json.Marshal(&u.UserSettings)
	if err != nil {
		return nil, fmt.Errorf("encode user settings: %w", err)
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
		int64(u.Balance), userSearchText(u),
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
	if _, err := c.exec(ctx, insertUserSQL, args...); err != nil {
		return userConflict("create user", err, u)
	}
	return logChange(ctx, c, u.TenantID, "", SyncExtensionContact, u.ID, ChangeCreated)
}

func scanUser(row interface{ Scan(...any) error }) (*model.User, error) {
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
		if err := json.Unmarshal([]byte(settings), &u.UserSettings); err != nil {
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
// the tenant gives a *model.ConflictError for "name" or "extension_number".
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
	return s.queryUsers(ctx, "find users by email", q, args...)
}

func (s *Store) queryUsers(ctx context.Context, op, q string, args ...any) ([]model.User, error) {
	rows, err := s.c().query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	out := []model.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, *u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// sparseSearch is the match count up to which a SQLite search sorts its
// matches rather than walking the tenant in list order.
const sparseSearch = 2000

// ListUsers returns the number of users of tenantID matching q (all pages)
// and the page q selects, ordered by q's order then id (created_at, id by
// default). Every search word must occur in the user's folded name,
// display name, email, extension, first or last name. A nil q lists all.
func (s *Store) ListUsers(ctx context.Context, tenantID string, q *query.List) (int, []model.User, error) {
	where, args := s.listWhere([]string{"tenant_id = ?"}, []any{tenantID}, q)
	var total int
	if err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM users`+where, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("count users: %w", err)
	}
	from := " FROM users"
	if q != nil && len(q.Search) > 0 && total <= sparseSearch && s.dialect == DialectSQLite {
		// SQLite's planner cannot tell how selective a substring test is:
		// left alone it walks the order index and visits rows until the
		// page fills, which for a rare word means every row of the tenant.
		// When the count says the matches are few, find them in the
		// covering search index and sort just those.
		from = " FROM users INDEXED BY users_tenant_search_idx"
	}
	page, pageArgs := s.listPage(q)
	users, err := s.queryUsers(ctx, "list users", `SELECT `+userColumns+from+where+page, append(args, pageArgs...)...)
	if err != nil {
		return 0, nil, err
	}
	return total, users, nil
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
		before := model.ExtensionContactOf(u)
		if err := fn(u); err != nil {
			return err
		}
		u.ID, u.TenantID = id, tenantID
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
		return nil
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
	// Its personal contacts, and the others' favorite marks on it.
	if _, err := c.exec(ctx, `DELETE FROM contacts WHERE tenant_id = ? AND user_id = ?`, tenantID, id); err != nil {
		return fmt.Errorf("delete user contacts: %w", err)
	}
	if _, err := c.exec(ctx, `DELETE FROM favorites WHERE kind = ? AND object_id = ?`, SyncExtensionContact, id); err != nil {
		return fmt.Errorf("delete user favorites: %w", err)
	}
	return logChange(ctx, c, tenantID, "", SyncExtensionContact, id, ChangeDeleted)
}

// CountUsers returns the number of users of tenantID.
func (s *Store) CountUsers(ctx context.Context, tenantID string) (int, error) {
	var n int
	if err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ?`, tenantID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// BulkInsertUsers inserts users in one transaction with one prepared
// statement, for seeding. Each user's ID and TenantID must be set. A unique
// violation aborts the whole batch with a *model.ConflictError.
func (s *Store) BulkInsertUsers(ctx context.Context, users []model.User) error {
	if len(users) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("bulk insert users: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	stmt, err := tx.PrepareContext(ctx, rebind(s.dialect, insertUserSQL))
	if err != nil {
		return fmt.Errorf("bulk insert users: %w", err)
	}
	defer stmt.Close()
	for i := range users {
		u := &users[i]
		args, err := insertArgs(u)
		if err != nil {
			return fmt.Errorf("bulk insert users: %w", err)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return userConflict("bulk insert users", err, u)
		}

	}
	byTenant := map[string][]string{}
	for i := range users {
		byTenant[users[i].TenantID] = append(byTenant[users[i].TenantID], users[i].ID)
	}
	for t, ids := range byTenant {
		if err := logChanges(ctx, conn{q: tx, dialect: s.dialect}, t, "", SyncExtensionContact, ids, ChangeCreated); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("bulk insert users: %w", err)
	}
	return nil
}

// UpdateAllUsers applies fn to every user of tenantID in one transaction,
// writing back those for which it returns true.
func (s *Store) UpdateAllUsers(ctx context.Context, tenantID string, fn func(*model.User) (bool, error)) error {
	return s.inTx(ctx, func(c conn) error {
		rows, err := c.query(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = ? ORDER BY id`+c.forUpdate(), tenantID)
		if err != nil {
			return err
		}
		var users []*model.User
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				rows.Close()
				return err
			}
			users = append(users, u)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, u := range users {
			before := model.ExtensionContactOf(u)
			write, err := fn(u)
			if err != nil {
				return err
			}
			if !write {
				continue
			}
			u.UpdatedAt = now()
			vals, err := userValues(u)
			if err != nil {
				return err
			}
			if _, err := c.exec(ctx, updateUserSQL, append(vals, tenantID, u.ID)...); err != nil {
				return userConflict("update users", err, u)
			}
			if model.ExtensionContactOf(u) != before {
				if err := logChange(ctx, c, tenantID, "", SyncExtensionContact, u.ID, ChangeUpdated); err != nil {
					return err
				}
			}
		}
		return nil
	})
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

// CreateUsers stores users in one transaction: all of them or none.
// progress, when set, is told how many are written so far.
func (s *Store) CreateUsers(ctx context.Context, users []*model.User, progress func(done int)) error {
	return s.CreateUsersFrom(ctx, len(users), func(i int) (*model.User, error) { return users[i], nil }, progress)
}

// CreateUsersFrom is CreateUsers for n users that next builds one at a
// time inside the transaction (so they need not all be in memory); an
// error from next aborts everything.
func (s *Store) CreateUsersFrom(ctx context.Context, n int, next func(i int) (*model.User, error), progress func(done int)) error {
	return s.inTx(ctx, func(c conn) error {
		// One prepared statement for every row (the transaction is a
		// *sql.Tx; a plain connection is not used here).
		tx, ok := c.q.(*sql.Tx)
		if !ok {
			return fmt.Errorf("create users: not in a transaction")
		}
		stmt, err := tx.PrepareContext(ctx, rebind(s.dialect, insertUserSQL))
		if err != nil {
			return fmt.Errorf("create users: %w", err)
		}
		defer stmt.Close()
		// Extensions of queues, ring groups and rooms, read once per tenant;
		// the change log is written in batches at the end.
		taken := map[string]map[string]bool{}
		created := map[string][]string{}
		var tenants []string
		for i := 0; i < n; i++ {
			u, err := next(i)
			if err != nil {
				return err
			}
			args, err := insertArgs(u)
			if err != nil {
				return fmt.Errorf("create users: %w", err)
			}
			if taken[u.TenantID] == nil {
				if taken[u.TenantID], err = extensionsIn(ctx, c, u.TenantID, "", extGroups, extMeetings); err != nil {
					return err
				}
				tenants = append(tenants, u.TenantID)
			}
			if taken[u.TenantID][u.ExtensionNumber] {
				return model.Conflict("extension_number", "the extension belongs to a call queue, ring group or meeting room")
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return userConflict("create users", err, u)
			}
			created[u.TenantID] = append(created[u.TenantID], u.ID)
			if progress != nil && (i+1)%500 == 0 {
				progress(i + 1)
			}
		}
		for _, t := range tenants {
			if err := logChanges(ctx, c, t, "", SyncExtensionContact, created[t], ChangeCreated); err != nil {
				return err
			}
		}
		if progress != nil {
			progress(n)
		}
		return nil
	})
}

// UserKeys are the unique values a tenant's users already hold: lower-
// cased names and emails, and extensions.
type UserKeys struct {
	Names, Emails, Extensions map[string]bool
}

// TenantUserKeys reads the names, emails and extensions of a tenant's
// users (an import checks its rows against them).
func (s *Store) TenantUserKeys(ctx context.Context, tenantID string) (*UserKeys, error) {
	rows, err := s.c().query(ctx, `SELECT name_lower, email, extension_number FROM users WHERE tenant_id = ?`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("user keys: %w", err)
	}
	defer rows.Close()
	k := &UserKeys{Names: map[string]bool{}, Emails: map[string]bool{}, Extensions: map[string]bool{}}
	for rows.Next() {
		var name, email, ext string
		if err := rows.Scan(&name, &email, &ext); err != nil {
			return nil, fmt.Errorf("user keys: %w", err)
		}
		k.Names[name], k.Extensions[ext] = true, true
		if email != "" {
			k.Emails[strings.ToLower(email)] = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The extensions of call queues, ring groups and meeting rooms are
	// taken too.
	others, err := extensionsIn(ctx, s.c(), tenantID, "", extGroups, extMeetings)
	if err != nil {
		return nil, err
	}
	for e := range others {
		k.Extensions[e] = true
	}
	return k, nil
}

// UsersMentioning returns the users of tenantID, other than exceptID,
// whose settings text contains needle (the caller checks each match).
func (s *Store) UsersMentioning(ctx context.Context, tenantID, exceptID, needle string) ([]model.User, error) {
	return s.queryUsers(ctx, "users mentioning", `SELECT `+userColumns+` FROM users WHERE tenant_id = ? AND id <> ? AND settings LIKE ? ESCAPE '\'`,
		tenantID, exceptID, "%"+likeEscape(needle)+"%")
}

// likeEscape escapes LIKE's wildcards (with \ as the escape).
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
