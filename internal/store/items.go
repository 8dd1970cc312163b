package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Item is one row of a per-user collection (a phone, a speed dial, a
// holiday, a greeting): its body is Data, as JSON.
type Item struct {
	ID        string
	TenantID  string
	UserID    string // "" for tenant-wide items
	Kind      string
	TenantKey string // unique per tenant and kind when not ""
	UserKey   string // unique per user and kind when not ""
	Data      json.RawMessage
}

// ItemKeyField names the body field each key comes from, for conflicts.
type ItemKeyField struct{ Tenant, User string }

const itemColumns = `id, tenant_id, user_id, kind, tenant_key, user_key, data`

func scanItem(row rowScanner) (*Item, error) {
	var it Item
	var data string
	if err := row.Scan(&it.ID, &it.TenantID, &it.UserID, &it.Kind, &it.TenantKey, &it.UserKey, &data); err != nil {
		return nil, err
	}
	it.Data = json.RawMessage(data)
	return &it, nil
}

func itemConflict(op string, err error, f ItemKeyField, it *Item) error {
	if field, ok := uniqueViolation(err); ok {
		switch field {
		case "tenant_key":
			return model.Conflict(f.Tenant, "%s %q is already in use", f.Tenant, it.TenantKey)
		case "user_key":
			return model.Conflict(f.User, "%s %q is already in use", f.User, it.UserKey)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// ListItems returns a user's items of kind (userID "" for tenant-wide
// ones), oldest first, at most max.
func (s *Store) ListItems(ctx context.Context, tenantID, userID, kind string, max int) ([]Item, error) {
	return queryAll(ctx, s.c(), "list "+kind, scanItem, `SELECT `+itemColumns+` FROM user_items WHERE tenant_id = ? AND user_id = ? AND kind = ?
		ORDER BY created_at, id LIMIT ?`, tenantID, userID, kind, max)
}

// CountItems counts a user's items of kind.
func (s *Store) CountItems(ctx context.Context, tenantID, userID, kind string) (int, error) {
	var n int
	err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM user_items WHERE tenant_id = ? AND user_id = ? AND kind = ?`, tenantID, userID, kind).Scan(&n)
	return n, err
}

// GetItem returns one item of a user, or model.ErrNotFound.
func (s *Store) GetItem(ctx context.Context, tenantID, userID, kind, id string) (*Item, error) {
	it, err := scanItem(s.c().queryRow(ctx, `SELECT `+itemColumns+` FROM user_items
		WHERE tenant_id = ? AND user_id = ? AND kind = ? AND id = ?`, tenantID, userID, kind, id))
	if err != nil {
		return nil, notFound("get "+kind, err)
	}
	return it, nil
}

// CreateItem stores it unless the user already holds max items of its
// kind (a *model.ConflictError on maxField). Key clashes give a
// *model.ConflictError naming the key's field.
func (s *Store) CreateItem(ctx context.Context, it *Item, keys ItemKeyField, max int, maxField string) error {
	return s.inTx(ctx, func(c conn) error {
		// Lock the owner (the user, or the tenant for tenant-wide items)
		// so concurrent creates count each other.
		if err := lockOwner(ctx, c, "create "+it.Kind, it.TenantID, it.UserID); err != nil {
			return err
		}
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM user_items WHERE tenant_id = ? AND user_id = ? AND kind = ?`,
			it.TenantID, it.UserID, it.Kind).Scan(&n); err != nil {
			return err
		}
		if n >= max {
			return model.Conflict(maxField, "at most %d of these are allowed", max)
		}
		_, err := c.exec(ctx, `INSERT INTO user_items (`+itemColumns+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			it.ID, it.TenantID, it.UserID, it.Kind, it.TenantKey, it.UserKey, string(it.Data), micros(now()))
		if err != nil {
			return itemConflict("create "+it.Kind, err, keys, it)
		}
		return c.publish(ctx, itemsEvent(it.TenantID, it.UserID))
	})
}

// UpdateItem loads an item (locked), lets fn change it, and writes it back.
func (s *Store) UpdateItem(ctx context.Context, tenantID, userID, kind, id string, keys ItemKeyField, fn func(*Item) error) error {
	return s.inTx(ctx, func(c conn) error {
		it, err := scanItem(c.queryRow(ctx, `SELECT `+itemColumns+` FROM user_items
			WHERE tenant_id = ? AND user_id = ? AND kind = ? AND id = ?`+c.forUpdate(), tenantID, userID, kind, id))
		if err != nil {
			return notFound("update "+kind, err)
		}
		if err := fn(it); err != nil {
			return err
		}
		_, err = c.exec(ctx, `UPDATE user_items SET tenant_key = ?, user_key = ?, data = ? WHERE id = ?`,
			it.TenantKey, it.UserKey, string(it.Data), id)
		if err != nil {
			return itemConflict("update "+kind, err, keys, it)
		}
		return c.publish(ctx, itemsEvent(tenantID, userID))
	})
}

// DeleteItem deletes one item of a user, or returns model.ErrNotFound.
func (s *Store) DeleteItem(ctx context.Context, tenantID, userID, kind, id string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM user_items WHERE tenant_id = ? AND user_id = ? AND kind = ? AND id = ?`,
			tenantID, userID, kind, id)
		if err := deleted("delete "+kind, res, err); err != nil {
			return err
		}
		return c.publish(ctx, itemsEvent(tenantID, userID))
	})
}

// ReplaceItems swaps all of a user's items of kind for items, in one
// transaction (the user's selection of tenant holidays).
func (s *Store) ReplaceItems(ctx context.Context, tenantID, userID, kind string, items []Item) error {
	return s.inTx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM user_items WHERE tenant_id = ? AND user_id = ? AND kind = ?`, tenantID, userID, kind); err != nil {
			return err
		}
		for i := range items {
			it := &items[i]
			if _, err := c.exec(ctx, `INSERT INTO user_items (`+itemColumns+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
				it.ID, tenantID, userID, kind, it.TenantKey, it.UserKey, string(it.Data), micros(now())+int64(i)); err != nil {
				return fmt.Errorf("replace %s: %w", kind, err)
			}
		}
		return c.publish(ctx, itemsEvent(tenantID, userID))
	})
}

