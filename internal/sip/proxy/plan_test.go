package proxy

import (
	"reflect"
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

func TestRingContacts(t *testing.T) {
	targets := []string{"sip:201@192.0.2.1:5060", "+33123456789", "sips:201@192.0.2.2", ""}
	if got, want := ringContacts(targets, "sip:192.0.2.10"), []string{"sip:201@192.0.2.1:5060", "sip:+33123456789@192.0.2.10", "sips:201@192.0.2.2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("with a trunk: %q, want %q", got, want)
	}
	if got, want := ringContacts(targets, ""), []string{"sip:201@192.0.2.1:5060", "sips:201@192.0.2.2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("without a trunk: %q, want %q", got, want)
	}
	if got := ringContacts([]string{"+331"}, ""); got != nil {
		t.Errorf("a number without a trunk rings %q", got)
	}
}

func TestRingGroups(t *testing.T) {
	abc := []string{"a", "b", "c"}
	for _, c := range []struct {
		contacts []string
		parallel bool
		want     [][]string
	}{
		{abc, true, [][]string{abc}},
		{abc, false, [][]string{{"a"}, {"b"}, {"c"}}},
		{[]string{"a"}, false, [][]string{{"a"}}},
	} {
		if got := ringGroups(c.contacts, c.parallel); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q parallel=%v: %q, want %q", c.contacts, c.parallel, got, c.want)
		}
	}
}

func TestVoicemailTarget(t *testing.T) {
	tn := &model.Tenant{Domain: "acme.example", VoicemailServer: "sip:vm.example:5080"}
	if uri := voicemailTarget("201", tn); uri != "sip:201@vm.example:5080" {
		t.Errorf("mailbox: %s", uri)
	}
	if uri := voicemailTarget("201", &model.Tenant{Domain: "acme.example"}); uri != "" {
		t.Errorf("without a server: %s", uri)
	}
}

// TestDiversionReason: each forward rule's RFC 5806 reason.
func TestDiversionReason(t *testing.T) {
	for setting, want := range map[string]string{
		"available_no_answer_forward_rule": "no-answer", "busy_no_answer_forward_rule": "no-answer",
		"busy_office_hours_forward_rule": "user-busy", "dnd_non_office_hours_forward_rule": "do-not-disturb",
		"offline_office_hours_forward_rule": "unavailable", "network_unavailable_number": "unavailable",
		"away_office_hours_forward_rule": "away", "custom_forward_rules[0]": "unconditional",
		"available_office_hours_forward_rule": "unconditional",
	} {
		if got := diversionReason(setting); got != want {
			t.Errorf("%s: %s, want %s", setting, got, want)
		}
	}
}

func TestRefusalEnd(t *testing.T) {
	for status, want := range map[int]string{486: "BUSY", 480: "NO_ANSWER", 403: "REJECTED", 482: "REJECTED", 603: "REJECTED"} {
		if got := refusalEnd(status); got != want {
			t.Errorf("%d: %s, want %s", status, got, want)
		}
	}
}

// TestBranchRequest: a forwarded INVITE goes to the contact without the
// caller's credentials and route, with the plan's headers in place of the
// caller's own, over the contact's transport.
func TestBranchRequest(t *testing.T) {
	m, err := sip.ParseMessage([]byte("INVITE sip:202@acme.example SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKa\r\n" +
		"Route: <sip:192.0.2.99;lr>\r\nProxy-Authorization: Digest username=\"201\"\r\nP-Asserted-Identity: <sip:666@evil.example>\r\n" +
		"From: <sip:201@acme.example>;tag=1\r\nTo: <sip:202@acme.example>\r\nCall-ID: c1\r\nCSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	req := m.(*sip.Request)
	out, ok := branchRequest(req, "sip:202@192.0.2.2:5062;transport=tcp", []sip.Header{assertedIdentity("+331", "acme.example")})
	if !ok || out.Recipient.String() != "sip:202@192.0.2.2:5062;transport=tcp" || out.Transport() != "TCP" ||
		out.GetHeader("Route") != nil || out.GetHeader("Proxy-Authorization") != nil ||
		len(out.GetHeaders("P-Asserted-Identity")) != 1 || out.GetHeader("P-Asserted-Identity").Value() != "<sip:+331@acme.example>" {
		t.Fatalf("forwarded:\n%s", out)
	}
	if req.GetHeader("Proxy-Authorization") == nil || req.GetHeader("Route") == nil {
		t.Fatal("the caller's request was changed")
	}
	if _, ok := branchRequest(req, "not a uri", nil); ok {
		t.Fatal("a contact that is no URI was forked to")
	}
}
