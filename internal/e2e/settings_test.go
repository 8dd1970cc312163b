package e2e

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/client"
)

// people is a tenant with its Admin and two standard users, signed in.
type people struct {
	admin, alice, bob       *client.Client
	aliceID, bobID, adminID string
}

func makePeople(s *server, domain string) people {
	s.t.Helper()
	ctx := context.Background()
	_, adm := s.newTenant(domain)
	p := people{admin: adm}
	p.aliceID = ok(adm.CreateUser(ctx, client.UserCreate{Name: "alice", Email: "alice@" + domain, ExtensionNumber: "201", Password: "Alice-password-1"}))(s)
	p.bobID = ok(adm.CreateUser(ctx, client.UserCreate{Name: "bob", Email: "bob@" + domain, ExtensionNumber: "202", Password: "Bob-password-1"}))(s)
	p.alice = s.login("alice", "Alice-password-1", domain)
	p.bob = s.login("bob", "Bob-password-1", domain)
	p.adminID = ok(adm.CurrentUser(ctx))(s).ID
	return p
}

// toMap turns a value into its JSON object, to compare members.
func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestPresenceStatusCallerIDs(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		frenchTenant(t, s, "acme.example")
		_, globex := s.newTenant("globex.example")
		if st := s.must(200, "GET", "/api/user/status", p.alice, nil); !strings.Contains(string(st.Body), `"registration":[]`) {
			t.Fatalf("registration should be an empty list: %s", st.Body)
		}
		if m := ok(p.alice.Me().Status(ctx))(s); m.Status != "OFFLINE" || m.Presence != "AVAILABLE" || m.EnableDND {
			t.Fatalf("status: %+v", m)
		}
		for _, v := range []string{"DO_NOT_DISTURB", "AWAY", "BUSINESS_TRIP", "LUNCH", "AVAILABLE"} {
			s.ok(p.alice.SetPresence(ctx, v, "note "+v))
			if m := ok(p.admin.ForUser(p.aliceID).Status(ctx))(s); m.Presence != v || m.PresenceNote != "note "+v {
				t.Fatalf("after %s: %+v", v, m)
			}
		}
		for _, bad := range []struct{ presence, note string }{{"ASLEEP", ""}, {"", ""}, {"AWAY", strings.Repeat("n", 129)}} {
			if st := status(p.alice.SetPresence(ctx, bad.presence, bad.note)); st/100 != 4 {
				t.Fatalf("presence %v: %d", bad, st)
			}
		}
		s.ok(p.alice.UpdateCurrentUser(ctx, client.UserUpdate{EnableDND: client.Ptr(true)}))
		if m := ok(p.alice.Me().Status(ctx))(s); !m.EnableDND || m.PresenceNote != "note AVAILABLE" {
			t.Fatalf("status with DND: %+v", m)
		}
		wantStatus(t, ign(p.bob.ForUser(p.aliceID).Status(ctx)), 403, "bob reads alice's status")
		wantStatus(t, ign(globex.ForUser(p.aliceID).Status(ctx)), 404, "another tenant reads alice's status")
		// No device is registered: nothing to remove.
		wantStatus(t, p.admin.DeleteRegistration(ctx, p.aliceID, "any-instance"), 404, "remove a registration")

		// Outbound caller IDs: the preferred one first; two preferred are refused.
		wantInvalid(t, p.alice.UpdateCurrentUser(ctx, client.UserUpdate{OutboundCallerIDs: []client.OutboundCallerID{
			{CallerID: "+15550001", Preferred: true}, {CallerID: "+15550002", Preferred: true}}}), "outbound_caller_ids[1].preferred")
		s.ok(p.admin.UpdateUser(ctx, p.aliceID, client.UserUpdate{OutboundCallerIDs: []client.OutboundCallerID{
			{CallerID: "+15550001", Description: "main"}, {CallerID: "+15550002", Preferred: true, Description: "sales"}}}))
		ids := ok(p.alice.OutboundCallerIDs(ctx))(s)
		if len(ids) != 2 || ids[0].CallerID != "+15550002" || ids[1].CallerID != "+15550001" || ids[0].Description != "sales" {
			t.Fatalf("caller ids: %+v", ids)
		}
		if ids := ok(p.bob.OutboundCallerIDs(ctx))(s); len(ids) != 0 {
			t.Fatalf("bob's caller ids: %+v", ids)
		}
	})
}

