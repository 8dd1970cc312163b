package rtpengine

import (
	"bytes"
	"reflect"
	"testing"
)

func TestBencode(t *testing.T) {
	v := map[string]any{"command": "offer", "sdp": "v=0\r\n", "n": 42, "list": []any{"a", -3, map[string]any{}}}
	var b bytes.Buffer
	if err := encode(&b, v); err != nil {
		t.Fatal(err)
	}
	want := "d7:command5:offer4:listl1:ai-3edee1:ni42e3:sdp5:v=0\r\ne"
	if b.String() != want {
		t.Fatalf("encoded %q, want %q", b.String(), want)
	}
	got, err := decodeDict(b.Bytes())
	if err != nil || !reflect.DeepEqual(got, v) {
		t.Fatalf("decoded %#v, %v", got, err)
	}
	for _, bad := range []string{"", "d", "d3:keye", "di1ei2ee", "5:abc", "l", "i12", "ie", "de1", "99999999999:x"} {
		if _, err := decodeDict([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

// FuzzDecode: no input makes the decoder panic or loop, and what it
// decodes encodes back to a dictionary it reads the same.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"d6:result2:oke", "d3:sdp3:v=0e", "d1:ali1ei2eee", "l" + string(bytes.Repeat([]byte("l"), 40))} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := decodeDict(data)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := encode(&b, d); err != nil {
			t.Fatal(err)
		}
		again, err := decodeDict(b.Bytes())
		if err != nil || !reflect.DeepEqual(again, d) {
			t.Fatalf("%q: re-decoded %#v, %v", data, again, err)
		}
	})
}
