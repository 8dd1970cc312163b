package bench

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// EnvStorageUsers overrides the users of BenchmarkStorage (CI's smoke run
// uses a few).
const EnvStorageUsers = "SWITCHBOARD_BENCH_STORAGE_USERS"

// BenchmarkStorage is what a user with default settings costs on disk:
// the growth of the database (SQLite: its pages after a checkpoint;
// PostgreSQL: every table and index of the schema, TOAST included) when
// 100,000 such users are added, per user.
func BenchmarkStorage(b *testing.B) {
	n := Users
	if v, err := strconv.Atoi(os.Getenv(EnvStorageUsers)); err == nil && v > 0 {
		n = v
	}
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			if kind == "postgres" && os.Getenv(storetest.EnvPostgres) == "" {
				b.Skip("set SWITCHBOARD_TEST_POSTGRES to benchmark PostgreSQL")
			}
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				s := storetest.Open(b, kind)
				ctx := context.Background()
				tn := &model.Tenant{ID: model.NewID(), Name: "Storage", Domain: domain, Enabled: true, TimeZone: "UTC"}
				if err := s.CreateTenant(ctx, tn, nil); err != nil {
					b.Fatal(err)
				}
				before := dbBytes(b, s)
				hash := "$argon2id$v=19$m=65536,t=3,p=2$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"
				for start := 0; start < n; start += 5000 {
					users := make([]*model.User, 0, 5000)
					for j := start; j < min(n, start+5000); j++ {
						u := &model.User{ID: model.NewID(), TenantID: tn.ID, Name: "user" + strconv.Itoa(j), ExtensionNumber: strconv.Itoa(100000 + j)}
						u.Email = fmt.Sprintf("user%d@%s", j, domain)
						u.FirstName, u.LastName = firstNames[j%len(firstNames)], lastNames[j%len(lastNames)]
						u.Enabled, u.DeliveryOutboundCID, u.EnableVoicemailPIN = true, true, true
						model.PresetCallHandling(&u.CallHandling)
						model.ApplyUserDefaults(u)
						u.PasswordHash = hash
						u.SIP = auth.SIPCredentials(u.ExtensionNumber, domain, "Seeded-sip-pw-"+strconv.Itoa(j))
						users = append(users, u)
					}
					b.StartTimer()
					if err := s.CreateUsers(ctx, users, nil); err != nil {
						b.Fatal(err)
					}
					b.StopTimer()
				}
				grown := dbBytes(b, s) - before
				b.ReportMetric(float64(grown)/float64(n), "bytes/user")
				b.ReportMetric(float64(grown)/float64(n)*100_000/1e6, "MB/100k-users")
			}
		})
	}
}

// dbBytes is the size of the store's data: SQLite's pages once the WAL is
// checkpointed, or the schema's relations on PostgreSQL.
func dbBytes(b *testing.B, s *store.Store) int64 {
	ctx := context.Background()
	var size int64
	var err error
	if s.Dialect() == store.DialectPostgres {
		_, _ = s.DB().ExecContext(ctx, `VACUUM ANALYZE`)
		err = s.DB().QueryRowContext(ctx, `SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')`).Scan(&size)
	} else {
		if _, err = s.DB().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err == nil {
			err = s.DB().QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&size)
		}
	}
	if err != nil {
		b.Fatal(err)
	}
	return size
}
