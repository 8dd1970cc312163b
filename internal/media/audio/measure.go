package audio

import "math"

// Duration is the length of 8 kHz samples in milliseconds.
func Duration(pcm []int16) int64 { return int64(len(pcm)) * 1000 / Rate }

// silenceRMS is the level under which a 100 ms stretch counts as silence:
// about -45 dBFS, well under speech and above line hiss.
const silenceRMS = 180

// Silent reports whether no 100 ms stretch of pcm rises above silence: a
// caller who hung up without speaking, or an open line.
func Silent(pcm []int16) bool {
	const win = Rate / 10
	for start := 0; start+win <= len(pcm); start += win {
		if rms(pcm[start:start+win]) > silenceRMS {
			return false
		}
	}
	return true
}

func rms(pcm []int16) float64 {
	sum := 0.0
	for _, s := range pcm {
		sum += float64(s) * float64(s)
	}
	return math.Sqrt(sum / float64(len(pcm)))
}

// Tone is a sine of freq Hz for ms milliseconds at about -10 dBFS, with
// 5 ms ramps so it starts and stops without a click (the beep).
func Tone(freq float64, ms int) []int16 {
	n := Rate * ms / 1000
	ramp := Rate * 5 / 1000
	out := make([]int16, n)
	for i := range out {
		a := 10000.0
		if i < ramp {
			a *= float64(i) / float64(ramp)
		} else if n-i < ramp {
			a *= float64(n-i) / float64(ramp)
		}
		out[i] = int16(a * math.Sin(2*math.Pi*freq*float64(i)/Rate))
	}
	return out
}

// Silence is ms milliseconds of silence.
func Silence(ms int) []int16 { return make([]int16, Rate*ms/1000) }
