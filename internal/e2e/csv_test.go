package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
)

// userByName returns the tenant's user with a name.
func userByName(s *server, c *client.Client, name string) *client.User {
	s.t.Helper()
	ctx := context.Background()
	l := ok(c.ListUsers(ctx, &client.ListOptions{Filter: "name eq '" + name + "'"}))(s)
	if len(l.Items) != 1 {
		s.t.Fatalf("users named %s: %+v", name, l.Items)
	}
	return ok(c.GetUser(ctx, l.Items[0].ID))(s)
}

// TestCSVImport: the admin manual's headers (any case and spacing, BOM,
// semicolons), a dry run that reports every bad row with its spreadsheet
// row number and changes nothing, a real run with a bad row whose job
// fails having changed nothing, then the fixed file imported whole.
func TestCSVImport(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		ok(boss.CreateUser(ctx, client.UserCreate{Name: "taken", Email: "taken@acme.example", ExtensionNumber: "300", Password: "Taken-password-1"}))(s)
		bad := "\ufeffEmail;First Name;LAST_NAME;extension;Password;Forum alias;role;mobile;CLI;voicemail;call waiting;follow me\n" +
			"ann@acme.example;Ann;Lee;301;Ann-password-1;ann;Administrator;+33611111111;+33122222222;yes;no;yes\n" +
			"bob@acme.example;Bob;Ray;30x;Bob-password-1;bob;Normal;;;no;yes;no\n" + // row 3: bad extension
			"cid@acme.example;Cid;Day;301;Cid-password-1;cid;Normal;;;;;\n" + // row 4: extension twice in the file
			"dee@acme.example;Dee;Fox;302;Dee-password-1;taken;Normal;;;;;\n" + // row 5: name taken in the tenant
			"eve@acme.example;Eve;Gil;303;Eve-password-1;eve;Normal;;;maybe;;\n" // row 6: voicemail not yes/no
		before := userCount(s, boss)
		rep := ok(boss.ImportUsers(ctx, []byte(bad), true))(s)
		// Each problem names the column as the file's header writes it.
		want := map[string]bool{"3 extension_number extension": true, "4 extension_number extension": true, "5 name Forum alias": true,
			"6 voicemail voicemail": true}
		got := map[string]bool{}
		for _, e := range rep.Errors {
			got[fmt.Sprintf("%v %v %v", e.Row, e.Field, e.Column)] = true
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || rep.Rows != 5 || rep.Created != 0 {
			t.Fatalf("dry run report: %+v", rep)
		}
		if userCount(s, boss) != before {
			t.Fatal("a dry run created users")
		}
		_, err := boss.ImportUsers(ctx, []byte(bad), false)
		var failed *client.ImportFailedError
		if !errors.As(err, &failed) || failed.Job.Status != "FAILED" || failed.Job.Report == nil || len(failed.Job.Report.Errors) != 4 ||
			failed.Job.Report.Errors[0].Row != 3 || failed.Job.Report.Errors[0].Field != "extension_number" || failed.Job.Report.Created != 0 {
			t.Fatalf("import with bad rows: %v %+v", err, failed)
		}
		if userCount(s, boss) != before {
			t.Fatal("an import with bad rows created users")
		}
		fixed := strings.NewReplacer(";30x;", ";304;", "cid@acme.example;Cid;Day;301;", "cid@acme.example;Cid;Day;305;",
			";taken;", ";dee;", ";maybe;", ";no;").Replace(bad)
		if r := ok(boss.ImportUsers(ctx, []byte(fixed), false))(s); r.Created != 5 || userCount(s, boss) != before+5 {
			t.Fatalf("fixed import: %+v", r)
		}
		u := userByName(s, boss, "ann")
		fm := u.FollowMe
		if u.Role != "Admin" || u.MobilePhone != "+33611111111" || u.EnableCallWaiting || !fm.Enabled ||
			fmt.Sprint(fm.Numbers) != "[+33611111111]" || u.FirstName != "Ann" || u.ExtensionNumber != "301" {
			t.Fatalf("ann: %+v", u)
		}
		if ids := u.OutboundCallerIDs; len(ids) != 1 || ids[0].CallerID != "+33122222222" {
			t.Fatalf("ann's CLI: %+v", ids)
		}
		s.login("ann", "Ann-password-1", "acme.example") // the password was hashed and works
		if ub := userByName(s, boss, "bob"); ub.Role != "StandardUser" || ub.DNDOfficeHoursForwardRule.Action != "HANG_UP" {
			t.Fatalf("bob (no voicemail): %+v", ub)
		}

		// The same file again: every row is now taken.
		if r := ok(boss.ImportUsers(ctx, []byte(fixed), true))(s); len(r.Errors) < 5 {
			t.Fatalf("re-import: %d problems: %+v", len(r.Errors), r)
		}
		// Bad files and headers are refused at once; a file of a header only
		// is a job that finds no row.
		for _, c := range []struct {
			name, body string
			status     int
			want       string
		}{
			{"unknown column", "email,extension,shoe size\nx@acme.example,400,42\n", 400, "unknown column"},
			{"missing column", "email,first name\nx@acme.example,X\n", 400, "the column is missing"},
			{"broken quotes", "email,extension\n\"x@acme.example,400\n", 400, "not valid CSV"},
			{"empty", "", 400, "body"},
			{"header only", "email,extension\n", 202, `"status":"QUEUED"`},
			{"not utf-8", "email,extension\n\xff\xfe@acme.example,400\n", 400, "UTF-8"},
		} {
			r := ok(boss.Raw(ctx, "POST", "/api/users/import?dry_run=true", "text/csv", []byte(c.body)))(s)
			if r.Status != c.status || !strings.Contains(string(r.Body), c.want) {
				t.Fatalf("%s: %d %s", c.name, r.Status, r.Body)
			}
			if r.Status == 202 {
				var j client.ImportJob
				if err := json.Unmarshal(r.Body, &j); err != nil {
					t.Fatal(err)
				}
				if done := ok(boss.WaitUserImport(ctx, j.ID, 20*time.Millisecond, nil))(s); done.Status != "SUCCEEDED" || done.Report.Rows != 0 {
					t.Fatalf("%s: %+v", c.name, done)
				}
			}
		}
		// A plain user may not import.
		plain := s.login("bob", "Bob-password-1", "acme.example")
		wantStatus(t, ign(plain.ImportUsers(ctx, []byte(fixed), true)), 403, "plain user import")
		wantStatus(t, plain.ExportUsers(ctx, io.Discard), 403, "plain user export")
	})
}

