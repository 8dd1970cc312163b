package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// TestEachPermissionOpensExactlyItsEndpoints gives a user a role holding a
// single permission flag, for every flag of the matrix, and calls every
// operation of the OpenAPI document: the operations that list the flag in
// x-permission must let the user through (any answer but 403), every other
// permission-guarded operation must answer 403, and the operations for any
// signed-in user must never answer 403.
func TestEachPermissionOpensExactlyItsEndpoints(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		sys := s.adminToken()
		var doc struct {
			Paths map[string]map[string]struct {
				Permission string `json:"x-permission"`
			} `json:"paths"`
		}
		if err := json.Unmarshal(s.must(200, "GET", "/api/openapi.json", "", nil).Body, &doc); err != nil {
			t.Fatal(err)
		}
		type op struct{ method, path, perm string }
		var ops []op
		for path, methods := range doc.Paths {
			for method, o := range methods {
				ops = append(ops, op{strings.ToUpper(method), path, o.Permission})
			}
		}
		sort.Slice(ops, func(i, j int) bool { return ops[i].path+ops[i].method < ops[j].path+ops[j].method })

		var flags []string
		var walk func(prefix string, v any)
		walk = func(prefix string, v any) {
			switch x := v.(type) {
			case map[string]any:
				for k, child := range x {
					p := k
					if prefix != "" {
						p = prefix + "." + k
					}
					walk(p, child)
				}
			case bool:
				flags = append(flags, prefix)
			}
		}
		walk("", s.must(200, "GET", "/api/roles/SystemAdmin", sys, nil).JSON(t)["permissions"])
		sort.Strings(flags)
		if len(flags) < 25 {
			t.Fatalf("only %d flags: %v", len(flags), flags)
		}

		opened := map[string]bool{}
		for i, flag := range flags {
			role := fmt.Sprintf("only-%d", i)
			s.must(201, "POST", "/api/roles", sys, map[string]any{"name": role, "permissions": perms(flag)})
			name := fmt.Sprintf("perm%d", i)
			id := s.createUser(sys, map[string]any{"name": name, "email": name + "@system.local",
				"extension_number": fmt.Sprintf("%d", 500+i), "password": "Perm-user-pw-1", "role": role})
			tok := s.signIn(name, "Perm-user-pw-1", "")
			for _, o := range ops {
				if o.perm == "none" {
					continue
				}
				path := strings.NewReplacer("{id}", "bm90LWEtcmVhbC1pZA==", "{name}", "no-such-role", "{token}", "no-such-token",
					"{item_id}", "bm90LWEtcmVhbC1pZA==", "{user_id}", "bm90LWEtcmVhbC1pZA==", "{queue_id}", "bm90LWEtcmVhbC1pZA==", "{participant_id}", "bm90LWEtcmVhbC1pZA==", "{greeting_id}", "bm90LWEtcmVhbC1pZA==", "{extension_number}", "999999",
					"{instance_id}", "no-such-instance").Replace(o.path)
				if strings.Contains(path, "{") {
					t.Fatalf("unhandled path parameter in %s", o.path)
				}
				var body any
				if o.method == "POST" {
					body = map[string]any{}
				}
				if strings.HasSuffix(path, "/sign_out") {
					continue // it would end the session the loop uses
				}
				r := s.do(o.method, path, tok, body)
				want := o.perm == "signed-in" || permits(o.perm, flag)
				// A sync diff answers 403 for a token it does not know, as the
				// contract's PBX does: that is not a permission refusal.
				denied := r.Status == 403 && !strings.Contains(string(r.Body), "sync token is not valid")
				if got := !denied; got != want {
					t.Errorf("flag %s: %s %s (needs %s) answered %d: %s", flag, o.method, o.path, o.perm, r.Status, r.Body)
				}
				if want && o.perm != "signed-in" {
					opened[o.method+" "+o.path] = true
				}
			}
			_ = id
		}
		// Every guarded operation is opened by some flag.
		for _, o := range ops {
			if o.perm != "none" && o.perm != "signed-in" && !opened[o.method+" "+o.path] {
				t.Errorf("%s %s (needs %q) is opened by no flag", o.method, o.path, o.perm)
			}
		}
	})
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
