package auth

import "time"

// LoginLimits bound password guessing. Failed sign-ins add up over
// Window per source address, per account and address, and per account.
// SourceLimit failures from an address lock it out for Lockout;
// AccountLimit failures on one account from one address lock that
// address out of that account. Past AccountLimit failures on an account
// from anywhere, its sign-ins are only slowed: each waits Delay, doubled
// for every further failure, at most MaxDelayFactor times Delay, so
// nobody can lock the owner out.
type LoginLimits struct {
	AccountLimit int
	SourceLimit  int
	Window       time.Duration
	Lockout      time.Duration
	Delay        time.Duration
}

// MaxDelayFactor bounds the slow-down: at most this many times Delay.
const MaxDelayFactor = 16

// DefaultLoginDelay is the first slow-down of an account under attack.
const DefaultLoginDelay = time.Second

// DefaultLoginLimits: five failures on an account from one address lock
// that address out of it, fifty lock an address (an office behind one
// NAT shares it), counted over fifteen minutes, for fifteen minutes; past
// five failures from anywhere the account's sign-ins wait 1 s, doubling
// up to 16 s.
var DefaultLoginLimits = LoginLimits{AccountLimit: 5, SourceLimit: 50, Window: 15 * time.Minute, Lockout: 15 * time.Minute, Delay: DefaultLoginDelay}

// OrDefault returns l, or DefaultLoginLimits when any limit is unset (a
// zero Delay alone takes the default delay).
func (l LoginLimits) OrDefault() LoginLimits {
	if l.AccountLimit <= 0 || l.SourceLimit <= 0 || l.Window <= 0 || l.Lockout <= 0 {
		return DefaultLoginLimits
	}
	if l.Delay <= 0 {
		l.Delay = DefaultLoginDelay
	}
	return l
}

// SlowDown is the wait before a sign-in on an account with failures
// failed attempts in the window: none up to AccountLimit, then Delay
// doubling with each further failure, at most MaxDelayFactor×Delay.
func (l LoginLimits) SlowDown(failures int) time.Duration {
	over := failures - l.AccountLimit
	if over < 0 {
		return 0
	}
	d := l.Delay
	for i := 0; i < over && d < MaxDelayFactor*l.Delay; i++ {
		d *= 2
	}
	return min(d, MaxDelayFactor*l.Delay)
}
