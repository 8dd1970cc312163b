package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// TestEachPermissionOpensExactlyItsEndpoints gives a user a role holding a
// single permission flag, for every flag of the matrix, and calls every
// operation of the OpenAPI document: the operations that list the flag in
// x-permission must let the user through (any answer but 403), every other
// permission-guarded operation must answer 403, and the operations for any
// signed-in user must never answer 403. The matrix is a scenario table.
func TestEachPermissionOpensExactlyItsEndpoints(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		sys := s.system()
		ops := apiOperations(t, s)
		flags := ok(sys.GetRole(ctx, "SystemAdmin"))(s).Permissions.Flags()
		if len(flags) < 25 {
			t.Fatalf("only %d flags: %v", len(flags), flags)
		}
		f := &fixture{s: s, callers: map[string]*client.Client{}, ids: map[string]string{
			"id": "bm90LWEtcmVhbC1pZA==", "name": "no-such-role", "token": "no-such-token", "item_id": "bm90LWEtcmVhbC1pZA==",
			"user_id": "bm90LWEtcmVhbC1pZA==", "queue_id": "bm90LWEtcmVhbC1pZA==", "participant_id": "bm90LWEtcmVhbC1pZA==",
			"greeting_id": "bm90LWEtcmVhbC1pZA==", "extension_number": "999999", "instance_id": "no-such-instance",
		}}
		var scenarios []scenario
		for i, flag := range client.PermissionFlags() {
			if _, held := flags[flag]; !held {
				t.Fatalf("the client's flag %s is not in the SystemAdmin's matrix", flag)
			}
			role := fmt.Sprintf("only-%d", i)
			ok(sys.CreateRole(ctx, client.RoleInput{Name: &role, Permissions: client.Grant(flag)}))(s)
			name := fmt.Sprintf("perm%d", i)
			ok(sys.CreateUser(ctx, client.UserCreate{Name: name, Email: name + "@system.local",
				ExtensionNumber: fmt.Sprintf("%d", 500+i), Password: "Perm-user-pw-1", Role: role}))(s)
			f.callers[flag] = s.login(name, "Perm-user-pw-1", "")
			scenarios = append(scenarios, permissionScenarios(flag, ops)...)
		}
		if len(flags) != len(client.PermissionFlags()) {
			t.Fatalf("the SystemAdmin holds %d flags, the client knows %d", len(flags), len(client.PermissionFlags()))
		}
		n := runScenarios(t, f, scenarios)
		// Every guarded operation is opened by some flag.
		opened := map[string]bool{}
		for flag := range flags {
			for _, o := range ops {
				if permits(o.Permission, flag) {
					opened[o.Method+" "+o.Path] = true
				}
			}
		}
		for _, o := range ops {
			if o.Permission != "none" && o.Permission != "signed-in" && !opened[o.Method+" "+o.Path] {
				t.Errorf("%s %s (needs %q) is opened by no flag", o.Method, o.Path, o.Permission)
			}
		}
		t.Logf("%d flags x %d operations: %d requests", len(flags), len(ops), n)
	})
}

// permissionScenarios are the calls of every operation by the holder of
// one flag: 403 unless the operation lists the flag (or needs only a
// signed-in user).
func permissionScenarios(flag string, ops []apiOperation) []scenario {
	var out []scenario
	for _, o := range ops {
		if o.Permission == "none" || strings.HasSuffix(o.Path, "/sign_out") {
			continue // public, or it would end the session the matrix uses
		}
		sc := scenario{Name: flag + " " + o.Method + " " + o.Path, As: flag, Method: o.Method, URL: o.Path}
		if o.Method == "POST" {
			sc.Body = map[string]any{}
		}
		if o.Permission == "signed-in" || permits(o.Permission, flag) {
			sc.NotStatus = 403
			// A sync diff answers 403 for a token it does not know, as the
			// contract's PBX does: that is not a permission refusal.
			if strings.HasSuffix(o.Path, "/diff") {
				sc.NotStatus, sc.Check = 0, notRefused
			}
			if o.Permission == "signed-in" {
				sc.NotStatus, sc.Check = 0, notRefused
			}
		} else {
			sc.Status, sc.NoContent = 403, []string{"sync token is not valid"}
		}
		out = append(out, sc)
	}
	return out
}

// notRefused fails on a 403 that is a permission refusal.
func notRefused(t *testing.T, r *response) {
	t.Helper()
	if r.Status == 403 && !strings.Contains(string(r.Body), "sync token is not valid") {
		t.Fatalf("refused: %s", r.Body)
	}
}

// permits reports whether an x-permission value ("a.b" or "a.b or c.d")
// names flag.
func permits(doc, flag string) bool {
	for _, p := range strings.Split(doc, " or ") {
		if strings.TrimSpace(p) == flag {
			return true
		}
	}
	return false
}
