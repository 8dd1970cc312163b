package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// Kinds of synced objects (sync_changes.kind, favorites.kind).
const (
	SyncContact          = "contact"
	SyncBusinessContact  = "business_contact"
	SyncExtensionContact = "extension_contact"
	SyncCDR              = "cdr"
)

// Change types of the change log.
const (
	ChangeCreated = "CREATED"
	ChangeUpdated = "UPDATED"
	ChangeDeleted = "DELETED"
)

// Change is one row of the change log.
type Change struct {
	Seq      int64
	ObjectID string
	Type     string
}

// logChange records a change inside a write transaction. On PostgreSQL the
// tenant's change writers are serialized (a transaction-scoped advisory
// lock) so that sequence numbers are assigned in commit order: a reader
// that saw seq n has seen every change before it. SQLite writers are
// serialized already.
func logChange(ctx context.Context, c conn, tenantID, userID, kind, objectID, change string) error {
	if c.dialect == DialectPostgres {
		if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sync:' || ?))`, tenantID); err != nil {
			return fmt.Errorf("log change: %w", err)
		}
	}
	if _, err := c.exec(ctx, `INSERT INTO sync_changes (tenant_id, user_id, kind, object_id, change_type, at) VALUES (?, ?, ?, ?, ?, ?)`,
		tenantID, userID, kind, objectID, change, micros(time.Now())); err != nil {
		return fmt.Errorf("log change: %w", err)
	}
	return nil
}

// logChanges records the same change of many objects in a few statements
// (one lock, multi-row inserts), for bulk writes.
func logChanges(ctx context.Context, c conn, tenantID, userID, kind string, objectIDs []string, change string) error {
	if len(objectIDs) == 0 {
		return nil
	}
	if c.dialect == DialectPostgres {
		if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('sync:' || ?))`, tenantID); err != nil {
			return fmt.Errorf("log changes: %w", err)
		}
	}
	at := micros(time.Now())
	const batch = 200
	for start := 0; start < len(objectIDs); start += batch {
		ids := objectIDs[start:min(start+batch, len(objectIDs))]
		var sb strings.Builder
		args := make([]any, 0, 6*len(ids))
		sb.WriteString(`INSERT INTO sync_changes (tenant_id, user_id, kind, object_id, change_type, at) VALUES `)
		for i, id := range ids {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, ?, ?, ?, ?, ?)")
			args = append(args, tenantID, userID, kind, id, change, at)
		}
		if _, err := c.exec(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("log changes: %w", err)
		}
	}
	return nil
}

// SyncHead is the newest change number of a tenant (0 when none).
func (s *Store) SyncHead(ctx context.Context, tenantID string) (int64, error) {
	var seq *int64
	if err := s.c().queryRow(ctx, `SELECT MAX(seq) FROM sync_changes WHERE tenant_id = ?`, tenantID).Scan(&seq); err != nil {
		return 0, fmt.Errorf("sync head: %w", err)
	}
	if seq == nil {
		return 0, nil
	}
	return *seq, nil
}

// PruneChanges forgets the changes recorded before cutoff.
func (s *Store) PruneChanges(ctx context.Context, before time.Time) error {
	if _, err := s.c().exec(ctx, `DELETE FROM sync_changes WHERE at < ?`, micros(before)); err != nil {
		return fmt.Errorf("prune changes: %w", err)
	}
	return nil
}

// Changes lists, in order, at most limit changes of kind after seq that
// userID sees: its own, and with shared the tenant-wide ones.
func (s *Store) Changes(ctx context.Context, tenantID, userID, kind string, shared bool, after int64, limit int) ([]Change, error) {
	scope := `user_id = ?`
	if shared {
		scope = `(user_id = ? OR user_id = '')`
	}
	return queryAll(ctx, s.c(), "changes", func(row rowScanner) (*Change, error) {
		var ch Change
		return &ch, row.Scan(&ch.Seq, &ch.ObjectID, &ch.Type)
	}, `SELECT seq, object_id, change_type FROM sync_changes
		WHERE tenant_id = ? AND kind = ? AND seq > ? AND `+scope+` ORDER BY seq LIMIT ?`, tenantID, kind, after, userID, limit)
}

// ExtensionContactSchema is the query schema of the extension directory:
// only what the directory shows.
func ExtensionContactSchema() query.Schema {
	all := UserSchema()
	out := query.Schema{}
	for _, k := range []string{"display_name", "email", "extension_number", "department", "mobile_phone", "work_phone", "home_phone", "first_name", "last_name"} {
		out[k] = all[k]
	}
	return out
}

// ContactSchema is the query schema of contact lists.
func ContactSchema() query.Schema {
	return query.Schema{"name": {Column: "name_lower", Type: query.String, Sortable: true, NoFold: true}}
}

func contactKind(userID string) string {
	if userID == "" {
		return SyncBusinessContact
	}
	return SyncContact
}

func contactSearch(f *model.ContactFields) string {
	return query.Fold(strings.Join([]string{f.Name, f.Email, f.Company, f.Title, f.Business, f.Business2, f.MobilePhone,
		f.MobilePhone2, f.HomePhone, f.HomePhone2, f.Other}, " "))
}

// CreateContact stores a personal contact (UserID set) or a business
// contact (UserID ""), at most max per owner.
func (s *Store) CreateContact(ctx context.Context, ct *model.Contact, max int) error {
	data, err := json.Marshal(&ct.ContactFields)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(c conn) error {
		if err := lockOwner(ctx, c, "create contact", ct.TenantID, ct.UserID); err != nil {
			return err
		}
		var n int
		if err := c.queryRow(ctx, `SELECT COUNT(*) FROM contacts WHERE tenant_id = ? AND user_id = ?`, ct.TenantID, ct.UserID).Scan(&n); err != nil {
			return fmt.Errorf("create contact: %w", err)
		}
		if n >= max {
			return model.Conflict("name", "there are already %d contacts, the most allowed", max)
		}
		if _, err := c.exec(ctx, `INSERT INTO contacts (id, tenant_id, user_id, data, search_text, name_lower, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			ct.ID, ct.TenantID, ct.UserID, string(data), contactSearch(&ct.ContactFields), strings.ToLower(ct.Name), micros(time.Now())); err != nil {
			return fmt.Errorf("create contact: %w", err)
		}
		return logChange(ctx, c, ct.TenantID, ct.UserID, contactKind(ct.UserID), ct.ID, ChangeCreated)
	})
}

