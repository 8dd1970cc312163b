package model

// TrunkAuth is what a tenant's trunk must show for its INVITEs to be
// taken as inbound calls (README "SIP proxy"). Trusting a trunk by its
// UDP source address alone is forgeable; requiring digest credentials or
// a TCP/TLS connection from its address is not.
type TrunkAuth struct {
	// RequireDigest makes the proxy challenge the trunk's INVITEs (407)
	// for Username and the password.
	RequireDigest bool `json:"require_digest" doc:"Challenge the trunk's INVITEs (407) for username and password"`
	// Username is the digest user name the trunk authenticates with (the
	// realm is the tenant's domain).
	Username string `json:"username" maxLength:"64" doc:"Digest user name of the trunk (realm: the tenant's domain)"`
	// Password is write-only: only its digest hashes (Credentials) are
	// kept, and it is never returned.
	Password string `json:"password,omitempty" maxLength:"128" doc:"Digest password of the trunk (12 to 128 characters; write-only)"`
	// Transport is the transport the trunk's INVITEs must arrive on: ANY
	// (the default, UDP by address), TCP (TCP or TLS) or TLS.
	Transport string `json:"transport" enum:"ANY,TCP,TLS" doc:"Transport the trunk must use: ANY (default), TCP (TCP or TLS) or TLS"`
	// Credentials are the digest hashes of Password.
	Credentials SIPCredentials `json:"-"`
}

// The values of TrunkAuth.Transport.
const (
	TrunkAnyTransport = "ANY"
	TrunkTCP          = "TCP"
	TrunkTLS          = "TLS"
)

// ValidateTrunkAuth checks a tenant's trunk authentication settings (the
// password, when given, is hashed by the caller afterwards).
func ValidateTrunkAuth(a *TrunkAuth) error {
	if a.Transport != "" {
		if err := OneOf("sip_trunk_auth.transport", a.Transport, []string{TrunkAnyTransport, TrunkTCP, TrunkTLS}); err != nil {
			return err
		}
	}
	if err := checkText("sip_trunk_auth.username", a.Username, 64, false); err != nil {
		return err
	}
	for _, r := range a.Username {
		if r <= ' ' || r == '"' || r == '\\' || r == ':' || r == '@' || r > '~' {
			return Invalid("sip_trunk_auth.username", "must be printable ASCII without spaces, quotes, backslashes, ':' or '@'")
		}
	}
	if a.Password != "" && (len(a.Password) < 12 || len(a.Password) > 128) {
		return Invalid("sip_trunk_auth.password", "must be 12 to 128 characters")
	}
	if a.RequireDigest && a.Username == "" {
		return Invalid("sip_trunk_auth.username", "is required when require_digest is on")
	}
	if a.RequireDigest && a.Password == "" && a.Credentials.HA1MD5 == "" {
		return Invalid("sip_trunk_auth.password", "is required when require_digest is on")
	}
	return nil
}
