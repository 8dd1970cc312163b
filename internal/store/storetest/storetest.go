// Package storetest opens fresh, migrated stores for tests, on SQLite and,
// when SWITCHBOARD_TEST_POSTGRES names a database, on PostgreSQL, so that
// one test suite runs against both.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // "pgx" driver for schema set-up

	"github.com/switchboard-pbx/switchboard/internal/store"
)

// EnvPostgres names the environment variable holding the DSN of a
// PostgreSQL database tests may create schemas in, for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const EnvPostgres = "SWITCHBOARD_TEST_POSTGRES"

// Kinds returns the kinds of store to test: always "sqlite", and
// "postgres" too when SWITCHBOARD_TEST_POSTGRES is set.
func Kinds() []string {
	if os.Getenv(EnvPostgres) != "" {
		return []string{store.DialectSQLite, store.DialectPostgres}
	}
	return []string{store.DialectSQLite}
}

// Each runs fn as the subtests "sqlite" and "postgres", each with a fresh
// migrated store. The PostgreSQL subtest is skipped when
// SWITCHBOARD_TEST_POSTGRES is not set.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, kind := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(kind, func(t *testing.T) {
			fn(t, Open(t, kind))
		})
	}
}

// Open returns a fresh, migrated store of kind ("sqlite" or "postgres"),
// closed when the test ends. SQLite lives in t.TempDir(); PostgreSQL gets
// its own schema, dropped when the test ends. A "postgres" store skips
// the test when SWITCHBOARD_TEST_POSTGRES is not set.
func Open(t testing.TB, kind string) *store.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := store.Open(ctx, DSN(t, kind), "")
	if err != nil {
		t.Fatalf("open %s store: %v", kind, err)
	}
	t.Cleanup(func() { _ = s.Close() }) // runs before the schema drop registered by DSN
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s store: %v", kind, err)
	}
	return s
}

// DSN returns the database URL of a fresh, empty database of kind, for
// tests that start a whole server: "sqlite:<tempdir>/switchboard.db", or
// the PostgreSQL DSN with search_path set to a new schema that is dropped
// when the test ends. For "postgres" it skips the test when
// SWITCHBOARD_TEST_POSTGRES is not set.
func DSN(t testing.TB, kind string) string {
	t.Helper()
	switch kind {
	case store.DialectSQLite:
		return "sqlite:" + filepath.Join(t.TempDir(), "switchboard.db")
	case store.DialectPostgres:
		return postgresSchema(t)
	default:
		t.Fatalf("storetest: unknown store kind %q (want sqlite or postgres)", kind)
		return ""
	}
}

// postgresSchema creates a schema sbt_<random hex> in the database of
// SWITCHBOARD_TEST_POSTGRES and returns a DSN whose search_path is it.
func postgresSchema(t testing.TB) string {
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip(EnvPostgres + " not set; skipping PostgreSQL")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: invalid URL: %v", EnvPostgres, err)
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := "sbt_" + hex.EncodeToString(b[:])

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	trigramExtension(ctx, t, admin)
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create test schema %s: %v", schema, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop test schema %s: %v", schema, err)
		}
	})

	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// trigramExtension installs pg_trgm in the test database's default schema
// once. Left to the migrations, it would land in the first test's schema
// and go with it, taking every other test's trigram index along.
func trigramExtension(ctx context.Context, t testing.TB, admin *sql.DB) {
	_, err := admin.ExecContext(ctx, `CREATE EXTENSION IF NOT EXISTS pg_trgm`)
	if err == nil {
		return
	}
	// Tests starting together may race to create it: one wins.
	var n int
	if qerr := admin.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_extension WHERE extname = 'pg_trgm'`).Scan(&n); qerr != nil || n == 0 {
		t.Fatalf("create extension pg_trgm in the test database: %v", err)
	}
}
