package config

import (
	"io"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		wantErr string
		check   func(*Config) bool
	}{
		{name: "defaults", check: func(c *Config) bool {
			return c.DataDir == "./data" && c.HTTPAddr == "127.0.0.1:8887" && c.SIPAddr == "127.0.0.1:5060" && c.DB == "" &&
				c.Login == DefaultLoginLimits
		}},
		{name: "login limits", args: []string{"--login-account-limit", "7", "--login-lockout", "1h"},
			env: map[string]string{EnvLoginSource: "99", EnvLoginWindow: "10m"}, check: func(c *Config) bool {
				return c.Login == LoginLimits{AccountLimit: 7, SourceLimit: 99, Window: 10 * time.Minute, Lockout: time.Hour, Delay: time.Second}
			}},
		{name: "bad login env", env: map[string]string{EnvLoginAccount: "five"}, wantErr: EnvLoginAccount},
		{name: "bad login duration", env: map[string]string{EnvLoginWindow: "soon"}, wantErr: EnvLoginWindow},
		{name: "login limit zero", args: []string{"--login-account-limit", "0"}, wantErr: "--login-account-limit"},
		{name: "lockout too long", args: []string{"--login-lockout", "48h"}, wantErr: "--login-lockout"},
		{name: "env", env: map[string]string{EnvHTTP: "127.0.0.1:9000", EnvDB: "postgres://x@h/db", EnvDataDir: "/tmp/d", EnvSIP: "0.0.0.0:5070", EnvAdminPassword: "s3cret-pass"},
			check: func(c *Config) bool {
				return c.HTTPAddr == "127.0.0.1:9000" && c.DB == "postgres://x@h/db" && c.DataDir == "/tmp/d" && c.SIPAddr == "0.0.0.0:5070" && c.AdminPassword == "s3cret-pass"
			}},
		{name: "flag beats env", args: []string{"--http", "127.0.0.1:9001"}, env: map[string]string{EnvHTTP: "127.0.0.1:9000"},
			check: func(c *Config) bool { return c.HTTPAddr == "127.0.0.1:9001" }},
		{name: "bad flag", args: []string{"--nope"}, wantErr: "flag provided but not defined"},
		{name: "bad http", args: []string{"--http", "8887"}, wantErr: "--http"},
		{name: "bad port", args: []string{"--sip", "127.0.0.1:70000"}, wantErr: "--sip"},
		{name: "bad db", args: []string{"--db", "mysql://x"}, wantErr: "--db"},
		{name: "bad level", args: []string{"--log-level", "loud"}, wantErr: "--log-level"},
		{name: "stray arg", args: []string{"extra"}, wantErr: "unexpected argument"},
		{name: "sip defaults", check: func(c *Config) bool { return c.SIP == DefaultSIPSettings }},
		{name: "sip settings", args: []string{"--sip-min-expires", "30", "--sip-fail-limit", "0", "--sip-ban", "1h"},
			env: map[string]string{EnvSIPMaxExpires: "7200", EnvSIPFailWindow: "5m"}, check: func(c *Config) bool {
				return c.SIP.MinExpires == 30 && c.SIP.MaxExpires == 7200 && c.SIP.FailLimit == 0 && c.SIP.Ban == time.Hour && c.SIP.FailWindow == 5*time.Minute
			}},
		{name: "sip tls address from --sip", args: []string{"--sip", "0.0.0.0:5080", "--sip-tls-cert", "c.pem", "--sip-tls-key", "k.pem"},
			check: func(c *Config) bool { return c.SIP.TLSAddr == "0.0.0.0:5061" }},
		{name: "sip cert without key", args: []string{"--sip-tls-cert", "c.pem"}, wantErr: "--sip-tls-key"},
		{name: "sip tls without cert", args: []string{"--sip-tls", "127.0.0.1:5061"}, wantErr: "--sip-tls needs"},
		{name: "sip min expires zero", args: []string{"--sip-min-expires", "0"}, wantErr: "--sip-min-expires"},
		{name: "sip max below min", args: []string{"--sip-min-expires", "600", "--sip-max-expires", "300", "--sip-default-expires", "600"}, wantErr: "--sip-max-expires"},
		{name: "sip default above max", args: []string{"--sip-default-expires", "7200"}, wantErr: "--sip-default-expires"},
		{name: "sip negative fail limit", args: []string{"--sip-fail-limit", "-1"}, wantErr: "--sip-fail-limit"},
		{name: "sip ban too long", args: []string{"--sip-ban", "48h"}, wantErr: "--sip-ban"},
		{name: "key press wait", args: []string{"--sip-key-press-wait", "5s"}, check: func(c *Config) bool { return c.SIP.KeyPressWait == 5*time.Second }},
		{name: "key press wait too short", args: []string{"--sip-key-press-wait", "10ms"}, wantErr: "--sip-key-press-wait"},
		{name: "bad sip env", env: map[string]string{EnvSIPMinExpires: "soon"}, wantErr: EnvSIPMinExpires},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse("serve", tc.args, env(tc.env), io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(c) {
				t.Fatalf("unexpected config %+v", c)
			}
		})
	}
}

// The SMTP relay's URL may hold a password: --help never shows it, and a
// bad URL is refused without repeating it.
func TestSMTPFlagKeepsThePassword(t *testing.T) {
	env := map[string]string{EnvSMTP: "smtp://u:Secret-pw-1@relay.example:587"}
	var out strings.Builder
	_, err := Parse("serve", []string{"--help"}, func(k string) string { return env[k] }, &out)
	if err == nil || strings.Contains(out.String(), "Secret-pw-1") {
		t.Fatalf("help: %v\n%s", err, out.String())
	}
	c, err := Parse("serve", nil, func(k string) string { return env[k] }, &out)
	if err != nil || c.Media.SMTP != env[EnvSMTP] {
		t.Fatalf("env: %v %+v", err, c)
	}
	s, err := ParseSMTP(c.Media.SMTP)
	if err != nil || s.Host != "relay.example" || s.Port != 587 || s.User != "u" || s.Password != "Secret-pw-1" || s.TLS != "mandatory" {
		t.Fatalf("parsed: %+v %v", s, err)
	}
	if s, _ := ParseSMTP("smtps://relay.example"); s.Port != 465 || s.TLS != "implicit" {
		t.Fatalf("smtps: %+v", s)
	}
	for _, bad := range []string{"http://u:Secret-pw-1@x", "smtp://u:Secret-pw-1@x:99999", "smtps://u:Secret-pw-1@x?starttls=none"} {
		if _, err := ParseSMTP(bad); err == nil || strings.Contains(err.Error(), "Secret-pw-1") {
			t.Fatalf("%s: %v", bad, err)
		}
	}
	if _, err := Parse("serve", []string{"--rtp-ports", "20000-10000"}, func(string) string { return "" }, &out); err == nil {
		t.Fatal("a reversed RTP range was accepted")
	}
}
