package e2e

import (
	"fmt"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

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
