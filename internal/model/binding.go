package model

import "time"

// Binding is one registered contact of a user (RFC 3261 section 10.3).
// InstanceID keys it: the device's +sip.instance (with its reg-id) when it
// sends one (RFC 5626), else a digest of the contact URI.
type Binding struct {
	TenantID   string
	UserID     string
	InstanceID string
	Contact    string // the Contact header value as registered, with its parameters
	CallID     string
	CSeq       uint32
	ExpiresAt  time.Time
	Q          string
	UserAgent  string
	Source     string // ip:port the REGISTER came from
	Transport  string
	EnablePush bool
	CreatedAt  time.Time
}
