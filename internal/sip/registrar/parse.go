package registrar

import (
	"strconv"
	"strings"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/sip/digest"
	"github.com/switchboard-pbx/switchboard/internal/sip/transport"
)

// maxValueLen bounds a Contact value as stored.
const maxValueLen = 1024

// parse checks a REGISTER's headers and reads its contacts; the string is
// the reason phrase of a 400 ("" when the request is well formed).
func parse(req *sip.Request, now time.Time) (*Request, digest.AOR, string) {
	if len(req.Headers()) > transport.MaxHeaders {
		return nil, digest.AOR{}, "Too Many Headers"
	}
	to, from, callID, cseq := req.To(), req.From(), req.CallID(), req.CSeq()
	if to == nil || from == nil || callID == nil || cseq == nil || req.Via() == nil {
		return nil, digest.AOR{}, "Missing Mandatory Header"
	}
	if cseq.MethodName != sip.REGISTER {
		return nil, digest.AOR{}, "CSeq Method Mismatch"
	}
	a := digest.AOR{Ext: to.Address.User, Domain: strings.ToLower(to.Address.Host)}
	if a.Ext == "" || a.Domain == "" || len(a.Ext) > 64 || len(a.Domain) > 253 || (to.Address.Scheme != "sip" && to.Address.Scheme != "sips") {
		return nil, digest.AOR{}, "Bad Address Of Record"
	}
	if len(callID.Value()) > 256 {
		return nil, digest.AOR{}, "Call-ID Too Long"
	}
	r := &Request{CallID: callID.Value(), CSeq: cseq.SeqNo, Expires: -1, Source: req.Source(),
		Transport: strings.ToUpper(req.Transport()), Now: now}
	if h := req.GetHeader("Expires"); h != nil {
		v, ok := parseDelta(h.Value())
		if !ok {
			return nil, digest.AOR{}, "Bad Expires"
		}
		r.Expires = v
	}
	if h := req.GetHeader("User-Agent"); h != nil {
		r.UserAgent = clip(h.Value(), 256)
	}
	for _, h := range req.GetHeaders("Contact") {
		ch, ok := h.(*sip.ContactHeader)
		if !ok {
			return nil, digest.AOR{}, "Bad Contact"
		}
		if len(r.Contacts) == MaxContacts {
			return nil, digest.AOR{}, "Too Many Contacts"
		}
		c, bad := parseContact(ch)
		if bad != "" {
			return nil, digest.AOR{}, bad
		}
		r.Contacts = append(r.Contacts, c)
	}
	return r, a, ""
}

// parseContact reads one Contact value; the string is the reason phrase
// of a 400 ("" when the value is well formed).
func parseContact(ch *sip.ContactHeader) (Contact, string) {
	c := Contact{Expires: -1, Wildcard: ch.Address.Wildcard}
	if !c.Wildcard {
		if ch.Address.Host == "" {
			return c, "Bad Contact"
		}
		c.URI = ch.Address.String()
	}
	if v, ok := ch.Params.Get("expires"); ok {
		d, ok := parseDelta(v)
		if !ok {
			return c, "Bad Contact Expires"
		}
		c.Expires = d
	}
	c.Instance, _ = ch.Params.Get("+sip.instance")
	c.Instance = strings.Trim(c.Instance, `"`)
	c.RegID, _ = ch.Params.Get("reg-id")
	if c.Q, _ = ch.Params.Get("q"); c.Q != "" {
		if f, err := strconv.ParseFloat(c.Q, 64); err != nil || f < 0 || f > 1 || len(c.Q) > 5 {
			return c, "Bad Contact q"
		}
	}
	c.Push = ch.Params.Has("pn-provider")
	stored := ch.Clone()
	stored.Params.Remove("expires")
	c.Value = stored.Value()
	if len(c.Value) > maxValueLen || len(c.Instance) > 200 || len(c.RegID) > 10 {
		return c, "Contact Too Long"
	}
	return c, ""
}

// parseDelta reads delta-seconds; huge values saturate.
func parseDelta(v string) (int, bool) {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 20 || strings.Trim(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n > 1<<31-1 {
		return 1<<31 - 1, true
	}
	return int(n), true
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
