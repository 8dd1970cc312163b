package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// ProvisionSettings say where phones reach the node for their files and
// for SIP.
type ProvisionSettings struct {
	// URL is the node's HTTP(S) address as phones see it
	// (https://pbx.example.com); empty: http:// and the --http address.
	URL string
	// Hosts is "INTERFACE=host,..." (WEB_DOMAIN=pbx.example.com,
	// PUBLIC_IPV4=203.0.113.5): the SIP address a phone with that
	// interface registers at; others use the --sip host.
	Hosts   string
	HostMap map[string]string
}

// Environment variables of the provisioning flags.
const (
	EnvProvisionURL   = "SWITCHBOARD_PROVISION_URL"
	EnvProvisionHosts = "SWITCHBOARD_PROVISION_HOSTS"
)

func provisionFlags(fs *flag.FlagSet, p *ProvisionSettings, getenv func(string) string) {
	fs.StringVar(&p.URL, "provision-url", getenv(EnvProvisionURL), "the node's address as phones see it, for their files (https://pbx.example.com); default http:// and --http (env "+EnvProvisionURL+")")
	fs.StringVar(&p.Hosts, "provision-hosts", getenv(EnvProvisionHosts), "SIP address per phone interface: WEB_DOMAIN=pbx.example.com,PUBLIC_IPV4=203.0.113.5; default the --sip host (env "+EnvProvisionHosts+")")
}

func (p *ProvisionSettings) validate() error {
	if p.URL != "" {
		u, err := url.Parse(p.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" {
			return fmt.Errorf("--provision-url: %q is not an http:// or https:// address such as https://pbx.example.com", p.URL)
		}
		p.URL = strings.TrimRight(p.URL, "/")
	}
	p.HostMap = map[string]string{}
	if p.Hosts == "" {
		return nil
	}
	for _, kv := range strings.Split(p.Hosts, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || !slices.Contains(model.Interfaces, k) {
			return fmt.Errorf("--provision-hosts: %q is not INTERFACE=host with INTERFACE one of %s", kv, strings.Join(model.Interfaces, ", "))
		}
		if net.ParseIP(v) == nil && !validHostName(v) {
			return fmt.Errorf("--provision-hosts: %q is not an IP address or host name", v)
		}
		p.HostMap[k] = v
	}
	return nil
}
