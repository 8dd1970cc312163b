package media

import (
	"context"
	"sync"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/sip/proxy"
)

// MaxCallRecording bounds a recorded call: audio after the first hour is
// not kept (two 8 kHz 16-bit channels: 115 MB an hour in memory).
const MaxCallRecording = time.Hour

// recorder keeps what each party of an anchored call sends, decoded, on
// a timeline that starts when the call is connected: channel 0 the
// caller, 1 the callee. A packet goes where its RTP timestamp puts it
// after the first packet of its stream, which is placed at its arrival
// time; a stream that jumps (a new source, or a clock more than a second
// away from the arrival time) starts over at its arrival time.
type recorder struct {
	mu     sync.Mutex
	start  time.Time
	tracks [2]track
}

type track struct {
	pcm  []int16
	set  bool
	base int    // sample position of ts0
	ts0  uint32 // RTP timestamp of the stream's first packet
	ssrc uint32
}

func newRecorder(start time.Time) *recorder { return &recorder{start: start} }

// add places one packet's G.711 payload of party ch.
func (r *recorder) add(ch int, law audio.Codec, ssrc, ts uint32, payload []byte, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := &r.tracks[ch]
	at := int(now.Sub(r.start) * audio.Rate / time.Second)
	pos := t.base + int(int32(ts-t.ts0))
	if !t.set || ssrc != t.ssrc || pos-at > audio.Rate || at-pos > audio.Rate {
		t.set, t.base, t.ts0, t.ssrc, pos = true, at, ts, ssrc, at
	}
	maxLen := int(MaxCallRecording / time.Second * audio.Rate)
	if pos < 0 || pos+len(payload) > maxLen {
		return
	}
	if need := pos + len(payload); need > len(t.pcm) {
		t.pcm = append(t.pcm, make([]int16, need-len(t.pcm))...)
	}
	audio.Decode(t.pcm[pos:pos], law, payload)
}

// wav is the recording as a stereo WAV file; false when neither party
// sent audio.
func (r *recorder) wav() ([]byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.tracks[0].pcm) == 0 && len(r.tracks[1].pcm) == 0 {
		return nil, false
	}
	return audio.StereoWAV(r.tracks[0].pcm, r.tracks[1].pcm), true
}

// saveRecording stores a recorded call as the recording of each user who
// records it (in the background: the call has ended).
func (e *Engine) saveRecording(tenantID string, spec *proxy.Recording, r *recorder, ended time.Time) {
	wav, ok := r.wav()
	if !ok || e.dir == nil {
		return
	}
	in := directory.CallRecording{TenantID: tenantID, UserIDs: spec.UserIDs, CallID: spec.CallID, Caller: spec.Caller,
		Callee: spec.Callee, StartedAt: r.start, EndedAt: ended, WAV: wav}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.dir.SaveCallRecording(ctx, in); err != nil {
			e.log.Warn("call recording not saved", "call_id", spec.CallID, "error", err.Error())
		}
	}()
}
