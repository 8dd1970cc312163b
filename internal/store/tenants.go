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

const tenantColumns = `id, name, domain, enabled, time_zone, system, created_at, otp_required, sip_digest, office_hours, country_code, sip_trunk, voicemail_server`

// TenantSchema returns the query.Schema of tenant lists: name, domain,
// enabled, time_zone and created_at, all filterable and sortable.
func TenantSchema() query.Schema {
	return query.Schema{
		"name":       {Column: "name", Type: query.String, Filterable: true, Sortable: true},
		"domain":     {Column: "domain", Type: query.String, Filterable: true, Sortable: true},
		"enabled":    {Column: "enabled", Type: query.Bool, Filterable: true, Sortable: true},
		"time_zone":  {Column: "time_zone", Type: query.String, Filterable: true, Sortable: true},
		"created_at": {Column: "created_at", Type: query.Time, Filterable: true, Sortable: true},
	}
}

func scanTenant(row interface{ Scan(...any) error }) (*model.Tenant, error) {
	var t model.Tenant
	var created int64
	var hours string
	if err := row.Scan(&t.ID, &t.Name, &t.Domain, &t.Enabled, &t.TimeZone, &t.System, &created, &t.OTPRequired, &t.SIPDigest,
		&hours, &t.CountryCode, &t.SIPTrunk, &t.VoicemailServer); err != nil {
		return nil, err
	}
	t.Created = fromMicros(created)
	if hours != "" {
		if err := json.Unmarshal([]byte(hours), &t.OfficeHours); err != nil {
			return nil, fmt.Errorf("decode office hours of tenant %s: %w", t.ID, err)
		}
	}
	return &t, nil
}

// hoursJSON encodes a week ("" for an empty one: the default applies).
func hoursJSON(w *model.WeekHours) string {
	for _, d := range w.Days() {
		if d.Day.Enabled || len(d.Day.Ranges) > 0 {
			b, _ := json.Marshal(w)
			return string(b)
		}
	}
	return ""
}

func tenantSearchText(t *model.Tenant) string {
	return query.Fold(t.Name + " " + t.Domain)
}

// CreateTenant inserts t and, when admin is not nil, its first user, in one
// transaction. It lowercases t.Domain, sets admin.TenantID to t.ID and
// fills t.Created and admin.CreatedAt when they are zero. A taken domain
// gives a *model.ConflictError for "domain".
func (s *Store) CreateTenant(ctx context.Context, t *model.Tenant, admin *model.User) error {
	t.Domain = strings.ToLower(t.Domain)
	t.Created = norm(t.Created)
	if t.SIPDigest == "" {
		t.SIPDigest = model.SIPDigestDefault
	}
	return s.inTx(ctx, func(c conn) error {
		_, err := c.exec(ctx, `INSERT INTO tenants (`+tenantColumns+`, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			t.ID, t.Name, t.Domain, t.Enabled, t.TimeZone, t.System, micros(t.Created), t.OTPRequired, t.SIPDigest, hoursJSON(&t.OfficeHours),
			t.CountryCode, t.SIPTrunk, t.VoicemailServer, tenantSearchText(t))
		if err != nil {
			return tenantConflict("create tenant", err, t)
		}
		if admin != nil {
			admin.TenantID = t.ID
			if err := insertUser(ctx, c, admin); err != nil {
				return err
			}
		}
		return nil
	})
}

// GetTenant returns the tenant with id, or model.ErrNotFound.
func (s *Store) GetTenant(ctx context.Context, id string) (*model.Tenant, error) {
	t, err := scanTenant(s.queryRowFixed(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = ?`, id))
	if err != nil {
		return nil, notFound("get tenant", err)
	}
	return t, nil
}

// GetTenantByDomain returns the tenant whose domain is domain, ignoring
// case, or model.ErrNotFound.
func (s *Store) GetTenantByDomain(ctx context.Context, domain string) (*model.Tenant, error) {
	t, err := scanTenant(s.c().queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE domain = ?`, strings.ToLower(domain)))
	if err != nil {
		return nil, notFound("get tenant by domain", err)
	}
	return t, nil
}

// SystemTenant returns the system tenant, or model.ErrNotFound before
// bootstrap.
func (s *Store) SystemTenant(ctx context.Context) (*model.Tenant, error) {
	t, err := scanTenant(s.c().queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE system = ? ORDER BY created_at, id LIMIT 1`, true))
	if err != nil {
		return nil, notFound("get system tenant", err)
	}
	return t, nil
}

