package e2e

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"

	"github.com/emiago/sipgo/sip"
)

// sipTenant makes a tenant with users 201 and 202 that have known SIP
// passwords; it returns the Admin's token and the users' ids.
func sipTenant(s *server, domain string) (admin, id201, id202 string) {
	s.t.Helper()
	_, admin = s.tenant(domain)
	id201 = s.createUser(admin, map[string]any{"name": "alice", "email": "alice@" + domain, "extension_number": "201",
		"password": "Alice-password-1", "extension_password": "Sip-secret-201"})
	id202 = s.createUser(admin, map[string]any{"name": "bob", "email": "bob@" + domain, "extension_number": "202",
		"password": "Bob-password-1", "extension_password": "Sip-secret-202"})
	return admin, id201, id202
}

func registrations(t *testing.T, s *server, token, userID string) (string, []map[string]any) {
	t.Helper()
	m := s.must(200, "GET", "/api/users/"+userID+"/status", token, nil).JSON(t)
	raw, _ := m["registration"].([]any)
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i] = r.(map[string]any)
	}
	return m["status"].(string), out
}

func TestSIPRegister(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, _ := sipTenant(s, "acme.example")
		for _, network := range []string{"udp", "tcp"} {
			ua := s.newUA(network, "201", "acme.example", "Sip-secret-201")
			contact := ua.localContact("201")
			// The challenge offers SHA-256 first, then MD5, with qop=auth.
			res := ua.raw(ua.request("Contact: "+contact, "Expires: 300"), 3*time.Second)
			if res == nil || res.StatusCode != 401 {
				t.Fatalf("%s: first REGISTER: %v", network, res)
			}
			ch := challenges(res)
			if len(ch) != 2 || param(ch[0], "algorithm") != "SHA-256" || param(ch[1], "algorithm") != "MD5" ||
				param(ch[0], "qop") != "auth" || param(ch[0], "realm") != "acme.example" {
				t.Fatalf("%s: challenges %v", network, ch)
			}
			res = ua.raw(ua.request("Contact: "+contact, "Expires: 300", ua.authorization(ch[0], "201", "Sip-secret-201")), 3*time.Second)
			if res == nil || res.StatusCode != 200 {
				t.Fatalf("%s: authenticated REGISTER: %v", network, res)
			}
			if res.GetHeader("Date") == nil {
				t.Fatalf("%s: 200 without Date", network)
			}
			exp := contactExpiries(t, res)
			if len(exp) != 1 || exp[strings.Trim(contact, "<>")] < 298 || exp[strings.Trim(contact, "<>")] > 300 {
				t.Fatalf("%s: bindings in the 200: %v", network, exp)
			}
			// Unregister again.
			if res := ua.register("Contact: "+contact, "Expires: 0"); res.StatusCode != 200 || len(res.GetHeaders("Contact")) != 0 {
				t.Fatalf("%s: unregister: %v", network, res)
			}
		}

		// MD5 works too; the status API shows the device.
		ua := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		ua.algorithm = "MD5"
		contact := ua.localContact("201")
		if res := ua.register("Contact: "+contact+`;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000000000001>"`, "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("MD5 register: %v", res)
		}
		status, regs := registrations(t, s, admin, id201)
		if status != "ONLINE" || len(regs) != 1 || regs[0]["instance_id"] != "urn:uuid:00000000-0000-1000-8000-000000000001" ||
			regs[0]["user_agent"] != "switchboard-test" || regs[0]["ip"] != "127.0.0.1" || regs[0]["contact_address"] != strings.Trim(contact, "<>") {
			t.Fatalf("status %s %v", status, regs)
		}
		alice := s.signIn("alice", "Alice-password-1", "acme.example")
		if m := s.must(200, "GET", "/api/user/status", alice, nil).JSON(t); m["status"] != "ONLINE" {
			t.Fatalf("self status: %v", m)
		}

		// A query (no Contact) lists without changing anything.
		q := ua.register()
		if q.StatusCode != 200 || len(contactExpiries(t, q)) != 1 {
			t.Fatalf("query: %v", q)
		}

		// The same phone from a new port replaces its binding (RFC 5626).
		ua2 := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		if res := ua2.register("Contact: "+ua2.localContact("201")+`;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000000000001>"`, "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("re-register from a new port: %v", res)
		}
		if _, regs := registrations(t, s, admin, id201); len(regs) != 1 || regs[0]["contact_address"] != strings.Trim(ua2.localContact("201"), "<>") {
			t.Fatalf("after the new port: %v", regs)
		}

		// destroy_status removes it; an unknown instance is 404.
		s.must(404, "POST", "/api/users/"+id201+"/status/urn:uuid:nope/destroy_status", admin, nil)
		s.must(204, "POST", "/api/users/"+id201+"/status/urn:uuid:00000000-0000-1000-8000-000000000001/destroy_status", admin, nil)
		if status, regs := registrations(t, s, admin, id201); status != "OFFLINE" || len(regs) != 0 {
			t.Fatalf("after destroy_status: %s %v", status, regs)
		}

		// OPTIONS keepalives are answered.
		opt := fmt.Sprintf("OPTIONS sip:acme.example SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bKopt%s\r\nMax-Forwards: 70\r\nFrom: <sip:201@acme.example>;tag=1\r\nTo: <sip:acme.example>\r\nCall-ID: opt-%s\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
			ua.conn.LocalAddr(), randHex(4), randHex(4))
		if res := ua.raw(opt, 3*time.Second); res == nil || res.StatusCode != 200 {
			t.Fatalf("OPTIONS: %v", res)
		}
	})
}

