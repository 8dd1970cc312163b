package store_test

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestCompactSettings: rows holding the whole settings document (as every
// row did before the baseline) are rewritten as their difference by the
// migrate step, read back the same, and a second pass finds nothing.
func TestCompactSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "compact.example")
		var users []*model.User
		for i, ext := range []string{"201", "202", "203"} {
			u := newUser(tn.ID, "u"+ext, ext)
			model.ApplyUserDefaults(u)
			u.EnableDND = i == 1
			must(t, s.CreateUser(ctx, u))
			whole, err := json.Marshal(&u.UserSettings)
			must(t, err)
			if _, err := s.DB().ExecContext(ctx, pg(s, `UPDATE users SET settings = ? WHERE id = ?`), string(whole), u.ID); err != nil {
				t.Fatal(err)
			}
			users = append(users, u)
		}
		n, err := store.CompactSettings(ctx, s)
		must(t, err)
		if n != len(users) {
			t.Fatalf("compacted %d rows, want %d", n, len(users))
		}
		for _, u := range users {
			var text string
			if err := s.DB().QueryRowContext(ctx, pg(s, `SELECT settings FROM users WHERE id = ?`), u.ID).Scan(&text); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(text, `{"_v":1`) || len(text) > 300 {
				t.Fatalf("stored settings after compaction (%d bytes): %s", len(text), text)
			}
			got, err := s.GetUser(ctx, tn.ID, u.ID)
			must(t, err)
			if !reflect.DeepEqual(got.UserSettings, u.UserSettings) {
				t.Fatalf("settings changed by compaction:\n%+v\nwant\n%+v", got.UserSettings, u.UserSettings)
			}
		}
		if n, err := store.CompactSettings(ctx, s); err != nil || n != 0 {
			t.Fatalf("second pass: %d %v", n, err)
		}
	})
}

// pg numbers the ? placeholders of q as $1, $2 ... on PostgreSQL.
func pg(s *store.Store, q string) string {
	if s.Dialect() != store.DialectPostgres {
		return q
	}
	for n := 1; strings.Contains(q, "?"); n++ {
		q = strings.Replace(q, "?", "$"+strconv.Itoa(n), 1)
	}
	return q
}
