package model

import "testing"

func TestSniffBlob(t *testing.T) {
	for _, c := range []struct {
		name, data, ct string
		ok             bool
	}{
		{"wav", "RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav", true},
		{"mp3 id3", "ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg", true},
		{"mp3 frame", "\xFF\xFB\x90\x64", "audio/mpeg", true},
		{"png", "\x89PNG\r\n\x1a\n\x00\x00", "image/png", true},
		{"jpeg", "\xFF\xD8\xFF\xE0", "image/jpeg", true},
		{"text named .wav", "hello, this is not audio", "", false},
		{"riff not wave", "RIFF\x24\x00\x00\x00AVI LIST", "", false},
		{"empty", "", "", false},
		{"gif", "GIF89a\x01\x00", "", false},
	} {
		ct, _, ok := SniffBlob([]byte(c.data))
		if ct != c.ct || ok != c.ok {
			t.Errorf("%s: %q %v", c.name, ct, ok)
		}
	}
}
