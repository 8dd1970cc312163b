package model

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Phone is an IP phone assigned to a user, with every field of the
// contract's phone body. The web-interface password is write-only: it is
// kept for provisioning and never returned.
type Phone struct {
	ID               string   `json:"id"`
	MAC              string   `json:"mac" maxLength:"17" doc:"Normalised to lower-case aa:bb:cc:dd:ee:ff; unique in the tenant; fixed once assigned"`
	Filename         string   `json:"filename" maxLength:"128" doc:"Provisioning template file name; fixed once assigned"`
	Vendor           string   `json:"vendor" maxLength:"32" doc:"One of the documented vendors; fixed once assigned"`
	Model            string   `json:"model" maxLength:"32" doc:"One of the vendor's documented models; fixed once assigned"`
	FirmwareVersion  string   `json:"fwver" maxLength:"64" doc:"Read-only: reported by the phone"`
	Password         string   `json:"password,omitempty" maxLength:"64" doc:"Web-interface password; write-only"`
	Language         string   `json:"language" enum:"ENGLISH,CHINESE,DUTCH,FRENCH,GERMAN,GREEK,ITALIAN,JAPANESE,POLISH,RUSSIAN,SPANISH,SWEDISH,UKRAINIAN,BULGARIAN"`
	Transfer         string   `json:"transfer" enum:"BLIND,ATTENDED,NEW_CALL"`
	Timezone         string   `json:"timezone" maxLength:"64"`
	Ringtone         string   `json:"ringtone" maxLength:"64"`
	QueueRingtone    string   `json:"queue_ringtone" maxLength:"64"`
	ExternalRingtone string   `json:"external_ringtone" maxLength:"64"`
	DateFormat       string   `json:"date_format" maxLength:"32"`
	TimeFormat       string   `json:"time_format" maxLength:"32"`
	PowerLED         string   `json:"powerled" maxLength:"32"`
	Backlight        string   `json:"backlight" maxLength:"32"`
	Screensaver      string   `json:"screensaver" maxLength:"32"`
	RPS              bool     `json:"rps"`
	HTTPS            bool     `json:"https"`
	Codecs           []string `json:"codecs" maxItems:"16"`
	EnableLLDP       bool     `json:"enable_lldp"`
	EnableVLANWAN    bool     `json:"enable_vlan_wan_port"`
	WANPortID        int      `json:"wan_port_id" doc:"VLAN id 1-4094"`
	WANPortPriority  int      `json:"wan_port_priority" doc:"0-7"`
	EnableVLANPC     bool     `json:"enable_vlan_pc_port"`
	PCPortID         int      `json:"pc_port_id" doc:"VLAN id 1-4094"`
	PCPortPriority   int      `json:"pc_port_priority" doc:"0-7"`
	Interface        string   `json:"interface" enum:"WEB_DOMAIN,PUBLIC_IPV4,PUBLIC_IPV6,PRIVATE_IPV4,PRIVATE_IPV6,SBC_DOMAIN"`
	Transport        string   `json:"preferred_transport" enum:"UDP,TCP,TLS"`
	SerialNumber     string   `json:"serial_number" maxLength:"64"`
	DoorPassword1    string   `json:"door_password1" maxLength:"16" doc:"Digits only"`
	DoorPassword2    string   `json:"door_password2" maxLength:"16" doc:"Digits only"`
	URL              string   `json:"url" doc:"Read-only: where the phone fetches its configuration"`
}

// PhoneLanguages, PhoneTransfers and PhoneCodecs are the accepted values.
var (
	PhoneLanguages = []string{"ENGLISH", "CHINESE", "DUTCH", "FRENCH", "GERMAN", "GREEK", "ITALIAN", "JAPANESE",
		"POLISH", "RUSSIAN", "SPANISH", "SWEDISH", "UKRAINIAN", "BULGARIAN"}
	PhoneTransfers = []string{"BLIND", "ATTENDED", "NEW_CALL"}
	PhoneCodecs    = []string{"PCMU", "PCMA", "G722", "G729", "OPUS", "ILBC", "GSM", "H264", "VP8"}
)