func TestSIPExpiryRules(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, _ := sipTenant(s, "acme.example")
		ua := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		c1 := ua.localContact("201")
		c2 := fmt.Sprintf("<sip:201@192.0.2.7:5062>")

		// Below the minimum: 423 with Min-Expires, nothing stored.
		res := ua.register("Contact: "+c1, "Expires: 30")
		if res.StatusCode != 423 || res.GetHeader("Min-Expires") == nil || res.GetHeader("Min-Expires").Value() != "60" {
			t.Fatalf("short expiry: %v", res)
		}
		if _, regs := registrations(t, s, admin, id201); len(regs) != 0 {
			t.Fatalf("a refused REGISTER stored %v", regs)
		}
		// Above the maximum: clamped. The contact parameter wins over the header.
		res = ua.register("Contact: "+c1+";expires=99999", "Contact: "+c2, "Expires: 120")
		exp := contactExpiries(t, res)
		if res.StatusCode != 200 || exp[strings.Trim(c1, "<>")] != 3600 || exp["sip:201@192.0.2.7:5062"] < 119 || exp["sip:201@192.0.2.7:5062"] > 120 {
			t.Fatalf("clamp and parameter: %v %v", res.StartLine(), exp)
		}
		// No expiry given anywhere: the default (3600).
		res = ua.register("Contact: " + c2)
		if exp := contactExpiries(t, res); exp["sip:201@192.0.2.7:5062"] != 3600 {
			t.Fatalf("default expiry: %v", exp)
		}

		// The same Call-ID with a CSeq not higher changes nothing.
		ua.cseq -= 3
		stale := ua.register("Contact: "+c2, "Expires: 0")
		if stale.StatusCode != 400 {
			t.Fatalf("old CSeq: %v", stale)
		}
		ua.cseq += 10
		if _, regs := registrations(t, s, admin, id201); len(regs) != 2 {
			t.Fatalf("an out-of-order REGISTER changed the bindings: %v", regs)
		}

		// Wildcard: only alone and with Expires: 0.
		for _, bad := range [][]string{{"Contact: *", "Expires: 10"}, {"Contact: *"}, {"Contact: *", "Contact: " + c1, "Expires: 0"}} {
			if res := ua.register(bad...); res.StatusCode != 400 {
				t.Fatalf("wildcard %v: %v", bad, res)
			}
		}
		if _, regs := registrations(t, s, admin, id201); len(regs) != 2 {
			t.Fatalf("a bad wildcard changed the bindings: %v", regs)
		}
		if res := ua.register("Contact: *", "Expires: 0"); res.StatusCode != 200 || len(res.GetHeaders("Contact")) != 0 {
			t.Fatalf("wildcard removal: %v", res)
		}
		if status, regs := registrations(t, s, admin, id201); status != "OFFLINE" || len(regs) != 0 {
			t.Fatalf("after wildcard: %s %v", status, regs)
		}

		// Bindings expire on time.
		if res := ua.register("Contact: "+c1, "Expires: 60"); res.StatusCode != 200 {
			t.Fatalf("register: %v", res)
		}
		s.advance(61 * time.Second)
		if status, regs := registrations(t, s, admin, id201); status != "OFFLINE" || len(regs) != 0 {
			t.Fatalf("after expiry: %s %v", status, regs)
		}
	})
}

