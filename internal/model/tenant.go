package model

import "time"

// SystemTenantDomain is the SIP domain of the system tenant, which holds the
// SystemAdmin accounts. Sign-in may leave the domain out for it.
const SystemTenantDomain = "system.local"

// Tenant is one customer account with its own SIP domain.
type Tenant struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Domain   string    `json:"domain"`
	Enabled  bool      `json:"enabled"`
	TimeZone string    `json:"time_zone"`
	System   bool      `json:"system"`
	Created  time.Time `json:"created_at"`
	// OTPRequired makes two-factor login the default for the tenant's users.
	OTPRequired bool `json:"otp_required"`
	// SIPDigest is the digest algorithms the registrar offers, in order.
	SIPDigest string `json:"sip_digest" enum:"SHA256_THEN_MD5,MD5_THEN_SHA256,SHA256_ONLY,MD5_ONLY"`
	// OfficeHours is the week users with office_hours.mode GLOBAL follow.
	OfficeHours WeekHours `json:"office_hours"`
	// CountryCode is the tenant's country calling code without "+" (e.g.
	// "33"): calls to numbers with another code are international.
	CountryCode string `json:"country_code" maxLength:"3" pattern:"^[1-9][0-9]{0,2}$|^$"`
	// SIPTrunk is where calls to outside numbers go (sip:host[:port]).
	SIPTrunk string `json:"sip_trunk" maxLength:"256"`
	// VoicemailServer takes calls for the users' mailboxes (sip:host[:port]).
	VoicemailServer string `json:"voicemail_server" maxLength:"256"`
	// Voicemail holds the limits and options of the voicemail Switchboard
	// answers itself (when there is no voicemail_server).
	Voicemail VoicemailSettings `json:"voicemail"`
	// BLFHideCaller keeps callers out of busy lamps: phones watching a
	// ringing extension (the dialog event package) then see that it rings,
	// not who calls. Off by default: colleagues see the caller, as they
	// would on the ringing phone, to decide whether to pick it up.
	BLFHideCaller bool `json:"blf_hide_caller"`
	// NeverRecordInternalCalls keeps calls between the tenant's users out
	// of recording, whatever the users' call_recording says.
	NeverRecordInternalCalls bool `json:"never_record_internal_calls" doc:"Calls between the tenant's users are never recorded, even to or from a user whose calls are"`
	// CallPolicy holds the tenant's rules for calls through its trunk
	// (emergency numbers).
	CallPolicy CallPolicy `json:"call_policy"`
	// SIPTrunkAuth is what the trunk must show for its INVITEs to be
	// taken as inbound calls.
	SIPTrunkAuth TrunkAuth `json:"sip_trunk_auth"`
	// MediaRelay is which calls have their media anchored in the media
	// relay when the node has one (--rtpengine): those with a party behind
	// NAT (NAT, the default), or all of them (ALWAYS).
	MediaRelay string `json:"media_relay" enum:"NAT,ALWAYS"`
}

// The values of Tenant.MediaRelay.
const (
	MediaRelayNAT    = "NAT"
	MediaRelayAlways = "ALWAYS"
)

// MediaRelays lists the accepted values of Tenant.MediaRelay.
var MediaRelays = []string{MediaRelayNAT, MediaRelayAlways}

// The values of Tenant.SIPDigest: SHA-256 then MD5 (the default, RFC
// 8760), MD5 first (old phones that read only the first challenge),
// SHA-256 alone (MD5 switched off), or MD5 alone (phones that give up on
// seeing any challenge they cannot answer, such as baresip 1.0).
const (
	SIPDigestDefault = "SHA256_THEN_MD5"
	SIPDigestMD5     = "MD5_THEN_SHA256"
	SIPDigestSHA256  = "SHA256_ONLY"
	SIPDigestMD5Only = "MD5_ONLY"
)

// SIPDigests lists the accepted values of Tenant.SIPDigest.
var SIPDigests = []string{SIPDigestDefault, SIPDigestMD5, SIPDigestSHA256, SIPDigestMD5Only}
