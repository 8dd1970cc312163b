// Package forwarded decides who an HTTP request comes from and whether
// it came over HTTPS, believing X-Forwarded-For and X-Forwarded-Proto
// only from the reverse proxies the operator trusts (--trusted-proxies).
// Its handler runs first, so that every later reader (sign-in limits,
// the audit log, the access log, Secure cookies) sees the same answer.
package forwarded

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the trusted proxies' address ranges.
type Proxies []netip.Prefix

// Parse reads a comma-separated list of CIDRs or single addresses.
func Parse(list string) (Proxies, error) {
	var out Proxies
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Trusted reports whether addr (an IP, without port) is a trusted proxy.
func (ps Proxies) Trusted(addr string) bool {
	a, err := netip.ParseAddr(strings.Trim(addr, "[]"))
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

type secureKey struct{}

// Handler rewrites a request that a trusted proxy passed on: its
// RemoteAddr becomes the client's (the right-most X-Forwarded-For entry
// that is not a trusted proxy), and an X-Forwarded-Proto of https (the
// nearest proxy's) makes Secure true. From anyone else both headers are
// ignored.
func (ps Proxies) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil || len(ps) == 0 || !ps.Trusted(host) {
			next.ServeHTTP(w, r)
			return
		}
		if client := ps.client(r.Header.Values("X-Forwarded-For")); client != "" {
			r.RemoteAddr = net.JoinHostPort(client, "0")
		}
		if protos := r.Header.Values("X-Forwarded-Proto"); len(protos) > 0 {
			last := protos[len(protos)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			if strings.EqualFold(strings.TrimSpace(last), "https") {
				r = r.WithContext(context.WithValue(r.Context(), secureKey{}, true))
			}
		}
		next.ServeHTTP(w, r)
	})
}

// client walks X-Forwarded-For from the right past the trusted proxies;
// "" when no entry is usable (then the proxy's own address stands).
func (ps Proxies) client(values []string) string {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	found := ""
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // what lies to the left of garbage cannot be believed
		}
		found = a.Unmap().String()
		if !ps.Trusted(found) {
			break
		}
	}
	return found
}

// Secure reports whether r reached the node over HTTPS: directly, or
// through a trusted proxy that said so.
func Secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	s, _ := r.Context().Value(secureKey{}).(bool)
	return s
}
