package subscribe

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

func TestMessageSummary(t *testing.T) {
	got := messageSummary("sip:202@acme.example", &state{newMsgs: 2, oldMsgs: 5})
	want := "Messages-Waiting: yes\r\nMessage-Account: sip:202@acme.example\r\nVoice-Message: 2/5 (0/0)\r\n"
	if got != want {
		t.Fatalf("got %q", got)
	}
	if got := messageSummary("sip:202@acme.example", &state{oldMsgs: 1}); !strings.HasPrefix(got, "Messages-Waiting: no\r\n") {
		t.Fatalf("no new messages: %q", got)
	}
}

func TestPIDF(t *testing.T) {
	cases := []struct {
		st   state
		want []string
	}{
		{state{presence: model.PresenceAvailable}, []string{"<basic>open</basic>", "<note>Available</note>"}},
		{state{presence: model.PresenceAway, note: "back at 3 <pm> & later"}, []string{"<rpid:away/>", "back at 3 &lt;pm&gt; &amp; later"}},
		{state{presence: model.PresenceDND}, []string{"<basic>closed</basic>", "<rpid:busy/>"}},
		{state{presence: model.PresenceLunch, onPhone: true}, []string{"<rpid:on-the-phone/>", "On the phone"}},
	}
	for _, c := range cases {
		doc := pidf("sip:202@acme.example", &c.st)
		if err := xml.Unmarshal([]byte(doc), new(struct{})); err != nil {
			t.Fatalf("not XML: %v\n%s", err, doc)
		}
		for _, w := range c.want {
			if !strings.Contains(doc, w) {
				t.Errorf("%+v: no %q in\n%s", c.st, w, doc)
			}
		}
	}
}

// TestDialogInfo: versions count up; a call that ended since the last
// NOTIFY is reported terminated once, then the user is idle.
func TestDialogInfo(t *testing.T) {
	n := &Notifier{}
	s := &subscription{entity: "sip:202@acme.example", local: sip.FromHeader{Address: sip.Uri{Host: "acme.example"}}}
	ringing := &state{legs: []leg{{id: "a1", callID: "c1", direction: "recipient", state: "early", peer: "201", peerName: "Alice"}}}
	doc := n.dialogInfo(s, ringing)
	for _, w := range []string{`version="0"`, `<state>early</state>`, `display="Alice">sip:201@acme.example<`, `direction="recipient"`} {
		if !strings.Contains(doc, w) {
			t.Fatalf("no %q in\n%s", w, doc)
		}
	}
	if err := xml.Unmarshal([]byte(doc), new(struct{})); err != nil {
		t.Fatalf("not XML: %v", err)
	}
	doc = n.dialogInfo(s, &state{})
	if !strings.Contains(doc, `version="1"`) || !strings.Contains(doc, "<state>terminated</state>") {
		t.Fatalf("ended call:\n%s", doc)
	}
	if doc = n.dialogInfo(s, &state{}); strings.Contains(doc, "<dialog ") || !strings.Contains(doc, `version="2"`) {
		t.Fatalf("idle:\n%s", doc)
	}
}