// TestCSVExportImportRoundTrip: export, then import into an empty tenant,
// recreates the same users (every exported column equal), and the file
// holds no secret.
func TestCSVExportImportRoundTrip(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("one.example")
		frenchTenant(t, s, "one.example")
		ok(boss.CreateUser(ctx, client.UserCreate{Name: "ann", Email: "ann@one.example", ExtensionNumber: "201", Password: "Ann-password-1",
			FirstName: "Ann", LastName: "Lée, \"quoted\"", Department: "Sales; EMEA", EnableDND: client.Ptr(true), MaxBindings: 7,
			ExtensionPassword: "Sip-secret-201", VoicemailPIN: "918273",
			FollowMe:                     &client.FollowMeUpdate{Enabled: client.Ptr(true), Numbers: []string{"+33611111111"}, Strategy: client.Ptr("HUNT")},
			AvailableNoAnswerForwardRule: &client.NoAnswerForwardRule{Action: "FORWARD_TO_NUMBER", Number: "+33699999999", Timeout: 25},
			BLFs:                         []client.BLF{{Key: "1", Value: "100", FirstName: "B", LastName: "O"}}}))(s)
		ok(boss.CreateUser(ctx, client.UserCreate{Name: "bob", Email: "bob@one.example", ExtensionNumber: "202", Password: "Bob-password-1"}))(s)
		r := s.must(200, "GET", "/api/users/export", boss, nil) // the headers are checked too
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("content type %q", r.Header.Get("Content-Type"))
		}
		var exported bytes.Buffer
		s.ok(boss.ExportUsers(ctx, &exported))
		export := exported.String()
		if export != string(r.Body) {
			t.Fatalf("two exports differ:\n%s\n%s", export, r.Body)
		}
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
		_, boss2 := s.newTenant("two.example")
		frenchTenant(t, s, "two.example")
		if rep := ok(boss2.ImportUsers(ctx, buf.Bytes(), false))(s); rep.Created != 2 || rep.WithoutPassword != 2 {
			t.Fatalf("import: %+v", rep)
		}
		var second bytes.Buffer
		s.ok(boss2.ExportUsers(ctx, &second))
		again := second.String()
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
		for _, pw := range []string{"", "Ann-password-1"} {
			wantStatus(t, ign(s.as("").SignIn(ctx, signInAs("ann", pw, "two.example"))), 401, "sign-in with "+pw)
		}
	})
}

