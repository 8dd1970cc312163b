package e2e

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
)

// isolationFixture builds a tenant (acme) holding one object of every kind
// the API reaches by id — a user and each of her settings, contacts,
// groups, queues, meetings, call records, keys, a role — and another
// tenant (globex) whose Admin probes them.
func isolationFixture(s *server) *fixture {
	s.t.Helper()
	ctx := context.Background()
	acmeID, acme := s.newTenant("acme.example")
	_, globex := s.newTenant("globex.example")
	victim := ok(acme.CreateUser(ctx, client.UserCreate{Name: "jill", Email: "jill@acme.example", ExtensionNumber: "240", Password: "Jill-password-1"}))(s)
	a := s.login("jill", "Jill-password-1", "acme.example")
	sw := replicator(s, acme, "acme.example")
	me := a.Me()
	ids := map[string]string{"tenant": acmeID, "user": victim, "ext": "240", "instance": "any-instance",
		"phone":    ok(me.Phones().Create(ctx, phone("00:15:65:00:00:42")))(s),
		"sd8":      ok(me.SpeedDial8().Create(ctx, client.SpeedDialInput{Code: client.Ptr("2"), PhoneNumber: client.Ptr("201")}))(s),
		"sd100":    ok(me.SpeedDial100().Create(ctx, client.SpeedDialInput{Code: client.Ptr("22"), PhoneNumber: client.Ptr("201")}))(s),
		"holiday":  ok(me.Holidays().Create(ctx, newHoliday("Mine")))(s),
		"blob":     ok(a.UploadBlob(ctx, "hi.wav", bytes.NewReader(wavFile)))(s).ID,
		"contact":  ok(a.CreateContact(ctx, client.ContactInput{Name: client.Ptr("Plumber")}))(s),
		"bcontact": ok(acme.CreateBusinessContact(ctx, client.ContactInput{Name: client.Ptr("Supplier")}))(s),
		"group":    ok(acme.CreateGroup(ctx, client.GroupInput{Name: client.Ptr("sales")}))(s),
		"queue":    ok(acme.CallQueues().Create(ctx, hunt("Support", "600")))(s),
		"ring":     ok(acme.RingGroups().Create(ctx, hunt("Sales", "700")))(s),
		"tholiday": ok(acme.CreateTenantHoliday(ctx, newHoliday("Strike")))(s),
		"role":     ok(acme.CreateRole(ctx, role("Helpdesk")))(s),
		"apikey":   ok(a.CreateAPIKey(ctx, "CRM"))(s).Token,
	}
	ids["greeting"] = ok(me.CreateGreeting(ctx, ids["blob"]))(s)
	ids["importjob"] = ok(acme.StartUserImport(ctx, []byte("email,extension\n"), client.ImportOptions{DryRun: true}))(s).ID
	ok(acme.WaitUserImport(ctx, ids["importjob"], 10*time.Millisecond, nil))(s)
	s.ok(leaveMessage(s.t, s, acmeID, "240", "+14155550100"))
	ids["voicemail"] = ok(me.ListVoicemails(ctx, nil))(s).Items[0].ID
	gone := ok(acme.CreateUser(ctx, client.UserCreate{Name: "gone", Email: "gone@acme.example", ExtensionNumber: "241", Password: "Gone-password-1"}))(s)
	s.ok(acme.DeleteUser(ctx, gone, "KEEP"))
	ids["detached"] = ok(acme.ListDetachedMailboxes(ctx))(s)[0].ID
	s.ok(acme.PutProvisioningTemplate(ctx, "acme-snom.xml", "Snom", `<settings><user_name idx="1">{{.Extension}}</user_name></settings>`))
	ids["ptemplate"] = "acme-snom.xml"
	ids["prompt"] = ok(acme.ReplaceVoicemailPrompt(ctx, "vm-goodbye", upload(s, acme, "bye.wav", audio.WAV(audio.Tone(500, 800)))))(s)
	s.ok(acme.AddGroupMember(ctx, ids["group"], "240"))
	s.ok(acme.CallQueues().SetMember(ctx, ids["queue"], victim, 0))
	s.ok(acme.RingGroups().SetMember(ctx, ids["ring"], victim, 0))
	m := ok(a.CreateMeeting(ctx, client.MeetingInput{Mode: client.Ptr("AUDIO")}))(s)
	ids["meeting"] = m.ID
	s.ok(a.MeetingDo(ctx, m.ID, client.MeetingStart))
	ids["participant"] = ok(sw.ReportMeetingEvent(ctx, m.ID, client.MeetingEvent{Type: "JOINED", Number: "+33611111111"}))(s)
	ids["cdr"] = ok(sw.IngestCDRs(ctx, []client.CDRInput{cdr("240", "call-1", "INBOUND_CALL", at("2026-11-24T10:00:00Z"))}))(s)[0]
	rec := upload(s, sw, "call.wav", wavFile)
	ids["recording"] = ok(sw.IngestRecordings(ctx, []client.RecordingInput{{Extension: "240", FileID: rec,
		StartedAt: at("2026-11-24T10:00:00Z"), EndedAt: at("2026-11-24T10:02:00Z")}}))(s).IDs[0]
	ids["message"] = ok(sw.IngestMessages(ctx, []client.MessageInput{{Extension: "240", Sender: "+14155550100", Receiver: "+33100000240",
		MsgType: "SMS", Direction: "IN", Content: "hello"}}))(s).IDs[0]
	for name, l := range map[string]client.SyncList{"contacts_token": client.SyncContacts, "bcontacts_token": client.SyncBusinessContacts,
		"ext_token": client.SyncExtensionContacts, "cdrs_token": client.SyncCDRs} {
		ids[name] = ok(a.SyncToken(ctx, l))(s)
	}
	missing := map[string]string{}
	for k := range ids {
		missing[k] = "bm90LWEtcmVhbC1pZA=="
	}
	for k, v := range map[string]string{"ext": "999999", "role": "no-such-role", "apikey": "sbk_" + strings.Repeat("a", 32),
		"instance": "any-instance", "contacts_token": "not-a-token", "bcontacts_token": "not-a-token", "ext_token": "not-a-token",
		"cdrs_token": "not-a-token"} {
		missing[k] = v
	}
	return &fixture{s: s, ids: ids, missing: missing, callers: map[string]*client.Client{
		"acme.admin": acme, "acme.jill": a, "globex.admin": globex, "system": s.system()}}
}

