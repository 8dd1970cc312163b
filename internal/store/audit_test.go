package store_test

import (
	"errors"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

func TestAuditIsWrittenWithTheChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tn := mkTenant(t, s, "audit.example")
		u := newUser(tn.ID, "amy", "100")
		entry := func(action string) *model.AuditLog {
			return &model.AuditLog{TenantID: tn.ID, UserName: "boss", Action: action, ObjectType: "user",
				Fields: map[string]any{"password": "Secret-pw-1", "department": "Sales"}}
		}
		must(t, s.CreateUser(store.WithAudit(ctx, entry("create")), u))
		// A change that fails (a conflict, or the caller's own refusal) rolls its entry back.
		dup := newUser(tn.ID, "AMY", "101")
		if err := s.CreateUser(store.WithAudit(ctx, entry("create-dup")), dup); err == nil {
			t.Fatal("duplicate name accepted")
		}
		refused := errors.New("refused")
		if _, err := s.UpdateUser(store.WithAudit(ctx, entry("update-refused")), tn.ID, u.ID, func(*model.User) error { return refused }); !errors.Is(err, refused) {
			t.Fatal(err)
		}
		_, err := s.UpdateUser(store.WithAudit(ctx, entry("update")), tn.ID, u.ID, func(u *model.User) error { u.Department = "Sales"; return nil })
		must(t, err)
		must(t, s.DeleteUser(store.WithAudit(ctx, entry("delete")), tn.ID, u.ID))

		n, logs, err := s.ListAuditLogs(ctx, tn.ID, nil)
		must(t, err)
		var actions []string
		for _, l := range logs {
			actions = append(actions, l.Action)
			if l.Fields["password"] != model.Masked || l.Fields["department"] != "Sales" {
				t.Fatalf("fields not masked: %v", l.Fields)
			}
		}
		if n != 3 || len(actions) != 3 || actions[0] != "delete" || actions[2] != "create" {
			t.Fatalf("entries %d %v", n, actions)
		}
		l, err := query.Parse(query.Params{Filter: "action eq 'update'"}, store.AuditSchema())
		must(t, err)
		if n, _, err := s.ListAuditLogs(ctx, tn.ID, l); err != nil || n != 1 {
			t.Fatalf("filtered: %d %v", n, err)
		}
		if n, _, _ := s.ListAuditLogs(ctx, "another-tenant", nil); n != 0 {
			t.Fatalf("another tenant's log has %d entries", n)
		}
	})
}
