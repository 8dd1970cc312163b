package audio

import (
	"math"
	"testing"
)

func TestG711RoundTrip(t *testing.T) {
	for _, c := range []Codec{PCMU, PCMA} {
		// Every code decodes to a value that encodes back to itself.
		for b := 0; b < 256; b++ {
			s := Decode(nil, c, []byte{byte(b)})
			back := Encode(nil, c, s)[0]
			if back != byte(b) && Decode(nil, c, []byte{back})[0] != s[0] {
				t.Fatalf("codec %d: %#x -> %d -> %#x", c, b, s[0], back)
			}
		}
		// A loud sine survives with a small error.
		in := Tone(440, 100)
		out := Decode(nil, c, Encode(nil, c, in))
		for i := range in {
			if d := math.Abs(float64(in[i]) - float64(out[i])); d > math.Abs(float64(in[i]))/16+16 {
				t.Fatalf("codec %d sample %d: %d became %d", c, i, in[i], out[i])
			}
		}
	}
}

func TestWAVLoadAndResample(t *testing.T) {
	pcm := Tone(1000, 500)
	got, err := Load(WAV(pcm))
	if err != nil || len(got) != len(pcm) {
		t.Fatalf("load: %v, %d samples", err, len(got))
	}
	// 1 kHz at 48 kHz comes down to 1 kHz at 8 kHz, same length in time.
	hi := make([]float64, 48000/2)
	for i := range hi {
		hi[i] = 0.3 * math.Sin(2*math.Pi*1000*float64(i)/48000)
	}
	lo := Resample(hi, 48000, 8000)
	if len(lo) != 4000 {
		t.Fatalf("resampled to %d samples", len(lo))
	}
	if g := goertzel(lo[400:3600], 1000); g < 0.1 {
		t.Fatalf("1 kHz lost: %f", g)
	}
	// 5 kHz cannot exist at 8 kHz: it is filtered, not folded to 3 kHz.
	for i := range hi {
		hi[i] = 0.3 * math.Sin(2*math.Pi*5000*float64(i)/48000)
	}
	lo = Resample(hi, 48000, 8000)
	if g := goertzel(lo[400:3600], 3000); g > 0.01 {
		t.Fatalf("5 kHz aliased to 3 kHz: %f", g)
	}
	if _, err := Load([]byte("RIFF\x00\x00\x00\x00WAVEjunk")); err == nil {
		t.Fatal("a WAV without data loaded")
	}
	if !Silent(Silence(2000)) || Silent(pcm) {
		t.Fatal("silence detection")
	}
}

// goertzel is the amplitude of freq in x (8 kHz).
func goertzel(x []float64, freq float64) float64 {
	w := 2 * math.Pi * freq / Rate
	var s1, s2 float64
	for _, v := range x {
		s := v + 2*math.Cos(w)*s1 - s2
		s2, s1 = s1, s
	}
	p := s1*s1 + s2*s2 - 2*math.Cos(w)*s1*s2
	return 2 * math.Sqrt(p) / float64(len(x))
}
