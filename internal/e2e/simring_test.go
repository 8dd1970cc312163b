package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestSippSimultaneousRing: Follow Me ringing all numbers with no initial
// ring time is simultaneous ring (the seed's "Simultaneous" behaviour):
// Bob's desk phone and his mobile (through the trunk) get the INVITE
// together; the mobile answers, the desk phone gets the CANCEL, and the
// explain API shows the one step. Before, the desk phone never rang.
func TestSippSimultaneousRing(t *testing.T) {
	needTool(t, "sipp")
	s := startServer(t, storetest.DSN(t, "sqlite"))
	admin, _, id202 := legacyTenant(s, "acme.example")
	frenchTenant(t, s, "acme.example")
	trunk := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="trunk: the mobile answers">
  <recv request="INVITE">
    <action><ereg regexp="INVITE sip:\+33611111111@" search_in="msg" check_it="true" assign_to="d1"/></action>
  </recv>
` + uasAnswer("02") + `  <Reference variables="d1"/>
</scenario>
`
	trunkPort, trunkDone := uasScenario(t, trunk)
	s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
	deskPort, deskDone := sippUASRingingOnly(t, "From", "201")
	bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
	if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", deskPort), "Expires: 600"); res.StatusCode != 200 {
		t.Fatalf("register bob's desk phone: %v", res)
	}
	s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{
		"follow_me": map[string]any{"enabled": true, "numbers": []any{"+33611111111"}, "strategy": "RING_ALL", "initial_ring_time": 0, "ring_time": 20}})
	want := fmt.Sprintf("202: RING[sip:202@127.0.0.1:%d +33611111111]@follow_me (simultaneous ring), VOICEMAIL@available_no_answer_forward_rule", deskPort)
	if got := plan(t, s.must(200, "GET", routingURL(id202, "201", ""), admin, nil)); !strings.HasPrefix(got, want) {
		t.Fatalf("explain:\n got %s\nwant %s", got, want)
	}
	if err := sippUAC(t, s.app.SIPAddr(), []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
		t.Fatalf("call: %v", err)
	}
	if err := trunkDone(); err != nil {
		t.Fatalf("the mobile (trunk): %v", err)
	}
	if err := deskDone(); err != nil {
		t.Fatalf("the desk phone did not ring with the mobile: %v", err)
	}
}