// DeleteItemsByUserKey deletes every item of kind, of any user in the
// tenant, whose user_key is key (the selections of a deleted tenant holiday).
func deleteItemsByUserKey(ctx context.Context, c conn, tenantID, kind, key string) error {
	_, err := c.exec(ctx, `DELETE FROM user_items WHERE tenant_id = ? AND kind = ? AND user_key = ?`, tenantID, kind, key)
	return err
}

// DeleteTenantItem deletes a tenant-wide item and every item of refKind
// that points at it (through user_key), in one transaction.
func (s *Store) DeleteTenantItem(ctx context.Context, tenantID, kind, id, refKind string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM user_items WHERE tenant_id = ? AND user_id = '' AND kind = ? AND id = ?`, tenantID, kind, id)
		if err := deleted("delete "+kind, res, err); err != nil {
			return err
		}
		if err := deleteItemsByUserKey(ctx, c, tenantID, refKind, id); err != nil {
			return err
		}
		return c.publish(ctx, itemsEvent(tenantID, "")) // the tenant's items and its users'
	})
}

// UpdateItems locks all of a user's items of kind and lets fn change
// them together; fn returns the items to write back (the one active
// greeting: enabling one disables the others in the same transaction).
func (s *Store) UpdateItems(ctx context.Context, tenantID, userID, kind string, fn func([]Item) ([]Item, error)) error {
	return s.inTx(ctx, func(c conn) error {
		items, err := queryAll(ctx, c, "update "+kind, scanItem, `SELECT `+itemColumns+` FROM user_items WHERE tenant_id = ? AND user_id = ? AND kind = ?
			ORDER BY created_at, id`+c.forUpdate(), tenantID, userID, kind)
		if err != nil {
			return err
		}
		changed, err := fn(items)
		if err != nil {
			return err
		}
		for _, it := range changed {
			if _, err := c.exec(ctx, `UPDATE user_items SET data = ? WHERE id = ?`, string(it.Data), it.ID); err != nil {
				return err
			}
		}
		return c.publish(ctx, itemsEvent(tenantID, userID))
	})
}

// ItemsMentioning returns the items of the given kinds in tenantID, of any
// user, whose data contains needle (the caller checks each match).
func (s *Store) ItemsMentioning(ctx context.Context, tenantID string, kinds []string, needle string) ([]Item, error) {
	if len(kinds) == 0 {
		return []Item{}, nil
	}
	args := []any{tenantID}
	marks := make([]string, len(kinds))
	for i, k := range kinds {
		marks[i] = "?"
		args = append(args, k)
	}
	args = append(args, "%"+likeEscape(needle)+"%")
	return queryAll(ctx, s.c(), "items mentioning", scanItem, `SELECT `+itemColumns+` FROM user_items
		WHERE tenant_id = ? AND kind IN (`+strings.Join(marks, ", ")+`) AND data LIKE ? ESCAPE '\' ORDER BY created_at, id`, args...)
}

// DeleteUserKeeping deletes a user like DeleteUser but first moves its
// items of kind keepKind into one tenant-wide item (the detached mailbox),
// and its voicemail messages into that mailbox, in the same transaction.
// keep is that item (its Data set by the caller).
func (s *Store) DeleteUserKeeping(ctx context.Context, tenantID, id string, keep *Item) error {
	return s.inTx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `INSERT INTO user_items (id, tenant_id, user_id, kind, tenant_key, user_key, data, created_at)
			VALUES (?, ?, '', ?, ?, '', ?, ?)`, keep.ID, tenantID, keep.Kind, keep.TenantKey, string(keep.Data), micros(time.Now())); err != nil {
			return fmt.Errorf("keep mailbox: %w", err)
		}
		if err := moveMailbox(ctx, c, tenantID, id, keep.ID); err != nil {
			return err
		}
		return deleteUser(ctx, c, tenantID, id)
	})
}

// itemsEvent announces a change of a user's items (userID "": of the
// tenant-wide ones, which every user's may refer to).
func itemsEvent(tenantID, userID string) Event {
	return Event{Kind: EventItems, TenantID: tenantID, ID: userID}
}
