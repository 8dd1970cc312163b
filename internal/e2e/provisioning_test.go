package e2e

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/client"
)

// fetched is a provisioning answer, as a phone sees it.
type fetched struct {
	status int
	header http.Header
	body   string
}

// fetch GETs a provisioning URL as a phone would (with basic credentials
// when user is not ""), outside the suite's recorded client: the files
// carry secrets on purpose.
func fetch(t *testing.T, url, user, password string) fetched {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return fetched{status: res.StatusCode, header: res.Header, body: string(b)}
}

// refusal is what every failed fetch must look like, byte for byte.
func (f fetched) refusal() string {
	return f.header.Get("WWW-Authenticate") + "|" + f.header.Get("Content-Type") + "|" + f.header.Get("Cache-Control") + "|" + f.body
}

var yealinkValue = regexp.MustCompile(`(?m)^account\.1\.password = (\S+)$`)

func TestProvisioning(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		p := makePeople(s, "acme.example")
		s.ok(p.admin.UpdateUser(ctx, p.aliceID, client.UserUpdate{BLFs: []client.BLF{{Key: "2", Value: "202", FirstName: "Bob", LastName: "<Desk>"}}}))
		alicePhone := ok(p.alice.Me().Phones().Create(ctx, phone("00:15:65:00:00:10", func(in *client.PhoneInput) {
			in.PreferredTransport, in.Interface = client.Ptr("UDP"), client.Ptr("WEB_DOMAIN")
		})))(s)
		bobPhone := ok(p.bob.Me().Phones().Create(ctx, phone("00:15:65:00:00:20", func(in *client.PhoneInput) {
			in.Vendor, in.Model, in.Filename = client.Ptr("Snom"), client.Ptr("D785"), client.Ptr("snom-desk.xml")
		})))(s)
		cred := ok(p.alice.Me().IssuePhoneProvisioning(ctx, alicePhone))(s)
		bobCred := ok(p.admin.ForUser(p.bobID).IssuePhoneProvisioning(ctx, bobPhone))(s)
		if cred.URL != s.base+"/provision/" || len(cred.Files) != 1 || cred.Files[0] != "001565000010.cfg" || cred.Password == "" {
			t.Fatalf("credential %+v", cred)
		}

		// The phone's file, by basic authentication and by the secret URL.
		file := fetch(t, cred.URL+"001565000010.cfg", cred.Username, cred.Password)
		if file.status != 200 || !strings.HasPrefix(file.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("fetch: %d %s", file.status, file.body)
		}
		sipHost, sipPort, _ := strings.Cut(s.app.SIPAddr(), ":")
		for _, want := range []string{"account.1.user_name = 201", "account.1.sip_server.1.address = acme.example",
			"account.1.outbound_proxy.1.address = " + sipHost, "account.1.sip_server.1.port = " + sipPort,
			"account.1.sip_server.1.transport_type = 0", "static.security.user_password = admin:Phone-web-pw-1",
			"voice_mail.number.1 = *97", "linekey.2.value = 202", "linekey.2.label = Bob <Desk>", "transfer.dsskey_deal_type = 1",
			"network.vlan.internet_port_vid = 100", "lang.gui = German"} {
			if !strings.Contains(file.body, want+"\n") {
				t.Errorf("file lacks %q:\n%s", want, file.body)
			}
		}
		m := yealinkValue.FindStringSubmatch(file.body)
		if m == nil {
			t.Fatalf("no line password in\n%s", file.body)
		}
		line := m[1]
		if byToken := fetch(t, cred.TokenURL+"001565000010.cfg", "", ""); byToken.status != 200 || byToken.body != file.body {
			t.Fatalf("secret URL: %d", byToken.status)
		}
		bobFile := fetch(t, bobCred.URL+"001565000020.xml", bobCred.Username, bobCred.Password)
		if bobFile.status != 200 || strings.Contains(bobFile.body, line) || strings.Contains(file.body, "<user_pass") {
			t.Fatalf("bob's file %d", bobFile.status)
		}

		// The phone registers with its own SIP password; the API shows it.
		ua := s.newUA("udp", "201", "acme.example", line)
		if res := ua.register("Contact: "+ua.localContact("201"), "Expires: 300"); res.StatusCode != 200 {
			t.Fatalf("register with the provisioned password: %v", res)
		}
		if st := ok(p.admin.ForUser(p.aliceID).Status(ctx))(s); st.Status != "ONLINE" || len(st.Registration) != 1 {
			t.Fatalf("status %+v", st)
		}
		provisioningRefusals(t, s, p, cred, bobCred, alicePhone)
		// Issuing again revoked the phone's SIP password too.
		old := s.newUA("udp", "201", "acme.example", line)
		if res := old.register("Contact: "+old.localContact("201"), "Expires: 300"); res.StatusCode == 200 {
			t.Fatal("a revoked SIP password registers")
		}
		provisioningAudit(t, s, p, alicePhone)
	})
}

