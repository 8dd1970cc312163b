package e2e

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// validUser returns a complete, valid create body; each case changes one
// thing.
func validUser(n int, change ...func(*client.UserCreate)) client.UserCreate {
	u := client.UserCreate{Name: fmt.Sprintf("user%d", n), Email: fmt.Sprintf("user%d@acme.example", n),
		ExtensionNumber: fmt.Sprintf("%d", 200+n), Password: "Long-enough-pw-1"}
	for _, f := range change {
		f(&u)
	}
	return u
}

// rawUser is validUser as a raw body, for what the client cannot send:
// members left out, wrong JSON types, unknown or read-only members.
func rawUser(n int, kv ...any) map[string]any {
	u := validUser(n)
	b := map[string]any{"name": u.Name, "email": u.Email, "extension_number": u.ExtensionNumber, "password": u.Password}
	for i := 0; i < len(kv); i += 2 {
		k := kv[i].(string)
		if kv[i+1] == del {
			delete(b, k)
			continue
		}
		b[k] = kv[i+1]
	}
	return b
}

// del marks a member to leave out of a raw body.
var del = &struct{}{}

func userCount(s *server, who any) int {
	s.t.Helper()
	c, isClient := who.(*client.Client)
	if !isClient {
		c = s.as(who.(string))
	}
	return ok(c.ListUsers(context.Background(), &client.ListOptions{Top: 1}))(s).Count
}

// wantInvalid asserts a 400/422 VALIDATE_FAILED naming field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	if st := client.StatusOf(err); st != http.StatusBadRequest && st != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 400 or 422: %v", st, err)
	}
	code, got := errField(t, err)
	if code != "VALIDATE_FAILED" || got != field {
		t.Fatalf("code %q field %q, want VALIDATE_FAILED %q: %v", code, got, field, err)
	}
}

// setUser changes one field of a create body.
type setUser = func(*client.UserCreate)