// PhoneModels is the documented catalogue of vendors and their models.
var PhoneModels = map[string][]string{
	"Yealink":     {"T31P", "T33G", "T43U", "T46U", "T48U", "T53W", "T54W", "T57W", "W70B"},
	"Poly":        {"VVX150", "VVX250", "VVX350", "VVX450", "EdgeE220", "EdgeE350"},
	"Grandstream": {"GXP1610", "GXP1630", "GXP2160", "GRP2614", "GRP2615", "GRP2616"},
	"Snom":        {"D315", "D385", "D735", "D785", "300"},
	"Fanvil":      {"X3U", "X4U", "X6U", "X7"},
	"Cisco":       {"SPA504G", "CP-7841", "CP-8841"},
}

// PhoneVendors lists the catalogue's vendors in order.
func PhoneVendors() []string {
	v := make([]string, 0, len(PhoneModels))
	for k := range PhoneModels {
		v = append(v, k)
	}
	sort.Strings(v)
	return v
}

// NormalizeMAC accepts aa:bb:cc:dd:ee:ff, aa-bb-cc-dd-ee-ff, aabb.ccdd.eeff
// or aabbccddeeff in any case and returns lower-case colon form.
func NormalizeMAC(mac string) (string, error) {
	hex := strings.Map(func(r rune) rune {
		switch r {
		case ':', '-', '.':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(mac)))
	if len(hex) != 12 || strings.Trim(hex, "0123456789abcdef") != "" {
		return "", Invalid("mac", "must be a MAC address such as 00:15:65:12:34:56")
	}
	if hex == "000000000000" || hex == "ffffffffffff" {
		return "", Invalid("mac", "must be a device's address, not all zeros or broadcast")
	}
	var b strings.Builder
	for i := 0; i < 12; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(hex[i : i+2])
	}
	return b.String(), nil
}

// ApplyPhoneDefaults fills what a new phone leaves out.
func ApplyPhoneDefaults(p *Phone) {
	setDefault(&p.Language, "ENGLISH")
	setDefault(&p.Transfer, "BLIND")
	setDefault(&p.Interface, defaultInterface)
	setDefault(&p.Transport, defaultTransport)
	if p.Filename == "" && p.Vendor != "" {
		p.Filename = strings.ToLower(p.Vendor+"_"+p.Model) + ".xml"
	}
	if p.Codecs == nil {
		p.Codecs = []string{"OPUS", "G722", "PCMU", "PCMA"}
	}
}

// phoneLen is the maxLength a phone's member declares.
func phoneLen(name string) int { return bound[Phone]("maxLength", name) }

// The bounds of a phone's members, as their tags declare them.
var (
	phoneFilenameLen, phonePasswordLen = phoneLen("filename"), phoneLen("password")
	phoneDoorLens                      = map[string]int{"door_password1": phoneLen("door_password1"), "door_password2": phoneLen("door_password2")}
	phoneCodecsMax                     = bound[Phone]("maxItems", "codecs")
	phoneTextLens                      = func() map[string]int {
		m := map[string]int{}
		for _, n := range []string{"timezone", "ringtone", "queue_ringtone", "external_ringtone", "date_format", "time_format",
			"powerled", "backlight", "screensaver", "serial_number"} {
			m[n] = phoneLen(n)
		}
		return m
	}()
)

// ValidatePhone checks every field of a phone.
func ValidatePhone(p *Phone) error {
	for _, check := range []func(*Phone) error{validatePhoneDevice, validatePhoneSettings, validatePhoneNetwork} {
		if err := check(p); err != nil {
			return err
		}
	}
	return nil
}