// provisioningRefusals checks that every failure gets the same answer.
func provisioningRefusals(t *testing.T, s *server, p people, cred, bobCred *client.PhoneProvisioning, alicePhone string) {
	ctx := context.Background()
	base := s.base + "/provision/"
	want := fetch(t, base+"001565000010.cfg", "", "")
	if want.status != 401 || want.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no credentials: %d", want.status)
	}
	cases := map[string]func() fetched{
		"unknown user":   func() fetched { return fetch(t, base+"001565000010.cfg", "0123456789abcdef", cred.Password) },
		"wrong secret":   func() fetched { return fetch(t, base+"001565000010.cfg", cred.Username, "x"+cred.Password[1:]) },
		"unknown MAC":    func() fetched { return fetch(t, base+"001565999999.cfg", cred.Username, cred.Password) },
		"another's file": func() fetched { return fetch(t, base+"001565000020.xml", cred.Username, cred.Password) },
		"wrong token": func() fetched {
			return fetch(t, base+cred.Username+"-"+strings.Repeat("0", 32)+"/001565000010.cfg", "", "")
		},
		"bob's with mine": func() fetched {
			return fetch(t, bobCred.TokenURL[:len(bobCred.TokenURL)-1]+"x/001565000020.xml", "", "")
		},
		"not a phone file": func() fetched { return fetch(t, base+"y000000000000.cfg", cred.Username, cred.Password) },
	}
	check := func(name string, got fetched) {
		t.Helper()
		if got.status != want.status || got.refusal() != want.refusal() {
			t.Errorf("%s: %d %q, want %d %q", name, got.status, got.refusal(), want.status, want.refusal())
		}
	}
	for name, f := range cases {
		check(name, f())
	}
	// A disabled user's phone is refused alike, and served again after.
	s.ok(p.admin.UpdateUser(ctx, p.aliceID, client.UserUpdate{Enabled: client.Ptr(false)}))
	check("disabled user", fetch(t, base+"001565000010.cfg", cred.Username, cred.Password))
	s.ok(p.admin.UpdateUser(ctx, p.aliceID, client.UserUpdate{Enabled: client.Ptr(true)}))
	if f := fetch(t, base+"001565000010.cfg", cred.Username, cred.Password); f.status != 200 {
		t.Fatalf("enabled again: %d", f.status)
	}
	// Issued again: the old credential stops working. (Disabling ended
	// alice's sessions: her admin issues it.)
	again := ok(p.admin.ForUser(p.aliceID).IssuePhoneProvisioning(ctx, alicePhone))(s)
	check("revoked credential", fetch(t, base+"001565000010.cfg", cred.Username, cred.Password))
	if f := fetch(t, base+"001565000010.cfg", again.Username, again.Password); f.status != 200 {
		t.Fatalf("new credential: %d", f.status)
	}
}

// provisioningAudit checks that fetches and refusals are audited.
func provisioningAudit(t *testing.T, s *server, p people, alicePhone string) {
	logs := ok(p.admin.ListAuditLogs(context.Background(), &client.ListOptions{Filter: "object_id eq '" + alicePhone + "'", Top: 100}))(s)
	actions := map[string]int{}
	for _, e := range logs.Items {
		actions[e.Action]++
		if e.Action == "provisioning_fetch" && (e.SourceIP != "127.0.0.1" || e.Fields["file"] != "001565000010.cfg" || e.ObjectName != "alice") {
			t.Errorf("audit entry %+v", e)
		}
	}
	if actions["provisioning_fetch"] < 3 || actions["provisioning_refused"] < 3 || actions["issue_provisioning"] != 2 {
		t.Errorf("audit actions %v", actions)
	}
}

