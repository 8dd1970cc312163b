package provision

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

const (
	testMAC      = "00:15:65:ab:cd:ef"
	testPassword = "Line-Secret-9f3k"
	testAdmin    = "Web-Admin-77"
)

// sample is a phone of vendor whose user's name tries to break out of
// the file (markup, a quote, a line break starting a new setting).
func sample(vendor string) *Config {
	p := model.Phone{MAC: testMAC, Vendor: vendor, Model: model.PhoneModels[vendor][0], Password: testAdmin,
		Language: "FRENCH", Transfer: "ATTENDED", Timezone: "Europe/Paris", DateFormat: "DD/MM/YYYY", TimeFormat: "24h",
		Ringtone: "Ring3.wav", Codecs: []string{"G722", "PCMA", "PCMU"}, EnableLLDP: true, EnableVLANWAN: true,
		WANPortID: 42, WANPortPriority: 5, PCPortID: 1, Interface: "WEB_DOMAIN", Transport: "TCP"}
	return &Config{Phone: p, TimeZone: "America/New_York",
		Line: Line{Extension: "201", DisplayName: "Zoë <&\"'> O'Brien\naccount.1.password = stolen", Domain: "acme.example",
			Password: testPassword, Server: "sip.acme.example", Port: 5060, Transport: "TCP"},
		Keys: []Key{{Index: 2, Value: "202", Label: "Bob <Desk>"}, {Index: 3, Value: "203", Label: "Carol"}}}
}

func render(t *testing.T, c *Config, name, tmpl string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, name, c, tmpl); err != nil {
		t.Fatalf("render %s: %v", name, err)
	}
	return b.String()
}

// wellFormed fails unless s is one well-formed XML document.
func wellFormed(t *testing.T, name, s string) {
	t.Helper()
	if err := WellFormed([]byte(s)); err != nil {
		t.Fatalf("%s: %v\n%s", name, err, s)
	}
}

var (
	yealinkLine = regexp.MustCompile(`^[a-z0-9_.]+ = [^\r\n]*$`)
	fanvilLine  = regexp.MustCompile(`^(<<[^<>]+>>.*|<[A-Z ]+ MODULE>|[A-Za-z0-9 ]+:[^\r\n]*)$`)
)

// keyValues checks every line of s against the grammar and returns each
// key's values.
func keyValues(t *testing.T, s string, line *regexp.Regexp, sep string) map[string][]string {
	t.Helper()
	kv := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if !line.MatchString(l) {
			t.Fatalf("line %d breaks the grammar: %q", n, l)
		}
		if k, v, ok := strings.Cut(l, sep); ok && !strings.HasPrefix(l, "<") {
			k = strings.TrimSpace(k)
			kv[k] = append(kv[k], strings.TrimSpace(v))
		}
	}
	return kv
}

func TestYealink(t *testing.T) {
	c := sample("Yealink")
	s := render(t, c, "001565abcdef.cfg", "")
	kv := keyValues(t, s, yealinkLine, " = ")
	for k, want := range map[string]string{
		"account.1.user_name": "201", "account.1.password": testPassword, "account.1.sip_server.1.address": "acme.example",
		"account.1.outbound_proxy.1.address": "sip.acme.example", "account.1.sip_server.1.port": "5060",
		"account.1.sip_server.1.transport_type": "1", "voice_mail.number.1": "*97", "lang.gui": "French",
		"local_time.time_zone_name": "Europe/Paris", "local_time.time_format": "1", "local_time.date_format": "2",
		"network.lldp.enable": "1", "network.vlan.internet_port_vid": "42", "network.vlan.internet_port_priority": "5",
		"static.security.user_password": "admin:" + testAdmin, "transfer.dsskey_deal_type": "1",
		"account.1.codec.g722.priority": "1", "account.1.codec.pcmu.priority": "3",
		"linekey.2.type": "16", "linekey.2.value": "202", "linekey.3.value": "203", "phone_setting.ring_type": "Ring3.wav",
	} {
		if got := kv[k]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want exactly %q", k, got, want)
		}
	}
	if tz := kv["local_time.time_zone"]; len(tz) != 1 || (tz[0] != "+1" && tz[0] != "+2") {
		t.Errorf("time zone offset %q", tz)
	}
}

