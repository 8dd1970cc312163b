package auth

import "time"

// LoginLimits bound password guessing: failed sign-ins add up per account
// and per source address over Window; reaching a limit locks that account
// or address for Lockout.
type LoginLimits struct {
	AccountLimit int
	SourceLimit  int
	Window       time.Duration
	Lockout      time.Duration
}

// DefaultLoginLimits: five failures lock an account, fifty lock an address
// (an office behind one NAT shares it), counted over fifteen minutes, for
// fifteen minutes.
var DefaultLoginLimits = LoginLimits{AccountLimit: 5, SourceLimit: 50, Window: 15 * time.Minute, Lockout: 15 * time.Minute}

// OrDefault returns l, or DefaultLoginLimits when any field is unset.
func (l LoginLimits) OrDefault() LoginLimits {
	if l.AccountLimit <= 0 || l.SourceLimit <= 0 || l.Window <= 0 || l.Lockout <= 0 {
		return DefaultLoginLimits
	}
	return l
}
