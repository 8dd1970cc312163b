package directory

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/provision"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// ProvisioningConfig says where phones reach the node: BaseURL is the
// HTTP(S) address of the node as phones see it (the provisioning files
// are under BaseURL/provision/), Hosts the SIP address phones register at
// for each interface (WEB_DOMAIN, PUBLIC_IPV4...; missing ones use
// DefaultHost), and the SIP ports.
type ProvisioningConfig struct {
	BaseURL          string
	Hosts            map[string]string
	DefaultHost      string
	SIPPort, TLSPort int
}

// Provisioning limits: a QR code's credential works once within
// SoftphoneTTL; a user keeps at most MaxSoftphones set up.
const (
	SoftphoneTTL  = 10 * time.Minute
	MaxSoftphones = 5
	lineSecret    = "device-line"
)

// ErrProvisionRefused is the one answer to every failed fetch: unknown
// credential or MAC, wrong secret, used or expired QR code, disabled user
// or tenant, a file that is not the phone's.
var ErrProvisionRefused = errors.New("provisioning refused")

// SetProvisioning sets where phones reach the node (once its listeners
// are bound, before it serves).
func (s *Service) SetProvisioning(p ProvisioningConfig) {
	s.prov.mu.Lock()
	defer s.prov.mu.Unlock()
	s.prov.cfg = p
}

func (s *Service) provisioning(ctx context.Context) (ProvisioningConfig, []byte, error) {
	s.prov.mu.Lock()
	defer s.prov.mu.Unlock()
	if s.prov.key == nil {
		k, err := s.store.NodeSecret(ctx, lineSecret)
		if err != nil {
			return ProvisioningConfig{}, nil, err
		}
		s.prov.key = []byte(k)
	}
	return s.prov.cfg, s.prov.key, nil
}

// PhoneProvisioning is a phone's provisioning credential, answered once
// when issued: the phone fetches its files from URL with HTTP basic
// authentication as Username/Password, or from TokenURL (for zero-touch
// redirection services) without it.
type PhoneProvisioning struct {
	PhoneID  string   `json:"phone_id"`
	URL      string   `json:"url" doc:"Provisioning server address for the phone (DHCP option 66)"`
	Username string   `json:"username"`
	Password string   `json:"password" doc:"Shown only this once"`
	TokenURL string   `json:"token_url" doc:"The same credential as a secret URL; shown only this once"`
	Files    []string `json:"files" doc:"The files the phone fetches"`
}

// SoftphoneSetup is a one-time, expiring URL that sets up a Linphone
// softphone (shown as a QR code).
type SoftphoneSetup struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// IssuePhoneProvisioning issues (or issues again, revoking the previous
// one) the provisioning credential of a user's phone together with the
// phone's own SIP password for the user's line.
func (s *Service) IssuePhoneProvisioning(ctx context.Context, c *Caller, userID, phoneID string) (*PhoneProvisioning, error) {
	sc, err := s.colScope(ctx, c, userID, true)
	if err != nil {
		return nil, err
	}
	phone, err := colGet(ctx, s, phones, sc, phoneID)
	if err != nil {
		return nil, err
	}
	cfg, _, err := s.provisioning(ctx)
	if err != nil {
		return nil, err
	}
	d, secret, err := s.newDevice(ctx, sc.tenantID, sc.userID, phone.ID)
	if err != nil {
		return nil, err
	}
	e := c.audit("issue_provisioning", "phone", phone.ID, sc.name, map[string]any{"mac": phone.MAC})
	if err := s.store.PutDeviceCredential(store.WithAudit(ctx, e), d, MaxSoftphones); err != nil {
		return nil, err
	}
	base := strings.TrimRight(cfg.BaseURL, "/") + "/provision/"
	return &PhoneProvisioning{PhoneID: phone.ID, URL: base, Username: d.Lookup, Password: secret,
		TokenURL: base + d.Lookup + "-" + secret + "/", Files: provision.Files(phone.Vendor, phone.MAC)}, nil
}

