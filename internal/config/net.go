package config

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/forwarded"
)

// NetSettings bound the connections the node keeps open.
type NetSettings struct {
	// HTTPMaxConns and HTTPMaxConnsPerIP cap the HTTP connections open at
	// once, in all and from one address (0: a third of the file limit;
	// 256 per address).
	HTTPMaxConns      int
	HTTPMaxConnsPerIP int
	// SIPMaxConns and SIPMaxConnsPerIP do the same for each of the SIP
	// TCP and TLS listeners.
	SIPMaxConns      int
	SIPMaxConnsPerIP int
	// SIPFirstTimeout is how long an accepted SIP TCP or TLS connection
	// has to send its first complete request (the TLS handshake
	// included); SIPIdleTimeout closes one that has sent no request for
	// that long and carries no registered binding.
	SIPFirstTimeout time.Duration
	SIPIdleTimeout  time.Duration
	// HTTPTLSCert and HTTPTLSKey, PEM files, make --http serve HTTPS.
	HTTPTLSCert string
	HTTPTLSKey  string
	// TrustedProxies lists the reverse proxies (CIDRs or addresses,
	// comma-separated) whose X-Forwarded-For and X-Forwarded-Proto count.
	TrustedProxies string
	Proxies        forwarded.Proxies
}

// DefaultNetSettings are the documented defaults.
var DefaultNetSettings = NetSettings{SIPFirstTimeout: 10 * time.Second, SIPIdleTimeout: 2 * time.Minute}

// Env variable names of the connection bounds.
const (
	EnvHTTPMaxConns      = "SWITCHBOARD_HTTP_MAX_CONNS"
	EnvHTTPMaxConnsPerIP = "SWITCHBOARD_HTTP_MAX_CONNS_PER_IP"
	EnvSIPMaxConns       = "SWITCHBOARD_SIP_MAX_CONNS"
	EnvSIPMaxConnsPerIP  = "SWITCHBOARD_SIP_MAX_CONNS_PER_IP"
	EnvSIPFirstTimeout   = "SWITCHBOARD_SIP_FIRST_TIMEOUT"
	EnvSIPIdleTimeout    = "SWITCHBOARD_SIP_IDLE_TIMEOUT"
	EnvHTTPTLSCert       = "SWITCHBOARD_HTTP_TLS_CERT"
	EnvHTTPTLSKey        = "SWITCHBOARD_HTTP_TLS_KEY"
	EnvTrustedProxies    = "SWITCHBOARD_TRUSTED_PROXIES"
)

// netFlags registers the connection bounds' flags.
func (n *NetSettings) flags(fs *flag.FlagSet, getenv func(string) string, envInt func(string, int) int, envDur func(string, time.Duration) time.Duration) {
	d := DefaultNetSettings
	fs.StringVar(&n.HTTPTLSCert, "http-tls-cert", getenv(EnvHTTPTLSCert), "PEM certificate file: --http serves HTTPS (env "+EnvHTTPTLSCert+")")
	fs.StringVar(&n.HTTPTLSKey, "http-tls-key", getenv(EnvHTTPTLSKey), "PEM private key file for --http-tls-cert (env "+EnvHTTPTLSKey+")")
	fs.StringVar(&n.TrustedProxies, "trusted-proxies", getenv(EnvTrustedProxies), "reverse proxies whose X-Forwarded-For/-Proto count, CIDRs or addresses separated by commas (env "+EnvTrustedProxies+")")
	fs.IntVar(&n.HTTPMaxConns, "http-max-conns", envInt(EnvHTTPMaxConns, d.HTTPMaxConns), "HTTP connections open at once; 0 a third of the file limit (env "+EnvHTTPMaxConns+")")
	fs.IntVar(&n.HTTPMaxConnsPerIP, "http-max-conns-per-ip", envInt(EnvHTTPMaxConnsPerIP, d.HTTPMaxConnsPerIP), "HTTP connections open at once from one address; 0 256 (env "+EnvHTTPMaxConnsPerIP+")")
	fs.IntVar(&n.SIPMaxConns, "sip-max-conns", envInt(EnvSIPMaxConns, d.SIPMaxConns), "SIP TCP (and TLS) connections open at once; 0 a third of the file limit (env "+EnvSIPMaxConns+")")
	fs.IntVar(&n.SIPMaxConnsPerIP, "sip-max-conns-per-ip", envInt(EnvSIPMaxConnsPerIP, d.SIPMaxConnsPerIP), "SIP TCP (and TLS) connections open at once from one address; 0 256 (env "+EnvSIPMaxConnsPerIP+")")
	fs.DurationVar(&n.SIPFirstTimeout, "sip-first-timeout", envDur(EnvSIPFirstTimeout, d.SIPFirstTimeout), "a SIP TCP or TLS connection without a complete request this long after it opens is closed (env "+EnvSIPFirstTimeout+")")
	fs.DurationVar(&n.SIPIdleTimeout, "sip-idle-timeout", envDur(EnvSIPIdleTimeout, d.SIPIdleTimeout), "a SIP TCP or TLS connection without a request for this long and without a registration on it is closed (env "+EnvSIPIdleTimeout+")")
}

// Validate checks the settings and parses the trusted proxies.
func (n *NetSettings) Validate() error {
	if (n.HTTPTLSCert == "") != (n.HTTPTLSKey == "") {
		return errors.New("--http-tls-cert and --http-tls-key go together")
	}
	ps, err := forwarded.Parse(n.TrustedProxies)
	if err != nil {
		return fmt.Errorf("--trusted-proxies: %w", err)
	}
	n.Proxies = ps
	for _, v := range []struct {
		name string
		n    int
	}{{"--http-max-conns", n.HTTPMaxConns}, {"--http-max-conns-per-ip", n.HTTPMaxConnsPerIP}, {"--sip-max-conns", n.SIPMaxConns}, {"--sip-max-conns-per-ip", n.SIPMaxConnsPerIP}} {
		if v.n < 0 || v.n > 1000000 {
			return fmt.Errorf("%s: %d is not from 0 to 1000000", v.name, v.n)
		}
	}
	// Zero durations (a Config built in code) take the defaults.
	if n.SIPFirstTimeout != 0 && (n.SIPFirstTimeout < 100*time.Millisecond || n.SIPFirstTimeout > time.Hour) {
		return fmt.Errorf("--sip-first-timeout: %v is not from 100ms to 1h", n.SIPFirstTimeout)
	}
	if n.SIPIdleTimeout != 0 && (n.SIPIdleTimeout < 100*time.Millisecond || n.SIPIdleTimeout > 24*time.Hour) {
		return fmt.Errorf("--sip-idle-timeout: %v is not from 100ms to 24h", n.SIPIdleTimeout)
	}
	return nil
}
