package e2e

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// frenchTenant sets a tenant's country_code to 33: French numbers are
// then domestic, which a StandardUser may forward to.
func frenchTenant(t *testing.T, s *server, domain string) {
	t.Helper()
	s.must(204, "POST", "/api/tenants/"+tenantID(t, s, domain), s.adminToken(), map[string]any{"country_code": "33"})
}

// TestSippDialledSpellings: a StandardUser (no international calls)
// dials a London number spelled every way an attacker tried — percent
// encoded, with separators before the plus, full-width, through the US
// international prefix 011 — and gets 403 each time; nothing reaches the
// trunk, whose sipp UAS only accepts the one allowed call after them:
// that domestic number arrives in E.164, the string that was classified.
// On the old classifier (digits and a leading + only) these spellings
// were domestic and left through the trunk.
func TestSippDialledSpellings(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	legacyTenant(s, "acme.example")
	tid := tenantID(t, s, "acme.example")
	trunkPort, trunkDone := sippUASChecking(t, "", `INVITE sip:\+14155552671@`)
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "1",
		"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")
	spellings := []string{"+442071234567", "%2B442071234567", "%2b442071234567", "-+442071234567", "(+44)2071234567",
		".+442071234567", "＋442071234567", "＋４４２０７１２３４５６７", "%EF%BC%8B442071234567", "011442071234567",
		"011-44-20-7123-4567", "+882131000000", "%2B88213100000", "1-900-555-1234", "%252B442071234567", "+44+2071234567"}
	var lines []string
	for _, n := range spellings {
		lines = append(lines, alice+n)
	}
	if err := sippUACRefused(t, s.app.SIPAddr(), lines, 403); err != nil {
		t.Fatalf("spellings of an international number: %v", err)
	}
	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "415-555-2671"}); err != nil {
		t.Fatalf("domestic call: %v", err)
	}
	if err := trunkDone(); err != nil {
		t.Fatalf("the trunk saw another call first: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), len(spellings)+1)
	if len(recs) != len(spellings)+1 {
		t.Fatalf("records: %d, want %d", len(recs), len(spellings)+1)
	}
	for _, r := range recs[1:] {
		if r["status_code"] != float64(403) || r["end_reason"] != "REJECTED" || r["user_data"] == "" {
			t.Fatalf("refused call's record: %v", r)
		}
	}
	if r := recs[0]; r["destination"] != "+14155552671" || r["status_code"] != float64(200) {
		t.Fatalf("domestic call's record: %v", r)
	}
	if m := string(s.must(200, "GET", "/metrics", "", nil).Body); !strings.Contains(m, `switchboard_sip_calls_refused_total{class="premium"}`) ||
		!strings.Contains(m, `switchboard_sip_calls_refused_total{class="international"}`) {
		t.Fatalf("metrics: %s", m)
	}
}

// TestSippEmergencyBypassesRestrictions: a user denied every class of
// outside call still reaches 911 (the US default) through the trunk, with
// the call marked in its record.
func TestSippEmergencyBypassesRestrictions(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, _ := legacyTenant(s, "acme.example")
	tid := tenantID(t, s, "acme.example")
	trunkPort, trunkDone := sippUASChecking(t, "", `INVITE sip:911@`)
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "1",
		"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"call_restrictions": map[string]any{
		"internal": "DENY", "domestic": "DENY", "international": "DENY"}})
	alice := sippLine("201", "acme.example", "Sip-secret-201", "")
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{alice + "4155552671"}, 403); err != nil {
		t.Fatalf("restricted domestic call: %v", err)
	}
	if err := sippUAC(t, s.app.SIPAddr(), []string{alice + "911"}); err != nil {
		t.Fatalf("emergency call: %v", err)
	}
	if err := trunkDone(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 2)
	if len(recs) != 2 || recs[0]["service_number"] != "911" || recs[0]["user_data"] != "EMERGENCY" || recs[0]["status_code"] != float64(200) {
		t.Fatalf("emergency call's record: %v", recs)
	}
}

