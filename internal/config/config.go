// Package config reads Switchboard's settings from flags and environment
// variables (flags win) and validates them before anything starts.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
)

// Config is the configuration of `switchboard serve` and `migrate`.
type Config struct {
	DataDir       string
	DB            string
	HTTPAddr      string
	SIPAddr       string
	AdminPassword string
	NoMigrate     bool
	LogLevel      string
	Login         LoginLimits
	// BlobStore is where uploaded files go: "fs" (files under the data
	// dir) or "db" (the database, for nodes that share only PostgreSQL).
	// Empty picks fs for SQLite and db for PostgreSQL.
	BlobStore   string
	BlobMaxSize int64
	SIP         SIPSettings
	Media       MediaSettings
	Net         NetSettings
	Provision   ProvisionSettings
}

// MediaSettings configure the media engine (voicemail) and its email.
type MediaSettings struct {
	// RTPIP is the address RTP binds to (default: the --sip host, or the
	// first non-loopback address when that is unspecified); RTPPublicIP
	// is the address announced in SDP instead, behind 1:1 NAT.
	RTPIP       string
	RTPPublicIP string
	// RTPPorts is the RTP port range "MIN-MAX" (even ports are used).
	RTPPorts string
	// RTPEngine is the media relays' ng control addresses,
	// "host:port[,host:port...]" (rtpengine --listen-ng); empty: none,
	// media goes end to end.
	RTPEngine        string
	PortMin, PortMax int
	// SMTP is the relay for voicemail-to-email: smtp://[user:pass@]host[:port]
	// (STARTTLS required unless ?starttls=opportunistic or none) or
	// smtps://... (TLS from the start). Empty: no email.
	SMTP     string
	SMTPFrom string
	// SMTPCA is a PEM file of the certificates trusted for the relay
	// (default: the system's).
	SMTPCA string
}

// DefaultRTPPorts is the default RTP port range.
const DefaultRTPPorts = "10000-20000"

// SIPSettings configure the registrar.
type SIPSettings struct {
	TLSAddr        string // TLS listen address; default host of --sip, port 5061, when a certificate is given
	TLSCert        string
	TLSKey         string
	MinExpires     int // seconds; shorter registrations get 423
	MaxExpires     int // seconds; longer ones are clamped
	DefaultExpires int // seconds, when the phone gives none
	FailLimit      int // failed authentications from one IP before it is ignored (0: never)
	FailWindow     time.Duration
	Ban            time.Duration
	// KeyPressWait is how long whoever answers a forwarded call of a user
	// with require_key_press has to press a key (RFC 4733 or SIP INFO).
	KeyPressWait time.Duration
	// SubsPerUser and SubsPerDevice bound the event subscriptions (busy
	// lamps, presence, message-waiting) one user, and one device, holds
	// on a node; they take the registrations' expiry bounds.
	SubsPerUser   int
	SubsPerDevice int
}

// DefaultSIPSettings are the documented defaults.
var DefaultSIPSettings = SIPSettings{MinExpires: 60, MaxExpires: 3600, DefaultExpires: 3600, FailLimit: 20,
	FailWindow: time.Minute, Ban: 15 * time.Minute, KeyPressWait: 20 * time.Second, SubsPerUser: 400, SubsPerDevice: 200}

// LoginLimits are the defences against password guessing.
type LoginLimits = auth.LoginLimits

// DefaultLoginLimits are the documented defaults.
var DefaultLoginLimits = auth.DefaultLoginLimits

// Defaults, as documented in the README.
const (
	DefaultDataDir = "./data"
	DefaultHTTP    = "127.0.0.1:8887"
	DefaultSIP     = "127.0.0.1:5060"
)