func TestSIPMaxBindings(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, _ := sipTenant(s, "acme.example")
		s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"max_bindings": 2})
		ua := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		contact := func(i int) string { return fmt.Sprintf("<sip:201@192.0.2.%d:5060>", i) }
		for i := 1; i <= 2; i++ {
			if res := ua.register("Contact: "+contact(i), "Expires: 600"); res.StatusCode != 200 {
				t.Fatalf("binding %d: %v", i, res)
			}
		}
		// One too many: refused, the old ones kept.
		if res := ua.register("Contact: "+contact(3), "Expires: 600"); res.StatusCode != 403 {
			t.Fatalf("third binding: %v", res)
		}
		// Two new ones at once where one old one goes: allowed.
		if res := ua.register("Contact: "+contact(1)+";expires=0", "Contact: "+contact(3), "Expires: 600"); res.StatusCode != 200 {
			t.Fatalf("swap: %v", res)
		}
		_, regs := registrations(t, s, admin, id201)
		if len(regs) != 2 {
			t.Fatalf("bindings: %v", regs)
		}
		// Refreshing existing bindings always works.
		if res := ua.register("Contact: "+contact(2), "Expires: 900"); res.StatusCode != 200 {
			t.Fatalf("refresh: %v", res)
		}
		// A REGISTER with more Contacts than allowed at all is refused whole.
		var many []string
		for i := 10; i < 15; i++ {
			many = append(many, "Contact: "+contact(i))
		}
		if res := ua.register(append(many, "Expires: 600")...); res.StatusCode != 403 {
			t.Fatalf("five at once: %v", res)
		}
		if _, regs := registrations(t, s, admin, id201); len(regs) != 2 {
			t.Fatalf("after refusals: %v", regs)
		}
	})
}

// TestSIPSameAnswerForEveryFailure: unknown extension, disabled user and
// wrong password get the same challenge; failures are logged with the
// source, and a source that keeps failing is ignored.
func TestSIPFailures(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			s := startServerWith(t, storetest.DSN(t, kind), func(c *config.Config) {
				c.SIP = config.DefaultSIPSettings
				c.SIP.FailLimit = 6
			}, nil)
			admin, _, id202 := sipTenant(s, "acme.example")
			s.must(204, "POST", "/api/users/"+id202, admin, map[string]any{"enabled": false})
			var shapes []string
			for _, c := range []struct{ ext, pw, user string }{
				{"201", "wrong-password", "201"},  // wrong password
				{"299", "Sip-secret-201", "299"},  // unknown extension
				{"202", "Sip-secret-202", "202"},  // disabled user
				{"201", "Sip-secret-202", "202"},  // someone else's credentials for 201
				{"201", "Sip-secret-201", "201x"}, // auth user not the AOR
			} {
				ua := s.newUA("udp", c.ext, "acme.example", c.pw)
				contact := ua.localContact(c.ext)
				first := ua.raw(ua.request("Contact: "+contact, "Expires: 300"), 3*time.Second)
				res := ua.raw(ua.request("Contact: "+contact, "Expires: 300", ua.authorization(ua.pick(first), c.user, c.pw)), 3*time.Second)
				if res == nil {
					t.Fatalf("%v: no answer", c)
				}
				shapes = append(shapes, summarize(first)+" / "+summarize(res))
			}
			for i := range shapes {
				if shapes[i] != shapes[0] {
					t.Fatalf("answers differ:\n%s\n%s", shapes[0], shapes[i])
				}
			}
			if !strings.HasPrefix(shapes[0], "401 [SHA-256 MD5]") {
				t.Fatalf("answer: %s", shapes[0])
			}
			// Each failure is one parseable log line naming the source.
			lines := 0
			for _, l := range strings.Split(s.logs.String(), "\n") {
				if !strings.Contains(l, "sip authentication failed") {
					continue
				}
				var e struct {
					Source, AOR, Reason string
				}
				if err := json.Unmarshal([]byte(l), &e); err != nil || !strings.HasPrefix(e.Source, "127.0.0.1:") || e.Reason == "" || !strings.HasPrefix(e.AOR, "sip:") {
					t.Fatalf("failure line: %s (%v)", l, err)
				}
				lines++
			}
			if lines != 5 {
				t.Fatalf("%d failure lines, want 5", lines)
			}
			// The sixth failure bans the source: even the right password then gets no answer.
			ua := s.newUA("udp", "201", "acme.example", "wrong")
			_ = ua.register("Contact: "+ua.localContact("201"), "Expires: 300")
			good := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
			if res := good.raw(good.request("Contact: "+good.localContact("201"), "Expires: 300"), 700*time.Millisecond); res != nil {
				t.Fatalf("a banned source got an answer: %v", res.StartLine())
			}
			if !strings.Contains(s.logs.String(), "sip source ignored after repeated failures") {
				t.Fatal("no log line for the ban")
			}
		})
	}
}

