package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// sippScenarioFrom is uac_auth.xml with edits (old → new, every time).
func sippScenarioFrom(t *testing.T, name string, edits ...string) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/sipp/uac_auth.xml")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(edits...).Replace(string(raw))
	sf := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(sf, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return sf
}

// sippUACRefusedFrom runs the scenario sf (from uac_auth.xml, expecting
// 487 after the authenticated INVITE) expecting status instead.
func sippUACRefusedFrom(t *testing.T, sf string, lines []string, addr string, status int) error {
	t.Helper()
	raw, err := os.ReadFile(sf)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "refused.xml")
	if err := os.WriteFile(out, []byte(strings.Replace(string(raw), `<recv response="487"/>`, fmt.Sprintf(`<recv response="%d"/>`, status), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	return sippRun(t, addr, out, lines)
}

// TestSippDirectedPickup: Alice calls Bob, whose desk phone rings and
// never answers; Carol picks the call up, by dialling *8202 or by an
// INVITE whose Replaces names the ringing call (a busy-lamp key). Her
// INVITE ends with 487, her phone gets the call marked to answer at
// once (Call-Info answer-after=0) and answers, Bob's phone gets the
// CANCEL, Alice's call is answered and ends with her BYE, and her
// record says who picked it up. A pickup of nothing is 404.
func TestSippDirectedPickup(t *testing.T) {
	needTool(t, "sipp")
	for _, how := range []string{"feature code", "replaces"} {
		t.Run(how, func(t *testing.T) {
			s := startServer(t, storetest.DSN(t, "sqlite"))
			admin, _, _ := legacyTenant(s, "acme.example")
			s.createUser(admin, map[string]any{"name": "carol", "email": "carol@acme.example", "extension_number": "203",
				"password": "Carol-password-1", "extension_password": "Sip-secret-203"})
			bobPort, bobDone := sippUASRingingOnly(t, "From", "201")
			bob := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
			if res := bob.register(fmt.Sprintf("Contact: <sip:202@127.0.0.1:%d>", bobPort), "Expires: 600"); res.StatusCode != 200 {
				t.Fatalf("register bob's phone: %v", res)
			}
			carolPhone := filepath.Join(t.TempDir(), "carol.xml")
			if err := os.WriteFile(carolPhone, []byte(`<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="carol's phone answers the picked-up call at once">
  <recv request="INVITE">
    <action><ereg regexp="answer-after=0" search_in="hdr" header="Call-Info:" check_it="true" assign_to="d1"/></action>
  </recv>
`+uasAnswer("03")+`  <Reference variables="d1"/>
</scenario>
`), 0o600); err != nil {
				t.Fatal(err)
			}
			carolPort, carolDone := startUAS(t, 1, "-sf", carolPhone)
			// sipp matches answers to its calls by Call-ID: it makes Alice's
			// from a pattern, so Carol's Replaces can name it.
			const callID = "pickme-1@sb.test"
			aliceSF := sippScenarioFrom(t, "alice.xml", `<pause milliseconds="300"/>`, `<pause milliseconds="1000"/>`)
			alice := make(chan error, 1)
			go func() {
				alice <- sippRunFrom(t, "127.0.0.1", s.app.SIPAddr(), aliceSF, []string{sippLine("201", "acme.example", "Sip-secret-201", "202")},
					"-cid_str", "pickme-%u@sb.test")
			}()
			target, extra := "202", "Replaces: "+callID+";to-tag=x;from-tag=y;early-only"
			if how == "feature code" {
				target, extra = "*8202", ""
			}
			contact := fmt.Sprintf("Contact: <sip:203@127.0.0.1:%d>", carolPort)
			carolSF := sippScenarioFrom(t, "carol-picks.xml",
				"      [field2]\n", "      [field2]\n      "+extra+"\n",
				`  <recv response="200" rrs="true"/>`, `  <recv response="487"/>
  <send>
    <![CDATA[

      ACK sip:[field3]@[field1] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-4];rport
      From: <sip:[field0]@[field1]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[field3]@[field1]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
</scenario>
<!--`)
			// The authenticated INVITE's Contact is Carol's phone.
			raw, _ := os.ReadFile(carolSF)
			text := string(raw)
			i := strings.LastIndex(text, "Contact: <sip:[field0]@[local_ip]:[local_port]>")
			text = text[:i] + contact + text[i+len("Contact: <sip:[field0]@[local_ip]:[local_port]>"):] + "-->\n"
			if err := os.WriteFile(carolSF, []byte(text), 0o600); err != nil {
				t.Fatal(err)
			}
			carol := sippLine("203", "acme.example", "Sip-secret-203", target)
			var err error
			for try := 0; try < 30; try++ { // until Bob's phone rings
				if err = sippRun(t, s.app.SIPAddr(), carolSF, []string{carol}); err == nil {
					break
				}
				time.Sleep(300 * time.Millisecond)
			}
			if err != nil {
				select {
				case aerr := <-alice:
					t.Fatalf("carol's pickup: %v (alice's call had ended: %v)", err, aerr)
				default:
				}
				t.Fatalf("carol's pickup: %v", err)
			}
			if err := <-alice; err != nil {
				t.Fatalf("alice's call: %v", err)
			}
			if err := carolDone(); err != nil {
				t.Fatalf("carol's phone: %v", err)
			}
			if err := bobDone(); err != nil {
				t.Fatalf("bob's phone was not cancelled: %v", err)
			}
			recs := records(t, s, s.signIn("alice", "Alice-password-1", "acme.example"), 1)
			if len(recs) != 1 || recs[0]["status_code"] != float64(200) || !strings.Contains(fmt.Sprint(recs[0]["user_data"]), "Picked up by extension 203") {
				t.Fatalf("alice's record: %v", recs)
			}
			nothing := 404 // RFC 3891: a Replaces matching no dialog is 481
			if how == "replaces" {
				nothing = 481
			}
			if err := sippUACRefusedFrom(t, carolSF, []string{carol}, s.app.SIPAddr(), nothing); err != nil {
				t.Fatalf("a pickup of nothing: %v", err)
			}
		})
	}
}
