package provision

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// MaxTemplate bounds a tenant's template.
const MaxTemplate = 64 << 10

// Check validates a tenant's template for vendor's phones: it must parse,
// render the main file of a sample phone (whose names carry markup and
// line breaks) and, for an XML vendor, give well-formed XML.
func Check(vendor, text string) error {
	v, ok := vendors[vendor]
	if !ok {
		return fmt.Errorf("no renderer for vendor %q", vendor)
	}
	if len(text) > MaxTemplate || !utf8.ValidString(text) || strings.TrimSpace(text) == "" {
		return fmt.Errorf("must be UTF-8 text of 1 to %d bytes", MaxTemplate)
	}
	if _, err := Parse("template", text); err != nil {
		return err
	}
	c := SampleConfig(vendor)
	main := v.files[0]
	var b bytes.Buffer
	if err := Render(&b, main.name(macHex(c.Phone.MAC)), c, text); err != nil {
		return err
	}
	if main.format == xmlFormat {
		return WellFormed(b.Bytes())
	}
	return nil
}

// SampleConfig is a phone of vendor with every setting filled, names
// carrying markup, quotes and a line break: templates are checked with it.
func SampleConfig(vendor string) *Config {
	models := model.PhoneModels[vendor]
	m := ""
	if len(models) > 0 {
		m = models[0]
	}
	p := model.Phone{MAC: "00:15:65:00:00:01", Vendor: vendor, Model: m, Password: "admin-Secret-1", Language: "GERMAN",
		Transfer: "ATTENDED", Timezone: "Europe/Berlin", DateFormat: "DD.MM.YYYY", TimeFormat: "24h", Ringtone: "Ring2.wav",
		Codecs: []string{"OPUS", "G722", "PCMA"}, EnableLLDP: true, EnableVLANWAN: true, WANPortID: 10, WANPortPriority: 5,
		EnableVLANPC: true, PCPortID: 20, PCPortPriority: 1, Interface: "WEB_DOMAIN", Transport: "UDP"}
	return &Config{Phone: p, TimeZone: "Europe/Berlin",
		Line: Line{Extension: "100", DisplayName: "Ann <&\"'>\nB", Domain: "example.com", Password: "line-Secret-1",
			Server: "pbx.example.com", Port: 5060, Transport: "UDP"},
		Keys: []Key{{Index: 2, Value: "101", Label: "Bo <&>"}}, URL: "https://pbx.example.com/provision/"}
}

// WellFormed reports whether b is one well-formed XML document.
func WellFormed(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("not well-formed XML: %w", err)
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 || depth != 0 {
		return fmt.Errorf("not one XML document (%d root elements)", roots)
	}
	return nil
}

// MainFile is the name of the file a tenant template replaces for a
// phone of vendor with mac.
func MainFile(vendor, mac string) string {
	if f := Files(vendor, mac); len(f) > 0 {
		return f[0]
	}
	return ""
}
