package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// Dialect names returned by Store.Dialect.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs portable SQL (written with ? placeholders) on a querier,
// rebinding placeholders for the store's dialect.
type conn struct {
	q       querier
	dialect string
	// events, channel and pending carry what publish needs: this node's
	// event hub, the NOTIFY channel (PostgreSQL), and, inside a
	// transaction, the events to hand to this node once it commits.
	events  *eventHub
	channel string
	pending *[]Event
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, rebind(c.dialect, query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, rebind(c.dialect, query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, rebind(c.dialect, query), args...)
}

// forUpdate is the row-locking suffix of a SELECT inside a write
// transaction. SQLite needs none: its write transactions begin IMMEDIATE
// and so already hold the database's write lock.
func (c conn) forUpdate() string {
	if c.dialect == DialectPostgres {
		return " FOR UPDATE"
	}
	return ""
}

// rebind rewrites ? placeholders as $1..$n for PostgreSQL. Question marks
// inside single-quoted literals, double-quoted identifiers and comments
// are left alone.
func rebind(dialect, query string) string {
	if dialect != DialectPostgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(query[i+1:], c)
			if j < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+j+2])
			i += j + 1
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				b.WriteString(query[i:])
				return b.String()
			}
			b.WriteString(query[i : i+j+1])
			i += j
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// micros converts t to the stored form: Unix microseconds, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros converts a stored timestamp back to a UTC time.Time.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// now returns the current time as stored: UTC, microsecond precision.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// norm returns t in UTC truncated to microseconds, or now when t is zero.
func norm(t time.Time) time.Time {
	if t.IsZero() {
		return now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// lockOwner locks, until the transaction ends, the row of what owns a
// counted set: the user userID of tenantID, or the tenant itself when
// userID is "". Creates that count the set first then see each other's
// rows, so a limit holds under races on PostgreSQL (SQLite's writes are
// serialized by BEGIN IMMEDIATE already). A missing owner is
// model.ErrNotFound.
func lockOwner(ctx context.Context, c conn, op, tenantID, userID string) error {
	var id string
	var err error
	if userID != "" {
		err = c.queryRow(ctx, `SELECT id FROM users WHERE tenant_id = ? AND id = ?`+c.forUpdate(), tenantID, userID).Scan(&id)
	} else {
		err = c.queryRow(ctx, `SELECT id FROM tenants WHERE id = ?`+c.forUpdate(), tenantID).Scan(&id)
	}
	if err != nil {
		return notFound(op, err)
	}
	return nil
}