// IssueSoftphone gives the caller a one-time URL, valid SoftphoneTTL, from
// which Linphone loads its configuration for the caller's line.
func (s *Service) IssueSoftphone(ctx context.Context, c *Caller) (*SoftphoneSetup, error) {
	u, err := s.store.GetUser(ctx, c.TenantID, c.UserID)
	if err != nil {
		return nil, err
	}
	cfg, _, err := s.provisioning(ctx)
	if err != nil {
		return nil, err
	}
	d, secret, err := s.newDevice(ctx, u.TenantID, u.ID, "")
	if err != nil {
		return nil, err
	}
	d.ExpiresAt = s.now().UTC().Add(SoftphoneTTL).Truncate(time.Second)
	e := c.audit("issue_softphone", "user", u.ID, u.Name, nil)
	if err := s.store.PutDeviceCredential(store.WithAudit(ctx, e), d, MaxSoftphones); err != nil {
		return nil, err
	}
	return &SoftphoneSetup{URL: strings.TrimRight(cfg.BaseURL, "/") + "/provision/" + d.Lookup + "-" + secret + "/linphone.xml",
		ExpiresAt: d.ExpiresAt}, nil
}

// newDevice makes a device credential for a user's phone (or softphone,
// phoneID ""): a random lookup and secret (returned; only its hash is
// kept) and the device's SIP password's digest hashes.
func (s *Service) newDevice(ctx context.Context, tenantID, userID, phoneID string) (*store.DeviceCredential, string, error) {
	t, err := s.store.GetTenant(ctx, tenantID)
	if err != nil {
		return nil, "", err
	}
	u, err := s.store.GetUser(ctx, tenantID, userID)
	if err != nil {
		return nil, "", err
	}
	_, key, err := s.provisioning(ctx)
	if err != nil {
		return nil, "", err
	}
	secret := randomHex(16)
	d := &store.DeviceCredential{ID: model.NewID(), TenantID: tenantID, UserID: userID, PhoneID: phoneID,
		Lookup: randomHex(8), SecretHash: hashSecret(secret), LineSalt: randomHex(16)}
	d.Line = auth.SIPCredentials(u.ExtensionNumber, t.Domain, linePassword(key, d))
	return d, secret, nil
}

// linePassword is a device's SIP password, derived from the node secret,
// the credential's id and its salt, so it is never stored.
func linePassword(key []byte, d *store.DeviceCredential) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(d.ID + ":" + d.LineSalt))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// SplitProvisioningToken splits the secret URL segment "<lookup>-<secret>".
func SplitProvisioningToken(tok string) (lookup, secret string) {
	lookup, secret, _ = strings.Cut(tok, "-")
	return lookup, secret
}

// provisionLine is the line a device of user u in tenant t registers.
func provisionLine(cfg ProvisioningConfig, t *model.Tenant, u *model.User, iface, transport, password string) provision.Line {
	host := cfg.Hosts[iface]
	if host == "" {
		host = cfg.DefaultHost
	}
	port := cfg.SIPPort
	if transport == "TLS" {
		port = cfg.TLSPort
		if port == 0 {
			port = 5061
		}
	}
	name := u.DisplayName
	if name == "" {
		name = strings.TrimSpace(u.FirstName + " " + u.LastName)
	}
	return provision.Line{Extension: u.ExtensionNumber, DisplayName: name, Domain: t.Domain, Password: password,
		Server: host, Port: port, Transport: transport}
}

// provisionKeys are the user's BLF keys, numbered by their key when it is
// a number, else after the line key.
func provisionKeys(u *model.User) []provision.Key {
	var keys []provision.Key
	for i, b := range u.BLFs {
		n, err := strconv.Atoi(b.Key)
		if err != nil || n < 1 || n > 200 {
			n = i + 2
		}
		label := strings.TrimSpace(b.FirstName + " " + b.LastName)
		if label == "" {
			label = b.Value
		}
		keys = append(keys, provision.Key{Index: n, Value: b.Value, Label: label})
	}
	return keys
}

// secretMatches compares a presented secret with a stored hash in
// constant time (against a dummy hash when there is no credential).
func secretMatches(d *store.DeviceCredential, secret string) bool {
	want := strings.Repeat("0", 64)
	if d != nil {
		want = d.SecretHash
	}
	got := hashSecret(secret)
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1 && d != nil
}

// renderTo renders into a buffer so a failure writes nothing.
func renderTo(f func(*bytes.Buffer) error) ([]byte, error) {
	var b bytes.Buffer
	if err := f(&b); err != nil {
		return nil, fmt.Errorf("render provisioning file: %w", err)
	}
	return b.Bytes(), nil
}