// foreignIDScenarios are every operation with an id in its path, called by
// another tenant's Admin with acme's ids: each must answer exactly as for
// an object that does not exist.
func foreignIDScenarios(ids map[string]string) []scenario {
	rows := []struct {
		method, url string
		body        any
	}{
		{"GET", "/api/blobs/{blob}", nil},
		{"GET", "/api/business_contacts/{bcontact}", nil},
		{"POST", "/api/business_contacts/{bcontact}", map[string]any{"name": "Pwned"}},
		{"POST", "/api/business_contacts/{bcontact}/destroy", nil},
		{"GET", "/api/call_queues/{queue}", nil},
		{"POST", "/api/call_queues/{queue}", map[string]any{"name": "Pwned"}},
		{"GET", "/api/call_queues/{queue}/agent_events", nil},
		{"POST", "/api/call_queues/{queue}/destroy", nil},
		{"POST", "/api/call_queues/{queue}/members/{user}", map[string]any{"skill_level": 9}},
		{"POST", "/api/call_queues/{queue}/members/{user}/destroy", nil},
		{"GET", "/api/groups/{group}", nil},
		{"POST", "/api/groups/{group}", map[string]any{"description": "Pwned"}},
		{"POST", "/api/groups/{group}/destroy", nil},
		{"GET", "/api/groups/{group}/members", nil},
		{"GET", "/api/groups/{group}/members/{ext}", nil},
		{"POST", "/api/groups/{group}/members/{ext}", nil},
		{"POST", "/api/groups/{group}/members/{ext}/destroy", nil},
		{"GET", "/api/mailboxes/detached/{detached}/voicemails", nil},
		{"GET", "/api/holidays/{tholiday}", nil},
		{"POST", "/api/holidays/{tholiday}", map[string]any{"name": "Pwned"}},
		{"POST", "/api/holidays/{tholiday}/destroy", nil},
		{"POST", "/api/meetings/{meeting}/events", map[string]any{"type": "JOINED", "number": "+33699999999"}},
		{"GET", "/api/ring_groups/{ring}", nil},
		{"POST", "/api/ring_groups/{ring}", map[string]any{"name": "Pwned"}},
		{"POST", "/api/ring_groups/{ring}/destroy", nil},
		{"POST", "/api/ring_groups/{ring}/members/{user}", map[string]any{"skill_level": 9}},
		{"POST", "/api/ring_groups/{ring}/members/{user}/destroy", nil},
		{"GET", "/api/roles/{role}", nil},
		{"POST", "/api/roles/{role}", map[string]any{"description": "Pwned"}},
		{"POST", "/api/roles/{role}/destroy", nil},
		{"GET", "/api/tenants/{tenant}", nil},
		{"POST", "/api/tenants/{tenant}", map[string]any{"name": "Pwned"}},
		{"POST", "/api/tenants/{tenant}/destroy", nil},
		{"POST", "/api/user/api_keys/{apikey}/destroy", nil},
		{"POST", "/api/user/business_contacts/sync_tokens/{bcontacts_token}/diff", nil},
		{"GET", "/api/user/business_contacts/{bcontact}", nil},
		{"POST", "/api/user/business_contacts/{bcontact}/favorite", nil},
		{"POST", "/api/user/business_contacts/{bcontact}/unfavorite", nil},
		{"GET", "/api/user/call_queues/{queue}/agent", nil},
		{"POST", "/api/user/call_queues/{queue}/agent", map[string]any{"status": "LOGGED_IN"}},
		{"POST", "/api/user/cdrs/sync_tokens/{cdrs_token}/diff", nil},
		{"GET", "/api/user/cdrs/{cdr}", nil},
		{"POST", "/api/user/contacts/sync_tokens/{contacts_token}/diff", nil},
		{"GET", "/api/user/contacts/{contact}", nil},
		{"POST", "/api/user/contacts/{contact}", map[string]any{"title": "Pwned"}},
		{"POST", "/api/user/contacts/{contact}/destroy", nil},
		{"POST", "/api/user/contacts/{contact}/favorite", nil},
		{"POST", "/api/user/contacts/{contact}/unfavorite", nil},
		{"POST", "/api/user/extension_contacts/sync_tokens/{ext_token}/diff", nil},
		{"POST", "/api/user/extension_contacts/{user}/favorite", nil},
		{"POST", "/api/user/extension_contacts/{user}/unfavorite", nil},
		{"GET", "/api/user/external_messages/{message}", nil},
		{"POST", "/api/user/greetings/{greeting}/destroy", nil},
		{"POST", "/api/user/greetings/{greeting}/disable", nil},
		{"POST", "/api/user/greetings/{greeting}/enable", nil},
		{"GET", "/api/user/holidays/{holiday}", nil},
		{"POST", "/api/user/holidays/{holiday}", map[string]any{"name": "Pwned"}},
		{"POST", "/api/user/holidays/{holiday}/destroy", nil},
		{"GET", "/api/user/meetings/{meeting}", nil},
		{"POST", "/api/user/meetings/{meeting}", map[string]any{"subject": "Pwned"}},
		{"POST", "/api/user/meetings/{meeting}/destroy", nil},
		{"POST", "/api/user/meetings/{meeting}/lock", nil},
		{"POST", "/api/user/meetings/{meeting}/mute", nil},
		{"GET", "/api/user/meetings/{meeting}/participants", nil},
		{"POST", "/api/user/meetings/{meeting}/participants/invite", map[string]any{"number": "+33699999999"}},
		{"POST", "/api/user/meetings/{meeting}/participants/layout", map[string]any{"items": []string{}}},
		{"GET", "/api/user/meetings/{meeting}/participants/{participant}", nil},
		{"POST", "/api/user/meetings/{meeting}/participants/{participant}/chairman", nil},
		{"POST", "/api/user/meetings/{meeting}/participants/{participant}/destroy", nil},
		{"POST", "/api/user/meetings/{meeting}/participants/{participant}/mute", nil},
		{"POST", "/api/user/meetings/{meeting}/participants/{participant}/position", map[string]any{"position": 1}},
		{"POST", "/api/user/meetings/{meeting}/participants/{participant}/unmute", nil},
		{"POST", "/api/user/meetings/{meeting}/start", nil},
		{"POST", "/api/user/meetings/{meeting}/start_recording", nil},
		{"GET", "/api/user/meetings/{meeting}/status", nil},
		{"POST", "/api/user/meetings/{meeting}/stop", nil},
		{"POST", "/api/user/meetings/{meeting}/stop_recording", nil},
		{"POST", "/api/user/meetings/{meeting}/unlock", nil},
		{"POST", "/api/user/meetings/{meeting}/unmute", nil},
		{"GET", "/api/user/phones/{phone}", nil},
		{"POST", "/api/user/phones/{phone}", map[string]any{"language": "DUTCH"}},
		{"POST", "/api/user/phones/{phone}/destroy", nil},
		{"GET", "/api/user/recordings/{recording}", nil},
		{"POST", "/api/user/recordings/{recording}/destroy", nil},
		{"POST", "/api/voicemail_prompts/{prompt}/destroy", nil},
		{"GET", "/api/provisioning_templates/{ptemplate}", nil},
		{"POST", "/api/user/phones/{phone}/provisioning", nil},
		{"GET", "/api/user/voicemails/{voicemail}", nil},
		{"POST", "/api/user/voicemails/{voicemail}", map[string]any{"heard": true}},
		{"POST", "/api/user/voicemails/{voicemail}/destroy", nil},
		{"GET", "/api/user/speed_dial_100/{sd100}", nil},
		{"POST", "/api/user/speed_dial_100/{sd100}", map[string]any{"description": "Pwned"}},
		{"POST", "/api/user/speed_dial_100/{sd100}/destroy", nil},
		{"GET", "/api/user/speed_dial_8/{sd8}", nil},
		{"POST", "/api/user/speed_dial_8/{sd8}", map[string]any{"description": "Pwned"}},
		{"POST", "/api/user/speed_dial_8/{sd8}/destroy", nil},
		{"GET", "/api/users/{user}", nil},
		{"POST", "/api/users/{user}", map[string]any{"department": "Pwned"}},
		{"GET", "/api/users/{user}/api_keys", nil},
		{"POST", "/api/users/{user}/api_keys/{apikey}/destroy", nil},
		{"GET", "/api/users/{user}/balance", nil},
		{"POST", "/api/users/{user}/balance", map[string]any{"balance": 1000}},
		{"GET", "/api/users/{user}/call_queues", nil},
		{"GET", "/api/users/{user}/call_queues/{queue}/agent", nil},
		{"POST", "/api/users/{user}/call_queues/{queue}/agent", map[string]any{"status": "LOGGED_IN"}},
		{"GET", "/api/users/{user}/dependents", nil},
		{"POST", "/api/users/{user}/destroy", nil},
		{"POST", "/api/users/{user}/extension_password", nil},
		{"GET", "/api/users/{user}/global_holidays", nil},
		{"POST", "/api/users/{user}/global_holidays", map[string]any{"items": []string{}}},
		{"GET", "/api/users/{user}/greetings", nil},
		{"POST", "/api/users/{user}/greetings", map[string]any{"file_id": ids["blob"]}},
		{"POST", "/api/users/{user}/greetings/{greeting}/destroy", nil},
		{"POST", "/api/users/{user}/greetings/{greeting}/disable", nil},
		{"POST", "/api/users/{user}/greetings/{greeting}/enable", nil},
		{"GET", "/api/users/{user}/holidays", nil},
		{"POST", "/api/users/{user}/holidays", newHoliday("Pwned")},
		{"GET", "/api/users/{user}/holidays/{holiday}", nil},
		{"POST", "/api/users/{user}/holidays/{holiday}", map[string]any{"name": "Pwned"}},
		{"POST", "/api/users/{user}/holidays/{holiday}/destroy", nil},
		{"POST", "/api/users/{user}/ms365_binding", map[string]any{"id": "pwned@acme.onmicrosoft.com"}},
		{"POST", "/api/users/{user}/ms365_binding/destroy", nil},
		{"POST", "/api/users/{user}/otp/destroy", nil},
		{"POST", "/api/users/{user}/password", map[string]any{"password": "Taken-over-pw-1"}},
		{"GET", "/api/users/{user}/phones", nil},
		{"POST", "/api/users/{user}/phones", phone("00:15:65:00:00:77")},
		{"GET", "/api/users/{user}/phones/{phone}", nil},
		{"POST", "/api/users/{user}/phones/{phone}", map[string]any{"language": "DUTCH"}},
		{"POST", "/api/users/{user}/phones/{phone}/destroy", nil},
		{"POST", "/api/users/{user}/phones/{phone}/provisioning", nil},
		{"POST", "/api/users/{user}/profile", nil},
		{"POST", "/api/users/{user}/role", map[string]any{"role": "StandardUser"}},
		{"GET", "/api/users/{user}/routing", nil},
		{"GET", "/api/users/{user}/speed_dial_100", nil},
		{"POST", "/api/users/{user}/speed_dial_100", map[string]any{"code": "55", "phone_number": "201"}},
		{"GET", "/api/users/{user}/speed_dial_100/{sd100}", nil},
		{"POST", "/api/users/{user}/speed_dial_100/{sd100}", map[string]any{"description": "Pwned"}},
		{"POST", "/api/users/{user}/speed_dial_100/{sd100}/destroy", nil},
		{"GET", "/api/users/{user}/speed_dial_8", nil},
		{"POST", "/api/users/{user}/speed_dial_8", map[string]any{"code": "5", "phone_number": "201"}},
		{"GET", "/api/users/{user}/speed_dial_8/{sd8}", nil},
		{"POST", "/api/users/{user}/speed_dial_8/{sd8}", map[string]any{"description": "Pwned"}},
		{"POST", "/api/users/{user}/speed_dial_8/{sd8}/destroy", nil},
		{"GET", "/api/users/{user}/voicemails", nil},
		{"GET", "/api/users/{user}/voicemails/{voicemail}", nil},
		{"POST", "/api/users/{user}/voicemails/{voicemail}", map[string]any{"saved": true}},
		{"POST", "/api/users/{user}/voicemails/{voicemail}/destroy", nil},
		{"GET", "/api/users/{user}/status", nil},
		{"POST", "/api/users/{user}/status/{instance}/destroy_status", nil},
		{"GET", "/api/user_import_jobs/{importjob}", nil},
	}
	out := make([]scenario, len(rows))
	for i, r := range rows {
		out[i] = scenario{Name: r.method + " " + r.url, As: "globex.admin", Method: r.method, URL: r.url, Body: r.body, SameAsMissing: true,
			Check: func(t *testing.T, r *response) {
				if r.Status/100 != 4 {
					t.Fatalf("another tenant's object: %d %s", r.Status, r.Body)
				}
			}}
	}
	return out
}

