package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrationFS embed.FS

// migrationLockKey is the PostgreSQL advisory lock that serialises
// concurrent Migrate calls of several nodes.
const migrationLockKey int64 = 0x5377_6974_6368_6264 // "Switchbd"

// migration is one embedded, numbered SQL script.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the dialect's migrations in version order.
func migrations(dialect string) ([]migration, error) {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive version number", name)
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: name, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i := 1; i < len(out); i++ {
		if out[i].version == out[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].name, out[i].name, out[i].version)
		}
	}
	return out, nil
}

// SchemaVersion returns the newest migration version this binary knows.
func (s *Store) SchemaVersion() int {
	ms, err := migrations(s.dialect)
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

const createVersionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    applied_at BIGINT  NOT NULL
)`

// Migrate brings the schema up to date. Migrations are forward-only; each
// runs in its own transaction together with its schema_migrations row. On
// PostgreSQL an advisory lock makes concurrent Migrate calls of several
// nodes safe. Migrate fails if the database is newer than this binary.
// Last it creates the unique email index when no duplicates prevent it
// (EmailDuplicates lists them).
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	// The first transaction only makes sure the version table exists and
	// checks that the database is not ahead of the code.
	err = s.inTx(ctx, func(c conn) error {
		if err := s.lockMigrations(ctx, c); err != nil {
			return err
		}
		if _, err := c.exec(ctx, createVersionTable); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		cur, err := currentVersion(ctx, c)
		if err != nil {
			return err
		}
		if latest := ms[len(ms)-1].version; cur > latest {
			return aheadError(cur, latest)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := s.applyMigrations(ctx, ms); err != nil {
		return err
	}
	if _, err := s.compactSettings(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	// Indexes the data may not allow yet (see emails.go).
	err = s.inTx(ctx, func(c conn) error {
		if err := s.lockMigrations(ctx, c); err != nil {
			return err
		}
		if err := ensureNameKeys(ctx, c); err != nil {
			return err
		}
		return ensureEmailIndex(ctx, c)
	})
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// applyMigrations applies those of ms not recorded yet, in order, each in
// its own transaction with its schema_migrations row.
func (s *Store) applyMigrations(ctx context.Context, ms []migration) error {
	for _, m := range ms {
		err := s.inTx(ctx, func(c conn) error {
			if err := s.lockMigrations(ctx, c); err != nil {
				return err
			}
			var n int
			if err := c.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return fmt.Errorf("read schema_migrations: %w", err)
			}
			if n > 0 {
				return nil // applied already, maybe by another node meanwhile
			}
			if _, err := c.exec(ctx, m.sql); err != nil {
				return fmt.Errorf("apply %s: %w", m.name, err)
			}
			if _, err := c.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, micros(now())); err != nil {
				return fmt.Errorf("record %s: %w", m.name, err)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	return nil
}

// lockMigrations takes the transaction-scoped migration lock on
// PostgreSQL. SQLite's IMMEDIATE transactions are already exclusive.
func (s *Store) lockMigrations(ctx context.Context, c conn) error {
	if s.dialect != DialectPostgres {
		return nil
	}
	if _, err := c.exec(ctx, `SELECT pg_advisory_xact_lock(?)`, migrationLockKey); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	return nil
}

// currentVersion returns the highest applied version, 0 if none.
func currentVersion(ctx context.Context, c conn) (int, error) {
	var v int
	if err := c.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func aheadError(cur, latest int) error {
	return fmt.Errorf("database schema version %d is newer than this binary supports (%d): upgrade switchboard", cur, latest)
}

// CheckSchema reports whether the schema matches this binary without
// changing anything: ErrSchemaOutdated (wrapped) if migrations are
// pending, an error asking for a newer binary if the database is ahead.
func (s *Store) CheckSchema(ctx context.Context) error {
	ms, err := migrations(s.dialect)
	if err != nil {
		return err
	}
	latest := ms[len(ms)-1].version
	c := s.c()
	var exists bool
	q := `SELECT COUNT(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`
	if s.dialect == DialectPostgres {
		q = `SELECT to_regclass('schema_migrations') IS NOT NULL`
	}
	if err := c.queryRow(ctx, q).Scan(&exists); err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	if !exists {
		return fmt.Errorf("check schema: the database is empty (version 0, this binary needs %d): %w", latest, ErrSchemaOutdated)
	}
	cur, err := currentVersion(ctx, c)
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	switch {
	case cur < latest:
		return fmt.Errorf("check schema: database is at version %d, this binary needs %d: %w", cur, latest, ErrSchemaOutdated)
	case cur > latest:
		return fmt.Errorf("check schema: %w", aheadError(cur, latest))
	}
	return nil
}
