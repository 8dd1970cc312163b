// Package store is Switchboard's persistence layer. One Store type serves
// both the embedded SQLite database (the default) and PostgreSQL (shared by
// several stateless nodes) through database/sql and portable SQL.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// pingTimeout bounds the connectivity check of Open.
const pingTimeout = 5 * time.Second

// Store is the database of a Switchboard node. It is safe for concurrent
// use.
type Store struct {
	db      *sql.DB
	dialect string
	stmts   *stmtCache // nil on PostgreSQL
	// events fans change events out to this node's subscribers; on
	// PostgreSQL listener feeds it from NOTIFY on channel.
	events   *eventHub
	listener *pgListener
	channel  string
	// principals caches who access tokens speak for (principal_cache.go).
	principals *principalCache
}

// withCaches gives s its caches, which see every event first.
func (s *Store) withCaches() *Store {
	s.principals = newPrincipalCache()
	s.events.observe = s.principals.apply
	return s
}

// Open opens the database named by dbURL: "" means the SQLite file
// <dataDir>/switchboard.db (dataDir is created with mode 0700 if missing),
// "sqlite:<path>" a SQLite file at path, and "postgres://..." or
// "postgresql://..." a PostgreSQL database. Anything else is an error.
// Open pings the database with a 5 second timeout so that an unreachable
// database fails fast. It does not migrate the schema; see Migrate.
func Open(ctx context.Context, dbURL, dataDir string) (*Store, error) {
	switch {
	case dbURL == "":
		if dataDir == "" {
			return nil, errors.New("open database: no database URL and no data directory given")
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, fmt.Errorf("open database: create data directory: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "switchboard.db"))
	case strings.HasPrefix(dbURL, "sqlite:"):
		path := strings.TrimPrefix(dbURL, "sqlite:")
		if path == "" {
			return nil, errors.New(`open database: "sqlite:" needs a file path, as in sqlite:/var/lib/switchboard/switchboard.db`)
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o700); err != nil {
				return nil, fmt.Errorf("open database: create directory %s: %w", dir, err)
			}
		}
		return openSQLite(ctx, path)
	case strings.HasPrefix(dbURL, "postgres://"), strings.HasPrefix(dbURL, "postgresql://"):
		return openPostgres(ctx, dbURL)
	default:
		return nil, fmt.Errorf("open database: unsupported database URL %q: use postgres://..., postgresql://... or sqlite:<path> (or leave it empty for SQLite in the data directory)", redactURL(dbURL))
	}
}

// sqliteDSN is the modernc.org/sqlite DSN of the file at path: WAL, a busy
// timeout so writers queue instead of failing, foreign keys on (for ON
// DELETE CASCADE), reads through a memory map of up to 256 MiB (no read
// syscall per page) and IMMEDIATE transactions so a transaction that writes
// never fails upgrading a read lock.
func sqliteDSN(path string) string {
	// The name is an SQLite URI: escape the characters URIs give meaning to.
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	return "file:" + esc +
		"?_pragma=busy_timeout(10000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=mmap_size(268435456)" +
		"&_txlock=immediate"
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open SQLite database %s: %w", path, err)
	}
	// WAL lets readers run beside the single writer; writers queue on the
	// busy timeout.
	n := max(4, runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	s := (&Store{db: db, dialect: DialectSQLite, stmts: newStmtCache(db), events: newEventHub()}).withCaches()
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := pingSQLite(pctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot open SQLite database %s: %w", path, err)
	}
	return s, nil
}

// pingSQLite opens the first connection. Switching a new file to WAL takes
// an exclusive lock that SQLite does not wait for, so when two processes
// open a new data directory at once one of them sees SQLITE_BUSY: retry
// until ctx ends.
func pingSQLite(ctx context.Context, db *sql.DB) error {
	for {
		err := db.PingContext(ctx)
		if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func openPostgres(ctx context.Context, dbURL string) (*Store, error) {
	where := postgresAddr(dbURL)
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL database at %s: %s", where, scrub(err.Error(), dbURL))
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach PostgreSQL at %s: %s", where, scrub(err.Error(), dbURL))
	}
	var schema string
	if err := db.QueryRowContext(pctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("read the PostgreSQL schema at %s: %s", where, scrub(err.Error(), dbURL))
	}
	s := (&Store{db: db, dialect: DialectPostgres, events: newEventHub(), channel: eventChannel(schema)}).withCaches()
	s.listener = &pgListener{dsn: dbURL, channel: s.channel, hub: s.events}
	return s, nil
}

// postgresAddr returns host:port of a PostgreSQL URL, for error messages.
func postgresAddr(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.Host == "" {
		return "localhost:5432"
	}
	host := u.Host
	if u.Port() == "" && !strings.Contains(host, ",") {
		host += ":5432"
	}
	return host
}

// redactURL returns dbURL with any password replaced, for error messages.
func redactURL(dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		if err != nil {
			return "(unparsable URL)"
		}
		return dbURL
	}
	return u.Redacted()
}

// scrub removes the password of dbURL from msg, should a driver echo it.
func scrub(msg, dbURL string) string {
	u, err := url.Parse(dbURL)
	if err != nil || u.User == nil {
		return msg
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		msg = strings.ReplaceAll(msg, pw, "xxxxx")
	}
	return msg
}

// Close closes the database.
func (s *Store) Close() error {
	if s.listener != nil {
		s.listener.stop()
	}
	if s.stmts != nil {
		s.stmts.close()
	}
	return s.db.Close()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", s.dialect, err)
	}
	return nil
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect }

// DB returns the underlying database handle, for tests and diagnostics.
func (s *Store) DB() *sql.DB { return s.db }

// c returns the store's pool as a conn.
func (s *Store) c() conn { return s.on(s.db, nil) }

// on returns a conn running on q (the pool or a transaction); pending,
// when not nil, collects a transaction's events until it commits.
func (s *Store) on(q querier, pending *[]Event) conn {
	return conn{q: q, dialect: s.dialect, events: s.events, channel: s.channel, pending: pending}
}

// inTx runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise. fn's error is returned as is. The audit entry ctx carries
// (WithAudit) is written in the same transaction.
func (s *Store) inTx(ctx context.Context, fn func(c conn) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	var pending []Event
	c := s.on(tx, &pending)
	if err := fn(c); err != nil {
		_ = tx.Rollback()
		return err
	}
	if e := auditFrom(ctx); e != nil && e.Action != "" {
		if err := insertAudit(ctx, c, e); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	s.committed(pending)
	return nil
}