// Env variable names.
const (
	EnvDataDir       = "SWITCHBOARD_DATA_DIR"
	EnvDB            = "SWITCHBOARD_DB"
	EnvHTTP          = "SWITCHBOARD_HTTP"
	EnvSIP           = "SWITCHBOARD_SIP"
	EnvAdminPassword = "SWITCHBOARD_ADMIN_PASSWORD"
	EnvLogLevel      = "SWITCHBOARD_LOG_LEVEL"
	EnvLoginAccount  = "SWITCHBOARD_LOGIN_ACCOUNT_LIMIT"
	EnvLoginSource   = "SWITCHBOARD_LOGIN_SOURCE_LIMIT"
	EnvLoginWindow   = "SWITCHBOARD_LOGIN_WINDOW"
	EnvLoginLockout  = "SWITCHBOARD_LOGIN_LOCKOUT"
	EnvLoginDelay    = "SWITCHBOARD_LOGIN_DELAY"
	EnvBlobStore     = "SWITCHBOARD_BLOB_STORE"
	EnvBlobMaxSize   = "SWITCHBOARD_BLOB_MAX_SIZE"
	EnvSIPTLS        = "SWITCHBOARD_SIP_TLS"
	EnvSIPTLSCert    = "SWITCHBOARD_SIP_TLS_CERT"
	EnvSIPTLSKey     = "SWITCHBOARD_SIP_TLS_KEY"
	EnvSIPMinExpires = "SWITCHBOARD_SIP_MIN_EXPIRES"
	EnvSIPMaxExpires = "SWITCHBOARD_SIP_MAX_EXPIRES"
	EnvSIPDefExpires = "SWITCHBOARD_SIP_DEFAULT_EXPIRES"
	EnvSIPFailLimit  = "SWITCHBOARD_SIP_FAIL_LIMIT"
	EnvSIPFailWindow = "SWITCHBOARD_SIP_FAIL_WINDOW"
	EnvSIPBan        = "SWITCHBOARD_SIP_BAN"
	EnvSIPKeyPress   = "SWITCHBOARD_SIP_KEY_PRESS_WAIT"
	EnvSIPSubsUser   = "SWITCHBOARD_SIP_SUBSCRIPTIONS_PER_USER"
	EnvSIPSubsDevice = "SWITCHBOARD_SIP_SUBSCRIPTIONS_PER_DEVICE"
	EnvRTPIP         = "SWITCHBOARD_RTP_IP"
	EnvRTPPublicIP   = "SWITCHBOARD_RTP_PUBLIC_IP"
	EnvRTPPorts      = "SWITCHBOARD_RTP_PORTS"
	EnvRTPEngine     = "SWITCHBOARD_RTPENGINE"
	EnvSMTP          = "SWITCHBOARD_SMTP"
	EnvSMTPFrom      = "SWITCHBOARD_SMTP_FROM"
	EnvSMTPCA        = "SWITCHBOARD_SMTP_CA"
)

// DefaultBlobMaxSize is the largest upload accepted by default.
const DefaultBlobMaxSize = 10 << 20

// ErrHelp is returned when -h or --help was asked for; usage is printed.
var ErrHelp = flag.ErrHelp

