package audio

import "math"

// Resample converts samples at rate from to rate to with a windowed-sinc
// low-pass (Blackman window) that removes what the lower rate cannot
// hold, so a 44.1 kHz greeting does not alias on the phone. Equal rates
// return x as is.
func Resample(x []float64, from, to int) []float64 {
	if from == to || len(x) == 0 {
		return x
	}
	ratio := float64(to) / float64(from)
	cutoff := 0.5 * math.Min(1, ratio) * 0.92 // of the input rate, below Nyquist of the lower one
	const half = 16                           // taps each side, in output-rate periods when downsampling
	scale := math.Max(1, 1/ratio)             // filter width grows when downsampling
	width := int(math.Ceil(half * scale))
	n := int(float64(len(x)) * ratio)
	out := make([]float64, n)
	for i := range out {
		t := float64(i) / ratio // position in the input
		c := int(math.Floor(t))
		sum, wsum := 0.0, 0.0
		for j := c - width + 1; j <= c+width; j++ {
			if j < 0 || j >= len(x) {
				continue
			}
			d := t - float64(j)
			w := sinc(2*cutoff*d) * blackman(d/float64(width))
			sum += x[j] * w
			wsum += w
		}
		if wsum != 0 {
			out[i] = sum / wsum
		}
	}
	return out
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	return math.Sin(math.Pi*x) / (math.Pi * x)
}

// blackman is the Blackman window at d in [-1, 1] (0 outside).
func blackman(d float64) float64 {
	if d <= -1 || d >= 1 {
		return 0
	}
	p := math.Pi * (d + 1) // 0..2π
	return 0.42 - 0.5*math.Cos(p) + 0.08*math.Cos(2*p)
}
