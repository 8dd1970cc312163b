package media

import (
	"context"
	"errors"
	"time"

	"github.com/emiago/diago"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/media/audio"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Timing of the menu: how long it waits for a choice, and between the
// digits of a number.
const (
	choiceWait = 8 * time.Second
	digitWait  = 5 * time.Second
	pinTries   = 3
)

// session is a mailbox opened by phone.
type session struct {
	e     *Engine
	c     *call
	owner *model.User
	loc   *time.Location
}

// mailboxByPhone opens a mailbox by phone (feature codes *97 and *98):
// the mailbox (asked for with *98), its PIN (by the contract's rules,
// with the lockout), then the menu.
func (e *Engine) mailboxByPhone(ctx context.Context, d *diago.DialogServerSession, h handoff, own bool) error {
	if h.caller == "" {
		return d.Respond(403, "Forbidden", nil)
	}
	c, err := e.answer(ctx, d, h.tenant)
	if err != nil {
		return err
	}
	defer e.end(c)
	ext := ""
	if !own {
		if ext, err = c.promptDigits("vm-enter-mailbox", 16); err != nil {
			return err
		}
	}
	acc, err := e.dir.OpenMailbox(ctx, h.tenant, h.caller, ext, own)
	switch {
	case errors.Is(err, directory.ErrNoMailbox), errors.Is(err, model.ErrNotFound):
		_, err = c.say(false, "vm-no-mailbox", "vm-goodbye")
		return err
	case err != nil:
		return err
	}
	if acc.NeedPIN {
		if ok, err := e.login(ctx, c, acc.Owner); !ok || err != nil {
			return err
		}
	}
	loc := time.UTC
	if t, err := time.LoadLocation(tenantZone(ctx, e, acc.Owner)); err == nil {
		loc = t
	}
	s := &session{e: e, c: c, owner: acc.Owner, loc: loc}
	return s.run(ctx)
}

// tenantZone is the owner's tenant's time zone (for the time of messages).
func tenantZone(ctx context.Context, e *Engine, owner *model.User) string {
	box, err := e.dir.VoicemailBoxOf(ctx, owner)
	if err != nil {
		return "UTC"
	}
	return box.Tenant.TimeZone
}

// login asks for the PIN, up to pinTries times; false (after saying why)
// when it was not given.
func (e *Engine) login(ctx context.Context, c *call, owner *model.User) (bool, error) {
	for try := 0; try < pinTries; try++ {
		pin, err := c.promptDigits("vm-enter-pin", 10)
		if err != nil {
			return false, err
		}
		switch err := e.dir.CheckVoicemailPIN(ctx, owner, pin); {
		case err == nil:
			return true, nil
		case errors.Is(err, directory.ErrMailboxLocked):
			_, err := c.say(false, "vm-locked", "vm-goodbye")
			return false, err
		case errors.Is(err, directory.ErrWrongPIN):
			if _, err := c.say(false, "vm-login-incorrect"); err != nil {
				return false, err
			}
		default:
			return false, err
		}
	}
	_, err := c.say(false, "vm-goodbye")
	return false, err
}

// promptDigits plays a prompt and collects up to n digits ended by # (a
// key pressed during the prompt is the first digit).
func (c *call) promptDigits(prompt string, n int) (string, error) {
	key, err := c.say(true, prompt)
	switch {
	case errors.Is(err, errKey) && key == '#':
		return "", nil
	case errors.Is(err, errKey):
		rest, err := c.collect(n - 1)
		return string(key) + rest, err
	case err != nil:
		return "", err
	}
	return c.collect(n)
}

// collect reads digits until #, n digits, or a pause.
func (c *call) collect(n int) (string, error) {
	var out []rune
	for len(out) < n {
		r, err := c.waitKey(digitWait)
		if err != nil {
			return "", err
		}
		if r == 0 || r == '#' {
			break
		}
		out = append(out, r)
	}
	return string(out), nil
}

// run says what the mailbox holds, then takes choices from the main menu.
func (s *session) run(ctx context.Context) error {
	if err := s.summary(ctx); err != nil {
		return err
	}
	for quiet := 0; quiet < 3; {
		key, err := s.ask("vm-main-menu")
		if err != nil {
			return err
		}
		switch key {
		case 0:
			quiet++
			continue
		case '1', '2':
			err = s.browse(ctx, key == '2')
		case '3':
			err = s.recordGreeting(ctx)
		case '4':
			err = s.changePIN(ctx)
		case '*', '#':
			_, err = s.c.say(false, "vm-goodbye")
			return err
		default:
			_, err = s.c.say(false, "vm-invalid")
		}
		if err != nil {
			return err
		}
		quiet = 0
	}
	_, err := s.c.say(false, "vm-goodbye")
	return err
}

// ask plays a prompt and returns the key pressed during it or within
// choiceWait after it (0: none).
func (s *session) ask(prompt string) (rune, error) {
	key, err := s.c.say(true, prompt)
	if errors.Is(err, errKey) {
		return key, nil
	}
	if err != nil {
		return 0, err
	}
	return s.c.waitKey(choiceWait)
}

// summary says "You have N new messages and M saved messages".
func (s *session) summary(ctx context.Context) error {
	news, err := s.e.dir.PhoneMessages(ctx, s.owner, false)
	if err != nil {
		return err
	}
	olds, err := s.e.dir.PhoneMessages(ctx, s.owner, true)
	if err != nil {
		return err
	}
	names := []string{"vm-you-have"}
	if len(news)+len(olds) == 0 {
		names = append(names, "vm-no-messages")
	}
	if len(news) > 0 {
		names = append(append(names, sayNumber(len(news))...), plural(len(news), "vm-new-message", "vm-new-messages"))
	}
	if len(news) > 0 && len(olds) > 0 {
		names = append(names, "vm-and")
	}
	if len(olds) > 0 {
		names = append(append(names, sayNumber(len(olds))...), plural(len(olds), "vm-saved-message", "vm-saved-messages"))
	}
	_, err = s.c.say(true, names...)
	if errors.Is(err, errKey) {
		return nil
	}
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// browse plays the new (or saved) messages one by one with their menu:
// 5 replay, 6 next, 7 delete, 9 save, * back.
func (s *session) browse(ctx context.Context, saved bool) error {
	list, err := s.e.dir.PhoneMessages(ctx, s.owner, saved)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		_, err := s.c.say(false, "vm-no-messages")
		return err
	}
	for i := 0; i < len(list); {
		m := &list[i]
		key, err := s.playMessage(ctx, i+1, m)
		for err == nil && key == 0 {
			key, err = s.ask("vm-message-menu")
			if key == 0 {
				return err // nothing pressed: back to the main menu
			}
		}
		if err != nil {
			return err
		}
		switch key {
		case '5':
			continue
		case '6':
		case '7':
			if err := s.e.dir.DeleteMessage(ctx, s.owner, m.ID); err != nil && !errors.Is(err, model.ErrNotFound) {
				return err
			}
			_, err = s.c.say(false, "vm-deleted")
		case '9':
			yes := true
			if err := s.e.dir.SetMessageState(ctx, s.owner, m.ID, &yes, &yes); err != nil && !errors.Is(err, model.ErrNotFound) {
				return err
			}
			_, err = s.c.say(false, "vm-saved")
		case '*':
			return nil
		default:
			_, err = s.c.say(false, "vm-invalid")
			if err == nil {
				continue
			}
		}
		if err != nil {
			return err
		}
		i++
	}
	_, err = s.c.say(false, "vm-no-more")
	return err
}

// playMessage announces message n (its time per the owner's
// voicemail_play_datetime, its caller), plays it and marks it heard; a
// key pressed meanwhile is returned.
func (s *session) playMessage(ctx context.Context, n int, m *model.VoicemailMessage) (rune, error) {
	names := append([]string{"vm-message"}, sayNumber(n)...)
	if mode := s.owner.VoicemailPlayDatetime; mode == "12_HOUR_CLOCK" || mode == "24_HOUR_CLOCK" {
		names = append(append(names, "vm-received"), sayDateTime(m.CreatedAt.In(s.loc), mode == "24_HOUR_CLOCK")...)
	}
	names = append(names, "vm-from")
	if digits := sayDigits(m.Caller); len(digits) > 0 && len(digits) <= 16 {
		names = append(names, digits...)
	} else {
		names = append(names, "vm-unknown-caller")
	}
	key, err := s.c.say(true, names...)
	if err == nil {
		var data []byte
		if data, err = s.e.dir.MessageAudio(ctx, m); err == nil {
			var pcm []int16
			if pcm, err = audio.Load(data); err == nil {
				key, err = s.c.play(pcm, true)
			}
		}
	}
	if !m.Heard && (err == nil || errors.Is(err, errKey)) {
		yes := true
		if e := s.e.dir.SetMessageState(context.WithoutCancel(ctx), s.owner, m.ID, &yes, nil); e != nil && !errors.Is(e, model.ErrNotFound) {
			return 0, e
		}
	}
	if errors.Is(err, errKey) {
		return key, nil
	}
	return 0, err
}

// recordGreeting records a greeting after the tone, ended by #.
func (s *session) recordGreeting(ctx context.Context) error {
	if _, err := s.c.say(false, "vm-record-greeting"); err != nil {
		return err
	}
	if _, err := s.c.play(beep, false); err != nil {
		return err
	}
	s.c.clearKeys()
	pcm, _ := s.c.record(2 * time.Minute)
	if ctx.Err() != nil {
		return errHangup
	}
	if audio.Duration(pcm) < MinMessage.Milliseconds() || audio.Silent(pcm) {
		_, err := s.c.say(false, "vm-greeting-too-short")
		return err
	}
	if err := s.e.dir.SaveGreetingByPhone(ctx, s.owner, audio.WAV(pcm)); err != nil {
		return err
	}
	_, err := s.c.say(false, "vm-greeting-saved")
	return err
}

// changePIN asks for the new PIN twice.
func (s *session) changePIN(_ context.Context) error {
	first, err := s.askDigits("vm-new-pin")
	if err != nil {
		return err
	}
	second, err := s.askDigits("vm-new-pin-again")
	if err != nil {
		return err
	}
	prompt := "vm-pin-changed"
	switch {
	case first != second:
		prompt = "vm-pin-mismatch"
	case model.ValidateVoicemailPIN(first) != nil:
		prompt = "vm-pin-invalid"
	default:
		if err := s.e.dir.ChangeVoicemailPIN(context.WithoutCancel(s.c.ctx), s.owner, first); err != nil {
			return err
		}
		s.owner.VoicemailPIN = first
	}
	_, err = s.c.say(false, prompt)
	return err
}

// askDigits plays a prompt and collects digits up to #.
func (s *session) askDigits(prompt string) (string, error) {
	return s.c.promptDigits(prompt, 10)
}