// Parse reads the flags of command name from args, falling back to the
// environment through getenv, then validates the result.
func Parse(name string, args []string, getenv func(string) string, out io.Writer) (*Config, error) {
	c := &Config{}
	fs := flag.NewFlagSet("switchboard "+name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&c.DataDir, "data-dir", or(getenv(EnvDataDir), DefaultDataDir), "directory for the SQLite database and blobs (env "+EnvDataDir+")")
	fs.StringVar(&c.DB, "db", getenv(EnvDB), "database URL: empty for SQLite in the data dir, or postgres://user@host:port/db (env "+EnvDB+")")
	fs.StringVar(&c.HTTPAddr, "http", or(getenv(EnvHTTP), DefaultHTTP), "HTTP listen address host:port (env "+EnvHTTP+")")
	fs.StringVar(&c.SIPAddr, "sip", or(getenv(EnvSIP), DefaultSIP), "SIP listen address host:port, UDP and TCP (env "+EnvSIP+")")
	fs.BoolVar(&c.NoMigrate, "no-migrate", false, "do not apply migrations on start; refuse to start on an old schema")
	fs.StringVar(&c.LogLevel, "log-level", or(getenv(EnvLogLevel), "info"), "debug, info, warn or error (env "+EnvLogLevel+")")
	d := DefaultLoginLimits
	var envErr error
	envInt := func(name string, def int) int {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil && envErr == nil {
				envErr = fmt.Errorf("%s: %q is not a whole number", name, v)
			}
			return n
		}
		return def
	}
	envDur := func(name string, def time.Duration) time.Duration {
		if v := getenv(name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil && envErr == nil {
				envErr = fmt.Errorf("%s: %q is not a duration like 15m", name, v)
			}
			return t
		}
		return def
	}
	fs.IntVar(&c.Login.AccountLimit, "login-account-limit", envInt(EnvLoginAccount, d.AccountLimit), "failed sign-ins on one account from one address that lock that address out of it; past it from anywhere, the account's sign-ins are slowed (env "+EnvLoginAccount+")")
	fs.IntVar(&c.Login.SourceLimit, "login-source-limit", envInt(EnvLoginSource, d.SourceLimit), "failed sign-ins that lock a source address (env "+EnvLoginSource+")")
	fs.DurationVar(&c.Login.Delay, "login-delay", envDur(EnvLoginDelay, d.Delay), "first slow-down of sign-ins on an account past --login-account-limit failures; doubles per failure, at most 16 times (env "+EnvLoginDelay+")")
	fs.DurationVar(&c.Login.Window, "login-window", envDur(EnvLoginWindow, d.Window), "period over which failed sign-ins add up (env "+EnvLoginWindow+")")
	fs.DurationVar(&c.Login.Lockout, "login-lockout", envDur(EnvLoginLockout, d.Lockout), "how long a lock lasts (env "+EnvLoginLockout+")")
	fs.StringVar(&c.BlobStore, "blob-store", getenv(EnvBlobStore), "where uploads go: fs (data dir) or db (database); default fs on SQLite, db on PostgreSQL (env "+EnvBlobStore+")")
	fs.Int64Var(&c.BlobMaxSize, "blob-max-size", int64(envInt(EnvBlobMaxSize, DefaultBlobMaxSize)), "largest upload in bytes (env "+EnvBlobMaxSize+")")
	sd := DefaultSIPSettings
	fs.StringVar(&c.SIP.TLSAddr, "sip-tls", getenv(EnvSIPTLS), "SIP over TLS listen address; default the --sip host on port 5061 when a certificate is given (env "+EnvSIPTLS+")")
	fs.StringVar(&c.SIP.TLSCert, "sip-tls-cert", getenv(EnvSIPTLSCert), "PEM certificate file for SIP over TLS (env "+EnvSIPTLSCert+")")
	fs.StringVar(&c.SIP.TLSKey, "sip-tls-key", getenv(EnvSIPTLSKey), "PEM private key file for SIP over TLS (env "+EnvSIPTLSKey+")")
	fs.IntVar(&c.SIP.MinExpires, "sip-min-expires", envInt(EnvSIPMinExpires, sd.MinExpires), "shortest registration in seconds; shorter ones get 423 (env "+EnvSIPMinExpires+")")
	fs.IntVar(&c.SIP.MaxExpires, "sip-max-expires", envInt(EnvSIPMaxExpires, sd.MaxExpires), "longest registration in seconds; longer ones are shortened (env "+EnvSIPMaxExpires+")")
	fs.IntVar(&c.SIP.DefaultExpires, "sip-default-expires", envInt(EnvSIPDefExpires, sd.DefaultExpires), "registration length when the phone asks none (env "+EnvSIPDefExpires+")")
	fs.IntVar(&c.SIP.FailLimit, "sip-fail-limit", envInt(EnvSIPFailLimit, sd.FailLimit), "failed SIP authentications from one IP address before it is ignored; 0 never (env "+EnvSIPFailLimit+")")
	fs.DurationVar(&c.SIP.FailWindow, "sip-fail-window", envDur(EnvSIPFailWindow, sd.FailWindow), "period over which SIP failures add up (env "+EnvSIPFailWindow+")")
	fs.DurationVar(&c.SIP.Ban, "sip-ban", envDur(EnvSIPBan, sd.Ban), "how long a source address is ignored (env "+EnvSIPBan+")")
	fs.DurationVar(&c.SIP.KeyPressWait, "sip-key-press-wait", envDur(EnvSIPKeyPress, sd.KeyPressWait), "how long the person answering a forwarded call of a user with require_key_press has to press a key (env "+EnvSIPKeyPress+")")
	fs.IntVar(&c.SIP.SubsPerUser, "sip-subscriptions-per-user", envInt(EnvSIPSubsUser, sd.SubsPerUser), "event subscriptions (busy lamps, presence, message-waiting) one user holds on a node (env "+EnvSIPSubsUser+")")
	fs.IntVar(&c.SIP.SubsPerDevice, "sip-subscriptions-per-device", envInt(EnvSIPSubsDevice, sd.SubsPerDevice), "event subscriptions one device (source address) holds on a node (env "+EnvSIPSubsDevice+")")
	fs.StringVar(&c.Media.RTPIP, "rtp-ip", getenv(EnvRTPIP), "address RTP binds to; default the --sip host, or the first non-loopback address (env "+EnvRTPIP+")")
	fs.StringVar(&c.Media.RTPPublicIP, "rtp-public-ip", getenv(EnvRTPPublicIP), "address announced in SDP instead of --rtp-ip, behind 1:1 NAT (env "+EnvRTPPublicIP+")")
	fs.StringVar(&c.Media.RTPPorts, "rtp-ports", or(getenv(EnvRTPPorts), DefaultRTPPorts), "RTP port range MIN-MAX (env "+EnvRTPPorts+")")
	fs.StringVar(&c.Media.RTPEngine, "rtpengine", getenv(EnvRTPEngine), "media relays (rtpengine --listen-ng addresses) host:port[,host:port...] anchoring the media of calls across NAT (env "+EnvRTPEngine+")")
	// The relay URL may hold a password: the environment's value is read
	// after parsing, so that --help never prints it as a default.
	fs.StringVar(&c.Media.SMTP, "smtp", "", "SMTP relay for voicemail-to-email: smtp://user:pass@host:587 (STARTTLS) or smtps://host:465 (env "+EnvSMTP+")")
	fs.StringVar(&c.Media.SMTPFrom, "smtp-from", getenv(EnvSMTPFrom), "sender address of voicemail emails (default voicemail@ the --smtp host) (env "+EnvSMTPFrom+")")
	fs.StringVar(&c.Media.SMTPCA, "smtp-ca", getenv(EnvSMTPCA), "PEM file of the certificates trusted for the --smtp relay; default the system's (env "+EnvSMTPCA+")")
	c.Net.flags(fs, getenv, envInt, envDur)
	provisionFlags(fs, &c.Provision, getenv)
	if envErr != nil {
		return nil, envErr
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.AdminPassword = getenv(EnvAdminPassword)
	if c.Media.SMTP == "" {
		c.Media.SMTP = getenv(EnvSMTP)
	}
	return c, c.Validate()
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Validate checks every setting and names the first bad one.
func (c *Config) Validate() error {
	if strings.TrimSpace(c.DataDir) == "" {
		return errors.New("--data-dir must not be empty")
	}
	if err := ValidateAddr(c.HTTPAddr); err != nil {
		return fmt.Errorf("--http: %w", err)
	}
	if err := ValidateAddr(c.SIPAddr); err != nil {
		return fmt.Errorf("--sip: %w", err)
	}
	if err := c.Provision.validate(); err != nil {
		return err
	}
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") && !strings.HasPrefix(c.DB, "sqlite:") {
		return errors.New("--db: expected postgres://..., postgresql://... or sqlite:PATH (leave empty for SQLite in the data dir)")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	switch c.BlobStore {
	case "", "fs", "db":
	default:
		return fmt.Errorf("--blob-store: %q is not fs or db", c.BlobStore)
	}
	if c.BlobMaxSize < 1024 || c.BlobMaxSize > 1<<30 {
		return fmt.Errorf("--blob-max-size: %d is not from 1024 bytes to 1 GiB", c.BlobMaxSize)
	}
	if err := c.SIP.validate(c.SIPAddr); err != nil {
		return err
	}
	if err := c.Media.validate(); err != nil {
		return err
	}
	if err := c.Net.Validate(); err != nil {
		return err
	}
	return validateLogin(c.Login)
}

func (s *SIPSettings) validate(sipAddr string) error {
	if (s.TLSCert == "") != (s.TLSKey == "") {
		return errors.New("--sip-tls-cert and --sip-tls-key go together")
	}
	if s.TLSCert != "" && s.TLSAddr == "" {
		host, _, _ := net.SplitHostPort(sipAddr)
		s.TLSAddr = net.JoinHostPort(host, "5061")
	}
	if s.TLSAddr != "" {
		if s.TLSCert == "" {
			return errors.New("--sip-tls needs --sip-tls-cert and --sip-tls-key")
		}
		if err := ValidateAddr(s.TLSAddr); err != nil {
			return fmt.Errorf("--sip-tls: %w", err)
		}
	}
	if s.MinExpires < 1 || s.MinExpires > 86400 {
		return fmt.Errorf("--sip-min-expires: %d is not from 1 to 86400", s.MinExpires)
	}
	if s.MaxExpires < s.MinExpires || s.MaxExpires > 604800 {
		return fmt.Errorf("--sip-max-expires: %d is not from --sip-min-expires (%d) to 604800", s.MaxExpires, s.MinExpires)
	}
	if s.DefaultExpires < s.MinExpires || s.DefaultExpires > s.MaxExpires {
		return fmt.Errorf("--sip-default-expires: %d is not from --sip-min-expires to --sip-max-expires", s.DefaultExpires)
	}
	if s.FailLimit < 0 || s.FailLimit > 100000 {
		return fmt.Errorf("--sip-fail-limit: %d is not from 0 to 100000", s.FailLimit)
	}
	if s.SubsPerUser < 1 || s.SubsPerUser > 100000 {
		return fmt.Errorf("--sip-subscriptions-per-user: %d is not from 1 to 100000", s.SubsPerUser)
	}
	if s.SubsPerDevice < 1 || s.SubsPerDevice > 100000 {
		return fmt.Errorf("--sip-subscriptions-per-device: %d is not from 1 to 100000", s.SubsPerDevice)
	}
	if s.KeyPressWait < time.Second || s.KeyPressWait > 2*time.Minute {
		return fmt.Errorf("--sip-key-press-wait: %v is not from 1s to 2m", s.KeyPressWait)
	}
	return periods("--sip-fail-window", s.FailWindow, "--sip-ban", s.Ban)
}

// periods checks flag name, duration pairs: each from one second to one day.
func periods(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		name, v := pairs[i].(string), pairs[i+1].(time.Duration)
		if v < time.Second || v > 24*time.Hour {
			return fmt.Errorf("%s: %v is not from 1s to 24h", name, v)
		}
	}
	return nil
}

// validateLogin checks the limits: at least one failure, windows and
// locks from one second to one day.
func validateLogin(l LoginLimits) error {
	if l.AccountLimit < 1 || l.AccountLimit > 1000 {
		return fmt.Errorf("--login-account-limit: %d is not from 1 to 1000", l.AccountLimit)
	}
	if l.SourceLimit < 1 || l.SourceLimit > 100000 {
		return fmt.Errorf("--login-source-limit: %d is not from 1 to 100000", l.SourceLimit)
	}
	if l.Delay < 10*time.Millisecond || l.Delay > time.Minute {
		return fmt.Errorf("--login-delay: %v is not from 10ms to 1m", l.Delay)
	}
	return periods("--login-window", l.Window, "--login-lockout", l.Lockout)
}

// ValidateAddr checks a host:port listen address (port 0 picks a free one).
func ValidateAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port", addr)
	}
	if host != "" && net.ParseIP(host) == nil && !validHostName(host) {
		return fmt.Errorf("%q is not an IP address or host name", host)
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 0 to 65535", port)
	}
	return nil
}

func validHostName(h string) bool {
	if len(h) > 253 {
		return false
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
