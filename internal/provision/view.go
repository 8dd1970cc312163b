package provision

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// View is what a template sees. Every string is already escaped for the
// file's format; numbers and booleans are plain. Vendor-specific codes
// (transport, transfer, language, codec names) are already the vendor's.
type View struct {
	Vendor, Model, MAC string
	// The line: the user's extension at the tenant's domain.
	Extension, DisplayName, Label, Domain, Password string
	// Where the phone registers (an outbound proxy) and how.
	Server        string
	Port          int
	Transport     string // UDP, TCP or TLS
	TransportCode string // the vendor's value for it
	Voicemail     string
	// Regional settings.
	Language, LanguageCode string
	TimeZone               string // IANA name or the phone's own value
	TZOffset               string // "+1", "-5", "+5:30"
	TZOffsetMinutes        int
	TZGMT                  string // "GMT+01:00"
	DateFormat, TimeFormat string
	DateOrder              string // DMY, MDY or YMD, read from DateFormat
	Clock24                bool
	Ringtone               string
	QueueRingtone          string
	ExternalRingtone       string
	Backlight, Screensaver string
	PowerLED               string
	// Network.
	LLDP                         bool
	WANVLAN                      bool
	WANVLANID, WANPriority       int
	PCVLAN                       bool
	PCVLANID, PCPriority         int
	HTTPS                        bool
	AdminPassword                string
	DoorPassword1, DoorPassword2 string
	Codecs                       []string
	Transfer                     string // the vendor's code for the phone's transfer method
	TransferMethod               string // BLIND, ATTENDED or NEW_CALL
	Keys                         []ViewKey
	URL                          string
}

// ViewKey is one BLF key as a template sees it.
type ViewKey struct {
	Index        int
	Value, Label string
	URI          string // sip:value@domain
}

func newView(c *Config, v *vendor, f format) *View {
	esc := escaper(f)
	p := c.Phone
	label := c.Line.DisplayName
	if label == "" {
		label = c.Line.Extension
	}
	vw := &View{
		Vendor: esc(p.Vendor), Model: esc(p.Model), MAC: macHex(p.MAC),
		Extension: esc(c.Line.Extension), DisplayName: esc(c.Line.DisplayName), Label: esc(label),
		Domain: esc(c.Line.Domain), Password: esc(c.Line.Password),
		Server: esc(c.Line.Server), Port: c.Line.Port, Transport: c.Line.Transport, TransportCode: v.transport[c.Line.Transport],
		Voicemail: VoicemailNumber, Language: esc(v.language(p.Language)), LanguageCode: isoCode(p.Language),
		DateFormat: esc(p.DateFormat), TimeFormat: esc(p.TimeFormat), DateOrder: dateOrder(p.DateFormat),
		Clock24: !strings.Contains(p.TimeFormat, "12"), Ringtone: esc(p.Ringtone), QueueRingtone: esc(p.QueueRingtone),
		ExternalRingtone: esc(p.ExternalRingtone), Backlight: esc(p.Backlight), Screensaver: esc(p.Screensaver), PowerLED: esc(p.PowerLED),
		LLDP: p.EnableLLDP, WANVLAN: p.EnableVLANWAN, WANVLANID: p.WANPortID, WANPriority: p.WANPortPriority,
		PCVLAN: p.EnableVLANPC, PCVLANID: p.PCPortID, PCPriority: p.PCPortPriority, HTTPS: p.HTTPS,
		AdminPassword: esc(p.Password), DoorPassword1: esc(p.DoorPassword1), DoorPassword2: esc(p.DoorPassword2),
		Transfer: v.transfer[p.Transfer], TransferMethod: p.Transfer, URL: esc(c.URL),
	}
	vw.setTimeZone(p.Timezone, c.TimeZone, esc)
	for _, codec := range p.Codecs {
		if n, ok := v.codec[codec]; ok {
			vw.Codecs = append(vw.Codecs, n)
		}
	}
	for _, k := range c.Keys {
		vw.Keys = append(vw.Keys, ViewKey{Index: k.Index, Value: esc(k.Value), Label: esc(k.Label),
			URI: esc("sip:" + k.Value + "@" + c.Line.Domain)})
	}
	return vw
}

// setTimeZone takes the phone's zone, else the tenant's, and works out
// its current UTC offset when it is an IANA name.
func (vw *View) setTimeZone(phone, tenant string, esc func(string) string) {
	name := phone
	if name == "" {
		name = tenant
	}
	if name == "" {
		name = "UTC"
	}
	vw.TimeZone = esc(name)
	off := 0
	if loc, err := time.LoadLocation(name); err == nil {
		_, off = time.Now().In(loc).Zone()
	}
	vw.TZOffsetMinutes = off / 60
	sign, m := "+", off/60
	if m < 0 {
		sign, m = "-", -m
	}
	vw.TZOffset = sign + strconv.Itoa(m/60)
	if m%60 != 0 {
		vw.TZOffset += fmt.Sprintf(":%02d", m%60)
	}
	vw.TZGMT = fmt.Sprintf("GMT%s%02d:%02d", sign, m/60, m%60)
}

// dateOrder reads the order of day, month and year from a format such
// as "DD/MM/YYYY" or "%m-%d-%Y" (DMY when it cannot tell).
func dateOrder(f string) string {
	f = strings.ToUpper(f)
	d, m, y := strings.Index(f, "D"), strings.Index(f, "M"), strings.Index(f, "Y")
	switch {
	case d < 0 || m < 0:
		return "DMY"
	case y >= 0 && y < m && y < d:
		return "YMD"
	case m < d:
		return "MDY"
	}
	return "DMY"
}

// escaper returns the escaping of format f.
func escaper(f format) func(string) string {
	if f == xmlFormat {
		return xmlEscape
	}
	return lineEscape
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(stripControl(s)))
	return b.String()
}

// lineEscape keeps a value on its line: control characters go, and so
// do leading and trailing spaces (key=value readers trim them).
func lineEscape(s string) string { return strings.TrimSpace(stripControl(s)) }

func stripControl(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
}