// TestForwardTargetsCheckedWhenSaved: every setting that makes the PBX
// dial an outside number for a user is checked against that user's
// policy when saved: 400 naming the setting and the reason, nothing
// changed. On the old code every one of these was stored (204).
func TestForwardTargetsCheckedWhenSaved(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, _ := sipTenant(s, "acme.example")
		tid := tenantID(t, s, "acme.example")
		s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "1"})
		alice := s.signIn("alice", "Alice-password-1", "acme.example")
		fwd := func(n string) map[string]any { return map[string]any{"action": "FORWARD_TO_NUMBER", "number": n} }
		for _, c := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"available_office_hours_forward_rule": fwd("+88213100000")}, "available_office_hours_forward_rule.number"},
			{map[string]any{"busy_non_office_hours_forward_rule": fwd("%2B442071234567")}, "busy_non_office_hours_forward_rule.number"},
			{map[string]any{"available_no_answer_forward_rule": map[string]any{"action": "FORWARD_TO_NUMBER", "number": "011442071234567", "timeout": 20}},
				"available_no_answer_forward_rule.number"},
			{map[string]any{"custom_forward_rules": []any{map[string]any{"action": "FORWARD_TO_NUMBER", "number": "+442071234567",
				"caller_id": "+14155552671", "type": "ALL_HOURS"}}}, "custom_forward_rules[0].number"},
			{map[string]any{"mobile_phone": "+442071234567", "dnd_office_hours_forward_rule": map[string]any{"action": "FORWARD_TO_MOBILE"}},
				"dnd_office_hours_forward_rule.action"},
			{map[string]any{"network_unavailable_number": "+88213100000"}, "network_unavailable_number"},
			{map[string]any{"follow_me": map[string]any{"enabled": true, "numbers": []any{"4155552671", "1-900-555-1234"}}}, "follow_me.numbers[1]"},
			{map[string]any{"away_office_hours_forward_rule": fwd("911")}, "away_office_hours_forward_rule.number"},
		} {
			wantInvalid(t, s.do("POST", "/api/user", alice, c.body).Err(), c.field)
		}
		// The same domestic forward is fine...
		s.must(204, "POST", "/api/user", alice, map[string]any{"available_office_hours_forward_rule": fwd("4155552671"),
			"follow_me": map[string]any{"enabled": true, "numbers": []any{"4155552671"}}})
		// ...unless the role does not allow forwarding out or Follow Me.
		grant := client.Grant("general.meeting", "general.voicemail_view_only", "general.voicemail_full_access",
			"user_call_log.call_log_view_only", "user_call_log.call_log_full_access", "user_call_log.call_recording_view_only",
			"user_call_log.call_recording_full_access", "policies.internal_calls", "policies.domestic_calls")
		ok(s.as(admin).CreateRole(context.Background(), client.RoleInput{Name: client.Ptr("Desk"), Permissions: grant}))(s)
		aliceID := s.must(200, "GET", "/api/user", alice, nil).JSON(t)["id"].(string)
		s.ok(s.as(admin).SetUserRole(context.Background(), aliceID, "Desk"))
		// (Settings saved before stay: other changes go through, and the
		// call-time check refuses the leg.)
		s.must(204, "POST", "/api/user", alice, map[string]any{"enable_dnd": true})
		wantInvalid(t, s.do("POST", "/api/user", alice, map[string]any{"available_office_hours_forward_rule": fwd("4155552672")}).Err(),
			"available_office_hours_forward_rule.number")
		s.must(204, "POST", "/api/user", alice, map[string]any{"follow_me": map[string]any{"enabled": false, "numbers": []any{}}})
		r := s.do("POST", "/api/user", alice, map[string]any{"follow_me": map[string]any{"enabled": true, "numbers": []any{"4155552671"}}})
		wantInvalid(t, r.Err(), "follow_me.numbers[0]")
		if !strings.Contains(r.Err().Error(), "Follow Me") {
			t.Fatalf("reason: %v", r.Err())
		}
	})
}

// TestSippForwardCheckedWhenPlaced: a forward saved while allowed is
// checked again when a call is placed. Alice forwards to a domestic
// number, then the admin denies her domestic calls; bob calls her: the
// forward is skipped (nothing reaches the trunk), the call ends 480, the
// explain API shows the leg refused with the reason and the records say
// so. On the old code the forward went out through the trunk.
func TestSippForwardCheckedWhenPlaced(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, _ := legacyTenant(s, "acme.example")
	tid := tenantID(t, s, "acme.example")
	trunk, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer trunk.Close()
	s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"country_code": "1", "sip_trunk": "sip:" + trunk.LocalAddr().String()})
	fwd := map[string]any{"action": "FORWARD_TO_NUMBER", "number": "4155552671"}
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"offline_office_hours_forward_rule": fwd, "offline_non_office_hours_forward_rule": fwd})
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"call_restrictions": map[string]any{"domestic": "DENY"}})

	plan := s.must(200, "GET", "/api/users/"+id201+"/routing?caller=202", admin, nil).JSON(t)
	steps := plan["hops"].([]any)[0].(map[string]any)["plan"].(map[string]any)["steps"].([]any)
	step := steps[0].(map[string]any)
	refused, _ := step["refused"].([]any)
	if step["action"] != "FORWARD" || step["targets"] != nil || len(refused) != 1 ||
		!strings.Contains(refused[0].(map[string]any)["reason"].(string), "domestic calls are restricted") {
		t.Fatalf("explained plan: %v", plan)
	}
	bob := sippLine("202", "acme.example", "Sip-secret-202", "")
	if err := sippUACRefused(t, s.app.SIPAddr(), []string{bob + "201"}, 480); err != nil {
		t.Fatalf("call to alice: %v", err)
	}
	_ = trunk.SetReadDeadline(time.Now().Add(time.Second))
	buf := make([]byte, 2048)
	if n, _, err := trunk.ReadFrom(buf); err == nil {
		t.Fatalf("the trunk got: %s", buf[:n])
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 1)
	if len(recs) != 1 || !strings.Contains(recs[0]["user_data"].(string), "refused offline_") || recs[0]["status_code"] != float64(480) {
		t.Fatalf("alice's record: %v", recs)
	}
}

