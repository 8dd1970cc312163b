package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

const bindingColumns = `tenant_id, user_id, instance_id, contact, call_id, cseq, expires_at, q, user_agent, source, transport, enable_push, created_at, node`

func scanBinding(row interface{ Scan(...any) error }) (*model.Binding, error) {
	var b model.Binding
	var cseq, exp, created int64
	if err := row.Scan(&b.TenantID, &b.UserID, &b.InstanceID, &b.Contact, &b.CallID, &cseq, &exp, &b.Q, &b.UserAgent,
		&b.Source, &b.Transport, &b.EnablePush, &created, &b.Node); err != nil {
		return nil, err
	}
	b.CSeq, b.ExpiresAt, b.CreatedAt = uint32(cseq), time.UnixMicro(exp).UTC(), time.UnixMicro(created).UTC()
	return &b, nil
}

// SIPUser is what the registrar needs of an address of record.
type SIPUser struct {
	TenantID      string
	TenantEnabled bool
	SIPDigest     string
	Domain        string // the tenant's SIP domain
	UserID        string
	Extension     string
	Enabled       bool
	MaxBindings   int
	Credentials   model.SIPCredentials
	// Devices are the user's provisioned devices' own SIP passwords (as
	// digest hashes), accepted beside the extension password.
	Devices []model.SIPCredentials
}

const sipUserSelect = `SELECT t.id, t.enabled, t.sip_digest, t.domain, u.id, u.extension_number, u.enabled, u.max_bindings, u.sip_ha1_md5, u.sip_ha1_sha256
	FROM users u JOIN tenants t ON t.id = u.tenant_id`

func (u *SIPUser) fields() []any {
	return []any{&u.TenantID, &u.TenantEnabled, &u.SIPDigest, &u.Domain, &u.UserID, &u.Extension, &u.Enabled, &u.MaxBindings, &u.Credentials.HA1MD5, &u.Credentials.HA1SHA256}
}

// SIPUserByAOR looks up extension ext of the tenant with domain (one
// query), or returns model.ErrNotFound.
func (s *Store) SIPUserByAOR(ctx context.Context, domain, ext string) (*SIPUser, error) {
	var u SIPUser
	err := s.queryRowFixed(ctx, sipUserSelect+` WHERE t.domain = ? AND u.extension_number = ?`, strings.ToLower(domain), ext).Scan(u.fields()...)
	if err != nil {
		return nil, notFound("sip user", err)
	}
	if u.Devices, err = deviceLines(ctx, s.c(), u.TenantID, u.UserID); err != nil {
		return nil, err
	}
	return &u, nil
}

