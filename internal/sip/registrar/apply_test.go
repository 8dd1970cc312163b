package registrar

import (
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

var t0 = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

func contact(uri string, expires int) Contact {
	return Contact{URI: uri, Value: "<" + uri + ">", Expires: expires}
}

func req(callID string, cseq uint32, expires int, cs ...Contact) *Request {
	return &Request{CallID: callID, CSeq: cseq, Expires: expires, Contacts: cs, Now: t0}
}

func keys(bs []model.Binding) map[string]time.Duration {
	out := map[string]time.Duration{}
	for _, b := range bs {
		out[b.Contact] = b.ExpiresAt.Sub(t0)
	}
	return out
}

func TestApply(t *testing.T) {
	lim := DefaultLimits
	a, b := contact("sip:201@192.0.2.1", -1), contact("sip:201@192.0.2.2", -1)
	one, _ := Apply(nil, req("c1", 1, 600, a), 10, lim)
	two, _ := Apply(one, req("c1", 2, 600, b), 10, lim)
	inst := func(c Contact, id, reg string) Contact { c.Instance, c.RegID = id, reg; return c }

	cases := []struct {
		name    string
		current []model.Binding
		r       *Request
		max     int
		status  int
		want    map[string]time.Duration
	}{
		{"query", two, req("c1", 3, -1), 10, 200, keys(two)},
		{"add with header expiry", nil, req("c1", 1, 600, a), 10, 200, map[string]time.Duration{"<sip:201@192.0.2.1>": 600 * time.Second}},
		{"default expiry", nil, req("c1", 1, -1, a), 10, 200, map[string]time.Duration{"<sip:201@192.0.2.1>": time.Hour}},
		{"contact parameter wins", nil, req("c1", 1, 600, contact("sip:201@192.0.2.1", 120)), 10, 200, map[string]time.Duration{"<sip:201@192.0.2.1>": 120 * time.Second}},
		{"clamped", nil, req("c1", 1, 999999, a), 10, 200, map[string]time.Duration{"<sip:201@192.0.2.1>": time.Hour}},
		{"too brief", two, req("c1", 3, 59, a), 10, 423, keys(two)},
		{"zero is not too brief", two, req("c1", 3, 0, a), 10, 200, map[string]time.Duration{"<sip:201@192.0.2.2>": 600 * time.Second}},
		{"remove unknown is harmless", two, req("c1", 3, 0, contact("sip:201@192.0.2.9", -1)), 10, 200, keys(two)},
		{"wildcard", two, req("c2", 1, 0, Contact{Wildcard: true, Expires: -1}), 10, 200, map[string]time.Duration{}},
		{"wildcard needs expires 0", two, req("c2", 1, 60, Contact{Wildcard: true, Expires: -1}), 10, 400, keys(two)},
		{"wildcard without expires", two, req("c2", 1, -1, Contact{Wildcard: true, Expires: -1}), 10, 400, keys(two)},
		{"wildcard alone", two, req("c2", 1, 0, Contact{Wildcard: true, Expires: -1}, a), 10, 400, keys(two)},
		{"wildcard old cseq", two, req("c1", 2, 0, Contact{Wildcard: true, Expires: -1}), 10, 400, keys(two)},
		{"same call-id, same cseq", two, req("c1", 2, 0, b), 10, 400, keys(two)},
		{"same call-id, lower cseq", two, req("c1", 1, 900, b), 10, 400, keys(two)},
		{"other call-id, any cseq", two, req("c9", 1, 900, b), 10, 200, map[string]time.Duration{"<sip:201@192.0.2.1>": 600 * time.Second, "<sip:201@192.0.2.2>": 900 * time.Second}},
		{"max reached", two, req("c1", 3, 600, contact("sip:201@192.0.2.3", -1)), 2, 403, keys(two)},
		{"refresh at max", two, req("c1", 3, 900, a), 2, 200, map[string]time.Duration{"<sip:201@192.0.2.1>": 900 * time.Second, "<sip:201@192.0.2.2>": 600 * time.Second}},
		{"swap at max", two, req("c1", 3, 600, contact("sip:201@192.0.2.1", 0), contact("sip:201@192.0.2.3", -1)), 2, 200,
			map[string]time.Duration{"<sip:201@192.0.2.2>": 600 * time.Second, "<sip:201@192.0.2.3>": 600 * time.Second}},
		{"refresh over a lowered max", two, req("c1", 3, 600, a), 1, 200, keys(two)},
		{"too many contacts", nil, req("c1", 1, 600, make([]Contact, MaxContacts+1)...), 100, 400, map[string]time.Duration{}},
	}
	for _, c := range cases {
		got, out := Apply(c.current, c.r, c.max, lim)
		if out.Status != c.status {
			t.Fatalf("%s: status %d (%s), want %d", c.name, out.Status, out.Reason, c.status)
		}
		g := keys(got)
		if len(g) != len(c.want) {
			t.Fatalf("%s: bindings %v, want %v", c.name, g, c.want)
		}
		for k, v := range c.want {
			if g[k] != v {
				t.Fatalf("%s: %s expires in %v, want %v (all: %v)", c.name, k, g[k], v, g)
			}
		}
		if c.status == 423 && out.MinExpires != 60 {
			t.Fatalf("%s: Min-Expires %d", c.name, out.MinExpires)
		}
	}

	// RFC 5626: the same instance from another address replaces its binding;
	// another reg-id of the instance is a second flow.
	p1 := inst(contact("sip:201@192.0.2.1:5060", -1), "<urn:uuid:1>", "1")
	p1moved := inst(contact("sip:201@192.0.2.1:6000", -1), "<urn:uuid:1>", "1")
	p1flow2 := inst(contact("sip:201@192.0.2.1:6001", -1), "<urn:uuid:1>", "2")
	s1, _ := Apply(nil, req("c1", 1, 600, p1), 10, lim)
	s2, _ := Apply(s1, req("c2", 1, 600, p1moved), 10, lim)
	if len(s2) != 1 || s2[0].Contact != "<sip:201@192.0.2.1:6000>" || s2[0].InstanceID != "urn:uuid:1;reg-id=1" || !s2[0].CreatedAt.Equal(t0) {
		t.Fatalf("moved instance: %+v", s2)
	}
	s3, _ := Apply(s2, req("c3", 1, 600, p1flow2), 10, lim)
	if len(s3) != 2 {
		t.Fatalf("second flow: %+v", s3)
	}
	// Nothing is written through the input slice.
	if len(one) != 1 || one[0].Contact != "<sip:201@192.0.2.1>" {
		t.Fatalf("Apply changed its input: %+v", one)
	}
}

func TestLifetime(t *testing.T) {
	lim := Limits{Min: time.Minute, Max: time.Hour, Default: 30 * time.Minute}
	for _, c := range []struct {
		name          string
		param, header int
		want          time.Duration
		ok            bool
	}{
		{"neither: the default", -1, -1, 30 * time.Minute, true},
		{"the header", -1, 120, 2 * time.Minute, true},
		{"the parameter wins", 300, 120, 5 * time.Minute, true},
		{"zero removes", 0, 600, 0, true},
		{"a zero header removes", -1, 0, 0, true},
		{"at the minimum", 60, -1, time.Minute, true},
		{"too brief", 59, -1, 0, false},
		{"clamped", 99999, -1, time.Hour, true},
	} {
		got, ok := lifetime(&Contact{Expires: c.param}, c.header, lim)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: %v %v, want %v %v", c.name, got, ok, c.want, c.ok)
		}
	}
}