// ListTenants returns the number of tenants matching q and the page of
// them q selects. Search words must each match the name or the domain,
// ignoring case and accents. A nil q lists everything.
func (s *Store) ListTenants(ctx context.Context, q *query.List) (int, []model.Tenant, error) {
	where, args := s.listWhere(nil, nil, q)
	c := s.c()
	var total int
	if err := c.queryRow(ctx, `SELECT COUNT(*) FROM tenants`+where, args...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("count tenants: %w", err)
	}
	page, pageArgs := s.listPage(q)
	rows, err := c.query(ctx, `SELECT `+tenantColumns+` FROM tenants`+where+page, append(args, pageArgs...)...)
	if err != nil {
		return 0, nil, fmt.Errorf("list tenants: %w", err)
	}
	defer rows.Close()
	out := []model.Tenant{}
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return 0, nil, fmt.Errorf("list tenants: %w", err)
		}
		out = append(out, *t)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("list tenants: %w", err)
	}
	return total, out, nil
}

// UpdateTenant loads the tenant with id (locked), applies fn and writes the
// result back, in one transaction. An error from fn aborts the update and
// is returned as is. The ID cannot be changed; the domain is lowercased.
func (s *Store) UpdateTenant(ctx context.Context, id string, fn func(*model.Tenant) error) (*model.Tenant, error) {
	var out *model.Tenant
	err := s.inTx(ctx, func(c conn) error {
		t, err := scanTenant(c.queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants WHERE id = ?`+c.forUpdate(), id))
		if err != nil {
			return notFound("update tenant", err)
		}
		if err := fn(t); err != nil {
			return err
		}
		t.ID = id
		t.Domain = strings.ToLower(t.Domain)
		t.Created = norm(t.Created)
		_, err = c.exec(ctx, `UPDATE tenants SET name = ?, domain = ?, enabled = ?, time_zone = ?, system = ?, created_at = ?,
			otp_required = ?, sip_digest = ?, office_hours = ?, country_code = ?, sip_trunk = ?, voicemail_server = ?,
			search_text = ? WHERE id = ?`,
			t.Name, t.Domain, t.Enabled, t.TimeZone, t.System, micros(t.Created), t.OTPRequired, t.SIPDigest, hoursJSON(&t.OfficeHours),
			t.CountryCode, t.SIPTrunk, t.VoicemailServer, tenantSearchText(t), id)
		if err != nil {
			return tenantConflict("update tenant", err, t)
		}
		out = t
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteTenant deletes the tenant with id together with everything in it
// (users, sessions, roles, API keys), or returns model.ErrNotFound. Its
// audit log stays.
func (s *Store) DeleteTenant(ctx context.Context, id string) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM tenants WHERE id = ?`, id)
		if err := deleted("delete tenant", res, err); err != nil {
			return err
		}
		// Roles have no foreign key (the built-in ones belong to no tenant).
		if _, err := c.exec(ctx, `DELETE FROM roles WHERE tenant_id = ?`, id); err != nil {
			return fmt.Errorf("delete tenant roles: %w", err)
		}
		return nil
	})
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

// listWhere builds the WHERE clause of a list: the fixed conditions, q's
// filter, and one LIKE per search word on search_text. It returns the
// clause with a leading space (or "") and its arguments.
func (s *Store) listWhere(conds []string, args []any, q *query.List) (string, []any) {
	if q != nil {
		if strings.TrimSpace(q.Where) != "" {
			conds = append(conds, "("+q.Where+")")
			args = append(args, q.Args...)
		}
		for _, w := range q.Search {
			if w == "" {
				continue
			}
			// search_text and w are both folded: a plain substring test
			// does, and instr/strpos skip LIKE's per-character matching.
			if s.dialect == DialectPostgres {
				conds = append(conds, `strpos(search_text, ?) > 0`)
			} else {
				conds = append(conds, `instr(search_text, ?) > 0`)
			}
			args = append(args, w)
		}
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// listPage returns the ORDER BY (q's order, then id as tie-breaker;
// created_at, id by default) and LIMIT/OFFSET of a list, with arguments.
func (s *Store) listPage(q *query.List) (string, []any) {
	return s.listPageOrder(q, "created_at, id", "id")
}

// listPageOrder is listPage with another default order and another
// tie-breaking key (a unique column).
func (s *Store) listPageOrder(q *query.List, order, tiebreak string) (string, []any) {
	if q != nil {
		if o := q.OrderSQL(); o != "" {
			order = o + ", " + tiebreak
		}
	}
	out := " ORDER BY " + order
	var args []any
	if q == nil {
		return out, nil
	}
	if q.Top > 0 {
		out += " LIMIT ?"
		args = append(args, q.Top)
	}
	if q.Skip > 0 {
		if q.Top <= 0 && s.dialect == DialectSQLite {
			out += " LIMIT -1" // SQLite wants a LIMIT before OFFSET
		}
		out += " OFFSET ?"
		args = append(args, q.Skip)
	}
	return out, args
}

// listPaged runs a list request on table: the count of the matching rows,
// then the page (in order unless the request sorts), each row read by
// scan.
func listPaged[T any](ctx context.Context, s *Store, op, table, cols string, conds []string, args []any, q *query.List, order string,
	scan func(row interface{ Scan(...any) error }) (*T, error)) (int, []T, error) {
	where, wargs := s.listWhere(conds, args, q)
	var total int
	if err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM `+table+where, wargs...).Scan(&total); err != nil {
		return 0, nil, fmt.Errorf("%s: %w", op, err)
	}
	page, pageArgs := s.listPageOrder(q, order, "id")
	rows, err := s.c().query(ctx, `SELECT `+cols+` FROM `+table+where+page, append(wargs, pageArgs...)...)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", op, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return 0, nil, fmt.Errorf("%s: %w", op, err)
		}
		out = append(out, *v)
	}
	return total, out, rows.Err()
}

// byIDs reads the rows of table with the given ids (and conds), in
// batches of at most 500 ids per query, keyed by id; missing ids are
// simply absent.
func byIDs[T any](ctx context.Context, s *Store, op, table, cols string, conds []string, args []any, ids []string,
	scan func(row interface{ Scan(...any) error }) (*T, error), id func(*T) string) (map[string]*T, error) {
	out := make(map[string]*T, len(ids))
	const batch = 500
	for start := 0; start < len(ids); start += batch {
		part := ids[start:min(start+batch, len(ids))]
		marks := strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")
		qargs := append([]any{}, args...)
		for _, v := range part {
			qargs = append(qargs, v)
		}
		where := strings.Join(append(append([]string{}, conds...), "id IN ("+marks+")"), " AND ")
		rows, err := s.c().query(ctx, `SELECT `+cols+` FROM `+table+` WHERE `+where, qargs...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		for rows.Next() {
			v, err := scan(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			out[id(v)] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
	}
	return out, nil
}

// ContactsByID returns an owner's contacts among ids.
func (s *Store) ContactsByID(ctx context.Context, tenantID, userID string, ids []string) (map[string]*model.Contact, error) {
	return byIDs(ctx, s, "contacts by id", "contacts", "id, tenant_id, user_id, data", []string{"tenant_id = ?", "user_id = ?"},
		[]any{tenantID, userID}, ids, scanContact, func(c *model.Contact) string { return c.ID })
}

// UsersByID returns a tenant's users among ids.
func (s *Store) UsersByID(ctx context.Context, tenantID string, ids []string) (map[string]*model.User, error) {
	return byIDs(ctx, s, "users by id", "users", userColumns, []string{"tenant_id = ?"}, []any{tenantID}, ids, scanUser,
		func(u *model.User) string { return u.ID })
}

// CDRsByID returns a user's call records among ids.
func (s *Store) CDRsByID(ctx context.Context, tenantID, userID string, ids []string) (map[string]*model.CDR, error) {
	return byIDs(ctx, s, "cdrs by id", "cdrs", cdrColumns, []string{"tenant_id = ?", "user_id = ?"}, []any{tenantID, userID}, ids, scanCDR,
		func(r *model.CDR) string { return r.ID })
}