// UpdateBindings runs fn on a user's current (unexpired at now) bindings
// with the user locked, so concurrent REGISTERs for one user, on one node
// or several, apply one after the other. fn returns the complete new set;
// it is written in the same transaction. fn's error changes nothing.
func (s *Store) UpdateBindings(ctx context.Context, tenantID, userID string, now time.Time, fn func(u *SIPUser, current []model.Binding) ([]model.Binding, error)) error {
	return s.inTx(ctx, func(c conn) error {
		if err := relaxCommit(ctx, c); err != nil {
			return err
		}
		var u SIPUser
		// Only the user's row is locked (OF u): registrations of other
		// users of the tenant go on in parallel.
		lock := c.forUpdate()
		if lock != "" {
			lock += " OF u"
		}
		if err := c.queryRow(ctx, sipUserSelect+` WHERE u.tenant_id = ? AND u.id = ?`+lock, tenantID, userID).Scan(u.fields()...); err != nil {
			return notFound("update bindings", err)
		}
		current, err := listBindings(ctx, c, tenantID, userID, now)
		if err != nil {
			return err
		}
		next, err := fn(&u, current)
		if err != nil {
			return err
		}
		// Write only what changed: most REGISTERs refresh one binding.
		old := make(map[string]*model.Binding, len(current))
		for i := range current {
			old[current[i].InstanceID] = &current[i]
		}
		keep := make(map[string]bool, len(next))
		for i := range next {
			b := &next[i]
			keep[b.InstanceID] = true
			if o, ok := old[b.InstanceID]; ok && *o == *b {
				continue
			}
			if _, err := c.exec(ctx, `INSERT INTO sip_bindings (`+bindingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (user_id, instance_id) DO UPDATE SET contact = excluded.contact, call_id = excluded.call_id,
				cseq = excluded.cseq, expires_at = excluded.expires_at, q = excluded.q, user_agent = excluded.user_agent,
				source = excluded.source, transport = excluded.transport, enable_push = excluded.enable_push, node = excluded.node`,
				tenantID, userID, b.InstanceID, b.Contact, b.CallID, int64(b.CSeq), micros(b.ExpiresAt), b.Q, b.UserAgent,
				b.Source, b.Transport, b.EnablePush, micros(b.CreatedAt), b.Node); err != nil {
				return fmt.Errorf("write binding: %w", err)
			}
		}
		for id := range old {
			if !keep[id] {
				if _, err := c.exec(ctx, `DELETE FROM sip_bindings WHERE user_id = ? AND instance_id = ?`, userID, id); err != nil {
					return fmt.Errorf("remove binding: %w", err)
				}
			}
		}
		// Expired rows are left to the sweeper: reads never see them, and
		// the upsert above replaces one that comes back.
		return nil
	})
}

func listBindings(ctx context.Context, c conn, tenantID, userID string, now time.Time) ([]model.Binding, error) {
	rows, err := c.query(ctx, `SELECT `+bindingColumns+` FROM sip_bindings WHERE tenant_id = ? AND user_id = ? AND expires_at > ?
		ORDER BY created_at, instance_id`, tenantID, userID, micros(now))
	if err != nil {
		return nil, fmt.Errorf("list bindings: %w", err)
	}
	defer rows.Close()
	out := []model.Binding{}
	for rows.Next() {
		b, err := scanBinding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, rows.Err()
}

// ListBindings returns a user's unexpired bindings, oldest first.
func (s *Store) ListBindings(ctx context.Context, tenantID, userID string, now time.Time) ([]model.Binding, error) {
	return listBindings(ctx, s.c(), tenantID, userID, now)
}

// DeleteBinding removes one of a user's bindings, or returns
// model.ErrNotFound (also when it has expired).
func (s *Store) DeleteBinding(ctx context.Context, tenantID, userID, instanceID string, now time.Time) error {
	return s.inTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM sip_bindings WHERE tenant_id = ? AND user_id = ? AND instance_id = ? AND expires_at > ?`,
			tenantID, userID, instanceID, micros(now))
		return deleted("delete binding", res, err)
	})
}

// DeleteFlowBindings deletes the bindings registered over the TCP or TLS
// connection from source (transport "TCP" or "TLS"), in every tenant,
// that only says yes to: that connection closed (RFC 5626 flow failure).
// It returns how many went.
func (s *Store) DeleteFlowBindings(ctx context.Context, transport, source string, only func(*model.Binding) bool) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(c conn) error {
		rows, err := c.query(ctx, `SELECT `+bindingColumns+` FROM sip_bindings WHERE source = ? AND transport = ?`, source, transport)
		if err != nil {
			return fmt.Errorf("flow bindings: %w", err)
		}
		var gone []*model.Binding
		for rows.Next() {
			b, err := scanBinding(rows)
			if err != nil {
				rows.Close()
				return err
			}
			if only(b) {
				gone = append(gone, b)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, b := range gone {
			// The source is checked again: a phone that registered anew
			// meanwhile keeps its new binding.
			res, err := c.exec(ctx, `DELETE FROM sip_bindings WHERE user_id = ? AND instance_id = ? AND source = ? AND transport = ?`,
				b.UserID, b.InstanceID, source, transport)
			if err != nil {
				return fmt.Errorf("delete flow binding: %w", err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return nil
	})
	return n, err
}

// SweepBindings deletes every binding expired at now and returns how many.
func (s *Store) SweepBindings(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.c().exec(ctx, `DELETE FROM sip_bindings WHERE expires_at <= ?`, micros(now))
	if err != nil {
		return 0, fmt.Errorf("sweep bindings: %w", err)
	}
	return res.RowsAffected()
}

// SourceAORs lists the addresses of record ("sip:ext@domain") with live
// bindings registered from ip (any port), at most 100: the guard never
// bans such an address (see guard.Protector). It reads only when a source
// reaches the failure limit.
func (s *Store) SourceAORs(ctx context.Context, ip string, now time.Time) ([]string, error) {
	prefix := ip + ":"
	if strings.Contains(ip, ":") {
		prefix = "[" + ip + "]:"
	}
	rows, err := s.c().query(ctx, `SELECT u.extension_number, t.domain FROM sip_bindings b
		JOIN users u ON u.id = b.user_id JOIN tenants t ON t.id = b.tenant_id
		WHERE b.expires_at > ? AND substr(b.source, 1, ?) = ? LIMIT 100`, micros(now), len(prefix), prefix)
	if err != nil {
		return nil, fmt.Errorf("source bindings: %w", err)
	}
	defer rows.Close()
	var aors []string
	for rows.Next() {
		var ext, domain string
		if err := rows.Scan(&ext, &domain); err != nil {
			return nil, err
		}
		aors = append(aors, "sip:"+ext+"@"+domain)
	}
	return aors, rows.Err()
}

// TrunkAtIP tells whether a tenant's sip_trunk is at ip (any port).
func (s *Store) TrunkAtIP(ctx context.Context, ip string) (bool, error) {
	host := ip
	if strings.Contains(ip, ":") {
		host = "[" + ip + "]"
	}
	var n int
	err := s.c().queryRow(ctx, `SELECT COUNT(*) FROM tenants WHERE sip_trunk = ? OR sip_trunk LIKE ? OR sip_trunk LIKE ?`,
		"sip:"+host, "sip:"+host+":%", "sip:"+host+";%").Scan(&n)
	if err != nil {
		return false, fmt.Errorf("trunk at ip: %w", err)
	}
	return n > 0, nil
}