// summarize is the comparable part of an answer: status, offered
// algorithms, staleness (never the nonces).
func summarize(res *sip.Response) string {
	if res == nil {
		return "no answer"
	}
	var algs []string
	stale := false
	for _, c := range challenges(res) {
		algs = append(algs, param(c, "algorithm"))
		stale = stale || strings.Contains(c, "stale=true")
	}
	return fmt.Sprintf("%d %v stale=%v", res.StatusCode, algs, stale)
}

func TestSIPNonces(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, _, _ := sipTenant(s, "acme.example")
		ua := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		contact := "Contact: " + ua.localContact("201")
		first := ua.raw(ua.request(contact), 3*time.Second)
		ch := ua.pick(first)
		ua.nc = 0
		auth := ua.authorization(ch, "201", "Sip-secret-201")
		if res := ua.raw(ua.request(contact, auth), 3*time.Second); res.StatusCode != 200 {
			t.Fatalf("register: %v", res)
		}
		// The same nonce count again: asked again, marked stale.
		if res := ua.raw(ua.request(contact, auth), 3*time.Second); summarize(res) != "401 [SHA-256 MD5] stale=true" {
			t.Fatalf("replayed nonce count: %s", summarize(res))
		}
		// The next count of the same nonce is fine.
		if res := ua.raw(ua.request(contact, ua.authorization(ch, "201", "Sip-secret-201")), 3*time.Second); res.StatusCode != 200 {
			t.Fatalf("next nonce count: %v", res)
		}
		// An expired nonce with the right password: stale=true, not a failure.
		s.advance(6 * time.Minute)
		if res := ua.raw(ua.request(contact, ua.authorization(ch, "201", "Sip-secret-201")), 3*time.Second); summarize(res) != "401 [SHA-256 MD5] stale=true" {
			t.Fatalf("expired nonce: %s", summarize(res))
		}
		// A nonce the server never issued fails.
		forged := strings.Replace(ch, param(ch, "nonce"), "bm90LWEtbm9uY2U", 1)
		if res := ua.raw(ua.request(contact, ua.authorization(forged, "201", "Sip-secret-201")), 3*time.Second); summarize(res) != "401 [SHA-256 MD5] stale=false" {
			t.Fatalf("forged nonce: %s", summarize(res))
		}
		// A tenant can switch MD5 off: one SHA-256 challenge, MD5 answers fail.
		tenants := s.must(200, "GET", "/api/tenants?filter="+urlq("domain eq 'acme.example'"), s.adminToken(), nil).JSON(t)["items"].([]any)
		tid := tenants[0].(map[string]any)["id"].(string)
		s.must(204, "POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"sip_digest": "SHA256_ONLY"})
		wantInvalid(t, s.do("POST", "/api/tenants/"+tid, s.adminToken(), map[string]any{"sip_digest": "MD4"}).Err(), "sip_digest")
		s.advance(6 * time.Second) // challenges reuse the setting for up to 5 s
		md5 := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		res := md5.raw(md5.request("Contact: "+md5.localContact("201")), 3*time.Second)
		if summarize(res) != "401 [SHA-256] stale=false" {
			t.Fatalf("SHA-256 only: %s", summarize(res))
		}
		md5Challenge := strings.Replace(challenges(res)[0], "algorithm=SHA-256", "algorithm=MD5", 1)
		if res := md5.raw(md5.request("Contact: "+md5.localContact("201"), md5.authorization(md5Challenge, "201", "Sip-secret-201")), 3*time.Second); res.StatusCode != 401 {
			t.Fatalf("MD5 answer to a SHA-256-only tenant: %v", res)
		}
		_ = admin
	})
}

