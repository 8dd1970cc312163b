package media

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/emiago/diago"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// MinMessage is the shortest message kept: shorter ones (a caller who
// hung up at the beep) are dropped, as are silent ones.
const MinMessage = time.Second

// beep is the tone before recording.
var beep = audio.Tone(1000, 400)

// deposit answers a call for the mailbox of extension ext: the owner's
// greeting (or the default prompt saying the extension), a beep, then
// what the caller says until they hang up, press a key or reach the
// tenant's maximum. Silent or sub-second messages are dropped.
func (e *Engine) deposit(ctx context.Context, d *diago.DialogServerSession, h handoff, ext string) error {
	box, err := e.dir.VoicemailBoxAt(ctx, h.tenant, ext)
	switch {
	case errors.Is(err, model.ErrNotFound):
		return d.Respond(404, "Not Found", nil)
	case errors.Is(err, directory.ErrNoMailbox):
		return d.Respond(480, "Voicemail Unavailable", nil)
	case err != nil:
		_ = d.Respond(500, "Server Internal Error", nil)
		return err
	}
	c, err := e.answer(ctx, d, box.TenantID)
	if err != nil {
		return err
	}
	defer e.end(c)
	if box.Full {
		_, err := c.say(false, "vm-mailbox-full", "vm-goodbye")
		return err
	}
	if err := e.greet(ctx, c, box); err != nil {
		return err
	}
	if _, err := c.play(beep, false); err != nil {
		return err
	}
	c.clearKeys()
	pcm, key := c.record(time.Duration(box.Settings.MaxSeconds) * time.Second)
	ms := audio.Duration(pcm)
	if ms < MinMessage.Milliseconds() || audio.Silent(pcm) {
		e.log.Debug("voicemail dropped", "tenant_id", box.TenantID, "extension", ext, "ms", ms)
	} else if err := e.keep(ctx, d, box, pcm); err != nil {
		return err
	}
	if key != 0 && ctx.Err() == nil {
		_, err = c.say(false, "vm-message-recorded", "vm-goodbye")
	}
	return err
}

// greet plays the mailbox's greeting, or the default prompt; a key
// skips it.
func (e *Engine) greet(ctx context.Context, c *call, box *directory.VoicemailBox) error {
	if box.Greeting != nil {
		if pcm, err := e.load(ctx, box.Greeting); err == nil {
			_, err := c.play(pcm, true)
			if errors.Is(err, errKey) {
				return nil
			}
			return err
		} else {
			e.log.Warn("voicemail greeting unreadable", "blob_id", box.Greeting.ID, "error", err.Error())
		}
	}
	names := append([]string{"vm-person-at-extension"}, sayDigits(box.Extension)...)
	_, err := c.say(true, append(names, "vm-not-available")...)
	if errors.Is(err, errKey) {
		return nil
	}
	return err
}

// keep stores a message (the caller may have hung up: the store work
// goes on regardless).
func (e *Engine) keep(ctx context.Context, d *diago.DialogServerSession, box *directory.VoicemailBox, pcm []int16) error {
	req := d.InviteRequest
	in := directory.VoicemailDeposit{CallID: req.CallID().Value(), DurationMS: audio.Duration(pcm), WAV: audio.WAV(pcm)}
	if from := req.From(); from != nil {
		in.Caller, in.CallerName = from.Address.User, from.DisplayName
	}
	_, err := e.dir.DepositVoicemail(context.WithoutCancel(ctx), box, in)
	var conflict *model.ConflictError
	if errors.As(err, &conflict) {
		return nil // the mailbox filled up during the call
	}
	return err
}

// load decodes a stored audio file (a greeting) to 8 kHz samples, through
// a small cache: the same greeting answers many calls.
func (e *Engine) load(ctx context.Context, b *model.Blob) ([]int16, error) {
	if pcm, ok := e.cache.get(b.ID + b.SHA256); ok {
		return pcm, nil
	}
	data, err := e.dir.BlobData(ctx, b)
	if err != nil {
		return nil, err
	}
	pcm, err := audio.Load(data)
	if err != nil {
		return nil, err
	}
	e.cache.put(b.ID+b.SHA256, pcm)
	return pcm, nil
}

// audioCache keeps decoded files, at most n (any one goes when full).
type audioCache struct {
	mu sync.Mutex
	n  int
	m  map[string][]int16
}

func newAudioCache(n int) *audioCache { return &audioCache{n: n, m: map[string][]int16{}} }

func (a *audioCache) get(k string) ([]int16, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	v, ok := a.m[k]
	return v, ok
}

func (a *audioCache) put(k string, v []int16) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.m) >= a.n {
		for old := range a.m {
			delete(a.m, old)
			break
		}
	}
	a.m[k] = v
}
