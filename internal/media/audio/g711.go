// Package audio holds the sound handling of Switchboard's media engine:
// G.711 µ-law and A-law (ITU-T G.711), WAV and MP3 decoding, conversion
// to 8 kHz mono, WAV writing, and the measures the voicemail needs
// (duration, silence). Everything works on 16-bit linear PCM at 8 kHz,
// the rate of the G.711 codecs phones use.
package audio

// Rate is the sample rate of telephone audio (G.711), in Hz.
const Rate = 8000

// Codec is a G.711 law.
type Codec int

// The G.711 laws, by their RTP payload types (RFC 3551).
const (
	PCMU Codec = 0 // µ-law (North America, Japan)
	PCMA Codec = 8 // A-law (elsewhere)
)

var (
	ulawDecode [256]int16
	alawDecode [256]int16
	ulawEncode [1 << 14]byte // by the sample's top 14 bits
	alawEncode [1 << 13]byte // by the sample's top 13 bits
)

func init() {
	for i := 0; i < 256; i++ {
		ulawDecode[i] = ulawToLinear(byte(i))
		alawDecode[i] = alawToLinear(byte(i))
	}
	for i := range ulawEncode {
		ulawEncode[i] = linearToUlaw(int16(i<<2 - 1<<15))
	}
	for i := range alawEncode {
		alawEncode[i] = linearToAlaw(int16(i<<3 - 1<<15))
	}
}

func ulawToLinear(u byte) int16 {
	u = ^u
	t := (int(u&0x0F) << 3) + 0x84
	t <<= (u & 0x70) >> 4
	if u&0x80 != 0 {
		return int16(0x84 - t)
	}
	return int16(t - 0x84)
}

func alawToLinear(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0F) << 4
	seg := (a & 0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}

func linearToUlaw(s int16) byte {
	const bias, clip = 0x84, 32635
	v := int(s)
	mask := byte(0xFF)
	if v < 0 {
		v = -v
		mask = 0x7F
	}
	if v > clip {
		v = clip
	}
	v += bias
	seg := 0
	for x := v >> 7; x > 1 && seg < 7; x >>= 1 {
		seg++
	}
	return byte(seg<<4|(v>>(seg+3))&0x0F) ^ mask
}

func linearToAlaw(s int16) byte {
	v := int(s)
	mask := byte(0xD5)
	if v < 0 {
		v = -v - 1
		mask = 0x55
	}
	if v > 32767 {
		v = 32767
	}
	var out byte
	switch {
	case v < 256:
		out = byte(v >> 4)
	default:
		seg := 1
		for x := v >> 9; x > 0 && seg < 7; x >>= 1 {
			seg++
		}
		out = byte(seg<<4 | (v>>(seg+3))&0x0F)
	}
	return out ^ mask
}

// Encode appends the G.711 bytes of pcm in law c to dst.
func Encode(dst []byte, c Codec, pcm []int16) []byte {
	for _, s := range pcm {
		if c == PCMA {
			dst = append(dst, alawEncode[uint16(s)>>3^0x1000])
		} else {
			dst = append(dst, ulawEncode[uint16(s)>>2^0x2000])
		}
	}
	return dst
}

// Decode appends the samples of G.711 bytes in law c to dst.
func Decode(dst []int16, c Codec, g711 []byte) []int16 {
	table := &ulawDecode
	if c == PCMA {
		table = &alawDecode
	}
	for _, b := range g711 {
		dst = append(dst, table[b])
	}
	return dst
}
