package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Binding is one registered contact of a user (RFC 3261 section 10.3).
// InstanceID keys it: the device's +sip.instance (with its reg-id) when it
// sends one (RFC 5626), else a digest of the contact URI.
type Binding struct {
	TenantID   string
	UserID     string
	InstanceID string
	Contact    string // the Contact header value as registered, with its parameters
	CallID     string
	CSeq       uint32
	ExpiresAt  time.Time
	Q          string
	UserAgent  string
	Source     string // ip:port the REGISTER came from
	Transport  string
	EnablePush bool
	CreatedAt  time.Time
}

const bindingColumns = `tenant_id, user_id, instance_id, contact, call_id, cseq, expires_at, q, user_agent, source, transport, enable_push, created_at`

func scanBinding(row interface{ Scan(...any) error }) (*Binding, error) {
	var b Binding
	var cseq, exp, created int64
	if err := row.Scan(&b.TenantID, &b.UserID, &b.InstanceID, &b.Contact, &b.CallID, &cseq, &exp, &b.Q, &b.UserAgent,
		&b.Source, &b.Transport, &b.EnablePush, &created); err != nil {
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
	UserID        string
	Enabled       bool
	MaxBindings   int
	Credentials   model.SIPCredentials
}

const sipUserSelect = `SELECT t.id, t.enabled, t.sip_digest, u.id, u.enabled, u.max_bindings, u.sip_ha1_md5, u.sip_ha1_sha256
	FROM users u JOIN tenants t ON t.id = u.tenant_id`

func (u *SIPUser) fields() []any {
	return []any{&u.TenantID, &u.TenantEnabled, &u.SIPDigest, &u.UserID, &u.Enabled, &u.MaxBindings, &u.Credentials.HA1MD5, &u.Credentials.HA1SHA256}
}

// SIPUserByAOR looks up extension ext of the tenant with domain (one
// query), or returns model.ErrNotFound.
func (s *Store) SIPUserByAOR(ctx context.Context, domain, ext string) (*SIPUser, error) {
	var u SIPUser
	err := s.queryRowFixed(ctx, sipUserSelect+` WHERE t.domain = ? AND u.extension_number = ?`, strings.ToLower(domain), ext).Scan(u.fields()...)
	if err != nil {
		return nil, notFound("sip user", err)
	}
	return &u, nil
}

// UpdateBindings runs fn on a user's current (unexpired at now) bindings
// with the user locked, so concurrent REGISTERs for one user, on one node
// or several, apply one after the other. fn returns the complete new set;
// it is written in the same transaction. fn's error changes nothing.
func (s *Store) UpdateBindings(ctx context.Context, tenantID, userID string, now time.Time, fn func(u *SIPUser, current []Binding) ([]Binding, error)) error {
	return s.inTx(ctx, func(c conn) error {
		if c.dialect == DialectPostgres {
			// Registrations are soft state that phones refresh: like
			// SQLite's WAL with synchronous=NORMAL, a crash may lose the
			// last moments of them, and a commit need not wait for fsync.
			if _, err := c.exec(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
				return err
			}
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
		old := make(map[string]*Binding, len(current))
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
			if _, err := c.exec(ctx, `INSERT INTO sip_bindings (`+bindingColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (user_id, instance_id) DO UPDATE SET contact = excluded.contact, call_id = excluded.call_id,
				cseq = excluded.cseq, expires_at = excluded.expires_at, q = excluded.q, user_agent = excluded.user_agent,
				source = excluded.source, transport = excluded.transport, enable_push = excluded.enable_push`,
				tenantID, userID, b.InstanceID, b.Contact, b.CallID, int64(b.CSeq), micros(b.ExpiresAt), b.Q, b.UserAgent,
				b.Source, b.Transport, b.EnablePush, micros(b.CreatedAt)); err != nil {
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

func listBindings(ctx context.Context, c conn, tenantID, userID string, now time.Time) ([]Binding, error) {
	rows, err := c.query(ctx, `SELECT `+bindingColumns+` FROM sip_bindings WHERE tenant_id = ? AND user_id = ? AND expires_at > ?
		ORDER BY created_at, instance_id`, tenantID, userID, micros(now))
	if err != nil {
		return nil, fmt.Errorf("list bindings: %w", err)
	}
	defer rows.Close()
	out := []Binding{}
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
func (s *Store) ListBindings(ctx context.Context, tenantID, userID string, now time.Time) ([]Binding, error) {
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

// SweepBindings deletes every binding expired at now and returns how many.
func (s *Store) SweepBindings(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.c().exec(ctx, `DELETE FROM sip_bindings WHERE expires_at <= ?`, micros(now))
	if err != nil {
		return 0, fmt.Errorf("sweep bindings: %w", err)
	}
	return res.RowsAffected()
}

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

// TenantSIPDigest returns the digest algorithms setting of the tenant
// with domain, or model.ErrNotFound.
func (s *Store) TenantSIPDigest(ctx context.Context, domain string) (string, error) {
	var v string
	if err := s.queryRowFixed(ctx, `SELECT sip_digest FROM tenants WHERE domain = ?`, strings.ToLower(domain)).Scan(&v); err != nil {
		return "", notFound("tenant sip digest", err)
	}
	return v, nil
}

// TenantByTrunkAddr returns the enabled tenant whose sip_trunk is at
// source, an IP:port (sip:IP:port, or sip:IP for port 5060, with or
// without ;params), or model.ErrNotFound.
func (s *Store) TenantByTrunkAddr(ctx context.Context, source string) (*model.Tenant, error) {
	ip, port, err := net.SplitHostPort(source)
	if err != nil || net.ParseIP(ip) == nil {
		return nil, fmt.Errorf("trunk tenant: %w", model.ErrNotFound)
	}
	hostport := "sip:" + ip + ":" + port
	bare := hostport // only port 5060 may be left out of the trunk's URI
	if port == "5060" {
		bare = "sip:" + ip
	}
	t, err := scanTenant(s.c().queryRow(ctx, `SELECT `+tenantColumns+` FROM tenants
		WHERE enabled = ? AND (sip_trunk = ? OR sip_trunk LIKE ? OR sip_trunk = ? OR sip_trunk LIKE ?) ORDER BY created_at LIMIT 1`,
		true, hostport, hostport+";%", bare, bare+";%"))
	if err != nil {
		return nil, notFound("trunk tenant", err)
	}
	return t, nil
}

// UserByCallerID returns a user of the tenant having number among its
// outbound caller IDs (the number a trunk delivers calls to), or
// model.ErrNotFound.
func (s *Store) UserByCallerID(ctx context.Context, tenantID, number string) (*model.User, error) {
	if number == "" || strings.Trim(number, "+0123456789") != "" || len(number) > 32 {
		return nil, fmt.Errorf("user by caller id: %w", model.ErrNotFound)
	}
	u, err := scanUser(s.c().queryRow(ctx, `SELECT `+userColumns+` FROM users WHERE tenant_id = ? AND settings LIKE ? ORDER BY created_at LIMIT 1`,
		tenantID, `%"caller_id":"`+number+`"%`))
	if err != nil {
		return nil, notFound("user by caller id", err)
	}
	return u, nil
}

// AddActiveCall records that the users are on call callID (answered).
func (s *Store) AddActiveCall(ctx context.Context, callID string, userIDs []string, at time.Time) error {
	return s.inTx(ctx, func(c conn) error {
		for _, u := range userIDs {
			if _, err := c.exec(ctx, `INSERT INTO active_calls (call_id, user_id, started_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
				callID, u, micros(at)); err != nil {
				return fmt.Errorf("add active call: %w", err)
			}
		}
		return nil
	})
}

// RemoveActiveCall forgets call callID (ended).
func (s *Store) RemoveActiveCall(ctx context.Context, callID string) error {
	_, err := s.c().exec(ctx, `DELETE FROM active_calls WHERE call_id = ?`, callID)
	return err
}

// ActiveCalls counts a user's answered calls in progress that started
// after since (older rows are of calls whose node stopped).
func (s *Store) ActiveCalls(ctx context.Context, userID string, since time.Time) (int, error) {
	var n int
	err := s.queryRowFixed(ctx, `SELECT COUNT(*) FROM active_calls WHERE user_id = ? AND started_at > ?`, userID, micros(since)).Scan(&n)
	return n, err
}

// SweepActiveCalls deletes rows of calls that started before since.
func (s *Store) SweepActiveCalls(ctx context.Context, since time.Time) error {
	_, err := s.c().exec(ctx, `DELETE FROM active_calls WHERE started_at <= ?`, micros(since))
	return err
}

// SetFollowMeLast remembers the Follow Me number that answered a user.
func (s *Store) SetFollowMeLast(ctx context.Context, userID, number string) error {
	_, err := s.c().exec(ctx, `INSERT INTO followme_last (user_id, number) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET number = excluded.number`, userID, number)
	return err
}

// FollowMeLast is the Follow Me number that answered a user last ("" if none).
func (s *Store) FollowMeLast(ctx context.Context, userID string) (string, error) {
	var n string
	err := s.queryRowFixed(ctx, `SELECT number FROM followme_last WHERE user_id = ?`, userID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return n, err
}
