package subscribe

import (
	"context"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// dialogInfo is an RFC 4235 document with the full state of s's user:
// its calls (early, confirmed) and, once, those that ended since the last
// NOTIFY (terminated). No dialog at all means idle. s is locked.
func (n *Notifier) dialogInfo(s *subscription, st *state) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="%d" state="full" entity="%s">`+"\n", s.version, xmlText(s.entity))
	s.version++
	now := map[string]leg{}
	for _, l := range st.legs {
		now[l.id] = l
		writeDialog(&b, l, s.entity, s.local.Address.Host)
	}
	for id, l := range s.reported {
		if _, ok := now[id]; !ok {
			l.state = "terminated"
			writeDialog(&b, l, s.entity, s.local.Address.Host)
		}
	}
	s.reported = now
	b.WriteString("</dialog-info>\n")
	return b.String()
}

func writeDialog(b *strings.Builder, l leg, entity, domain string) {
	fmt.Fprintf(b, `  <dialog id="%s" call-id="%s" direction="%s">`+"\n    <state>%s</state>\n", l.id, xmlText(l.callID), l.direction, l.state)
	if l.peer != "" {
		remote := l.peer
		if !strings.Contains(remote, "@") {
			remote = "sip:" + remote + "@" + domain
		}
		fmt.Fprintf(b, "    <remote>\n      <identity display=\"%s\">%s</identity>\n      <target uri=\"%s\"/>\n    </remote>\n",
			xmlText(l.peerName), xmlText(remote), xmlText(remote))
	}
	fmt.Fprintf(b, "    <local>\n      <identity>%s</identity>\n      <target uri=\"%s\"/>\n    </local>\n  </dialog>\n", xmlText(entity), xmlText(entity))
}

// rpidActivity is the RPID activity (RFC 4480) of a presence value.
var rpidActivity = map[string]string{
	model.PresenceAway: "away", model.PresenceDND: "busy", model.PresenceLunch: "meal",
	model.PresenceBusinessTrip: "travel",
}

// presenceWords is the note phones show when the user wrote none.
var presenceWords = map[string]string{
	model.PresenceAvailable: "Available", model.PresenceAway: "Away", model.PresenceDND: "Do not disturb",
	model.PresenceLunch: "At lunch", model.PresenceBusinessTrip: "On a business trip",
}

// pidf is an RFC 3863 document of the user's presence: open (reachable)
// unless in do-not-disturb, its activity, and "on the phone" while a call
// is answered; the note is the user's, or the presence in words.
func pidf(entity string, st *state) string {
	basic, activity, note := "open", rpidActivity[st.presence], st.note
	if st.presence == model.PresenceDND {
		basic = "closed"
	}
	if note == "" {
		note = presenceWords[st.presence]
	}
	if st.onPhone {
		activity = "on-the-phone"
		if st.note == "" {
			note = "On the phone"
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
		`<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" `+
		`xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="%s">`+"\n", xmlText(entity))
	fmt.Fprintf(&b, "  <tuple id=\"sb\">\n    <status><basic>%s</basic></status>\n    <contact>%s</contact>\n", basic, xmlText(entity))
	if note != "" {
		fmt.Fprintf(&b, "    <note>%s</note>\n", xmlText(note))
	}
	b.WriteString("  </tuple>\n  <dm:person id=\"p\">\n")
	if activity != "" {
		fmt.Fprintf(&b, "    <rpid:activities><rpid:%s/></rpid:activities>\n", activity)
	}
	if note != "" {
		fmt.Fprintf(&b, "    <dm:note>%s</dm:note>\n", xmlText(note))
	}
	b.WriteString("  </dm:person>\n</presence>\n")
	return b.String()
}

// showCallers says whether tenantID's busy lamps show who is calling a
// ringing extension (the tenant's blf_show_caller).
func (n *Notifier) showCallers(ctx context.Context, tenantID string) bool {
	t, err := n.st.GetTenant(ctx, tenantID)
	return err == nil && !t.BLFHideCaller
}
