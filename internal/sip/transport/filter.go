package transport

import (
	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
)

// readFilter drops, before parsing, what an ignored source sends (nil
// data is sipgo's "drop it").
func (t *Transport) readFilter(p sip.TransportReadProps, data []byte) ([]byte, error) {
	if p.RemoteAddr != nil && t.guard.Banned(guard.SourceIP(p.RemoteAddr.String()), t.now()) {
		return nil, nil
	}
	return data, nil
}
