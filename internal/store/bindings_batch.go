package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// BindingUpdate is one REGISTER's change in UpdateBindingsBatch. Apply is
// UpdateBindings' fn: it gets the locked user and its current bindings
// (with the batch's earlier updates of the same user applied) and returns
// the complete new set; its error leaves them as they were.
type BindingUpdate struct {
	TenantID, UserID string
	Apply            func(u *SIPUser, current []model.Binding) ([]model.Binding, error)
}

// upsertRows bounds the rows of one multi-row INSERT (14 parameters each,
// well under both databases' limits).
const upsertRows = 200

// UpdateBindingsBatch applies many REGISTERs in one transaction (group
// commit: one commit instead of one per REGISTER, and a few statements for
// the whole batch). The users' rows are locked in id order, so batches on
// several nodes sharing PostgreSQL wait for each other instead of
// deadlocking, and the rules Apply enforces (max bindings, CSeq order)
// hold across nodes as with UpdateBindings. It returns each update's
// error (model.ErrNotFound for a user that is gone, or Apply's) and an
// error of its own when the transaction failed: then nothing was written.
func (s *Store) UpdateBindingsBatch(ctx context.Context, now time.Time, ups []BindingUpdate) ([]error, error) {
	errs := make([]error, len(ups))
	err := s.inTx(ctx, func(c conn) error {
		clear(errs)
		if err := relaxCommit(ctx, c); err != nil {
			return err
		}
		ids := make([]string, 0, len(ups))
		seen := map[string]bool{}
		for _, up := range ups {
			if !seen[up.UserID] {
				seen[up.UserID] = true
				ids = append(ids, up.UserID)
			}
		}
		users, err := lockSIPUsers(ctx, c, ids)
		if err != nil {
			return err
		}
		before, err := listBindingsOf(ctx, c, ids, now)
		if err != nil {
			return err
		}
		after := make(map[string][]model.Binding, len(before))
		for id, list := range before {
			after[id] = list
		}
		for i, up := range ups {
			u := users[up.UserID]
			if u == nil || u.TenantID != up.TenantID {
				errs[i] = fmt.Errorf("update bindings: %w", model.ErrNotFound)
				continue
			}
			next, err := up.Apply(u, after[up.UserID])
			if err != nil {
				errs[i] = err
				continue
			}
			after[up.UserID] = next
		}
		return writeBindings(ctx, c, users, before, after)
	})
	return errs, err
}

// relaxCommit lets a PostgreSQL transaction that writes only bindings
// commit without waiting for fsync: registrations are soft state that
// phones refresh, and like SQLite's WAL with synchronous=NORMAL a crash
// of the database server may lose the last moments of them (at most
// three times wal_writer_delay, 600 ms by default).
func relaxCommit(ctx context.Context, c conn) error {
	if c.dialect != DialectPostgres {
		return nil
	}
	_, err := c.exec(ctx, `SET LOCAL synchronous_commit = off`)
	return err
}

