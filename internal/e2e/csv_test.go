package e2e

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
)

// postCSV sends a CSV file as the raw body.
func (s *server) postCSV(path, token, body string) *response {
	s.t.Helper()
	return s.postRaw(path, token, "text/csv", []byte(body))
}

// TestCSVImport: the admin manual's headers (any case and spacing, BOM,
// semicolons), a dry run that reports every bad row with its spreadsheet
// row number and changes nothing, a real run with a bad row that changes
// nothing, then the fixed file imported whole.
func TestCSVImport(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, boss := s.tenant("acme.example")
		s.createUser(boss, map[string]any{"name": "taken", "email": "taken@acme.example", "extension_number": "300", "password": "Taken-password-1"})
		bad := "\ufeffEmail;First Name;LAST_NAME;extension;Password;Forum alias;role;mobile;CLI;voicemail;call waiting;follow me\n" +
			"ann@acme.example;Ann;Lee;301;Ann-password-1;ann;Administrator;+33611111111;+33122222222;yes;no;yes\n" +
			"bob@acme.example;Bob;Ray;30x;Bob-password-1;bob;Normal;;;no;yes;no\n" + // row 3: bad extension
			"cid@acme.example;Cid;Day;301;Cid-password-1;cid;Normal;;;;;\n" + // row 4: extension twice in the file
			"dee@acme.example;Dee;Fox;302;Dee-password-1;taken;Normal;;;;;\n" + // row 5: name taken in the tenant
			"eve@acme.example;Eve;Gil;303;Eve-password-1;eve;Normal;;;maybe;;\n" // row 6: voicemail not yes/no
		before := userCount(s, boss)
		rep := s.postCSV("/api/users/import?dry_run=true", boss, bad)
		wantStatus(t, rep, 200, "dry run")
		body := rep.JSON(t)
		errs := body["errors"].([]any)
		want := map[string]bool{"3 extension_number": true, "4 extension_number": true, "5 name": true, "6 voicemail": true}
		got := map[string]bool{}
		for _, e := range errs {
			m := e.(map[string]any)
			got[fmt.Sprintf("%v %v", m["row"], m["field"])] = true
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || body["rows"] != float64(5) || body["created"] != float64(0) {
			t.Fatalf("dry run report: %s", rep.Body)
		}
		if userCount(s, boss) != before {
			t.Fatal("a dry run created users")
		}
		r := s.postCSV("/api/users/import", boss, bad)
		wantStatus(t, r, 400, "import with bad rows")
		if !strings.Contains(string(r.Body), `"row":3`) || !strings.Contains(string(r.Body), "Row 3: extension_number") {
			t.Fatalf("error envelope: %s", r.Body)
		}
		if userCount(s, boss) != before {
			t.Fatal("an import with bad rows created users")
		}
		fixed := strings.NewReplacer(";30x;", ";304;", "cid@acme.example;Cid;Day;301;", "cid@acme.example;Cid;Day;305;",
			";taken;", ";dee;", ";maybe;", ";no;").Replace(bad)
		r = s.postCSV("/api/users/import", boss, fixed)
		wantStatus(t, r, 200, "fixed import")
		if r.JSON(t)["created"] != float64(5) || userCount(s, boss) != before+5 {
			t.Fatalf("fixed import: %s", r.Body)
		}
		ann := items(t, s.must(200, "GET", "/api/users?filter="+urlq("name eq 'ann'"), boss, nil))[0]
		u := s.must(200, "GET", "/api/users/"+ann["id"].(string), boss, nil).JSON(t)
		fm := u["follow_me"].(map[string]any)
		if u["role"] != "Admin" || u["mobile_phone"] != "+33611111111" || u["enable_call_waiting"] != false || fm["enabled"] != true ||
			fmt.Sprint(fm["numbers"]) != "[+33611111111]" ||
			u["first_name"] != "Ann" || u["extension_number"] != "301" {
			t.Fatalf("ann: %v", u)
		}
		ids := u["outbound_caller_ids"].([]any)
		if len(ids) != 1 || ids[0].(map[string]any)["caller_id"] != "+33122222222" {
			t.Fatalf("ann's CLI: %v", ids)
		}
		s.signIn("ann", "Ann-password-1", "acme.example") // the password was hashed and works
		bob := items(t, s.must(200, "GET", "/api/users?filter="+urlq("name eq 'bob'"), boss, nil))[0]
		ub := s.must(200, "GET", "/api/users/"+bob["id"].(string), boss, nil).JSON(t)
		if ub["role"] != "StandardUser" || ub["dnd_office_hours_forward_rule"].(map[string]any)["action"] != "HANG_UP" {
			t.Fatalf("bob (no voicemail): %v", ub)
		}

		// The same file again: every row is now taken.
		r = s.postCSV("/api/users/import?dry_run=true", boss, fixed)
		if n := len(r.JSON(t)["errors"].([]any)); n < 5 {
			t.Fatalf("re-import: %d problems: %s", n, r.Body)
		}
		// Bad files and headers.
		for _, c := range []struct{ name, body, want string }{
			{"unknown column", "email,extension,shoe size\nx@acme.example,400,42\n", "unknown column"},
			{"missing column", "email,first name\nx@acme.example,X\n", "the column is missing"},
			{"broken quotes", "email,extension\n\"x@acme.example,400\n", "not valid CSV"},
			{"empty", "", "body"},
			{"header only", "email,extension\n", "\"rows\":0"},
			{"not utf-8", "email,extension\n\xff\xfe@acme.example,400\n", "UTF-8"},
		} {
			r := s.postCSV("/api/users/import?dry_run=true", boss, c.body)
			if (r.Status != 200 && r.Status != 400) || !strings.Contains(string(r.Body), c.want) {
				t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
			}
		}
		// A plain user may not import.
		plain := s.signIn("bob", "Bob-password-1", "acme.example")
		wantStatus(t, s.postCSV("/api/users/import?dry_run=true", plain, fixed), 403, "plain user import")
		wantStatus(t, s.do("GET", "/api/users/export", plain, nil), 403, "plain user export")
	})
}