// TestCSVFormulaCells: a user plants spreadsheet formulas in their own
// fields (the derived display_name too); the export writes each such cell
// with a leading apostrophe (OWASP's rule for =, +, -, @, tab and CR, and
// for a leading apostrophe so the escape can be undone), and importing
// the export restores the values exactly.
func TestCSVFormulaCells(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "one.example")
		planted := map[string]string{
			"first_name": `=HYPERLINK("http://evil.example","x")`, "last_name": "+1+cmd|' /C calc'!A0",
			"department": "-2+3", "work_phone": "", "address": "@SUM(1,1)", "mobile_phone": "",
		}
		s.ok(p.alice.UpdateCurrentUser(ctx, client.UserUpdate{FirstName: client.Ptr(planted["first_name"]),
			LastName: client.Ptr(planted["last_name"]), Department: client.Ptr(planted["department"]),
			Address: client.Ptr(planted["address"])}))
		// display_name derived from formula names at creation.
		ok(p.admin.CreateUser(ctx, client.UserCreate{Name: "carol", Email: "carol@one.example", ExtensionNumber: "203",
			Password: "Carol-password-1", FirstName: "=1+2", LastName: "@x"}))(s)
		// (Tabs and line breaks are refused in fields; a unit test covers them.)
		s.ok(p.bob.UpdateCurrentUser(ctx, client.UserUpdate{LastName: client.Ptr("'quoted"), Address: client.Ptr("'=double")}))
		var out bytes.Buffer
		s.ok(p.admin.ExportUsers(ctx, &out))
		rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		col := map[string]int{}
		for i, h := range rows[0] {
			col[h] = i
		}
		cells := map[string]map[string]string{}
		for _, r := range rows[1:] {
			cells[r[0]] = map[string]string{}
			for h, i := range col {
				cells[r[0]][h] = r[i]
				if r[i] != "" && strings.ContainsRune("=+-@\t\r", rune(r[i][0])) {
					t.Errorf("%s: %s starts a formula: %q", r[0], h, r[i])
				}
			}
		}
		a, b := cells["alice"], cells["bob"]
		if a["first_name"] != "'"+planted["first_name"] || a["last_name"] != "'"+planted["last_name"] ||
			a["department"] != "'-2+3" || a["address"] != "'@SUM(1,1)" || cells["carol"]["display_name"] != "'=1+2 @x" {
			t.Fatalf("alice's cells: %v", a)
		}
		if b["last_name"] != "''quoted" || b["address"] != "''=double" {
			t.Fatalf("bob's cells: %q", b)
		}
		// The export imported into another tenant gives the same values.
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		_ = w.Write(rows[0])
		for _, r := range rows[1:] {
			if r[0] != "boss" {
				_ = w.Write(r)
			}
		}
		w.Flush()
		_, boss2 := s.newTenant("two.example")
		if rep := ok(boss2.ImportUsers(ctx, buf.Bytes(), false))(s); rep.Created != 3 {
			t.Fatalf("import: %+v", rep)
		}
		ua, ub := userByName(s, boss2, "alice"), userByName(s, boss2, "bob")
		if ua.FirstName != planted["first_name"] || ua.LastName != planted["last_name"] || ua.Department != "-2+3" ||
			ua.Address != "@SUM(1,1)" {
			t.Fatalf("alice after the round trip: %q %q %q %q", ua.FirstName, ua.LastName, ua.Department, ua.Address)
		}
		if uc := userByName(s, boss2, "carol"); uc.DisplayName != "=1+2 @x" || uc.FirstName != "=1+2" {
			t.Fatalf("carol after the round trip: %q %q", uc.DisplayName, uc.FirstName)
		}
		if ub.LastName != "'quoted" || ub.Address != "'=double" {
			t.Fatalf("bob after the round trip: %q %q", ub.LastName, ub.Address)
		}
	})
}
