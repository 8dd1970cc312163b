package model

import (
	"encoding/json"
	"testing"
)

func TestBalance(t *testing.T) {
	for _, c := range []struct {
		in, out string
	}{
		{"0.00001", "0.00001"}, {"12345678.12345", "12345678.12345"}, {"-0.5", "-0.50000"}, {"1", "1.00000"},
		{"1e3", "1000.00000"}, {"1.5E-4", "0.00015"}, {"0.100000", "0.10000"}, {"999999999999.99999", "999999999999.99999"},
		{"0", "0.00000"}, {"-0", "0.00000"}, {"007.25", "7.25000"},
	} {
		b, err := ParseBalance(c.in)
		if err != nil || b.String() != c.out {
			t.Errorf("%s: %s %v", c.in, b, err)
		}
	}
	for _, bad := range []string{"0.000001", "1e-6", "abc", "", "1.2.3", "1000000000000", "+5", "1e40", ".5", "5."} {
		if b, err := ParseBalance(bad); err == nil {
			t.Errorf("%q accepted as %s", bad, b)
		}
	}
	var v struct{ B Balance }
	if err := json.Unmarshal([]byte(`{"B": 12345678.12345}`), &v); err != nil || v.B.String() != "12345678.12345" {
		t.Fatalf("json: %v %v", v.B, err)
	}
	if err := json.Unmarshal([]byte(`{"B": "12"}`), &v); err == nil {
		t.Fatal("a string was accepted")
	}
	out, _ := json.Marshal(struct{ B Balance }{Balance(1)})
	if string(out) != `{"B":0.00001}` {
		t.Fatalf("marshal %s", out)
	}
}