// validatePhoneDevice checks what identifies the device: its MAC address
// (normalised), vendor and model, template file and web password.
func validatePhoneDevice(p *Phone) error {
	mac, err := NormalizeMAC(p.MAC)
	if err != nil {
		return err
	}
	p.MAC = mac
	models, ok := PhoneModels[p.Vendor]
	if !ok {
		return Invalid("vendor", "must be one of %s (got %q)", strings.Join(PhoneVendors(), ", "), clip(p.Vendor, 32))
	}
	if !slices.Contains(models, p.Model) {
		return Invalid("model", "must be one of the %s models %s (got %q)", p.Vendor, strings.Join(models, ", "), clip(p.Model, 32))
	}
	if err := ValidatePhoneFilename(p); err != nil {
		return err
	}
	if p.Password != "" {
		return checkText("password", p.Password, phonePasswordLen, false)
	}
	return nil
}

// ValidatePhoneFilename checks a phone's template file name (also the
// name of a tenant's provisioning template).
func ValidatePhoneFilename(p *Phone) error {
	if p.Filename == "" || len(p.Filename) > phoneFilenameLen || strings.Trim(strings.ToLower(p.Filename), "abcdefghijklmnopqrstuvwxyz0123456789._-") != "" ||
		strings.HasPrefix(p.Filename, ".") {
		return Invalid("filename", "must be a file name of letters, digits and . _ - (at most %d)", phoneFilenameLen)
	}
	return nil
}

// validatePhoneSettings checks the choices, texts and codecs.
func validatePhoneSettings(p *Phone) error {
	for _, e := range []struct {
		name, v string
		values  []string
	}{{"language", p.Language, PhoneLanguages}, {"transfer", p.Transfer, PhoneTransfers}, {"interface", p.Interface, Interfaces},
		{"preferred_transport", p.Transport, Transports}} {
		if err := OneOf(e.name, e.v, e.values); err != nil {
			return err
		}
	}
	for _, f := range []struct{ name, v string }{{"timezone", p.Timezone}, {"ringtone", p.Ringtone}, {"queue_ringtone", p.QueueRingtone},
		{"external_ringtone", p.ExternalRingtone}, {"date_format", p.DateFormat}, {"time_format", p.TimeFormat},
		{"powerled", p.PowerLED}, {"backlight", p.Backlight}, {"screensaver", p.Screensaver}, {"serial_number", p.SerialNumber}} {
		if err := checkText(f.name, f.v, phoneTextLens[f.name], false); err != nil {
			return err
		}
	}
	if len(p.Codecs) > phoneCodecsMax {
		return Invalid("codecs", "may list at most %d codecs", phoneCodecsMax)
	}
	seen := map[string]bool{}
	for i, c := range p.Codecs {
		field := fmt.Sprintf("codecs[%d]", i)
		if err := OneOf(field, c, PhoneCodecs); err != nil {
			return err
		}
		if seen[c] {
			return Invalid(field, "%s is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

// validatePhoneNetwork checks the VLANs and the door passwords.
func validatePhoneNetwork(p *Phone) error {
	for _, v := range []struct {
		name string
		id   int
	}{{"wan_port_id", p.WANPortID}, {"pc_port_id", p.PCPortID}} {
		if v.id < 1 || v.id > 4094 {
			return Invalid(v.name, "must be a VLAN id from 1 to 4094 (got %d)", v.id)
		}
	}
	for _, v := range []struct {
		name string
		pr   int
	}{{"wan_port_priority", p.WANPortPriority}, {"pc_port_priority", p.PCPortPriority}} {
		if v.pr < 0 || v.pr > 7 {
			return Invalid(v.name, "must be a VLAN priority from 0 to 7 (got %d)", v.pr)
		}
	}
	for _, d := range []struct{ name, v string }{{"door_password1", p.DoorPassword1}, {"door_password2", p.DoorPassword2}} {
		if max := phoneDoorLens[d.name]; d.v != "" && (!allDigits(d.v) || len(d.v) > max) {
			return Invalid(d.name, "may contain only digits (at most %d)", max)
		}
	}
	return nil
}
