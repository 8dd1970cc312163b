package app

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/netlimit"
	"github.com/switchboard-pbx/switchboard/internal/rtpengine"
	"github.com/switchboard-pbx/switchboard/internal/sip/registrar"
	sipserver "github.com/switchboard-pbx/switchboard/internal/sip/server"
	"github.com/switchboard-pbx/switchboard/internal/sip/subscribe"
	"github.com/switchboard-pbx/switchboard/internal/sip/transport"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// sipConfig is the SIP server's configuration from cfg (its certificate
// loaded); the media hand-off is added by the caller.
func sipConfig(cfg *config.Config, st *store.Store, dir *directory.Service, log *slog.Logger, clock func() time.Time) (sipserver.Config, error) {
	rcfg := sipserver.Config{Addr: cfg.SIPAddr, TLSAddr: cfg.SIP.TLSAddr, Now: clock, Log: log, Store: st,
		Limits: registrar.Limits{Min: time.Duration(cfg.SIP.MinExpires) * time.Second, Max: time.Duration(cfg.SIP.MaxExpires) * time.Second,
			Default: time.Duration(cfg.SIP.DefaultExpires) * time.Second},
		FailLimit: cfg.SIP.FailLimit, FailWindow: cfg.SIP.FailWindow, Ban: cfg.SIP.Ban, KeyPressWait: cfg.SIP.KeyPressWait, Router: directory.SIPRouter{S: dir},
		Subscriptions: subscribe.Limits{MinExpires: cfg.SIP.MinExpires, MaxExpires: cfg.SIP.MaxExpires, DefaultExpires: cfg.SIP.DefaultExpires,
			PerUser: cfg.SIP.SubsPerUser, PerDevice: cfg.SIP.SubsPerDevice},
		Conns:    netlimit.Limits{Total: cfg.Net.SIPMaxConns, PerIP: cfg.Net.SIPMaxConnsPerIP},
		Timeouts: transport.Timeouts{First: cfg.Net.SIPFirstTimeout, Idle: cfg.Net.SIPIdleTimeout}}
	if cfg.SIP.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.SIP.TLSCert, cfg.SIP.TLSKey)
		if err != nil {
			return rcfg, fmt.Errorf("--sip-tls-cert/--sip-tls-key: %w", err)
		}
		rcfg.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if cfg.Media.RTPEngine != "" {
		addrs, err := rtpengine.ParseAddrs(cfg.Media.RTPEngine)
		if err != nil {
			return rcfg, err
		}
		rcfg.Relay = rtpengine.New(addrs)
	}
	return rcfg, nil
}

// httpTLSConfig loads the HTTPS certificate (nil without one).
func httpTLSConfig(cfg *config.Config) (*tls.Config, error) {
	if cfg.Net.HTTPTLSCert == "" {
		return nil, nil
	}
	cert, err := tls.LoadX509KeyPair(cfg.Net.HTTPTLSCert, cfg.Net.HTTPTLSKey)
	if err != nil {
		return nil, fmt.Errorf("--http-tls-cert/--http-tls-key: %w", err)
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}, nil
}

// listenHTTP binds --http with the connection caps, and TLS above them
// when tc is set (so handshakes count against the caps too).
func listenHTTP(cfg *config.Config, tc *tls.Config) (net.Listener, error) {
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("cannot listen for HTTP on %s: %w", cfg.HTTPAddr, err)
	}
	var out net.Listener = netlimit.Listen(ln, netlimit.Limits{Total: cfg.Net.HTTPMaxConns, PerIP: cfg.Net.HTTPMaxConnsPerIP})
	if tc != nil {
		out = tls.NewListener(out, tc)
	}
	return out, nil
}
