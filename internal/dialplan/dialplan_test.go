package dialplan

import "testing"

// TestClassify: every spelling of a London number an attacker tried (and
// more) is international for a tenant in the US or France, and the
// string sent to the trunk is the same E.164 number whatever the
// spelling.
func TestClassify(t *testing.T) {
	us := Tenant{CountryCode: "1"}
	fr := Tenant{CountryCode: "33"}
	gb := Tenant{CountryCode: "44"}
	none := Tenant{}
	const london = "+442071234567"
	cases := []struct {
		name, dialled string
		tenant        Tenant
		class, dial   string
	}{
		{"plain", "+442071234567", us, International, london},
		{"percent-encoded plus", "%2B442071234567", us, International, london},
		{"percent-encoded lower case", "%2b442071234567", us, International, london},
		{"percent-encoded digits", "%2B%34%342071234567", us, International, london},
		{"dash before plus", "-+442071234567", us, International, london},
		{"parentheses", "(+44)2071234567", us, International, london},
		{"parentheses and spaces", "(+44) 20 7123 4567", us, International, london},
		{"dot before plus", ".+442071234567", us, International, london},
		{"dots", "+44.20.7123.4567", us, International, london},
		{"slashes", "+44/20/71234567", us, International, london},
		{"full-width plus", "＋442071234567", us, International, london},
		{"full-width digits", "＋４４２０７１２３４５６７", us, International, london},
		{"non-breaking spaces", "+44\u00a020\u00a071234567", us, International, london},
		{"unicode hyphen", "+44\u201020\u20117123\u20134567", us, International, london},
		{"011 from the US", "011442071234567", us, International, london},
		{"011 with spaces", "011 44 20 7123 4567", us, International, london},
		{"00 from France", "00442071234567", fr, International, london},
		{"00 from the UK is domestic", "00442071234567", gb, Domestic, london},
		{"national from the UK", "020 7123 4567", gb, Domestic, london},
		{"+44 from the UK", "+44 20 7123 4567", gb, Domestic, london},
		{"00 is not a US prefix", "00442071234567", us, Unclassifiable, ""},
		{"US domestic", "(415) 555-2671", us, Domestic, "+14155552671"},
		{"US domestic with 1", "1-415-555-2671", us, Domestic, "+14155552671"},
		{"French national", "01 23 45 67 89", fr, Domestic, "+33123456789"},
		{"no country: +CC only", "+33123456789", none, International, "+33123456789"},
		{"no country: national refused", "0123456789", none, Unclassifiable, ""},
		{"satellite +882", "+882 1310 0000", us, Premium, "+88213100000"},
		{"+883 even when invalid", "+883123", us, Premium, "+883123"},
		{"+882 spelled 011", "011 882 1310 0000", us, Premium, "+88213100000"},
		{"+882 percent-encoded", "%2B88213100000", us, Premium, "+88213100000"},
		{"Inmarsat +870", "+870772123456", us, Premium, "+870772123456"},
		{"premium rate US 900", "1-900-555-1234", us, Premium, "+19005551234"},
		{"premium rate FR 0899", "08 99 12 34 56", fr, Premium, "+33899123456"},
		{"tenant's own high-risk prefix", "+4420712345", Tenant{CountryCode: "1", HighRisk: []string{"+4420"}}, Premium, "+4420712345"},
		{"emergency US", "911", us, Emergency, "911"},
		{"emergency FR 112", "112", fr, Emergency, "112"},
		{"emergency FR 15", "15", fr, Emergency, "15"},
		{"emergency UK 999", "999", gb, Emergency, "999"},
		{"emergency full-width", "９１１", us, Emergency, "911"},
		{"emergency with a plus is not", "+911", us, Unclassifiable, ""},
		{"tenant's emergency list", "5555", Tenant{CountryCode: "1", Emergency: []string{"5555"}}, Emergency, "5555"},
		{"tenant's list replaces the defaults", "911", Tenant{CountryCode: "1", Emergency: []string{"5555"}}, Unclassifiable, ""},
		{"letters", "+44207ABC4567", us, Unclassifiable, ""},
		{"double percent-encoding", "%252B442071234567", us, Unclassifiable, ""},
		{"bad percent-encoding", "%2G442071234567", us, Unclassifiable, ""},
		{"second plus", "+44+2071234567", us, Unclassifiable, ""},
		{"star", "*44", us, Unclassifiable, ""},
		{"hash", "+442071234567#", us, Unclassifiable, ""},
		{"arabic-indic digits", "+٤٤٢٠٧١٢٣٤٥٦٧", us, Unclassifiable, ""},
		{"empty", "", us, Unclassifiable, ""},
		{"only separators", "--", us, Unclassifiable, ""},
		{"too long", "+4420712345671234567890", us, Unclassifiable, ""},
		{"too short to be valid", "+4420", us, Unclassifiable, ""},
		{"semicolon parameters", "+442071234567;phone-context=x", us, Unclassifiable, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Classify(c.dialled, c.tenant)
			if got.Class != c.class || got.Dial != c.dial {
				t.Fatalf("Classify(%q, cc %q) = %+v, want %s %q", c.dialled, c.tenant.CountryCode, got, c.class, c.dial)
			}
			if got.Class == Unclassifiable && got.Reason == "" {
				t.Fatalf("no reason: %+v", got)
			}
		})
	}
}

// TestDialIsStable: classifying the dial string again gives the same
// class and string, so what is sent is what was classified.
func TestDialIsStable(t *testing.T) {
	for _, d := range []string{"011 44 20 7123 4567", "%2B33123456789", "01 23 45 67 89", "＋８８２１３１００００", "911"} {
		tn := Tenant{CountryCode: "1"}
		if d == "01 23 45 67 89" {
			tn.CountryCode = "33"
		}
		a := Classify(d, tn)
		b := Classify(a.Dial, tn)
		if a != b {
			t.Fatalf("%q: %+v then %+v", d, a, b)
		}
	}
}

func TestValidPrefix(t *testing.T) {
	for p, want := range map[string]bool{"+882": true, "+1900": true, "882": false, "+": false, "+8a": false, "+1234567890123456": false} {
		if ValidPrefix(p) != want {
			t.Fatalf("ValidPrefix(%q) = %v", p, !want)
		}
	}
}