// TestTenantIsolation probes every operation that takes an id with
// another tenant's ids, then checks that lists never reach across, that
// nothing changed, and that names and extensions are per tenant.
func TestTenantIsolation(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		f := isolationFixture(s)
		// What acme sees of its objects before the probes (not the meeting
		// itself: its join token is a secret the suite's scan tracks).
		watched := []string{"/api/users/{user}", "/api/users/{user}/phones/{phone}", "/api/users/{user}/holidays/{holiday}",
			"/api/users/{user}/speed_dial_8/{sd8}", "/api/users/{user}/greetings", "/api/groups/{group}/members",
			"/api/call_queues/{queue}", "/api/ring_groups/{ring}", "/api/roles/{role}", "/api/holidays/{tholiday}",
			"/api/business_contacts/{bcontact}", "/api/users/{user}/api_keys", "/api/tenants/{tenant}"}
		snapshot := func() map[string]string {
			out := map[string]string{}
			for _, u := range watched {
				as := "acme.admin"
				if u == "/api/tenants/{tenant}" {
					as = "system"
				}
				out[u] = string(f.send(t, scenario{As: as, Method: "GET", URL: u}, f.ids).Body)
			}
			for _, u := range []string{"/api/user/contacts/{contact}", "/api/user/meetings/{meeting}/status", "/api/user/recordings/{recording}",
				"/api/user/cdrs/{cdr}", "/api/user/external_messages/{message}", "/api/user/meetings/{meeting}/participants/{participant}",
				"/api/user/voicemails/{voicemail}"} {
				out[u] = string(f.send(t, scenario{As: "acme.jill", Method: "GET", URL: u}, f.ids).Body)
			}
			return out
		}
		before := snapshot()
		scenarios := foreignIDScenarios(f.ids)
		// Lists, filters and searches never reach across.
		for _, q := range []string{"", "?search=jill", "?filter=name%20eq%20%27jill%27", "?filter=extension_number%20eq%20%27240%27"} {
			scenarios = append(scenarios, scenario{Name: "list users" + q, As: "globex.admin", Method: "GET", URL: "/api/users" + q,
				Status: 200, NoContent: []string{"jill"}})
		}
		// A SystemAdmin manages tenants but does not browse a tenant's users
		// through the tenant-scoped /api/users.
		scenarios = append(scenarios, scenario{Name: "SystemAdmin reads a tenant's user", As: "system", Method: "GET", URL: "/api/users/{user}", Status: 404})
		n := runScenarios(t, f, scenarios)
		checkEveryIDPath(t, s, scenarios)
		// Nothing changed, and the victim still signs in with the old password.
		after := snapshot()
		for u, b := range before {
			if after[u] != b {
				t.Errorf("another tenant changed %s:\n%s\n%s", u, b, after[u])
			}
		}
		s.login("jill", "Jill-password-1", "acme.example")
		// The same username and extension are independent per tenant.
		globex := f.callers["globex.admin"]
		other := ok(globex.CreateUser(ctx, client.UserCreate{Name: "jill", Email: "jill@globex.example", ExtensionNumber: "240", Password: "Jill-globex-pw-1"}))(s)
		if other == f.ids["user"] {
			t.Fatal("ids collide across tenants")
		}
		wantStatus(t, ign(s.as("").SignIn(ctx, signInAs("jill", "Jill-globex-pw-1", "acme.example"))), 401, "another tenant's password")
		s.login("jill", "Jill-globex-pw-1", "globex.example")
		t.Logf("%d requests by %d scenarios", n, len(scenarios))
	})
}