func TestCreateUserValidation(t *testing.T) {
	hours := func(from, to string) setUser {
		return func(u *client.UserCreate) {
			u.OfficeHours = &client.OfficeHours{Mode: "CUSTOM", WeekHours: client.WeekHours{Monday: &client.DayHours{Enabled: true,
				Ranges: []client.TimeRange{{From: from, To: to}}}}}
		}
	}
	name := func(v string) setUser { return func(u *client.UserCreate) { u.Name = v } }
	ext := func(v string) setUser { return func(u *client.UserCreate) { u.ExtensionNumber = v } }
	pw := func(v string) setUser { return func(u *client.UserCreate) { u.Password = v } }
	pin := func(v string) setUser { return func(u *client.UserCreate) { u.VoicemailPIN = v } }
	rule := func(r client.ForwardRule) setUser {
		return func(u *client.UserCreate) { u.BusyOfficeHoursForwardRule = &r }
	}
	cases := []struct {
		name  string
		body  any // client.UserCreate, or a raw body
		field string
	}{
		{"missing name", rawUser(1, "name", del), "name"},
		{"missing extension", rawUser(1, "extension_number", del), "extension_number"},
		{"missing email", validUser(1, func(u *client.UserCreate) { u.Email = "" }), "email"},
		{"missing password", rawUser(1, "password", del), "password"},
		{"name with space", validUser(1, name("bad name")), "name"},
		{"name with @", validUser(1, name("a@b")), "name"},
		{"name starting with dot", validUser(1, name(".dot")), "name"},
		{"name ending with dot", validUser(1, name("dot.")), "name"},
		{"name too long", validUser(1, name(strings.Repeat("a", 65))), "name"},
		{"extension too short", validUser(1, ext("12")), "extension_number"},
		{"extension letters", validUser(1, ext("12a4")), "extension_number"},
		{"extension too long", validUser(1, ext(strings.Repeat("1", 65))), "extension_number"},
		{"bad email", validUser(1, func(u *client.UserCreate) { u.Email = "not-an-email" }), "email"},
		{"short password", validUser(1, pw("Short1!")), "password"},
		{"long password", validUser(1, pw(strings.Repeat("x", 129))), "password"},
		{"common password", validUser(1, pw("password123")), "password"},
		{"pin too short", validUser(1, pin("12345")), "voicemail_pin"},
		{"pin too long", validUser(1, pin("12345678901")), "voicemail_pin"},
		{"pin not digits", validUser(1, pin("12a456")), "voicemail_pin"},
		{"pin three equal", validUser(1, pin("501119")), "voicemail_pin"},
		{"pin ascending run", validUser(1, pin("914568")), "voicemail_pin"},
		{"pin descending run", validUser(1, pin("917651")), "voicemail_pin"},
		{"sms enum", validUser(1, func(u *client.UserCreate) { u.SMS = "allow" }), "sms"},
		{"transport enum", validUser(1, func(u *client.UserCreate) { u.PreferredTransport = "SCTP" }), "preferred_transport"},
		{"interface enum", validUser(1, func(u *client.UserCreate) { u.Interface = "LAN" }), "interface"},
		{"play datetime enum", validUser(1, func(u *client.UserCreate) { u.VoicemailPlayDatetime = "24H" }), "voicemail_play_datetime"},
		{"role unknown", validUser(1, func(u *client.UserCreate) { u.Role = "Superhero" }), "role"},
		{"forward action enum", validUser(1, rule(client.ForwardRule{Action: "RING_ALL"})), "busy_office_hours_forward_rule.action"},
		{"forward number", validUser(1, rule(client.ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "call me"})), "busy_office_hours_forward_rule.number"},
		{"mobile phone", validUser(1, func(u *client.UserCreate) { u.MobilePhone = "+1 (555) 0100" }), "mobile_phone"},
		{"office hours bad time", validUser(1, hours("25:00", "26:00")), "office_hours.monday.ranges[0].from"},
		{"office hours reversed", validUser(1, hours("17:00", "09:00")), "office_hours.monday.ranges[0].to"},
		{"max bindings zero", rawUser(1, "max_bindings", 0), "max_bindings"},
		{"boolean as string", rawUser(1, "enable_dnd", "yes"), "enable_dnd"},
		{"boolean as number", rawUser(1, "enable_dnd", 1), "enable_dnd"},
		{"boolean as null", rawUser(1, "enable_dnd", nil), "enable_dnd"},
		{"unknown field", rawUser(1, "favourite_colour", "blue"), "favourite_colour"},
		{"read-only field", rawUser(1, "created_at", "2020-01-01T00:00:00Z"), "created_at"},
		{"read-only id", rawUser(1, "id", "abc"), "id"},
		{"department too long", validUser(1, func(u *client.UserCreate) { u.Department = strings.Repeat("d", 129) }), "department"},
	}
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		before := userCount(s, adm)
		for _, c := range cases {
			var err error
			if u, typed := c.body.(client.UserCreate); typed {
				_, err = adm.CreateUser(ctx, u)
			} else {
				err = s.do("POST", "/api/users", adm, c.body).Err()
			}
			t.Run(c.name, func(t *testing.T) { wantInvalid(t, err, c.field) })
		}
		if after := userCount(s, adm); after != before {
			t.Fatalf("invalid creates changed the user count: %d -> %d", before, after)
		}
		// The system tenant's names are reserved for it, in any case: a customer
		// tenant cannot have an "admin" that could be mistaken for the SystemAdmin.
		for _, n := range []string{"Admin", "SYSTEM", "administrator", "rOOt"} {
			wantInvalid(t, ign(adm.CreateUser(ctx, validUser(2, name(n)))), "name")
		}
		sys := s.system()
		ok(sys.CreateUser(ctx, validUser(3, name("root"))))(s)
		wantStatus(t, ign(sys.CreateUser(ctx, validUser(5, name("ADMIN")))), 409, "ADMIN in the system tenant")
		// Valid edge cases are accepted: 128 characters of anything, never truncated.
		long := strings.Repeat("ü", 120) + "-pw-123"
		id := ok(adm.CreateUser(ctx, validUser(4, pw(long), pin("135792"), name("o'brien-j.x_1"))))(s)
		s.login("o'brien-j.x_1", long, "acme.example")
		_, err := s.as("").SignIn(ctx, client.SignInRequest{Username: "o'brien-j.x_1", Password: long[:len(long)-1], Domain: "acme.example"})
		wantStatus(t, err, 401, "a truncated password")
		if u := ok(adm.GetUser(ctx, id))(s); u.VoicemailPIN != "135792" {
			t.Fatalf("voicemail_pin = %v", u.VoicemailPIN)
		}
	})
}

