package proxy

import (
	"fmt"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Who records a call: the caller's outbound calls, the callee's inbound
// ones (with its announcement), never internal calls of a tenant that
// says so, never calls to voicemail or feature codes.
func TestRecordingFor(t *testing.T) {
	user := func(id, mode string, all, announce bool) *model.User {
		u := &model.User{ID: id}
		u.CallRecording, u.EnableAudioRecording, u.PlayRecordingAnnouncement = mode, all, announce
		return u
	}
	tenant, strict := &model.Tenant{}, &model.Tenant{NeverRecordInternalCalls: true}
	for _, tc := range []struct {
		name         string
		c            call
		want         string
		wantAnnounce bool
	}{
		{"nobody records", call{tenant: tenant, direction: "INTERNAL_CALL", caller: user("a", "NONE", false, false), callee: user("b", "", false, true)}, "[]", false},
		{"caller records outbound", call{tenant: tenant, direction: "INTERNAL_CALL", caller: user("a", "OUTBOUND", false, false), callee: user("b", "OUTBOUND", false, true)}, "[a]", false},
		{"callee records inbound, announced", call{tenant: tenant, direction: "INTERNAL_CALL", caller: user("a", "INBOUND", false, false), callee: user("b", "INBOUND", false, true)}, "[b]", true},
		{"both", call{tenant: tenant, direction: "INTERNAL_CALL", caller: user("a", "BOTH", false, false), callee: user("b", "NONE", true, false)}, "[a b]", false},
		{"never internal", call{tenant: strict, direction: "INTERNAL_CALL", caller: user("a", "BOTH", false, false), callee: user("b", "BOTH", false, true)}, "[]", false},
		{"never internal, outbound still", call{tenant: strict, direction: "OUTBOUND_CALL", caller: user("a", "OUTBOUND", false, false)}, "[a]", false},
		{"never internal, inbound still", call{tenant: strict, direction: "INBOUND_CALL", callee: user("b", "BOTH", false, false)}, "[b]", false},
		{"voicemail", call{tenant: tenant, direction: "INTERNAL_CALL", toMedia: true, caller: user("a", "BOTH", false, false)}, "[]", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := recordingFor(&tc.c)
			got, announce := "[]", false
			if r != nil {
				got, announce = fmt.Sprint(r.UserIDs), r.Announce
			}
			if got != tc.want || announce != tc.wantAnnounce {
				t.Fatalf("recorded for %s (announce %v), want %s (%v)", got, announce, tc.want, tc.wantAnnounce)
			}
		})
	}
}
