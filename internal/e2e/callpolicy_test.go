package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestTenantEmergencyNumbers: a tenant's Admin edits the tenant's
// emergency numbers through the tenant settings API (the change is in
// the audit log); a bad list is refused naming the entry; an emergency
// number of the tenant's own list is never accepted as a forward target.
// On the old code the tenant had no such setting (400: unknown field).
func TestTenantEmergencyNumbers(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, _ := sipTenant(s, "acme.example")
		s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"country_code": "1"})
		got := s.must(200, "GET", "/api/tenant", admin, nil).JSON(t)["call_policy"].(map[string]any)
		if l, ok := got["emergency_numbers"].([]any); !ok || len(l) != 0 {
			t.Fatalf("default call policy: %v", got)
		}
		for _, c := range []struct {
			list  []any
			field string
		}{
			{[]any{"911", "9a"}, "call_policy.emergency_numbers[1]"},
			{[]any{"1"}, "call_policy.emergency_numbers[0]"},
			{[]any{"911", "911"}, "call_policy.emergency_numbers[1]"},
			{[]any{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}, "call_policy.emergency_numbers"},
		} {
			wantInvalid(t, s.do("POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"emergency_numbers": c.list}}).Err(), c.field)
		}
		s.must(204, "POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"emergency_numbers": []any{"911", "933"}}})
		got = s.must(200, "GET", "/api/tenant", admin, nil).JSON(t)["call_policy"].(map[string]any)
		if fmt.Sprint(got["emergency_numbers"]) != "[911 933]" {
			t.Fatalf("call policy: %v", got)
		}
		log := string(s.must(200, "GET", "/api/audit_logs?filter="+urlq("object_type eq 'tenant'"), admin, nil).Body)
		if !strings.Contains(log, "933") {
			t.Fatalf("audit log: %s", log)
		}
		alice := s.signIn("alice", "Alice-password-1", "acme.example")
		wantInvalid(t, s.do("POST", "/api/user", alice, map[string]any{"available_office_hours_forward_rule": map[string]any{
			"action": "FORWARD_TO_NUMBER", "number": "933"}}).Err(), "available_office_hours_forward_rule.number")
		wantInvalid(t, s.do("POST", "/api/user", alice, map[string]any{"follow_me": map[string]any{"enabled": true,
			"numbers": []any{"933"}}}).Err(), "follow_me.numbers[0]")
		// A user may not change them.
		s.must(403, "POST", "/api/tenant", alice, map[string]any{"call_policy": map[string]any{"emergency_numbers": []any{"112"}}})
	})
}

// TestSippTenantEmergencyNumber: a user denied every outside call dials
// an emergency number of the tenant's own list (933, not a US default),
// even though an extension 933 exists: the call leaves through the
// trunk as 933, marked EMERGENCY in its record. On the old code only the
// country's defaults were emergency numbers, and 933 rang the extension.
func TestSippTenantEmergencyNumber(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, id201, _ := legacyTenant(s, "acme.example")
	s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "933",
		"password": "Carol-password-1", "extension_password": "Sip-secret-933"})
	trunkPort, trunkDone := sippUASChecking(t, "", `INVITE sip:933@`)
	s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"country_code": "1",
		"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
	s.must(204, "POST", "/api/tenant", admin, map[string]any{"call_policy": map[string]any{"emergency_numbers": []any{"911", "933"}}})
	s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"call_restrictions": map[string]any{
		"internal": "DENY", "domestic": "DENY", "international": "DENY"}})
	if err := sippUAC(t, s.app.SIPAddr(), []string{sippLine("201", "acme.example", "Sip-secret-201", "") + "933"}); err != nil {
		t.Fatalf("emergency call: %v", err)
	}
	if err := trunkDone(); err != nil {
		t.Fatalf("trunk: %v", err)
	}
	recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 1)
	if len(recs) != 1 || recs[0]["user_data"] != "EMERGENCY" || recs[0]["status_code"] != float64(200) {
		t.Fatalf("emergency call's record: %v", recs)
	}
}