// TestCSVExportImportRoundTrip: export, then import into an empty tenant,
// recreates the same users (every exported column equal), and the file
// holds no secret.
func TestCSVExportImportRoundTrip(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		_, boss := s.tenant("one.example")
		s.createUser(boss, map[string]any{"name": "ann", "email": "ann@one.example", "extension_number": "201", "password": "Ann-password-1",
			"first_name": "Ann", "last_name": "Lée, \"quoted\"", "department": "Sales; EMEA", "enable_dnd": true, "max_bindings": 7,
			"extension_password": "Sip-secret-201", "voicemail_pin": "918273",
			"follow_me":                        map[string]any{"enabled": true, "numbers": []any{"+33611111111"}, "strategy": "HUNT"},
			"available_no_answer_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": "+33699999999", "timeout": 25},
			"blfs":                             []any{map[string]any{"key": "1", "value": "100", "first_name": "B", "last_name": "O"}}})
		s.createUser(boss, map[string]any{"name": "bob", "email": "bob@one.example", "extension_number": "202", "password": "Bob-password-1"})
		r := s.must(200, "GET", "/api/users/export", boss, nil)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("content type %q", r.Header.Get("Content-Type"))
		}
		export := string(r.Body)
		for _, secret := range []string{"Ann-password-1", "Sip-secret-201", "918273", "password", "pin\n", "argon2"} {
			if strings.Contains(export, secret) {
				t.Fatalf("the export holds %q:\n%s", secret, export)
			}
		}
		rows, err := csv.NewReader(strings.NewReader(export)).ReadAll()
		if err != nil || len(rows) != 4 { // header, boss (100), ann, bob
			t.Fatalf("export: %v\n%s", err, export)
		}
		// Into an empty tenant: drop the boss row (that tenant has its own).
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(rows[0])
		for _, row := range rows[1:] {
			if row[0] != "boss" {
				_ = w.Write(row)
			}
		}
		w.Flush()
		_, boss2 := s.tenant("two.example")
		r = s.postCSV("/api/users/import", boss2, buf.String())
		wantStatus(t, r, 200, "import the export")
		if r.JSON(t)["created"] != float64(2) || r.JSON(t)["without_password"] != float64(2) {
			t.Fatalf("import: %s", r.Body)
		}
		again := string(s.must(200, "GET", "/api/users/export", boss2, nil).Body)
		rows2, _ := csv.NewReader(strings.NewReader(again)).ReadAll()
		if len(rows2) != 4 || strings.Join(rows2[0], ",") != strings.Join(rows[0], ",") {
			t.Fatalf("second export:\n%s", again)
		}
		for i := 2; i < 4; i++ { // ann and bob, after each tenant's boss (100)
			for j, col := range rows[0] {
				if rows[i][j] != rows2[i][j] {
					t.Errorf("%s: %s differs: %q vs %q", rows[i][0], col, rows[i][j], rows2[i][j])
				}
			}
		}
		// Imported without a password: cannot sign in until one is set.
		wantStatus(t, s.do("POST", "/api/auth/sign_in", "", map[string]string{"username": "ann", "password": "", "domain": "two.example"}), 401, "empty password")
		wantStatus(t, s.do("POST", "/api/auth/sign_in", "", map[string]string{"username": "ann", "password": "Ann-password-1", "domain": "two.example"}), 401, "old password")
	})
}