const contactColumns = `id, tenant_id, user_id, data`

func scanContact(row rowScanner) (*model.Contact, error) {
	var ct model.Contact
	var data string
	if err := row.Scan(&ct.ID, &ct.TenantID, &ct.UserID, &data); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(data), &ct.ContactFields); err != nil {
		return nil, fmt.Errorf("decode contact %s: %w", ct.ID, err)
	}
	return &ct, nil
}

// GetContact returns a contact of an owner (userID "" for the tenant's).
func (s *Store) GetContact(ctx context.Context, tenantID, userID, id string) (*model.Contact, error) {
	ct, err := scanContact(s.c().queryRow(ctx, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = ? AND user_id = ? AND id = ?`,
		tenantID, userID, id))
	if err != nil {
		return nil, notFound("get contact", err)
	}
	return ct, nil
}

// ListContacts lists an owner's contacts by name with paging and search.
func (s *Store) ListContacts(ctx context.Context, tenantID, userID string, q *query.List) (int, []model.Contact, error) {
	return listPaged(ctx, s, listSpec[model.Contact]{op: "list contacts", table: "contacts", cols: contactColumns,
		conds: []string{"tenant_id = ?", "user_id = ?"}, args: []any{tenantID, userID}, order: "name_lower, id", scan: scanContact}, q)
}

// ContactsByID returns an owner's contacts among ids.
func (s *Store) ContactsByID(ctx context.Context, tenantID, userID string, ids []string) (map[string]*model.Contact, error) {
	return byIDs(ctx, s, "contacts by id", "contacts", contactColumns, []string{"tenant_id = ?", "user_id = ?"},
		[]any{tenantID, userID}, ids, scanContact, func(c *model.Contact) string { return c.ID })
}

// UpdateContact changes a contact with fn, in one transaction.
func (s *Store) UpdateContact(ctx context.Context, tenantID, userID, id string, fn func(*model.Contact) error) error {
	return s.inTx(ctx, func(c conn) error {
		ct, err := scanContact(c.queryRow(ctx, `SELECT `+contactColumns+` FROM contacts WHERE tenant_id = ? AND user_id = ? AND id = ?`+c.forUpdate(),
			tenantID, userID, id))
		if err != nil {
			return notFound("update contact", err)
		}
		if err := fn(ct); err != nil {
			return err
		}
		data, err := json.Marshal(&ct.ContactFields)
		if err != nil {
			return err
		}
		if _, err := c.exec(ctx, `UPDATE contacts SET data = ?, search_text = ?, name_lower = ? WHERE id = ?`,
			string(data), contactSearch(&ct.ContactFields), strings.ToLower(ct.Name), id); err != nil {
			return fmt.Errorf("update contact: %w", err)
		}
		return logChange(ctx, c, tenantID, userID, contactKind(userID), id, ChangeUpdated)
	})
}

// DeleteContact removes a contact and every user's favorite mark on it.
func (s *Store) DeleteContact(ctx context.Context, tenantID, userID, id string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM contacts WHERE tenant_id = ? AND user_id = ? AND id = ?`, tenantID, userID, id)
		if err := deleted("delete contact", res, err); err != nil {
			return err
		}
		if _, err := c.exec(ctx, `DELETE FROM favorites WHERE kind = ? AND object_id = ?`, contactKind(userID), id); err != nil {
			return fmt.Errorf("delete contact: %w", err)
		}
		return logChange(ctx, c, tenantID, userID, contactKind(userID), id, ChangeDeleted)
	})
}

// SetFavorite marks (or unmarks) an object of kind as a favorite of the
// user; a change is logged for that user only when the mark changes.
func (s *Store) SetFavorite(ctx context.Context, tenantID, userID, kind, objectID string, on bool) error {
	return s.inTx(ctx, func(c conn) error {
		var q string
		if on {
			q = `INSERT INTO favorites (user_id, kind, object_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`
		} else {
			q = `DELETE FROM favorites WHERE user_id = ? AND kind = ? AND object_id = ?`
		}
		res, err := c.exec(ctx, q, userID, kind, objectID)
		if err != nil {
			return fmt.Errorf("favorite: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already so
		}
		return logChange(ctx, c, tenantID, userID, kind, objectID, ChangeUpdated)
	})
}

// Favorites returns the user's favorites of kind among ids (all of the
// kind when ids is nil).
func (s *Store) Favorites(ctx context.Context, userID, kind string) (map[string]bool, error) {
	rows, err := s.c().query(ctx, `SELECT object_id FROM favorites WHERE user_id = ? AND kind = ?`, userID, kind)
	if err != nil {
		return nil, fmt.Errorf("favorites: %w", err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("favorites: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
