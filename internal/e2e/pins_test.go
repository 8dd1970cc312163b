package e2e

import (
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// Issue 16 point 11: voicemail and OnCall PINs are read only by the user
// and by managers who may change them (who outrank the user); a role that
// may only manage users reads an Admin's record without them.
func TestPINsReadOnlyByWhoMayChangeThem(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		ok(boss.CreateRole(ctx, client.RoleInput{Name: client.Ptr("UserReader"), Permissions: client.Grant("user_management.users")}))(s)
		rita := ok(boss.CreateUser(ctx, client.UserCreate{Name: "rita", Email: "rita@acme.example", ExtensionNumber: "201",
			Password: "Rita-password-1", Role: "UserReader"}))(s)
		std := ok(boss.CreateUser(ctx, client.UserCreate{Name: "sam", Email: "sam@acme.example", ExtensionNumber: "202", Password: "Sam-password-1"}))(s)
		bossID := ok(boss.CurrentUser(ctx))(s).ID
		reader := s.login("rita", "Rita-password-1", "acme.example")

		pins := func(who *client.Client, id string) (string, string) {
			t.Helper()
			u := ok(who.GetUser(ctx, id))(s)
			return u.VoicemailPIN, u.OnCallPIN
		}
		// The Admin reads everyone's PINs; the reader its own.
		for _, c := range []struct {
			who  *client.Client
			id   string
			what string
		}{{boss, std, "the Admin reading a StandardUser"}, {boss, rita, "the Admin reading the reader"}, {reader, rita, "the reader reading itself"}} {
			if vm, oc := pins(c.who, c.id); len(vm) < 6 || len(oc) < 6 {
				t.Fatalf("%s: PINs %q %q", c.what, vm, oc)
			}
		}
		// The reader may not change the Admin (nor a StandardUser, whose
		// voicemail permissions it lacks), so it does not read their PINs.
		for _, id := range []string{bossID, std} {
			if vm, oc := pins(reader, id); vm != "" || oc != "" {
				t.Fatalf("a user-reader read PINs of %s: %q %q", id, vm, oc)
			}
			r := s.must(200, "GET", "/api/users/"+id, reader, nil)
			if m := r.JSON(t); m["voicemail_pin"] != "" || m["oncall_pin"] != "" {
				t.Fatalf("raw answer holds PINs: %s", r.Body)
			}
			wantStatus(t, reader.UpdateUser(ctx, id, client.UserUpdate{VoicemailPIN: client.Ptr("481516")}), 403, "the reader changing a PIN")
		}
	})
}

// Issue 16 point 11: look-alike names (UTS #39 skeletons) pass neither
// the reserved-name check nor the uniqueness check.
func TestLookalikeNames(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, boss := s.newTenant("acme.example")
		for i, name := range []string{"аdmin", "admın", "ADMİN", "rооt"} {
			_, err := boss.CreateUser(ctx, client.UserCreate{Name: name, Email: "x" + string(rune('a'+i)) + "@acme.example",
				ExtensionNumber: "30" + string(rune('0'+i)), Password: "Some-password-1"})
			wantInvalid(t, err, "name")
		}
		ok(boss.CreateUser(ctx, client.UserCreate{Name: "alice", Email: "alice@acme.example", ExtensionNumber: "201", Password: "Alice-password-1"}))(s)
		for i, name := range []string{"аlice", "ALİCE", "alıce", "BOSS"} {
			_, err := boss.CreateUser(ctx, client.UserCreate{Name: name, Email: "y" + string(rune('a'+i)) + "@acme.example",
				ExtensionNumber: "40" + string(rune('0'+i)), Password: "Some-password-1"})
			wantStatus(t, err, 409, name)
			if code, field := errField(t, err); code != "CONFLICT" || field != "name" {
				t.Fatalf("%s: %s %s", name, code, field)
			}
		}
	})
}