func urlq(s string) string { return strings.NewReplacer(" ", "%20", "'", "%27").Replace(s) }

// TestSIPBindingsFollowTheUser: a disabled user's bindings go and its
// REGISTERs are refused; a destroyed user's go with it.
func TestSIPBindingsFollowTheUser(t *testing.T) {
	eachDB(t, func(t *testing.T, s *server) {
		admin, id201, id202 := sipTenant(s, "acme.example")
		a := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
		b := s.newUA("udp", "202", "acme.example", "Sip-secret-202")
		for _, ua := range []*sipUA{a, b} {
			if res := ua.register("Contact: "+ua.localContact(ua.ext), "Expires: 600"); res.StatusCode != 200 {
				t.Fatalf("register %s: %v", ua.ext, res)
			}
		}
		s.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"enabled": false})
		if status, regs := registrations(t, s, admin, id201); status != "OFFLINE" || len(regs) != 0 {
			t.Fatalf("disabled user's bindings: %s %v", status, regs)
		}
		if res := a.register("Contact: "+a.localContact("201"), "Expires: 600"); res.StatusCode != 401 {
			t.Fatalf("disabled user's REGISTER: %v", res)
		}
		s.must(204, "POST", "/api/users/"+id202+"/destroy", admin, nil)
		var n int
		if err := s.app.Store().DB().QueryRow(`SELECT COUNT(*) FROM sip_bindings`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("bindings left after destroy: %d %v", n, err)
		}
	})
}

// TestSIPBindingsSurviveRestart: bindings are in the database.
func TestSIPBindingsSurviveRestart(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			dsn := storetest.DSN(t, kind)
			dir := t.TempDir()
			start := func() (*app.App, context.CancelFunc, chan error) {
				cfg := &config.Config{DataDir: dir, DB: dsn, HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0", AdminPassword: adminPassword,
					LogLevel: "info", Login: config.LoginLimits{AccountLimit: 100, SourceLimit: 1000, Window: time.Minute, Lockout: time.Minute},
					SIP: config.DefaultSIPSettings}
				ctx, cancel := context.WithCancel(context.Background())
				a, err := app.Start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{HashParams: &auth.FastParams, Out: io.Discard})
				if err != nil {
					t.Fatal(err)
				}
				done := make(chan error, 1)
				go func() { done <- a.Serve(ctx) }()
				return a, cancel, done
			}
			a, cancel, done := start()
			s := &server{t: t, base: "http://" + a.HTTPAddr(), logs: &syncBuffer{}, app: a, client: &http.Client{Timeout: 10 * time.Second}}
			admin, id201, _ := sipTenant(s, "acme.example")
			ua := s.newUA("tcp", "201", "acme.example", "Sip-secret-201")
			if res := ua.register("Contact: <sip:201@192.0.2.1:5060>", "Expires: 600"); res.StatusCode != 200 {
				t.Fatalf("register: %v", res)
			}
			s.client.CloseIdleConnections()
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			a2, cancel2, done2 := start()
			defer func() { cancel2(); <-done2 }()
			s2 := &server{t: t, base: "http://" + a2.HTTPAddr(), logs: &syncBuffer{}, app: a2, client: &http.Client{Timeout: 10 * time.Second}}
			defer s2.client.CloseIdleConnections()
			admin = s2.signIn("boss", "boss-Password-1", "acme.example")
			if status, regs := registrations(t, s2, admin, id201); status != "ONLINE" || len(regs) != 1 || regs[0]["contact_address"] != "sip:201@192.0.2.1:5060" {
				t.Fatalf("after restart: %s %v", status, regs)
			}
		})
	}
}

// TestSIPMaxBindingsAcrossNodes: two nodes on one PostgreSQL database get
// REGISTERs for one user at once; max_bindings holds.
func TestSIPMaxBindingsAcrossNodes(t *testing.T) {
	dsn := storetest.DSN(t, "postgres")
	n1 := startServer(t, dsn)
	n2 := startServer(t, dsn)
	admin, id201, _ := sipTenant(n1, "acme.example")
	n1.must(204, "POST", "/api/users/"+id201, admin, map[string]any{"max_bindings": 3})
	const phones = 12
	results := make([]int, phones)
	var wg sync.WaitGroup
	for i := 0; i < phones; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			node := n1
			if i%2 == 1 {
				node = n2
			}
			ua := dialUA(t, node.app.SIPAddr(), "udp", "201", "acme.example", "Sip-secret-201")
			res := ua.register(fmt.Sprintf("Contact: <sip:201@198.51.100.%d:5060>", i+1), "Expires: 600")
			results[i] = res.StatusCode
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, code := range results {
		switch code {
		case 200:
			ok++
		case 403:
		default:
			t.Fatalf("unexpected answer %d in %v", code, results)
		}
	}
	_, regs := registrations(t, n2, admin, id201)
	if ok != 3 || len(regs) != 3 {
		t.Fatalf("%d accepted, %d bindings (answers %v), want 3 and 3", ok, len(regs), results)
	}
}

