// Package provision renders the configuration files desk phones and
// softphones fetch at start-up: one renderer per vendor of the catalogue
// (model.PhoneModels), each a Go text/template embedded in the binary that
// a tenant may replace by the template file the phone names.
//
// Renderers are pure: they get everything from a Config (the phone, its
// user's line and BLF keys, the tenant) and do no I/O. Values reach a
// template already escaped for the file's format (XML text, or one line
// of key=value), so a display name cannot break the file or add a setting.
package provision

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/template"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// VoicemailNumber is the feature code of the user's own mailbox.
const VoicemailNumber = "*97"

// MaxOutput bounds a rendered file; a template producing more is refused.
const MaxOutput = 256 << 10

// Line is the SIP account a configuration sets up: the user's extension
// at the tenant's domain, registering through Server:Port over Transport
// with the device's own SIP password.
type Line struct {
	Extension   string
	DisplayName string
	Domain      string
	Password    string
	Server      string
	Port        int
	Transport   string // UDP, TCP or TLS
}

// Key is one busy-lamp-field key: it watches Value (an extension) and is
// labelled Label.
type Key struct {
	Index int
	Value string
	Label string
}

// Config is everything a phone's files are rendered from.
type Config struct {
	Phone model.Phone
	Line  Line
	Keys  []Key
	// TimeZone is the IANA zone used when the phone names none (the
	// tenant's).
	TimeZone string
	// URL is where the phone fetches its files again (vendors that take
	// a provisioning server setting); empty leaves it unset.
	URL string
}

// ErrUnknownFile is returned for a file name the phone's vendor does not
// fetch (or that names another phone's MAC).
var ErrUnknownFile = errors.New("provision: not a file of this phone")

// Render writes the file called name of the phone in c. tmpl, when not
// empty, replaces the vendor's built-in template of the phone's main file
// (the tenant's template named by the phone's filename).
func Render(w io.Writer, name string, c *Config, tmpl string) error {
	v, ok := vendors[c.Phone.Vendor]
	if !ok {
		return fmt.Errorf("provision: vendor %q has no renderer", c.Phone.Vendor)
	}
	f, ok := v.file(name, c.Phone.MAC)
	if !ok {
		return ErrUnknownFile
	}
	text := f.builtin
	if tmpl != "" && f.main {
		text = tmpl
	}
	t, err := Parse(name, text)
	if err != nil {
		return err
	}
	return execute(w, t, newView(c, v, f.format))
}

// Parse parses a template (built-in or a tenant's).
func Parse(name, text string) (*template.Template, error) {
	return template.New(name).Option("missingkey=error").Funcs(funcs).Parse(text)
}

// funcs are the helpers templates may call: arithmetic for key and codec
// numbering, and the slots some vendors number their settings by.
var funcs = template.FuncMap{
	"inc":  func(i int) int { return i + 1 },
	"dec":  func(i int) int { return i - 1 },
	"mul":  func(a, b int) int { return a * b },
	"join": strings.Join,
	// gsCodec is Grandstream's setting of the i-th codec choice.
	"gsCodec": func(i int) int { return [...]int{57, 58, 59, 60, 61, 62, 46, 98}[i%8] },
	// gsKey is Grandstream's j-th setting (mode, account, name, value)
	// of multi-purpose key i.
	"gsKey": func(i, j int) int {
		if j == 0 {
			return 323 + i
		}
		return 300 + 3*i + j
	},
	// ciscoCodec is the Cisco setting of the i-th codec choice.
	"ciscoCodec": func(i int) string {
		return [...]string{"Preferred_Codec_1_", "Second_Preferred_Codec_1_", "Third_Preferred_Codec_1_"}[i%3]
	},
}

// linphone is the remote-provisioning file of Linphone softphones (its
// lpconfig XML), set up by a QR code rather than a MAC address.
var linphone = &vendor{
	files:     []file{{pattern: "linphone.xml", builtin: builtin("linphone.xml.tmpl"), format: xmlFormat, main: true, mime: mimeXML}},
	transport: map[string]string{"UDP": "udp", "TCP": "tcp", "TLS": "tls"},
	transfer:  map[string]string{},
	codec:     map[string]string{},
	language:  isoCode,
}

// RenderLinphone writes the Linphone remote-provisioning XML of c's line
// (c.Phone is used only for its display settings).
func RenderLinphone(w io.Writer, c *Config) error {
	t, err := Parse("linphone.xml", linphone.files[0].builtin)
	if err != nil {
		return err
	}
	return execute(w, t, newView(c, linphone, xmlFormat))
}

// ContentType is the type a phone's file is served with.
func ContentType(vendor, name, mac string) string {
	if v, ok := vendors[vendor]; ok {
		if f, ok := v.file(name, mac); ok {
			return f.mime
		}
	}
	return mimeText
}

// execute renders t with view, refusing output past MaxOutput.
func execute(w io.Writer, t *template.Template, view *View) error {
	var buf bytes.Buffer
	lw := &limitWriter{w: &buf, n: MaxOutput}
	if err := t.Execute(lw, view); err != nil {
		return fmt.Errorf("provision: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type limitWriter struct {
	w io.Writer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if len(p) > l.n {
		return 0, fmt.Errorf("output over %d bytes", MaxOutput)
	}
	l.n -= len(p)
	return l.w.Write(p)
}

// Files lists the names a phone of vendor with mac fetches, main file
// first.
func Files(vendor, mac string) []string {
	v, ok := vendors[vendor]
	if !ok {
		return nil
	}
	var names []string
	for _, f := range v.files {
		names = append(names, f.name(macHex(mac)))
	}
	return names
}

// Vendors lists the vendors with a renderer.
func Vendors() []string { return model.PhoneVendors() }

// macHex is a MAC address as the 12 lower-case hex digits phones put in
// file names.
func macHex(mac string) string { return strings.ReplaceAll(strings.ToLower(mac), ":", "") }