func TestFanvil(t *testing.T) {
	s := render(t, sample("Fanvil"), "001565ABCDEF.cfg", "")
	kv := keyValues(t, s, fanvilLine, ":")
	for k, want := range map[string]string{
		"SIP1 Phone Number": "201", "SIP1 Register Pswd": testPassword, "SIP1 Register Addr": "acme.example",
		"SIP1 Proxy Addr": "sip.acme.example", "SIP1 Transport": "1", "SIP1 VoiceMail Number": "*97",
		"Default Language": "fr", "Time Zone Name": "Europe/Paris", "VLAN ID": "42", "Enable LLDP": "1",
		"Web Admin Password": testAdmin, "DSS Transfer Mode": "1", "Fkey2 Value": "202@1/b", "SIP1 Codec1": "G722",
	} {
		if got := kv[k]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %q, want exactly %q", k, got, want)
		}
	}
	if !strings.HasSuffix(strings.TrimSpace(s), "<<END OF FILE>>") {
		t.Error("no end marker")
	}
}

// xmlValues maps each element's name (and each attribute's name) to its
// text, for the XML vendors.
func xmlValues(t *testing.T, s string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	d := xml.NewDecoder(strings.NewReader(s))
	var stack []string
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			for _, a := range e.Attr {
				out[a.Name.Local] = append(out[a.Name.Local], a.Value)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && strings.TrimSpace(string(e)) != "" {
				out[stack[len(stack)-1]] = append(out[stack[len(stack)-1]], string(e))
			}
		}
	}
	return out
}

func TestXMLVendors(t *testing.T) {
	for _, tc := range []struct {
		vendor, file string
		want         map[string]string
	}{
		{"Poly", "001565abcdef-phone.cfg", map[string]string{"reg.1.auth.userId": "201", "reg.1.auth.password": testPassword,
			"reg.1.server.1.address": "acme.example", "reg.1.outboundProxy.address": "sip.acme.example", "reg.1.server.1.transport": "TCPOnly",
			"msg.mwi.1.callBack": "*97", "lcl.ml.lang": "French_France", "device.net.vlanId": "42", "device.net.lldpEnabled": "1",
			"device.auth.localAdminPassword": testAdmin, "call.DefaultTransferType": "Consultative", "voice.codecPref.G722": "1",
			"attendant.resourceList.1.address": "202@acme.example", "attendant.resourceList.1.label": "Bob <Desk>",
			"reg.1.displayName": "Zoë <&\"'> O'Brienaccount.1.password = stolen"}},
		{"Grandstream", "cfg001565abcdef.xml", map[string]string{"mac": "001565abcdef", "P35": "201", "P34": testPassword, "P47": "acme.example",
			"P48": "sip.acme.example:5060", "P130": "1", "P33": "*97", "P1362": "fr", "P51": "42", "P87": "5", "P1684": "1", "P2": testAdmin,
			"P1376": "1", "P57": "9", "P58": "8", "P59": "0", "P323": "1", "P302": "Bob <Desk>", "P303": "202", "P306": "203"}},
		{"Snom", "001565ABCDEF.xml", map[string]string{"user_name": "201", "user_pass": testPassword, "user_host": "acme.example",
			"user_outbound": "sip.acme.example:5060;transport=tcp", "user_mailbox": "*97", "language": "French", "timezone": "Europe/Paris",
			"time_24_format": "on", "vlan_id": "42", "lldp_enable": "on", "admin_mode_password": testAdmin, "blf_transfer_mode": "attended",
			"codec_priority_list": "g722,pcma,pcmu"}},
		{"Cisco", "spa001565abcdef.xml", map[string]string{"User_ID_1_": "201", "Password_1_": testPassword, "Proxy_1_": "acme.example",
			"Outbound_Proxy_1_": "sip.acme.example:5060", "SIP_Transport_1_": "TCP", "Voice_Mail_Number": "*97", "Language_Selection": "French",
			"Time_Format": "24hr", "VLAN_ID": "42", "Enable_LLDP-MED": "Yes", "Admin_Passwd": testAdmin, "BLF_Transfer_Mode": "attended",
			"Preferred_Codec_1_": "G722", "Extended_Function_3_": "fnc=blf+sd+cp;sub=202@acme.example;nme=Bob <Desk>"}},
		{"Cisco", "001565abcdef.xml", map[string]string{"User_ID_1_": "201", "Password_1_": testPassword}},
	} {
		t.Run(tc.vendor+"/"+tc.file, func(t *testing.T) {
			s := render(t, sample(tc.vendor), tc.file, "")
			wellFormed(t, tc.file, s)
			vals := xmlValues(t, s)
			for k, want := range tc.want {
				if got := vals[k]; len(got) != 1 || got[0] != want {
					t.Errorf("%s = %q, want exactly %q", k, got, want)
				}
			}
		})
	}
}