// TestSIPMalformed: bad messages get 400 or nothing, and the registrar
// keeps answering.
func TestSIPMalformed(t *testing.T) {
	s := startServer(t, "")
	sipTenant(s, "acme.example")
	ua := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
	for _, bad := range []string{
		"REGISTER sip:acme.example SIP/2.0\r\n\r\n",
		"garbage\r\n\r\n",
		strings.Replace(ua.request("Contact: <sip:201@192.0.2.1>"), "To: <sip:201@acme.example>", "To: <sip:@acme.example>", 1),
		strings.Replace(ua.request("Contact: <sip:201@192.0.2.1>"), "CSeq: ", "CSeq: x", 1),
		ua.request("Contact: <sip:201@192.0.2.1>", "Expires: soon"),
		ua.request("Contact: <sip:201@192.0.2.1>;expires=-5"),
		ua.request("Contact: <sip:201@192.0.2.1>;q=7"),
		ua.request(strings.Repeat("X-Pad: 1\r\n", 70) + "Contact: <sip:201@192.0.2.1>"),
		ua.request("Contact: <sip:201@192.0.2.1>", "Authorization: Digest username=\"201\", nonce=\"unterminated"),
		ua.request("Contact: <sip:201@192.0.2.1>\r\nX-Big: " + strings.Repeat("a", 9000)),
	} {
		res := ua.raw(bad, 500*time.Millisecond)
		if res != nil && res.StatusCode != 400 && res.StatusCode != 401 {
			t.Fatalf("malformed message answered %v:\n%.200s", res.StartLine(), bad)
		}
	}
	ua2 := s.newUA("udp", "201", "acme.example", "Sip-secret-201")
	if res := ua2.register("Contact: "+ua2.localContact("201"), "Expires: 300"); res.StatusCode != 200 {
		t.Fatalf("after malformed messages: %v", res)
	}
}

// startTLSServer starts a node on dbURL with SIP over TLS too, with a
// fresh self-signed certificate for sip.acme.example and 127.0.0.1; it
// returns the node and the certificate (DER).
func startTLSServer(t *testing.T, dbURL string) (*server, []byte) {
	t.Helper()
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "sip.acme.example"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{"sip.acme.example"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	s := startServerWith(t, dbURL, func(c *config.Config) {
		c.SIP = config.DefaultSIPSettings
		c.SIP.TLSCert, c.SIP.TLSKey, c.SIP.TLSAddr = certFile, keyFile, "127.0.0.1:0"
	}, nil)
	return s, der
}

// TestSIPOverTLS: with a certificate and key, the registrar also listens
// for SIP over TLS.
func TestSIPOverTLS(t *testing.T) {
	s, der := startTLSServer(t, "")
	admin, id201, _ := sipTenant(s, "acme.example")
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	c, err := tls.Dial("tcp", s.app.SIPTLSAddr(), &tls.Config{RootCAs: pool, ServerName: "sip.acme.example"})
	if err != nil {
		t.Fatalf("TLS dial: %v", err)
	}
	defer c.Close()
	ua := &sipUA{t: t, conn: c, rd: bufio.NewReader(c), network: "tls", ext: "201", domain: "acme.example",
		password: "Sip-secret-201", callID: randHex(8) + "@tls", algorithm: "SHA-256"}
	if res := ua.register("Contact: <sip:201@192.0.2.9:5061;transport=tls>", "Expires: 300"); res.StatusCode != 200 {
		t.Fatalf("register over TLS: %v", res)
	}
	if status, regs := registrations(t, s, admin, id201); status != "ONLINE" || len(regs) != 1 {
		t.Fatalf("after TLS register: %s %v", status, regs)
	}
}
