package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/hajimehoshi/go-mp3"
)

// Limits on what Load accepts, so that an upload cannot make the engine
// allocate without bound.
const (
	// MaxSeconds bounds a decoded file (greetings, prompts).
	MaxSeconds = 600
	maxRate    = 192000
	maxChans   = 8
)

// WAV format tags.
const (
	wavPCM   = 1
	wavFloat = 3
	wavAlaw  = 6
	wavUlaw  = 7
	wavExt   = 0xFFFE
)

// ErrFormat is returned for a file that is not a WAV or MP3 we can read.
var ErrFormat = errors.New("not a readable WAV or MP3 file")

// Load decodes a WAV (PCM 8/16/24/32-bit, float, µ-law or A-law) or MP3
// file into 8 kHz mono 16-bit samples: channels are mixed, the rate is
// converted. Files longer than MaxSeconds are refused.
func Load(data []byte) ([]int16, error) {
	var pcm []float64
	var rate int
	var err error
	switch {
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WAVE":
		pcm, rate, err = decodeWAV(data)
	default:
		pcm, rate, err = decodeMP3(data)
	}
	if err != nil {
		return nil, err
	}
	return toInt16(Resample(pcm, rate, Rate)), nil
}

type wavFormat struct {
	tag, channels, bits int
	rate                int
}

// decodeWAV reads the fmt and data chunks; the samples come back mixed
// to mono, as floats in [-1, 1].
func decodeWAV(data []byte) ([]float64, int, error) {
	var f wavFormat
	var body []byte
	for p := 12; p+8 <= len(data); {
		id, size := string(data[p:p+4]), int(binary.LittleEndian.Uint32(data[p+4:p+8]))
		p += 8
		if size < 0 || size > len(data)-p {
			size = len(data) - p // a streamed file's size may be wrong
		}
		chunk := data[p : p+size]
		switch id {
		case "fmt ":
			if len(chunk) < 16 {
				return nil, 0, ErrFormat
			}
			f.tag = int(binary.LittleEndian.Uint16(chunk[0:]))
			f.channels = int(binary.LittleEndian.Uint16(chunk[2:]))
			f.rate = int(binary.LittleEndian.Uint32(chunk[4:]))
			f.bits = int(binary.LittleEndian.Uint16(chunk[14:]))
			if f.tag == wavExt && len(chunk) >= 26 {
				f.tag = int(binary.LittleEndian.Uint16(chunk[24:]))
			}
		case "data":
			body = chunk
		}
		p += size + size&1
	}
	if body == nil || f.channels < 1 || f.channels > maxChans || f.rate < 4000 || f.rate > maxRate {
		return nil, 0, ErrFormat
	}
	width := f.bits / 8
	switch {
	case f.tag == wavPCM && (f.bits == 8 || f.bits == 16 || f.bits == 24 || f.bits == 32):
	case f.tag == wavFloat && (f.bits == 32 || f.bits == 64):
	case (f.tag == wavAlaw || f.tag == wavUlaw) && f.bits == 8:
	default:
		return nil, 0, fmt.Errorf("%w: WAV format %d with %d bits is not supported", ErrFormat, f.tag, f.bits)
	}
	frames := len(body) / (width * f.channels)
	if frames > MaxSeconds*f.rate {
		return nil, 0, fmt.Errorf("%w: longer than %d s", ErrFormat, MaxSeconds)
	}
	out := make([]float64, frames)
	for i := 0; i < frames; i++ {
		sum := 0.0
		for ch := 0; ch < f.channels; ch++ {
			sum += wavSample(body[(i*f.channels+ch)*width:], f)
		}
		out[i] = sum / float64(f.channels)
	}
	return out, f.rate, nil
}

// wavSample reads one sample as a float in [-1, 1].
func wavSample(b []byte, f wavFormat) float64 {
	switch {
	case f.tag == wavUlaw:
		return float64(ulawDecode[b[0]]) / 32768
	case f.tag == wavAlaw:
		return float64(alawDecode[b[0]]) / 32768
	case f.tag == wavFloat && f.bits == 32:
		return float64(math.Float32frombits(binary.LittleEndian.Uint32(b)))
	case f.tag == wavFloat:
		return math.Float64frombits(binary.LittleEndian.Uint64(b))
	case f.bits == 8:
		return (float64(b[0]) - 128) / 128
	case f.bits == 16:
		return float64(int16(binary.LittleEndian.Uint16(b))) / 32768
	case f.bits == 24:
		return float64(int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24)) / (1 << 31)
	}
	return float64(int32(binary.LittleEndian.Uint32(b))) / (1 << 31)
}

// decodeMP3 decodes an MP3 file (go-mp3 gives 16-bit stereo).
func decodeMP3(data []byte) ([]float64, int, error) {
	dec, err := mp3.NewDecoder(bytes.NewReader(data))
	if err != nil {
		return nil, 0, ErrFormat
	}
	rate := dec.SampleRate()
	if rate < 8000 || rate > 48000 {
		return nil, 0, ErrFormat
	}
	limit := MaxSeconds * rate * 4
	raw, err := io.ReadAll(io.LimitReader(dec, int64(limit)+1))
	if err != nil && len(raw) == 0 {
		return nil, 0, ErrFormat
	}
	if len(raw) > limit {
		return nil, 0, fmt.Errorf("%w: longer than %d s", ErrFormat, MaxSeconds)
	}
	out := make([]float64, len(raw)/4)
	for i := range out {
		l := int16(binary.LittleEndian.Uint16(raw[i*4:]))
		r := int16(binary.LittleEndian.Uint16(raw[i*4+2:]))
		out[i] = (float64(l) + float64(r)) / 65536
	}
	if len(out) == 0 {
		return nil, 0, ErrFormat
	}
	return out, rate, nil
}

func toInt16(x []float64) []int16 {
	out := make([]int16, len(x))
	for i, v := range x {
		v *= 32768
		switch {
		case v > 32767:
			v = 32767
		case v < -32768:
			v = -32768
		}
		out[i] = int16(math.Round(v))
	}
	return out
}

// WAV returns 8 kHz mono 16-bit PCM samples as a WAV file.
func WAV(pcm []int16) []byte {
	return wavFile(1, pcm)
}

// StereoWAV returns two 8 kHz channels as a 16-bit PCM stereo WAV file
// (the shorter one padded with silence).
func StereoWAV(left, right []int16) []byte {
	n := max(len(left), len(right))
	frames := make([]int16, 2*n)
	for i := range n {
		if i < len(left) {
			frames[2*i] = left[i]
		}
		if i < len(right) {
			frames[2*i+1] = right[i]
		}
	}
	return wavFile(2, frames)
}

// wavFile writes interleaved samples of ch channels as a WAV file.
func wavFile(ch int, samples []int16) []byte {
	n := len(samples) * 2
	le := binary.LittleEndian
	b := make([]byte, 0, 44+n)
	b = append(b, "RIFF"...)
	b = le.AppendUint32(b, uint32(36+n))
	b = append(b, "WAVEfmt "...)
	b = le.AppendUint32(b, 16)
	b = le.AppendUint16(b, wavPCM)
	b = le.AppendUint16(b, uint16(ch))
	b = le.AppendUint32(b, Rate)
	b = le.AppendUint32(b, uint32(Rate*2*ch)) // bytes per second
	b = le.AppendUint16(b, uint16(2*ch))      // bytes per frame
	b = le.AppendUint16(b, 16)
	b = append(b, "data"...)
	b = le.AppendUint32(b, uint32(n))
	for _, s := range samples {
		b = le.AppendUint16(b, uint16(s))
	}
	return b
}
