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
				return c.Login == LoginLimits{AccountLimit: 7, SourceLimit: 99, Window: 10 * time.Minute, Lockout: time.Hour}
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