// ign keeps a call's error and drops its value.
func ign[T any](_ T, err error) error { return err }

func TestCreateUserDefaults(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		a := ok(adm.GetUser(ctx, ok(adm.CreateUser(ctx, validUser(1)))(s)))(s)
		b := ok(adm.GetUser(ctx, ok(adm.CreateUser(ctx, validUser(2, func(u *client.UserCreate) {
			u.FirstName, u.LastName = "Ann", "Lee"
		})))(s)))(s)
		if a.DisplayName != "user1" || b.DisplayName != "Ann Lee" {
			t.Fatalf("display names %v, %v", a.DisplayName, b.DisplayName)
		}
		for _, u := range []*client.User{a, b} {
			if u.Role != "StandardUser" || u.MaxBindings != 10 || !u.Enabled {
				t.Fatalf("defaults: %+v", u)
			}
			pin, oncall := u.VoicemailPIN, u.OnCallPIN
			if len(pin) < 6 || len(oncall) < 4 || strings.Trim(pin+oncall, "0123456789") != "" {
				t.Fatalf("generated PINs %q %q", pin, oncall)
			}
			if u.CreatedAt.IsZero() {
				t.Fatalf("created_at missing: %+v", u)
			}
			// All the contract's presence x office-hours rules are present with an action.
			if n := forwardRules(t, u); n != 16 { // the contract's user object has sixteen, plus custom_forward_rules
				t.Fatalf("%d forward rules, want 16", n)
			}
		}
		if a.VoicemailPIN == b.VoicemailPIN && a.OnCallPIN == b.OnCallPIN {
			t.Fatal("generated PINs repeat")
		}
	})
}

// forwardRules counts the user's *_forward_rule members and fails unless
// each has an action.
func forwardRules(t *testing.T, u *client.User) int {
	t.Helper()
	n := 0
	v := reflect.ValueOf(*u)
	for i := range v.NumField() {
		tag, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if !strings.HasSuffix(tag, "_forward_rule") {
			continue
		}
		if a := v.Field(i).FieldByName("Action").String(); a == "" {
			t.Fatalf("%s has no action: %+v", tag, v.Field(i))
		}
		n++
	}
	return n
}

func TestDuplicates(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		ok(adm.CreateUser(ctx, validUser(1, func(u *client.UserCreate) { u.Name = "Carol" })))(s)
		before := userCount(s, adm)
		for _, c := range []struct {
			body  client.UserCreate
			field string
		}{
			{validUser(2, func(u *client.UserCreate) { u.Name = "carol" }), "name"},
			{validUser(3, func(u *client.UserCreate) { u.Name = "CAROL" }), "name"},
			{validUser(4, func(u *client.UserCreate) { u.ExtensionNumber = "201" }), "extension_number"},
		} {
			_, err := adm.CreateUser(ctx, c.body)
			wantStatus(t, err, 409, c.field)
			if code, field := errField(t, err); code != "CONFLICT" || field != c.field {
				t.Fatalf("%s: %s %s", c.field, code, field)
			}
		}
		if userCount(s, adm) != before {
			t.Fatal("a conflicting create wrote a row")
		}
		// The same name and extension are free in another tenant.
		_, other := s.newTenant("other.example")
		ok(other.CreateUser(ctx, validUser(1, func(u *client.UserCreate) { u.Name = "Carol" })))(s)
	})
}