func TestBalance(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		_, globex := s.newTenant("globex.example")
		if b := string(s.must(200, "GET", "/api/users/"+p.aliceID+"/balance", p.admin, nil).Body); !strings.Contains(b, `"balance":0`) {
			t.Fatalf("initial balance: %s", b)
		}
		// Balances come back with all five decimals.
		for _, v := range []struct{ in, out json.Number }{{"0.00001", "0.00001"}, {"12345678.12345", "12345678.12345"},
			{"-42.5", "-42.50000"}, {"99999999999.99999", "99999999999.99999"}, {"7", "7.00000"}, {"0", "0.00000"}} {
			s.ok(p.admin.SetBalance(ctx, p.aliceID, v.in))
			if got := ok(p.admin.GetBalance(ctx, p.aliceID))(s); got != v.out {
				t.Fatalf("balance %s came back as %s", v.in, got)
			}
		}
		for _, bad := range []json.Number{"0.000001", "1e400", "123456789012345678901"} {
			if st := status(p.admin.SetBalance(ctx, p.aliceID, bad)); st/100 != 4 {
				t.Fatalf("balance %s: %d", bad, st)
			}
		}
		for _, bad := range []string{`{"balance":"12"}`, `{}`} { // not a number, no number
			if r := s.do("POST", "/api/users/"+p.aliceID+"/balance", p.admin, bad); r.Status/100 != 4 {
				t.Fatalf("balance %s: %d %s", bad, r.Status, r.Body)
			}
		}
		if got := ok(p.admin.GetBalance(ctx, p.aliceID))(s); got != "0.00000" {
			t.Fatalf("a refused balance changed it: %s", got)
		}
		wantStatus(t, ign(p.alice.GetBalance(ctx, p.aliceID)), 403, "a user reads a balance")
		wantStatus(t, p.alice.SetBalance(ctx, p.aliceID, "1000"), 403, "a user sets a balance")
		wantStatus(t, globex.SetBalance(ctx, p.aliceID, "1000"), 404, "another tenant sets a balance")
	})
}

