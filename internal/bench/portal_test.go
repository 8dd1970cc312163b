package bench

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"slices"
	"testing"
	"time"
)

var csrfField = regexp.MustCompile(`name="_csrf" value="([0-9a-f]{64})"`)

// benchPortalUsers signs in to the portal as the tenant's admin and
// loads Users pages over 100,000 users: the first page in two orders,
// a search, and a page deep in the list; p50 and p95 of each load.
func benchPortalUsers(b *testing.B, n *node) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(n.base + "/login")
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindStringSubmatch(string(raw))
	if m == nil {
		b.Fatal("no CSRF token on the sign-in page")
	}
	res, err = c.PostForm(n.base+"/login", url.Values{"_csrf": {m[1]}, "username": {"boss"}, "password": {bossPassword}, "domain": {domain}})
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("portal sign-in: %v %v", res.StatusCode, err)
	}
	res.Body.Close()
	pages := []string{"/users", "/users?orderby=display_name", "/users?search=" + url.QueryEscape("noemie rossi"), "/users?orderby=name&skip=50000"}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		res, err := c.Get(n.base + pages[i%len(pages)])
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		lat = append(lat, time.Since(start))
		if os.Getenv("BENCH_VERBOSE") != "" {
			b.Logf("%s %v", pages[i%len(pages)], time.Since(start))
		}
		if res.StatusCode != 200 {
			b.Fatalf("%s: %d", pages[i%len(pages)], res.StatusCode)
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
}
