package app

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/media"
)

// startMedia sets up the media engine (voicemail) on the RTP address:
// --rtp-ip, else the --sip host, else the first non-loopback address.
func startMedia(cfg *config.Config, dir *directory.Service, log *slog.Logger, clock func() time.Time) (*media.Engine, error) {
	ip := cfg.Media.RTPIP
	if ip == "" {
		host, _, _ := net.SplitHostPort(cfg.SIPAddr)
		if a := net.ParseIP(host); a != nil && !a.IsUnspecified() {
			ip = host
		} else {
			found, _, err := sip.ResolveInterfacesIP("ip4", nil)
			if err != nil {
				return nil, fmt.Errorf("media: no address for RTP; set --rtp-ip: %w", err)
			}
			ip = found.String()
		}
	}
	return media.New(media.Config{IP: ip, PublicIP: cfg.Media.RTPPublicIP, PortMin: cfg.Media.PortMin, PortMax: cfg.Media.PortMax,
		Directory: dir, Log: log, Now: clock})
}

// smtpTLS is the TLS configuration towards the relay: the system's roots,
// or only the certificates of the PEM file caFile (--smtp-ca).
func smtpTLS(caFile string) (*tls.Config, error) {
	conf := &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return conf, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("--smtp-ca: %w", err)
	}
	conf.RootCAs = x509.NewCertPool()
	if !conf.RootCAs.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("--smtp-ca: %s holds no PEM certificate", caFile)
	}
	return conf, nil
}