// checkEveryIDPath fails unless the scenarios call every operation of the
// served document that has an id in its path.
func checkEveryIDPath(t *testing.T, s *server, scenarios []scenario) {
	t.Helper()
	covered := map[string]bool{}
	for _, sc := range scenarios {
		if sc.SameAsMissing {
			covered[sc.Method+" "+template(sc.URL)] = true
		}
	}
	// A provisioning template's {name} is a file name in the caller's own
	// tenant, not an id: another tenant writing or removing the same name
	// touches only its own (TestProvisioningTemplatesPerTenant).
	covered["POST /api/provisioning_templates/{}"] = true
	covered["POST /api/provisioning_templates/{}/destroy"] = true
	for _, o := range apiOperations(t, s) {
		if strings.Contains(o.Path, "{") && !covered[o.Method+" "+template(o.Path)] {
			t.Errorf("%s %s takes an id but no isolation scenario calls it", o.Method, o.Path)
		}
	}
}

// TestProvisioningTemplatesPerTenant: a template name is per tenant; a
// tenant writing and removing a template of the same name as another
// tenant's leaves the other's as it was.
func TestProvisioningTemplatesPerTenant(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := t.Context()
		_, acme := s.newTenant("acme.example")
		_, globex := s.newTenant("globex.example")
		const body = `<settings><user_name idx="1">{{.Extension}}</user_name></settings>`
		s.ok(acme.PutProvisioningTemplate(ctx, "shared.xml", "Snom", body))
		wantStatus(t, ign(globex.GetProvisioningTemplate(ctx, "shared.xml")), 404, "another tenant's template")
		s.ok(globex.PutProvisioningTemplate(ctx, "shared.xml", "Snom", "<settings/>"))
		s.ok(globex.DeleteProvisioningTemplate(ctx, "shared.xml"))
		got := ok(acme.GetProvisioningTemplate(ctx, "shared.xml"))(s)
		if got == nil || !strings.Contains(fmt.Sprintf("%+v", *got), "user_name") {
			t.Fatalf("acme's template after globex's writes: %+v", got)
		}
	})
}