func TestParallelCreatesSameExtension(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		const n = 20
		statuses := make([]int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				_, err := adm.CreateUser(ctx, validUser(i, func(u *client.UserCreate) { u.ExtensionNumber = "555" }))
				statuses[i] = client.StatusOf(err)
			}(i)
		}
		wg.Wait()
		created, conflicts := 0, 0
		for _, st := range statuses {
			switch st {
			case 0:
				created++
			case 409:
				conflicts++
			}
		}
		if created != 1 || conflicts != n-1 {
			t.Fatalf("statuses %v: %d created, %d conflicts", statuses, created, conflicts)
		}
		if l := ok(adm.ListUsers(ctx, &client.ListOptions{Filter: "extension_number eq '555'"}))(s); l.Count != 1 {
			t.Fatalf("extension 555 rows: %v", l.Count)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		frenchTenant(t, s, "acme.example")
		id := ok(adm.CreateUser(ctx, validUser(1, func(u *client.UserCreate) { u.FirstName, u.MobilePhone = "Dana", "+15550100" })))(s)
		path := "/api/users/" + id
		before := string(s.must(200, "GET", path, adm, nil).Body)
		for _, c := range []struct {
			body  any // client.UserUpdate, or a raw body
			field string
		}{
			{map[string]any{"name": "renamed"}, "name"},
			{map[string]any{"extension_number": "999"}, "extension_number"},
			{map[string]any{"nickname": "d"}, "nickname"},
			{map[string]any{"created_at": "2020-01-01T00:00:00Z"}, "created_at"},
			{map[string]any{"enable_dnd": "yes"}, "enable_dnd"},
			{map[string]any{"enable_dnd": 1}, "enable_dnd"},
			{map[string]any{"enable_dnd": nil}, "enable_dnd"},
			{map[string]any{"email": nil}, "email"},
			{client.UserUpdate{Email: client.Ptr("")}, "email"},
			{client.UserUpdate{Department: client.Ptr("ok"), SMS: client.Ptr("NEVER")}, "sms"},
			{client.UserUpdate{VoicemailPIN: client.Ptr("123456")}, "voicemail_pin"},
			{map[string]any{"password": "Another-pass-1"}, "password"},
		} {
			var err error
			if u, typed := c.body.(client.UserUpdate); typed {
				err = adm.UpdateUser(ctx, id, u)
			} else {
				err = s.do("POST", path, adm, c.body).Err()
			}
			wantInvalid(t, err, c.field)
		}
		if after := string(s.must(200, "GET", path, adm, nil).Body); after != before {
			t.Fatalf("a refused update changed the user:\n%s\n%s", before, after)
		}
		s.ok(adm.UpdateUser(ctx, id, client.UserUpdate{EnableDND: client.Ptr(true), Department: client.Ptr("Sales"),
			OfficeHours: &client.OfficeHours{Mode: "CUSTOM", WeekHours: client.WeekHours{Monday: &client.DayHours{Enabled: true,
				Ranges: []client.TimeRange{{From: "09:00", To: "12:30"}}}}},
			DNDOfficeHoursForwardRule: &client.ForwardRule{Action: "FORWARD_TO_NUMBER", Number: "+33155550199"}}))
		u := ok(adm.GetUser(ctx, id))(s)
		fr := u.DNDOfficeHoursForwardRule
		if !u.EnableDND || u.Department != "Sales" || u.FirstName != "Dana" ||
			u.MobilePhone != "+15550100" || fr.Action != "FORWARD_TO_NUMBER" || fr.Number != "+33155550199" {
			t.Fatalf("after update: %+v", u)
		}
		if u.OfficeHours.Mode != "CUSTOM" {
			t.Fatalf("office hours: %+v", u.OfficeHours)
		}
		wantStatus(t, adm.UpdateUser(ctx, "nosuchuser", client.UserUpdate{Department: client.Ptr("x")}), 404, "update of a missing user")
	})
}

