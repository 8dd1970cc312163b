package directory

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// testService is a directory over a fresh SQLite store, with the tenant
// acme.example and its Admin, whose caller it returns.
func testService(t *testing.T) (*Service, *Caller) {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t, store.DialectSQLite)
	s := New(st, auth.NewHasher(auth.FastParams, 1), slog.New(slog.NewTextHandler(io.Discard, nil)), DefaultConfig())
	if _, err := s.Bootstrap(ctx, "System-admin-pw-1"); err != nil {
		t.Fatal(err)
	}
	sys := signedIn(t, s, "admin", "System-admin-pw-1", "")
	if _, _, err := s.CreateTenant(ctx, sys, TenantCreate{Name: "Acme", Domain: "acme.example",
		Admin: TenantAdmin{Name: "boss", Password: "Boss-password-1", Email: "boss@acme.example", ExtensionNumber: "100"}}); err != nil {
		t.Fatal(err)
	}
	return s, signedIn(t, s, "boss", "Boss-password-1", "acme.example")
}

func signedIn(t *testing.T, s *Service, name, password, domain string) *Caller {
	t.Helper()
	r, err := s.SignIn(context.Background(), name, password, domain, "192.0.2.1")
	if err != nil || r.Tokens == nil {
		t.Fatalf("sign in %s: %v", name, err)
	}
	c, err := s.Authenticate(context.Background(), r.Tokens.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	c.Source = "192.0.2.1"
	return c
}

// TestUpdateHelper runs the shared update recipe on a stored group: the
// patch is applied inside the store's transaction between the checks, and
// the audit entry is written with the change (and only with it).
func TestUpdateHelper(t *testing.T) {
	ctx := context.Background()
	s, c := testService(t)
	tests := []struct {
		name     string
		body     string
		before   error // refusal of the stored object
		wantErr  string
		wantName string
		wantDesc string
	}{
		{name: "applies, validates, names the entry", body: `{"name":"Support","description":"d"}`, wantName: "Support", wantDesc: "d"},
		{name: "keeps what is left out", body: `{"description":"only this"}`, wantName: "Sales", wantDesc: "only this"},
		{name: "a refused member changes nothing", body: `{"id":"x"}`, wantErr: "id: is read-only"},
		{name: "validation refuses", body: `{"name":""}`, wantErr: "name: is required"},
		{name: "before refuses first", body: `{"id":"x"}`, before: model.Forbidden("not yours"), wantErr: "not yours"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, err := s.CreateGroup(ctx, c, NewPatch(model.Group{Name: "Sales", Description: "old"}, "name", "description"))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = s.DeleteGroup(ctx, c, id) }()
			n0 := auditCount(t, s, c)
			var steps []string
			p, err := DecodePatch[model.Group]([]byte(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			err = update(ctx, c, id, p, updater[model.Group]{kind: "group", rules: groupRules,
				store: func(ctx context.Context, change func(*model.Group) error) error {
					return s.store.UpdateGroup(ctx, c.TenantID, id, change)
				},
				before: func(*model.Group) error { steps = append(steps, "before"); return tc.before },
				after: func(g *model.Group) error {
					steps = append(steps, "after")
					return model.ValidateGroup(g)
				},
				name: func(g *model.Group) string { return g.Name },
			})
			g, gerr := s.GetGroup(ctx, c, id)
			if gerr != nil {
				t.Fatal(gerr)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				if g.Name != "Sales" || g.Description != "old" || auditCount(t, s, c) != n0 {
					t.Fatalf("a refused update changed the group or the log: %+v", g)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(steps, ",") != "before,after" || g.Name != tc.wantName || g.Description != tc.wantDesc {
				t.Fatalf("steps %v, group %+v", steps, g)
			}
			_, logs, err := s.ListAuditLogs(ctx, c, query.Params{OrderBy: "created_at desc", Top: "1"})
			if err != nil {
				t.Fatal(err)
			}
			e := logs[0]
			if e.Action != "update" || e.ObjectType != "group" || e.ObjectID != id || e.ObjectName != tc.wantName ||
				e.UserName != "boss" || e.SourceIP != "192.0.2.1" || len(e.Fields) != len(p.Given()) {
				t.Fatalf("audit entry %+v", e)
			}
		})
	}
}

func auditCount(t *testing.T, s *Service, c *Caller) int {
	t.Helper()
	n, _, err := s.ListAuditLogs(context.Background(), c, query.Params{Top: "1"})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRowPatch reads CSV rows into users' bodies as the import does.
func TestRowPatch(t *testing.T) {
	cols := []string{"email", "extension_number", "role", "voicemail", "follow_me", "mobile_phone", "enabled", "max_bindings", "office_hours", "cli"}
	tests := []struct {
		name  string
		row   []string
		field string // a refusal's column, "" for none
		check func(p *UserPatch) bool
	}{
		{name: "name from email, no password", row: []string{"Ann.Lee@acme.example", "201"},
			check: func(p *UserPatch) bool {
				return p.Value.Name == "ann.lee" && p.Has("password") && p.Value.Password == "" && !p.Has("enabled")
			}},
		{name: "seed values", row: []string{"b@acme.example", "202", "Administrator", "no", "yes", "+15550100", "no", "5", "", "+15550199"},
			check: func(p *UserPatch) bool {
				v := p.Value
				return v.Role == model.RoleAdmin && v.BusyOfficeHours.Action == "HANG_UP" && v.AvailableNoAnswer.Action == "RING_EXTENSION" &&
					v.FollowMe.Enabled && len(v.FollowMe.Numbers) == 1 && v.FollowMe.Numbers[0] == "+15550100" && !v.Enabled && p.Has("enabled") &&
					v.MaxBindings == 5 && len(v.OutboundCallerIDs) == 1 && v.OutboundCallerIDs[0].Preferred
			}},
		{name: "JSON cell", row: []string{"c@acme.example", "203", "", "", "", "", "", "", `{"mode":"CUSTOM"}`},
			check: func(p *UserPatch) bool { return p.Value.OfficeHours.Mode == "CUSTOM" }},
		{name: "bad boolean", row: []string{"d@acme.example", "204", "", "maybe"}, field: "voicemail"},
		{name: "bad follow me", row: []string{"d@acme.example", "204", "", "", "perhaps"}, field: "follow_me"},
		{name: "bad number", row: []string{"d@acme.example", "204", "", "", "", "", "", "five"}, field: "max_bindings"},
		{name: "bad JSON", row: []string{"d@acme.example", "204", "", "", "", "", "", "", "{"}, field: "office_hours"},
		{name: "too many cells", row: make([]string, len(cols)+1)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, _, field, err := rowPatch(cols, tc.row)
			if tc.check == nil {
				if err == nil || field != tc.field {
					t.Fatalf("err %v on %q, want a refusal on %q", err, field, tc.field)
				}
				return
			}
			if err != nil || !tc.check(p) {
				t.Fatalf("err %v, value %+v", err, p.Value)
			}
		})
	}
}
