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
}

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
)

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
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	c.AdminPassword = getenv(EnvAdminPassword)
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
	if c.DB != "" && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") && !strings.HasPrefix(c.DB, "sqlite:") {
		return errors.New("--db: expected postgres://..., postgresql://... or sqlite:PATH (leave empty for SQLite in the data dir)")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	return nil
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