func TestPasswordsAndRoles(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, adm := s.newTenant("acme.example")
		id := ok(adm.CreateUser(ctx, validUser(1, func(u *client.UserCreate) { u.Name, u.Password = "erin", "Erin-first-pw" })))(s)
		erin := s.login("erin", "Erin-first-pw", "acme.example")
		wantInvalid(t, adm.SetUserPassword(ctx, id, "qwerty123"), "password")
		s.ok(adm.SetUserPassword(ctx, id, "Erin-second-pw"))
		wantStatus(t, ign(erin.CurrentUser(ctx)), 401, "a session after a reset") // a reset ends the user's sessions
		_, err := s.as("").SignIn(ctx, client.SignInRequest{Username: "erin", Password: "Erin-first-pw", Domain: "acme.example"})
		wantStatus(t, err, 401, "the old password")
		erin = s.login("erin", "Erin-second-pw", "acme.example")

		wantInvalid(t, adm.SetUserExtensionPassword(ctx, id, "short"), "password")
		s.ok(adm.SetUserExtensionPassword(ctx, id, "Sip-secret-pw-9"))

		// A StandardUser reaches only /api/user... (the permission scenarios
		// check every operation).
		for what, err := range map[string]error{
			"list users": ign(erin.ListUsers(ctx, nil)), "get a user": ign(erin.GetUser(ctx, id)),
			"create a user": ign(erin.CreateUser(ctx, validUser(9))), "set a role": erin.SetUserRole(ctx, id, "Admin"),
			"delete a user": erin.DeleteUser(ctx, id, ""), "list tenants": ign(erin.ListTenants(ctx, nil)),
		} {
			wantStatus(t, err, 403, "StandardUser: "+what)
		}
		// ... may change its own settings but not what only an admin sets.
		s.ok(erin.UpdateCurrentUser(ctx, client.UserUpdate{EnableDND: client.Ptr(true), WorkPhone: client.Ptr("+15550111")}))
		for f, u := range map[string]client.UserUpdate{"enabled": {Enabled: client.Ptr(false)}, "max_bindings": {MaxBindings: client.Ptr(50)},
			"billing_contact": {BillingContact: client.Ptr(true)}, "sms": {SMS: client.Ptr("ALLOW")}} {
			if st := status(erin.UpdateCurrentUser(ctx, u)); st != 403 && st != 400 && st != 422 {
				t.Fatalf("self-set %s: %d", f, st)
			}
		}
		wantInvalid(t, erin.ChangePassword(ctx, "wrong-one-123", "Erin-third-pw"), "old_password")
		s.ok(erin.ChangePassword(ctx, "Erin-second-pw", "Erin-third-pw"))
		erin = s.login("erin", "Erin-third-pw", "acme.example")
		s.ok(erin.ChangeExtensionPassword(ctx, "Sip-secret-pw-9", "Own-sip-secret-1"))
		if me := ok(erin.CurrentUser(ctx))(s); !me.EnableDND || me.WorkPhone != "+15550111" || !me.Enabled {
			t.Fatalf("me: %+v", me)
		}

		// Roles: an Admin sets roles up to its own, never SystemAdmin; unknown roles are refused.
		wantInvalid(t, adm.SetUserRole(ctx, id, "Wizard"), "role")
		err = adm.SetUserRole(ctx, id, "SystemAdmin")
		wantStatus(t, err, 403, "SystemAdmin role")
		if code, _ := errField(t, err); code != "FORBIDDEN" {
			t.Fatal(code)
		}
		s.ok(adm.SetUserRole(ctx, id, "Admin"))
		if got := ok(adm.GetUser(ctx, id))(s).Role; got != "Admin" {
			t.Fatalf("role = %v", got)
		}
		// Admins cannot lock themselves out.
		self := ok(adm.CurrentUser(ctx))(s).ID
		wantStatus(t, adm.SetUserRole(ctx, self, "StandardUser"), 403, "own role")
		wantStatus(t, adm.DeleteUser(ctx, self, ""), 403, "own account")
		wantInvalid(t, adm.UpdateUser(ctx, self, client.UserUpdate{Enabled: client.Ptr(false)}), "enabled")

		// Disabling a user ends its access at once.
		s.ok(adm.UpdateUser(ctx, id, client.UserUpdate{Enabled: client.Ptr(false)}))
		wantStatus(t, ign(erin.CurrentUser(ctx)), 401, "a disabled user's session")
	})
}
