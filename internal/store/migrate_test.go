package store_test

import (
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestMigrateIdempotentAndCheckSchema(t *testing.T) {
	for _, kind := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.DSN(t, kind)
			s, err := store.Open(ctx, dsn, "")
			must(t, err)
			defer s.Close()
			eq(t, "dialect", s.Dialect(), kind)
			must(t, s.Ping(ctx))

			err = s.CheckSchema(ctx)
			if !errors.Is(err, store.ErrSchemaOutdated) {
				t.Fatalf("CheckSchema on empty DB = %v, want ErrSchemaOutdated", err)
			}
			must(t, s.Migrate(ctx))
			must(t, s.CheckSchema(ctx))
			must(t, s.Migrate(ctx))
			must(t, s.CheckSchema(ctx))
			var n int
			// Versions have gaps (numbers are handed out in ranges), so
			// the newest recorded is the binary's.
			must(t, s.DB().QueryRow(`SELECT MAX(version) FROM schema_migrations`).Scan(&n))
			eq(t, "newest migration recorded", n, s.SchemaVersion())

			// A database ahead of the binary is refused with a clear error.
			_, err = s.DB().Exec(rebind(kind, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, 0)`), 9999)
			must(t, err)
			err = s.CheckSchema(ctx)
			if err == nil || errors.Is(err, store.ErrSchemaOutdated) || !strings.Contains(err.Error(), "newer") {
				t.Fatalf("CheckSchema on newer DB = %v", err)
			}
			if err := s.Migrate(ctx); err == nil || !strings.Contains(err.Error(), "newer") {
				t.Fatalf("Migrate on newer DB = %v", err)
			}
		})
	}
}

func TestConcurrentMigrate(t *testing.T) {
	for _, kind := range []string{store.DialectSQLite, store.DialectPostgres} {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.DSN(t, kind)
			errs := make(chan error, 4)
			for range 4 {
				go func() {
					s, err := store.Open(ctx, dsn, "")
					if err != nil {
						errs <- err
						return
					}
					defer s.Close()
					errs <- s.Migrate(ctx)
				}()
			}
			for range 4 {
				must(t, <-errs)
			}
		})
	}
}

func rebind(kind, q string) string {
	if kind == store.DialectPostgres {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
	}
	return q
}

func TestSQLiteFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s, err := store.Open(ctx, "", dir)
	must(t, err)
	must(t, s.Migrate(ctx))
	var mode string
	must(t, s.DB().QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	eq(t, "journal_mode", mode, "wal")
	var fk int
	must(t, s.DB().QueryRow(`PRAGMA foreign_keys`).Scan(&fk))
	eq(t, "foreign_keys", fk, 1)

	tn := mkTenant(t, s, "persist.example.com")
	u := mkUser(t, s, tn.ID, "alice", "101")
	must(t, s.Close())

	s, err = store.Open(ctx, "sqlite:"+filepath.Join(dir, "switchboard.db"), "")
	must(t, err)
	defer s.Close()
	must(t, s.CheckSchema(ctx))
	got, err := s.GetUser(ctx, tn.ID, u.ID)
	must(t, err)
	eq(t, "reopened user", got.Name, "alice")
}

func TestOpenErrors(t *testing.T) {
	if _, err := store.Open(ctx, "mysql://x", ""); err == nil {
		t.Fatal("mysql URL accepted")
	}
	_, err := store.Open(ctx, "postgres://u:s3cret@127.0.0.1:1/db?connect_timeout=2", "")
	if err == nil {
		t.Fatal("unreachable PostgreSQL opened")
	}
	if !strings.Contains(err.Error(), "cannot reach PostgreSQL at 127.0.0.1:1") || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error = %v", err)
	}
}
