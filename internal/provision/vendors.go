package provision

import (
	"embed"
	"strings"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

func builtin(name string) string {
	b, err := templateFS.ReadFile("templates/" + name)
	if err != nil {
		panic(err) // a missing embedded template is a build mistake
	}
	return string(b)
}

// format is how values are escaped for a file.
type format int

const (
	xmlFormat  format = iota // XML text and attribute values
	lineFormat               // one line of key=value or key :value
)

// file is one file a vendor's phones fetch. pattern holds %s where the
// phone's MAC (12 lower-case hex digits) goes.
type file struct {
	pattern string
	builtin string
	format  format
	// main is the file a tenant's template replaces (the phone's own
	// settings, with its secrets).
	main bool
	// mime is the content type it is served with.
	mime string
}

func (f file) name(mac string) string { return strings.ReplaceAll(f.pattern, "%s", mac) }

// vendor holds how one vendor's phones name things.
type vendor struct {
	files     []file
	transport map[string]string // UDP, TCP, TLS
	transfer  map[string]string // BLIND, ATTENDED, NEW_CALL
	codec     map[string]string // model codec -> vendor name (missing: not offered)
	language  func(lang string) string
}

func (v *vendor) file(name, mac string) (file, bool) {
	for _, f := range v.files {
		if strings.EqualFold(name, f.name(macHex(mac))) {
			return f, true
		}
	}
	return file{}, false
}

const (
	mimeText = "text/plain; charset=utf-8"
	mimeXML  = "application/xml; charset=utf-8"
)

var vendors = map[string]*vendor{
	"Yealink": {
		files:     []file{{pattern: "%s.cfg", builtin: builtin("yealink.cfg.tmpl"), format: lineFormat, main: true, mime: mimeText}},
		transport: map[string]string{"UDP": "0", "TCP": "1", "TLS": "2"},
		transfer:  map[string]string{"NEW_CALL": "0", "ATTENDED": "1", "BLIND": "2"},
		codec:     map[string]string{"PCMU": "pcmu", "PCMA": "pcma", "G722": "g722", "G729": "g729", "OPUS": "opus", "ILBC": "ilbc"},
		language:  englishName,
	},
	"Poly": {
		files: []file{
			{pattern: "%s-phone.cfg", builtin: builtin("poly.cfg.tmpl"), format: xmlFormat, main: true, mime: mimeXML},
			{pattern: "%s.cfg", builtin: builtin("poly-master.cfg.tmpl"), format: xmlFormat, mime: mimeXML},
			{pattern: "000000000000.cfg", builtin: builtin("poly-master.cfg.tmpl"), format: xmlFormat, mime: mimeXML},
		},
		transport: map[string]string{"UDP": "UDPOnly", "TCP": "TCPOnly", "TLS": "TLS"},
		transfer:  map[string]string{"BLIND": "Blind", "ATTENDED": "Consultative", "NEW_CALL": "Consultative"},
		codec:     map[string]string{"PCMU": "G711_Mu", "PCMA": "G711_A", "G722": "G722", "G729": "G729_AB", "OPUS": "OPUS", "ILBC": "iLBC"},
		language:  polyLocale,
	},
	"Grandstream": {
		files:     []file{{pattern: "cfg%s.xml", builtin: builtin("grandstream.xml.tmpl"), format: xmlFormat, main: true, mime: mimeXML}},
		transport: map[string]string{"UDP": "0", "TCP": "1", "TLS": "2"},
		transfer:  map[string]string{"BLIND": "0", "ATTENDED": "1", "NEW_CALL": "2"},
		codec:     map[string]string{"PCMU": "0", "PCMA": "8", "G722": "9", "G729": "18", "OPUS": "123", "ILBC": "98", "GSM": "3"},
		language:  isoCode,
	},
	"Snom": {
		files:     []file{{pattern: "%s.xml", builtin: builtin("snom.xml.tmpl"), format: xmlFormat, main: true, mime: mimeXML}},
		transport: map[string]string{"UDP": "udp", "TCP": "tcp", "TLS": "tls"},
		transfer:  map[string]string{"BLIND": "blind", "ATTENDED": "attended", "NEW_CALL": "off"},
		codec:     map[string]string{"PCMU": "pcmu", "PCMA": "pcma", "G722": "g722", "G729": "g729", "OPUS": "opus", "GSM": "gsm"},
		language:  englishName,
	},
	"Fanvil": {
		files:     []file{{pattern: "%s.cfg", builtin: builtin("fanvil.cfg.tmpl"), format: lineFormat, main: true, mime: mimeText}},
		transport: map[string]string{"UDP": "0", "TCP": "1", "TLS": "3"},
		transfer:  map[string]string{"NEW_CALL": "0", "ATTENDED": "1", "BLIND": "2"},
		codec:     map[string]string{"PCMU": "PCMU", "PCMA": "PCMA", "G722": "G722", "G729": "G729", "OPUS": "OPUS", "ILBC": "iLBC", "GSM": "GSM"},
		language:  isoCode,
	},
	"Cisco": {
		files: []file{
			{pattern: "spa%s.xml", builtin: builtin("cisco.xml.tmpl"), format: xmlFormat, main: true, mime: mimeXML},
			{pattern: "%s.xml", builtin: builtin("cisco.xml.tmpl"), format: xmlFormat, main: true, mime: mimeXML},
		},
		transport: map[string]string{"UDP": "UDP", "TCP": "TCP", "TLS": "TLS"},
		transfer:  map[string]string{"BLIND": "blind", "ATTENDED": "attended", "NEW_CALL": "newcall"},
		codec:     map[string]string{"PCMU": "G711u", "PCMA": "G711a", "G722": "G722", "G729": "G729a", "OPUS": "OPUS", "ILBC": "iLBC"},
		language:  englishName,
	},
}

// languages holds each phone language's English name, ISO 639-1 code and
// the country Poly locales pair it with.
var languages = map[string][3]string{
	"ENGLISH": {"English", "en", "United_States"}, "CHINESE": {"Chinese", "zh", "China"}, "DUTCH": {"Dutch", "nl", "Netherlands"},
	"FRENCH": {"French", "fr", "France"}, "GERMAN": {"German", "de", "Germany"}, "GREEK": {"Greek", "el", "Greece"},
	"ITALIAN": {"Italian", "it", "Italy"}, "JAPANESE": {"Japanese", "ja", "Japan"}, "POLISH": {"Polish", "pl", "Poland"},
	"RUSSIAN": {"Russian", "ru", "Russia"}, "SPANISH": {"Spanish", "es", "Spain"}, "SWEDISH": {"Swedish", "sv", "Sweden"},
	"UKRAINIAN": {"Ukrainian", "uk", "Ukraine"}, "BULGARIAN": {"Bulgarian", "bg", "Bulgaria"},
}

func language(lang string) [3]string {
	if l, ok := languages[lang]; ok {
		return l
	}
	return languages["ENGLISH"]
}

func englishName(lang string) string { return language(lang)[0] }
func isoCode(lang string) string     { return language(lang)[1] }
func polyLocale(lang string) string  { l := language(lang); return l[0] + "_" + l[2] }
