package forwarded

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestHandler(t *testing.T) {
	ps, err := Parse("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse("10.0.0.0/8,nonsense"); err == nil {
		t.Fatal("a bad range was taken")
	}
	for _, c := range []struct {
		name, peer, xff, proto string
		tls                    bool
		wantAddr               string
		wantSecure             bool
	}{
		{"untrusted peer: headers ignored", "203.0.113.9:5000", "198.51.100.1", "https", false, "203.0.113.9:5000", false},
		{"trusted proxy", "10.1.2.3:5000", "198.51.100.1", "https", false, "198.51.100.1:0", true},
		{"spoofed entry left of the client", "10.1.2.3:5000", "1.2.3.4, 198.51.100.1", "http", false, "198.51.100.1:0", false},
		{"chain of trusted proxies", "10.1.2.3:5000", "198.51.100.1, 192.0.2.7, 10.9.9.9", "https", false, "198.51.100.1:0", true},
		{"all trusted: the left-most", "10.1.2.3:5000", "10.0.0.5, 10.0.0.6", "", false, "10.0.0.5:0", false},
		{"garbage: the proxy stands", "10.1.2.3:5000", "not-an-ip", "", false, "10.1.2.3:5000", false},
		{"garbage further left", "10.1.2.3:5000", "x, 198.51.100.1", "", false, "198.51.100.1:0", false},
		{"nearest proxy's proto wins", "10.1.2.3:5000", "", "https, http", false, "10.1.2.3:5000", false},
		{"direct TLS", "203.0.113.9:5000", "", "", true, "203.0.113.9:5000", true},
		{"IPv6 client", "[::ffff:10.0.0.1]:5000", "2001:db8::1", "", false, "[2001:db8::1]:0", false},
	} {
		var gotAddr string
		var gotSecure bool
		h := ps.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			gotAddr, gotSecure = r.RemoteAddr, Secure(r)
		}))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		if c.tls {
			r.TLS = &tls.ConnectionState{}
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if gotAddr != c.wantAddr || gotSecure != c.wantSecure {
			t.Errorf("%s: %s secure %v, want %s secure %v", c.name, gotAddr, gotSecure, c.wantAddr, c.wantSecure)
		}
	}
}
