package app

import (
	"net"
	"net/url"
	"strconv"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
)

// provisioningConfig says where phones reach this node: the files at
// --provision-url (default http:// and the bound HTTP address), SIP at the
// --provision-hosts address of their interface, else the bound SIP host
// (or, when that is a wildcard, the provisioning URL's host).
func provisioningConfig(cfg *config.Config, httpAddr, sipAddr, tlsAddr string) directory.ProvisioningConfig {
	base := cfg.Provision.URL
	if base == "" && cfg.Net.HTTPTLSCert != "" {
		base = "https://" + httpAddr
	} else if base == "" {
		base = "http://" + httpAddr
	}
	p := directory.ProvisioningConfig{BaseURL: base, Hosts: cfg.Provision.HostMap}
	host, port, _ := net.SplitHostPort(sipAddr)
	p.SIPPort, _ = strconv.Atoi(port)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if u, err := url.Parse(base); err == nil {
			host = u.Hostname()
		}
	}
	p.DefaultHost = host
	if _, tport, err := net.SplitHostPort(tlsAddr); err == nil {
		p.TLSPort, _ = strconv.Atoi(tport)
	}
	return p
}
