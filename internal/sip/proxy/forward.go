package proxy

import (
	"context"
	"strings"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Where a forward sends a call that is not an extension or a number.
const toVoicemail = "voicemail"

// divert records that the plan of the user at ext sends the call on to
// to (an extension, a number or toVoicemail) because of the setting
// that made the step: the legs from now on carry a Diversion header
// naming that user (RFC 5806, newest first), and the user gets a record
// of their own saying the call was forwarded, to whom and why. The
// user's record is not the call's: whoever answers (another user) gets
// that one. Outbound calls and hunt groups divert nobody.
func (p *Proxy) divert(c *call, ext, to, setting string) {
	reason := diversionReason(setting)
	c.diversions = append([]string{"<sip:" + ext + "@" + c.tenant.Domain + ">;reason=" + reason}, c.diversions...)
	defer func() { c.calleeNumber = to }()
	if c.callee == nil || c.callee.ExtensionNumber != ext {
		return
	}
	why := map[string]string{"no-answer": "NO_ANSWER", "user-busy": "BUSY", "unavailable": "UNAVAILABLE"}[reason]
	if to == toVoicemail {
		why = "VOICEMAIL"
	} else if why == "" {
		why = "FORWARD"
	}
	r := c.record(c.callee, p.now())
	r.EndReason, r.StatusCode, r.RerouteReason, r.Destination, r.AnsweredAt = "FORWARDED", 181, why, to, nil
	p.storeCDRs([]model.CDR{r})
	c.callee = nil
}

// diversionHeaders are the Diversion headers of the call's forwards so
// far, one value each, newest first (nil when none).
func (c *call) diversionHeaders() []sip.Header {
	var hs []sip.Header
	for _, v := range c.diversions {
		hs = append(hs, sip.NewHeader("Diversion", v))
	}
	return hs
}

// diversionReason is RFC 5806's reason for a forward made by the rule
// named setting (see routing: "busy_no_answer_forward_rule",
// "dnd_office_hours_forward_rule", ...).
func diversionReason(setting string) string {
	switch {
	case strings.Contains(setting, "no_answer"):
		return "no-answer"
	case strings.HasPrefix(setting, "busy"):
		return "user-busy"
	case strings.HasPrefix(setting, "dnd"):
		return "do-not-disturb"
	case strings.HasPrefix(setting, "offline"), strings.HasPrefix(setting, "network_unavailable"):
		return "unavailable"
	case strings.HasPrefix(setting, "away"), strings.HasPrefix(setting, "lunch"), strings.HasPrefix(setting, "trip"):
		return "away"
	}
	return "unconditional"
}

// nextHop makes the user at ext, to whom the previous plan forwarded
// the call, its callee: their record is the received call, with the
// original caller.
func (p *Proxy) nextHop(ctx context.Context, c *call, ext string) {
	c.calleeNumber = ext
	if u, err := p.router.UserByExtension(ctx, c.tenant.ID, ext); err == nil {
		c.callee = u
	}
}
