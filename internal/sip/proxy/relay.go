package proxy

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// relayVia is relay for a response to a request we forwarded as fwd: when
// the callee did not copy the Record-Route into its answer (some user
// agents do not), ours is added so in-dialog requests still pass the proxy.
func relayVia(req, fwd *sip.Request, res *sip.Response) *sip.Response {
	out := relay(req, res)
	flowContact(out, res.Source(), res.Transport())
	if out.GetHeader("Record-Route") == nil && res.StatusCode < 300 && res.StatusCode > 100 {
		sip.CopyHeaders("Record-Route", fwd, out)
	}
	return out
}

// relay turns a downstream response into the upstream one for req.
func relay(req *sip.Request, res *sip.Response) *sip.Response {
	out := sip.NewResponseFromRequest(req, res.StatusCode, res.Reason, res.Body())
	if to := res.To(); to != nil {
		out.RemoveHeader("To")
		sip.CopyHeaders("To", res, out)
	}
	for _, name := range []string{"Contact", "Content-Type", "Record-Route", "Allow", "Supported"} {
		for out.RemoveHeader(name) { // RemoveHeader takes one at a time
		}
		sip.CopyHeaders(name, res, out)
	}
	return out
}

// transportOf is the transport a URI asks for (UDP by default).
func transportOf(u *sip.Uri) string {
	if t, ok := u.UriParams.Get("transport"); ok && t != "" {
		return strings.ToUpper(t)
	}
	return "UDP"
}