func TestPolyMaster(t *testing.T) {
	for _, name := range []string{"000000000000.cfg", "001565abcdef.cfg"} {
		s := render(t, sample("Poly"), name, "")
		wellFormed(t, name, s)
		if strings.Contains(s, testPassword) || strings.Contains(s, testAdmin) {
			t.Errorf("%s holds a secret", name)
		}
		if got := xmlValues(t, s)["CONFIG_FILES"]; len(got) != 1 || got[0] != "[PHONE_MAC_ADDRESS]-phone.cfg" {
			t.Errorf("%s CONFIG_FILES = %q", name, got)
		}
	}
}

func TestLinphone(t *testing.T) {
	var b bytes.Buffer
	c := sample("Yealink")
	if err := RenderLinphone(&b, c); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, "linphone.xml", b.String())
	for _, want := range []string{`<entry name="passwd" overwrite="true">` + testPassword + `</entry>`,
		`&lt;sip:sip.acme.example:5060;transport=tcp&gt;`, `&lt;sip:201@acme.example&gt;`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %s in\n%s", want, b.String())
		}
	}
}

func TestFilesAndUnknown(t *testing.T) {
	want := map[string][]string{
		"Yealink": {"001565abcdef.cfg"}, "Poly": {"001565abcdef-phone.cfg", "001565abcdef.cfg", "000000000000.cfg"},
		"Grandstream": {"cfg001565abcdef.xml"}, "Snom": {"001565abcdef.xml"}, "Fanvil": {"001565abcdef.cfg"},
		"Cisco": {"spa001565abcdef.xml", "001565abcdef.xml"},
	}
	for _, v := range Vendors() {
		if got := Files(v, testMAC); strings.Join(got, ",") != strings.Join(want[v], ",") {
			t.Errorf("%s files %q, want %q", v, got, want[v])
		}
		err := Render(io.Discard, strings.Replace(Files(v, testMAC)[0], "001565abcdef", "001565abcdee", 1), sample(v), "")
		if !errors.Is(err, ErrUnknownFile) {
			t.Errorf("%s: another MAC's file: %v", v, err)
		}
	}
}

func TestTenantTemplate(t *testing.T) {
	c := sample("Snom")
	s := render(t, c, "001565abcdef.xml", `<settings><user_name>{{.Extension}}</user_name><n>{{.DisplayName}}</n></settings>`)
	wellFormed(t, "tenant", s)
	if !strings.Contains(s, "<user_name>201</user_name>") {
		t.Error(s)
	}
	err := Render(io.Discard, "001565abcdef.xml", c, `{{range $i := .Codecs}}{{template "x"}}{{end}}{{define "x"}}`+strings.Repeat("a", 1000)+`{{template "x"}}{{end}}`)
	if err == nil {
		t.Error("an endless template rendered")
	}
	if err := Render(io.Discard, "001565abcdef.xml", c, `{{.NoSuchField}}`); err == nil {
		t.Error("a missing field rendered")
	}
}

func TestCheck(t *testing.T) {
	for _, v := range Vendors() {
		main := vendors[v].files[0]
		if err := Check(v, main.builtin); err != nil {
			t.Errorf("%s built-in refused: %v", v, err)
		}
	}
	for name, tc := range map[string]struct{ vendor, text string }{
		"parse":     {"Snom", "<settings>{{.Extension</settings>"},
		"render":    {"Snom", "<settings>{{.Nope}}</settings>"},
		"xml":       {"Snom", "<settings><a>{{.Extension}}</settings>"},
		"unescaped": {"Poly", `<polycomConfig a="{{.Extension}}"><b>&</b></polycomConfig>`},
		"vendor":    {"Nokia", "x"},
		"empty":     {"Yealink", "  "},
		"big":       {"Yealink", strings.Repeat("a", MaxTemplate+1)},
	} {
		if err := Check(tc.vendor, tc.text); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
