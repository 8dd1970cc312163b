package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sippUACCancelling runs testdata/sipp/uac_auth.xml cut after the
// authenticated INVITE: once it rings, the caller cancels (CANCEL, 200,
// 487, ACK).
func sippUACCancelling(t *testing.T, addr string, lines []string) error {
	t.Helper()
	raw, err := os.ReadFile("testdata/sipp/uac_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	text = text[:strings.Index(text, `  <recv response="180" optional="true"/>`)] + `  <recv response="180"/>
  <send>
    <![CDATA[

      CANCEL sip:[field3]@[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-3];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>
      Call-ID: [call_id]
      CSeq: 2 CANCEL
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" optional="true"/>
  <recv response="487"/>
  <send>
    <![CDATA[

      ACK sip:[field3]@[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-6];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
</scenario>
`
	sf := filepath.Join(t.TempDir(), "cancelling.xml")
	if err := os.WriteFile(sf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return sippRun(t, addr, sf, lines)
}

// sippUASRingingOnly is a phone (or trunk) that rings, checks the
// INVITE's header against regexp, never answers and takes the CANCEL.
func sippUASRingingOnly(t *testing.T, header, regexp string) (port int, wait func() error) {
	t.Helper()
	scenario := fmt.Sprintf(`<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="uas ringing only">
  <recv request="INVITE">
    <action>
      <ereg regexp="%s" search_in="hdr" header="%s:" check_it="true" assign_to="dummy"/>
    </action>
  </recv>
  <send>
    <![CDATA[

      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>
      Content-Length: 0

    ]]>
  </send>
  <recv request="CANCEL"/>
`+uasByeOK+`  <send>
    <![CDATA[

      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [last_cseq_number] INVITE
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
  <Reference variables="dummy"/>
</scenario>
`, regexp, header)
	return uasScenario(t, scenario)
}

// TestSippForwardRecords: a forwarded call is told truthfully. Bob
// (202, no phone registered) forwards to Carol (203) by his offline
// rule: her phone gets the INVITE with a Diversion header naming Bob
// (RFC 5806, reason=unavailable); Carol, who answered, gets the record
// of the received call from Alice; Bob gets one saying he forwarded
// it, to 203 and why (UNAVAILABLE; his phone never rang); Alice's says
// she called 202 and the call went to 203. Then Bob forwards to an
// outside number through the trunk (Diversion there too) and Alice
// hangs up while it rings: her record says CANCELLED (it used to say
// NO_ANSWER with 480), Bob's that he forwarded to the number.
func TestSippForwardRecords(t *testing.T) {
	needTool(t, "sipp")
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, id202 := legacyTenant(s, "acme.example")
		s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
			"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"offline_office_hours_forward_rule": map[string]any{
			"action": "FORWARD_TO_NUMBER", "number": "203"}, "offline_non_office_hours_forward_rule": map[string]any{
			"action": "FORWARD_TO_NUMBER", "number": "203"}})
		port, wait := sippUASChecking(t, "Diversion", "sip:202@acme.example>;reason=unavailable")
		carolUA := s.newUA("udp", "203", "acme.example", "Sip-secret-203")
		if res := carolUA.register(fmt.Sprintf("Contact: <sip:203@127.0.0.1:%d>", port), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("register 203: %v", res)
		}
		alice := sippLine("201", "acme.example", "Sip-secret-201", "202")
		if err := sippUAC(t, s.app.SIPAddr(), []string{alice}); err != nil {
			t.Fatalf("call 202: %v", err)
		}
		if err := wait(); err != nil {
			t.Fatalf("203's phone (Diversion): %v", err)
		}
		aliceTok := s.signIn("alice", "Alice-password-1", "acme.example")
		bobTok := s.signIn("bob", "Bob-password-1", "acme.example")
		carol := records(t, s, s.signIn("carol", "Carol-password-1", "acme.example"), 1)
		if len(carol) != 1 || carol[0]["caller"] != "201" || carol[0]["callee"] != "203" || carol[0]["answered_at"] == nil ||
			carol[0]["end_reason"] != "CALLER_DISCONNECTED" || carol[0]["reroute_reason"] != "FORWARD" {
			t.Fatalf("carol's record: %v", carol)
		}
		bob := records(t, s, bobTok, 1)
		if len(bob) != 1 || bob[0]["end_reason"] != "FORWARDED" || bob[0]["destination"] != "203" || bob[0]["reroute_reason"] != "UNAVAILABLE" ||
			bob[0]["answered_at"] != nil || bob[0]["rang_at"] != nil || bob[0]["callee"] != "202" || bob[0]["caller"] != "201" {
			t.Fatalf("bob's record: %v", bob)
		}
		al := records(t, s, aliceTok, 1)
		if len(al) != 1 || al[0]["callee"] != "202" || al[0]["destination"] != "203" || al[0]["end_reason"] != "CALLER_DISCONNECTED" {
			t.Fatalf("alice's record: %v", al)
		}

		// To a number through the trunk, cancelled by the caller while it rings.
		trunkPort, trunkDone := sippUASRingingOnly(t, "Diversion", "sip:202@acme.example>;reason=unavailable")
		s.must(204, "POST", "/api/tenants/"+tenantID(t, s, "acme.example"), s.adminToken(), map[string]any{"country_code": "33",
			"sip_trunk": fmt.Sprintf("sip:127.0.0.1:%d", trunkPort)})
		s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"offline_office_hours_forward_rule": map[string]any{
			"action": "FORWARD_TO_NUMBER", "number": "+33123456789"}, "offline_non_office_hours_forward_rule": map[string]any{
			"action": "FORWARD_TO_NUMBER", "number": "+33123456789"}})
		if err := sippUACCancelling(t, s.app.SIPAddr(), []string{alice}); err != nil {
			t.Fatalf("cancelled call: %v", err)
		}
		if err := trunkDone(); err != nil {
			t.Fatalf("trunk: %v", err)
		}
		al = records(t, s, aliceTok, 2)
		if len(al) != 2 || al[0]["end_reason"] != "CANCELLED" || al[0]["status_code"] != float64(487) || al[0]["destination"] != "+33123456789" {
			t.Fatalf("alice's record of the cancelled call: %v", al)
		}
		bob = records(t, s, bobTok, 2)
		if len(bob) != 2 || bob[0]["end_reason"] != "FORWARDED" || bob[0]["destination"] != "+33123456789" {
			t.Fatalf("bob's record of the cancelled call: %v", bob)
		}
	})
}