// placeholders is "?, ?, ..." for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// lockSIPUsers reads (and on PostgreSQL locks, in id order) the users
// with ids, with their tenants and device credentials.
func lockSIPUsers(ctx context.Context, c conn, ids []string) (map[string]*SIPUser, error) {
	lock := c.forUpdate()
	if lock != "" {
		lock += " OF u"
	}
	rows, err := c.query(ctx, sipUserSelect+` WHERE u.id IN (`+placeholders(len(ids))+`) ORDER BY u.id`+lock, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("lock sip users: %w", err)
	}
	users := make(map[string]*SIPUser, len(ids))
	for rows.Next() {
		u := &SIPUser{}
		if err := rows.Scan(u.fields()...); err != nil {
			rows.Close()
			return nil, err
		}
		users[u.UserID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Through users, so that device_credentials is read by its
	// (tenant_id, user_id) index.
	drows, err := c.query(ctx, `SELECT d.user_id, d.ha1_md5, d.ha1_sha256 FROM users u
		JOIN device_credentials d ON d.tenant_id = u.tenant_id AND d.user_id = u.id
		WHERE u.id IN (`+placeholders(len(ids))+`) AND (d.expires_at = 0 OR d.used_at <> 0) ORDER BY d.created_at, d.id`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("device lines: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var id string
		var l model.SIPCredentials
		if err := drows.Scan(&id, &l.HA1MD5, &l.HA1SHA256); err != nil {
			return nil, err
		}
		if u := users[id]; u != nil {
			u.Devices = append(u.Devices, l)
		}
	}
	return users, drows.Err()
}

// listBindingsOf reads the unexpired bindings of users ids, oldest first.
func listBindingsOf(ctx context.Context, c conn, ids []string, now time.Time) (map[string][]model.Binding, error) {
	rows, err := c.query(ctx, `SELECT `+bindingColumns+` FROM sip_bindings WHERE user_id IN (`+placeholders(len(ids))+`)
		AND expires_at > ? ORDER BY created_at, instance_id`, append(anys(ids), micros(now))...)
	if err != nil {
		return nil, fmt.Errorf("list bindings: %w", err)
	}
	defer rows.Close()
	out := make(map[string][]model.Binding, len(ids))
	for _, id := range ids {
		out[id] = []model.Binding{}
	}
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return nil, err
		}
		out[b.UserID] = append(out[b.UserID], *b)
	}
	return out, rows.Err()
}

// writeBindings writes what changed from before to after: new and changed
// bindings in multi-row upserts, removed ones deleted. Expired rows are
// left to the sweeper: reads never see them, and the upsert replaces one
// that comes back.
func writeBindings(ctx context.Context, c conn, users map[string]*SIPUser, before, after map[string][]model.Binding) error {
	var upserts []*model.Binding
	for id, next := range after {
		u := users[id]
		if u == nil {
			continue
		}
		old := make(map[string]*model.Binding, len(before[id]))
		for i := range before[id] {
			old[before[id][i].InstanceID] = &before[id][i]
		}
		for i := range next {
			b := &next[i]
			b.TenantID, b.UserID = u.TenantID, u.UserID
			if o, ok := old[b.InstanceID]; ok && *o == *b {
				delete(old, b.InstanceID)
				continue
			}
			delete(old, b.InstanceID)
			upserts = append(upserts, b)
		}
		for instance := range old {
			if _, err := c.exec(ctx, `DELETE FROM sip_bindings WHERE user_id = ? AND instance_id = ?`, id, instance); err != nil {
				return fmt.Errorf("remove binding: %w", err)
			}
		}
	}
	for len(upserts) > 0 {
		n := min(len(upserts), upsertRows)
		if err := upsertBindings(ctx, c, upserts[:n]); err != nil {
			return err
		}
		upserts = upserts[n:]
	}
	return nil
}

// upsertBindings writes bs (at most one per user and instance) in one
// statement.
func upsertBindings(ctx context.Context, c conn, bs []*model.Binding) error {
	row := "(" + placeholders(14) + ")"
	values := strings.TrimSuffix(strings.Repeat(row+", ", len(bs)), ", ")
	args := make([]any, 0, 14*len(bs))
	for _, b := range bs {
		args = append(args, b.TenantID, b.UserID, b.InstanceID, b.Contact, b.CallID, int64(b.CSeq), micros(b.ExpiresAt), b.Q,
			b.UserAgent, b.Source, b.Transport, b.EnablePush, micros(b.CreatedAt), b.Node)
	}
	if _, err := c.exec(ctx, `INSERT INTO sip_bindings (`+bindingColumns+`) VALUES `+values+`
		ON CONFLICT (user_id, instance_id) DO UPDATE SET contact = excluded.contact, call_id = excluded.call_id,
		cseq = excluded.cseq, expires_at = excluded.expires_at, q = excluded.q, user_agent = excluded.user_agent,
		source = excluded.source, transport = excluded.transport, enable_push = excluded.enable_push, node = excluded.node`, args...); err != nil {
		return fmt.Errorf("write bindings: %w", err)
	}
	return nil
}