func TestProfileResetAndMS365(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		p := makePeople(s, "acme.example")
		frenchTenant(t, s, "acme.example")
		_, globex := s.newTenant("globex.example")
		s.ok(p.admin.UpdateUser(ctx, p.aliceID, client.UserUpdate{EnableDND: client.Ptr(true), EnableACB: client.Ptr(true),
			Department: client.Ptr("Sales"), VoicemailPIN: client.Ptr("424242"),
			BusyNoAnswerForwardRule: &client.NoAnswerForwardRule{Action: "FORWARD_TO_NUMBER", Number: "+33155559999", Timeout: 30},
			OutboundCallerIDs:       []client.OutboundCallerID{{CallerID: "+15550001"}}}))
		s.ok(p.admin.UpdateUser(ctx, p.bobID, client.UserUpdate{EnableDND: client.Ptr(true)}))
		s.ok(p.alice.SetPresence(ctx, "LUNCH", "back at 2"))
		fresh := ok(p.admin.CreateUser(ctx, client.UserCreate{Name: "carol", Email: "carol@acme.example", ExtensionNumber: "203", Password: "Carol-password-1"}))(s)
		defaults := ok(p.admin.GetUser(ctx, fresh))(s)

		wantStatus(t, p.bob.ResetProfile(ctx, p.aliceID), 403, "bob resets alice")
		wantStatus(t, globex.ResetProfile(ctx, p.aliceID), 404, "another tenant resets alice")
		s.ok(p.admin.ResetProfile(ctx, p.aliceID))
		u := ok(p.admin.GetUser(ctx, p.aliceID))(s)
		for k, pair := range map[string][2]any{
			"enable_dnd":                          {u.EnableDND, defaults.EnableDND},
			"enable_acb":                          {u.EnableACB, defaults.EnableACB},
			"busy_no_answer_forward_rule":         {u.BusyNoAnswerForwardRule, defaults.BusyNoAnswerForwardRule},
			"available_office_hours_forward_rule": {u.AvailableOfficeHoursForwardRule, defaults.AvailableOfficeHoursForwardRule},
			"office_hours":                        {u.OfficeHours, defaults.OfficeHours},
		} {
			if jsonText(pair[0]) != jsonText(pair[1]) {
				t.Fatalf("%s after reset = %v, want the default %v", k, jsonText(pair[0]), jsonText(pair[1]))
			}
		}
		// Identity, caller IDs and PIN stay; presence goes back to AVAILABLE.
		if u.Name != "alice" || u.Department != "Sales" || u.ExtensionNumber != "201" || jsonText(u.OutboundCallerIDs) == jsonText(defaults.OutboundCallerIDs) {
			t.Fatalf("reset lost identity or caller ids: %+v", u)
		}
		if m := ok(p.alice.Me().Status(ctx))(s); m.Presence != "AVAILABLE" || m.PresenceNote != "" {
			t.Fatalf("presence after reset: %+v", m)
		}
		s.login("alice", "Alice-password-1", "acme.example")
		// Bob still has DND until the whole tenant is reset.
		if u := ok(p.admin.GetUser(ctx, p.bobID))(s); !u.EnableDND {
			t.Fatalf("bob was reset too: %+v", u)
		}
		s.ok(p.admin.ResetProfiles(ctx, p.bobID))
		if u := ok(p.admin.GetUser(ctx, p.bobID))(s); u.EnableDND {
			t.Fatalf("bob not reset: %+v", u)
		}
		s.ok(p.admin.UpdateUser(ctx, p.bobID, client.UserUpdate{EnableDND: client.Ptr(true)}))
		s.ok(p.admin.UpdateUser(ctx, p.aliceID, client.UserUpdate{EnableACB: client.Ptr(true)}))
		s.ok(p.admin.ResetProfiles(ctx, ""))
		if a, b := ok(p.admin.GetUser(ctx, p.aliceID))(s), ok(p.admin.GetUser(ctx, p.bobID))(s); a.EnableACB || b.EnableDND {
			t.Fatalf("tenant-wide reset: alice %v bob %v", a.EnableACB, b.EnableDND)
		}

		// Microsoft 365: bind by object id or principal name, once per tenant.
		guid := "1B2C3D4E-0000-4000-8000-00000000ABCD"
		wantInvalid(t, p.admin.BindMS365(ctx, p.aliceID, "not a guid"), "id")
		wantStatus(t, p.alice.BindMS365(ctx, p.aliceID, guid), 403, "a user binds")
		wantStatus(t, p.admin.UnbindMS365(ctx, p.aliceID), 404, "unbind before binding")
		s.ok(p.admin.BindMS365(ctx, p.aliceID, guid))
		if u := ok(p.admin.GetUser(ctx, p.aliceID))(s); u.SyncType != "Microsoft 365" {
			t.Fatalf("sync_type: %v", u.SyncType)
		}
		wantStatus(t, p.admin.BindMS365(ctx, p.bobID, strings.ToLower(guid)), 409, "the same account twice")
		s.ok(p.admin.BindMS365(ctx, p.bobID, "bob@acme.onmicrosoft.com"))
		wantStatus(t, globex.UnbindMS365(ctx, p.aliceID), 404, "another tenant unbinds")
		s.ok(p.admin.UnbindMS365(ctx, p.aliceID))
		if u := ok(p.admin.GetUser(ctx, p.aliceID))(s); u.SyncType == "Microsoft 365" {
			t.Fatalf("still bound: %v", u.SyncType)
		}
		wantStatus(t, p.admin.UnbindMS365(ctx, p.aliceID), 404, "a second unbind")
		s.ok(p.admin.BindMS365(ctx, p.aliceID, guid))
	})
}
