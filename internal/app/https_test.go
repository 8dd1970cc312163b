package app_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

const nodePassword = "node-Admin-Secret-42"

// selfSigned writes a certificate for 127.0.0.1 and its key; it returns
// their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "switchboard test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// startNode starts a node on a fresh database of kind with tune applied
// and returns its HTTP address.
func startNode(t *testing.T, kind string, tune func(*config.Config)) string {
	t.Helper()
	cfg := &config.Config{DataDir: t.TempDir(), DB: storetest.DSN(t, kind), HTTPAddr: "127.0.0.1:0", SIPAddr: "127.0.0.1:0", AdminPassword: nodePassword,
		LogLevel: "info", Login: config.LoginLimits{AccountLimit: 1000, SourceLimit: 100000, Window: time.Minute, Lockout: time.Minute}}
	tune(cfg)
	if err := cfg.Net.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Start(ctx, cfg, slog.New(slog.DiscardHandler), app.Options{HashParams: &auth.FastParams, Out: io.Discard})
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return a.HTTPAddr()
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([0-9a-f]{64})"`)

// portalSignIn signs in through the portal's form and returns the
// cookies set on the way (the CSRF cookie, then the session's).
func portalSignIn(t *testing.T, hc *http.Client, base string, header http.Header) []*http.Cookie {
	t.Helper()
	var set []*http.Cookie
	do := func(method, path string, body io.Reader) *http.Response {
		req, _ := http.NewRequest(method, base+path, body)
		for k, v := range header {
			req.Header[k] = v
		}
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		set = append(set, res.Cookies()...)
		return res
	}
	res := do("GET", "/login", nil)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on /login (%d)", res.StatusCode)
	}
	form := url.Values{"username": {"admin"}, "password": {nodePassword}, "_csrf": {string(m[1])}}
	res = do("POST", "/login", strings.NewReader(form.Encode()))
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
		t.Fatalf("portal sign-in: %d", res.StatusCode)
	}
	return set
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// TestHTTPS: with --http-tls-cert/--http-tls-key the node serves HTTPS
// (and not plain HTTP), and the portal's cookies are Secure.
func TestHTTPS(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			certFile, keyFile, pool := selfSigned(t)
			addr := startNode(t, kind, func(c *config.Config) { c.Net.HTTPTLSCert, c.Net.HTTPTLSKey = certFile, keyFile })
			jar, _ := cookiejar.New(nil)
			hc := &http.Client{Jar: jar, CheckRedirect: noRedirect, Timeout: 10 * time.Second,
				Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
			res, err := hc.Get("https://" + addr + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != 200 || res.TLS == nil {
				t.Fatalf("/healthz over HTTPS: %d", res.StatusCode)
			}
			if res, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + addr + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					t.Fatal("plain HTTP answered on the HTTPS port")
				}
			}
			cookies := portalSignIn(t, hc, "https://"+addr, nil)
			if len(cookies) < 3 {
				t.Fatalf("cookies set: %v", cookies)
			}
			for _, c := range cookies {
				if !c.Secure {
					t.Errorf("cookie %s over HTTPS is not Secure", c.Name)
				}
			}
		})
	}
}

// TestTrustedProxies: X-Forwarded-For and -Proto count from a trusted
// proxy only. Behind one, each client is locked out on its own address
// and cookies are Secure when the proxy says HTTPS; from an untrusted
// peer the headers change nothing.
func TestTrustedProxies(t *testing.T) {
	for _, kind := range storetest.Kinds() {
		t.Run(kind, func(t *testing.T) {
			tune := func(trust string) func(*config.Config) {
				return func(c *config.Config) {
					c.Login.SourceLimit = 3
					c.Net.TrustedProxies = trust
				}
			}
			behind := startNode(t, kind, tune("127.0.0.1/32"))
			direct := startNode(t, kind, tune("192.0.2.0/24"))
			hc := &http.Client{CheckRedirect: noRedirect, Timeout: 10 * time.Second}
			signIn := func(addr, from, password string) int {
				body := fmt.Sprintf(`{"username":"admin","password":%q}`, password)
				req, _ := http.NewRequest("POST", "http://"+addr+"/api/auth/sign_in", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", from)
				res, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			for i := 0; i < 3; i++ {
				for _, addr := range []string{behind, direct} {
					if st := signIn(addr, "198.51.100.1", "wrong"); st != 401 {
						t.Fatalf("bad password %d: %d", i, st)
					}
				}
			}
			if st := signIn(behind, "198.51.100.1", nodePassword); st != 429 {
				t.Fatalf("behind a proxy, the attacker's address after 3 failures: %d, want 429", st)
			}
			if st := signIn(behind, "198.51.100.2", nodePassword); st != 200 {
				t.Fatalf("behind a proxy, another client: %d, want 200", st)
			}
			if st := signIn(direct, "198.51.100.2", nodePassword); st != 429 {
				t.Fatalf("an untrusted peer's X-Forwarded-For was believed: %d, want 429 (its own address is locked)", st)
			}

			withJar := func() *http.Client {
				jar, _ := cookiejar.New(nil)
				return &http.Client{Jar: jar, CheckRedirect: noRedirect, Timeout: 10 * time.Second}
			}
			for _, c := range portalSignIn(t, withJar(), "http://"+behind, http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"198.51.100.3"}}) {
				if !c.Secure {
					t.Errorf("behind a TLS proxy, cookie %s is not Secure", c.Name)
				}
			}
			for _, c := range portalSignIn(t, withJar(), "http://"+behind, http.Header{"X-Forwarded-For": {"198.51.100.4"}}) {
				if c.Secure {
					t.Errorf("over plain HTTP, cookie %s is Secure (the browser would drop it)", c.Name)
				}
			}
		})
	}
}
