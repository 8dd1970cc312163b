package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// This file holds the writes and reads of many users at once: seeding,
// imports and tenant-wide updates.

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
	var pending []Event
	for t, ids := range byTenant {
		if err := logChanges(ctx, s.on(tx, &pending), t, "", SyncExtensionContact, ids, ChangeCreated); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("bulk insert users: %w", err)
	}
	s.committed(pending)
	return nil
}

// UpdateAllUsers applies fn to every user of tenantID in one transaction,
// writing back those for which it returns true.
func (s *Store) UpdateAllUsers(ctx context.Context, tenantID string, fn func(*model.User) (bool, error)) error {
	return s.inTx(ctx, func(c conn) error {
		users, err := queryAll(ctx, c, "update users", scanUser, `SELECT `+userColumns+` FROM users WHERE tenant_id = ? ORDER BY id`+c.forUpdate(), tenantID)
		if err != nil {
			return err
		}
		for i := range users {
			u := &users[i]
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
			if err := c.publish(ctx, Event{Kind: EventUser, TenantID: tenantID, ID: u.ID}); err != nil {
				return err
			}
			if model.ExtensionContactOf(u) != before {
				if err := logChange(ctx, c, tenantID, "", SyncExtensionContact, u.ID, ChangeUpdated); err != nil {
					return err
				}
			}
			if err := c.publish(ctx, Event{Kind: EventUser, TenantID: tenantID, ID: u.ID}); err != nil {
				return err
			}
		}
		return nil
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
			if err := emailFree(ctx, c, u.TenantID, strings.ToLower(u.Email), u.ID); err != nil {
				return err
			}
			if err := nameFree(ctx, c, u); err != nil {
				return err
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