func TestProvisioningSoftphoneAndTemplates(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		ctx := context.Background()
		p := makePeople(s, "acme.example")
		qr := ok(p.alice.IssueSoftphone(ctx))(s)
		if !strings.HasSuffix(qr.URL, "/linphone.xml") || qr.ExpiresAt.Before(time.Now().Add(9*time.Minute)) {
			t.Fatalf("softphone %+v", qr)
		}
		first := fetch(t, qr.URL, "", "")
		if first.status != 200 || !strings.Contains(first.body, `<entry name="username" overwrite="true">201</entry>`) {
			t.Fatalf("linphone file %d %s", first.status, first.body)
		}
		if again := fetch(t, qr.URL, "", ""); again.status != 401 {
			t.Fatalf("second use: %d", again.status)
		}
		late := ok(p.alice.IssueSoftphone(ctx))(s)
		s.advance(11 * time.Minute)
		if f := fetch(t, late.URL, "", ""); f.status != 401 {
			t.Fatalf("expired: %d", f.status)
		}
		s.advance(-11 * time.Minute)

		// A tenant template replaces the built-in file of the phones that name it.
		id := ok(p.alice.Me().Phones().Create(ctx, phone("00:15:65:00:00:30", func(in *client.PhoneInput) {
			in.Vendor, in.Model, in.Filename = client.Ptr("Snom"), client.Ptr("D785"), client.Ptr("snom-custom.xml")
		})))(s)
		bad := p.admin.PutProvisioningTemplate(ctx, "snom-custom.xml", "Snom", "<settings><a>{{.Extension}}</settings>")
		if code, field := errField(t, bad); status(bad) != 400 || field != "body" {
			t.Fatalf("bad template: %d %s %s", status(bad), code, field)
		}
		wantStatus(t, p.alice.PutProvisioningTemplate(ctx, "snom-custom.xml", "Snom", "<settings/>"), 403, "a user's template")
		s.ok(p.admin.PutProvisioningTemplate(ctx, "snom-custom.xml", "Snom",
			`<settings><user_name idx="1">{{.Extension}}</user_name><user_pass idx="1">{{.Password}}</user_pass><custom>yes</custom></settings>`))
		cred := ok(p.alice.Me().IssuePhoneProvisioning(ctx, id))(s)
		f := fetch(t, cred.URL+"001565000030.xml", cred.Username, cred.Password)
		if f.status != 200 || !strings.Contains(f.body, "<custom>yes</custom>") || !strings.Contains(f.body, `<user_name idx="1">201</user_name>`) {
			t.Fatalf("templated file %d %s", f.status, f.body)
		}
		if l := ok(p.admin.ListProvisioningTemplates(ctx))(s); len(l) != 1 || l[0].Vendor != "Snom" || l[0].Body != "" {
			t.Fatalf("templates %+v", l)
		}
		s.ok(p.admin.DeleteProvisioningTemplate(ctx, "snom-custom.xml"))
		if f := fetch(t, cred.URL+"001565000030.xml", cred.Username, cred.Password); strings.Contains(f.body, "<custom>") || f.status != 200 {
			t.Fatalf("built-in again: %d", f.status)
		}
		// Removing the phone removes its credential.
		s.ok(p.alice.Me().Phones().Delete(ctx, id))
		if f := fetch(t, cred.URL+"001565000030.xml", cred.Username, cred.Password); f.status != 401 {
			t.Fatalf("removed phone: %d", f.status)
		}
		// Too many failures from one source: refused for a while.
		for range 25 {
			fetch(t, cred.URL+"001565000030.xml", cred.Username, "wrong")
		}
		if f := fetch(t, late.URL, "", ""); f.status != 429 {
			t.Fatalf("after 25 failures: %d", f.status)
		}
	})
}
