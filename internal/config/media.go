package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/rtpengine"
)

// validate checks the media settings and fills PortMin and PortMax.
func (m *MediaSettings) validate() error {
	for _, f := range []struct{ name, v string }{{"--rtp-ip", m.RTPIP}, {"--rtp-public-ip", m.RTPPublicIP}} {
		if f.v != "" {
			if ip := net.ParseIP(f.v); ip == nil || ip.IsUnspecified() {
				return fmt.Errorf("%s: %q is not an IP address (such as 192.0.2.10)", f.name, f.v)
			}
		}
	}
	if m.RTPPorts == "" {
		m.RTPPorts = DefaultRTPPorts
	}
	lo, hi, ok := strings.Cut(m.RTPPorts, "-")
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if !ok || err1 != nil || err2 != nil || a < 1024 || b > 65535 || b-a < 2 {
		return fmt.Errorf("--rtp-ports: %q is not a range MIN-MAX of at least two ports from 1024 to 65535", m.RTPPorts)
	}
	m.PortMin, m.PortMax = a, b
	if m.RTPEngine != "" {
		if _, err := rtpengine.ParseAddrs(m.RTPEngine); err != nil {
			return err
		}
	}
	if m.SMTP != "" {
		if _, err := ParseSMTP(m.SMTP); err != nil {
			return err
		}
	}
	if m.SMTPFrom != "" {
		if _, err := mail.ParseAddress(m.SMTPFrom); err != nil {
			return fmt.Errorf("--smtp-from: %q is not an email address", m.SMTPFrom)
		}
	}
	return nil
}

// SMTP is a parsed --smtp URL.
type SMTP struct {
	Host     string
	Port     int
	User     string
	Password string
	// TLS is "implicit" (smtps), "mandatory" (STARTTLS, the default),
	// "opportunistic" or "none".
	TLS string
}

// ParseSMTP reads smtp://[user:pass@]host[:port][?starttls=mandatory|opportunistic|none]
// or smtps://[user:pass@]host[:port]. Errors never repeat the URL (it
// may hold a password).
func ParseSMTP(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "smtp" && u.Scheme != "smtps") {
		return nil, errors.New("--smtp: expected smtp://[user:password@]host[:port] or smtps://...")
	}
	s := &SMTP{Host: u.Hostname(), TLS: "mandatory", Port: 587}
	if u.Scheme == "smtps" {
		s.TLS, s.Port = "implicit", 465
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, errors.New("--smtp: the port must be a number from 1 to 65535")
		}
		s.Port = n
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if v := u.Query().Get("starttls"); v != "" {
		if u.Scheme == "smtps" || (v != "mandatory" && v != "opportunistic" && v != "none") {
			return nil, errors.New("--smtp: starttls must be mandatory, opportunistic or none (smtp:// only)")
		}
		s.TLS = v
	}
	return s, nil
}