// TestForgedFailuresBanNobody: 25 failed REGISTERs sent with the address
// of a registered phone (or of the tenant's trunk) — what a forger of UDP
// source addresses can do — do not lock out that phone or trunk: the
// phone registers again and the trunk's INVITEs are answered. Guessing
// another extension's password from the phone's address is still stopped
// (for that extension). On the old code the address was banned for 15
// minutes after the limit.
func TestForgedFailuresBanNobody(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) { forgedFailures(t, kind) })
	}
}

func forgedFailures(t *testing.T, kind string) {
	s := startServerWith(t, storetest.DSN(t, kind), func(c *config.Config) { c.SIP = config.DefaultSIPSettings }, nil) // 20 failures
	{
		admin, _, _ := sipTenant(s, "acme.example")
		s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
			"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
		phone := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		if res := phone.register("Contact: "+phone.localContact("201"), "Expires: 600"); res == nil || res.StatusCode != 200 {
			t.Fatalf("register the phone: %v", res)
		}
		for i := 0; i < 25; i++ {
			forged := s.newUA("udp", "201", "acme.example", "forged-password")
			if res := forged.register("Contact: "+forged.localContact("201"), "Expires: 600"); res == nil || res.StatusCode != 401 {
				t.Fatalf("forged REGISTER %d: %v", i, res)
			}
		}
		if res := phone.register("Contact: "+phone.localContact("201"), "Expires: 600"); res == nil || res.StatusCode != 200 {
			t.Fatalf("the phone after forged failures: %v", res)
		}
		// Guessing carol's password from the phone's address is stopped
		// for carol: even her right password is refused from there.
		for i := 0; i < 25; i++ {
			guess := s.newUA("udp", "203", "acme.example", fmt.Sprintf("guess-%d", i))
			if res := guess.register("Contact: "+guess.localContact("203"), "Expires: 600"); res == nil || res.StatusCode != 401 {
				t.Fatalf("guess %d: %v", i, res)
			}
		}
		carol := s.newUA("udp", "203", "acme.example", "Sip-secret-203")
		if res := carol.register("Contact: "+carol.localContact("203"), "Expires: 600"); res == nil || res.StatusCode != 401 {
			t.Fatalf("carol from the guesser's address: %v", res)
		}
		if res := phone.register("Contact: "+phone.localContact("201"), "Expires: 600"); res == nil || res.StatusCode != 200 {
			t.Fatalf("the phone after guesses at another extension: %v", res)
		}
	}
}

// TestForgedFailuresSpareTheTrunk: failures forged with the trunk's
// address do not stop the trunk's calls.
func TestForgedFailuresSpareTheTrunk(t *testing.T) {
	s := startServerWith(t, storetest.DSN(t, "sqlite"), func(c *config.Config) { c.SIP = config.DefaultSIPSettings }, nil)
	sipTenant(s, "acme.example")
	trunkPort := freePort(t)
	s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
	for i := 0; i < 25; i++ {
		forged := s.newUA("udp", "201", "acme.example", "forged-password")
		if res := forged.register("Contact: "+forged.localContact("201"), "Expires: 600"); res == nil || res.StatusCode != 401 {
			t.Fatalf("forged REGISTER %d: %v", i, res)
		}
	}
	laddr, _ := net.ResolveUDPAddr("udp", fmt.Sprintf("127.0.0.1:%d", trunkPort))
	raddr, _ := net.ResolveUDPAddr("udp", s.app.SIPAddr())
	tc, err := net.DialUDP("udp", laddr, raddr)
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	trunk := &sipUA{t: t, conn: tc, network: "udp"}
	invite := fmt.Sprintf("INVITE sip:+33100000000@acme.example SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK%s\r\nMax-Forwards: 70\r\n"+
		"From: <sip:+14155550100@trunk.example>;tag=t1\r\nTo: <sip:+33100000000@acme.example>\r\nCall-ID: %s@trunk\r\nCSeq: 1 INVITE\r\n"+
		"Contact: <sip:trunk@%s>\r\nContent-Length: 0\r\n\r\n", tc.LocalAddr(), randHex(6), randHex(6), tc.LocalAddr())
	if _, err := tc.Write([]byte(invite)); err != nil {
		t.Fatal(err)
	}
	for {
		res := trunk.read(3 * time.Second)
		if res == nil {
			t.Fatal("the trunk's INVITE got no answer")
		}
		if res.StatusCode >= 200 {
			if res.StatusCode != 404 {
				t.Fatalf("the trunk's INVITE: %d", res.StatusCode)
			}
			return
		}
	}
}
