package e2e

import (
	"fmt"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// referStep is Alice's REFER in her call (Refer-To target), expecting
// status, in place of the scenario's pause; her BYE then has CSeq 4.
func referStep(target string, status int) []string {
	return []string{`  <pause milliseconds="300"/>`, fmt.Sprintf(`  <send retrans="500">
    <![CDATA[

      REFER [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      [routes]
      Call-ID: [call_id]
      CSeq: 3 REFER
      Contact: <sip:[field0]@[local_ip]:[local_port]>
      Refer-To: <sip:%s@[field1]>
      Referred-By: <sip:[field0]@[field1]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="%d"/>
`, target, status), "CSeq: 3 BYE", "CSeq: 4 BYE"}
}

// TestSippReferObeysPolicy: a transfer is a call the referrer asks the
// other party to place, so it obeys the referrer's policy. Alice (a
// StandardUser, no international calls) in a call with Bob sends a REFER
// to a London number: 403 with the reason, and Bob's phone never sees
// it (it would have dialled out with Bob's rights). Her REFER to an
// extension reaches Bob's phone, which accepts it (202).
func TestSippReferObeysPolicy(t *testing.T) {
	needTool(t, "sipp")
	for _, tc := range []struct {
		name, target string
		status       int
	}{{"international refused", "+442071234567", 403}, {"extension relayed", "203", 202}} {
		t.Run(tc.name, func(t *testing.T) {
			s := startServer(t, storetest.DSN(t, "sqlite"))
			admin, _, _ := legacyTenant(s, "acme.example")
			frenchTenant(t, s, "acme.example")
			s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
				"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
			bobScenario := `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bob answers, then takes the BYE">
  <recv request="INVITE"/>
` + uasAnswer("02") + `</scenario>
`
			if tc.status == 202 {
				bobScenario = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="bob answers, accepts the REFER, takes the BYE">
  <recv request="INVITE"/>
` + uasOK("02") + `  <recv request="REFER">
    <action><ereg regexp="Refer-To: .sip:203@" search_in="msg" check_it="true" assign_to="d1"/></action>
  </recv>
  <send>
    <![CDATA[

      SIP/2.0 202 Accepted
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <recv request="BYE"/>
` + uasByeOK + `  <Reference variables="d1"/>
</scenario>
`
			}
			bobPort, bobDone := uasScenario(t, bobScenario)
			bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
			if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", bobPort), "Expires: 600"); res.StatusCode != 200 {
				t.Fatalf("register bob's phone: %v", res)
			}
			aliceSF := sippScenarioFrom(t, "alice.xml", referStep(tc.target, tc.status)...)
			if err := sippRun(t, s.app.SIPAddr(), aliceSF, []string{sippLine("201", "acme.example", "Sip-secret-201", "202")}); err != nil {
				t.Fatalf("alice's call and REFER: %v", err)
			}
			if err := bobDone(); err != nil {
				t.Fatalf("bob's phone: %v", err)
			}
		})
	}
}
