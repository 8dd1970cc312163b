package directory

import (
	"errors"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// rowReader builds the body of a new user from a row's cells.
type rowReader struct {
	p                   *UserPatch
	password            string
	voicemail, followMe *bool
}

// rowPatch turns a row into the body of a new user, and its login
// password ("" if none); a cell that cannot be read is refused naming its
// column's field.
func rowPatch(cols []string, rec []string) (p *UserPatch, password, field string, err error) {
	if len(rec) > len(cols) {
		return nil, "", "", errors.New("the row has more cells than the header")
	}
	r := &rowReader{p: NewPatch(UserInput{})}
	for i, raw := range rec {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if !secretColumns[cols[i]] {
			raw = fromTextCell(raw) // passwords are never exported, so never escaped
		}
		if err := r.cell(cols[i], raw); err != nil {
			return nil, "", cols[i], err
		}
	}
	if err := r.finish(); err != nil {
		return nil, "", "", err
	}
	return r.p, r.password, "", nil
}

// cell reads one non-empty cell of column f.
func (r *rowReader) cell(f, raw string) error {
	v := strings.TrimSpace(raw)
	switch f {
	case "password":
		r.password = raw
		return r.p.Set("password", raw)
	case "role":
		switch strings.ToLower(v) {
		case "administrator":
			v = model.RoleAdmin
		case "normal":
			v = model.RoleStandardUser
		}
		return r.p.Set("role", v)
	case "cli":
		return r.p.Set("outbound_caller_ids", []model.OutboundCallerID{{CallerID: v, Preferred: true}})
	case "voicemail":
		b, ok := parseBool(v)
		if !ok {
			return errors.New("must be yes or no")
		}
		r.voicemail = &b
		return nil
	case "follow_me":
		if !strings.HasPrefix(v, "{") {
			b, ok := parseBool(v)
			if !ok {
				return errors.New("must be yes or no, or a JSON object")
			}
			r.followMe = &b
			return nil
		}
	}
	switch userFieldKinds[f] {
	case kindString:
		return r.p.Set(f, v)
	case kindBool:
		b, ok := parseBool(v)
		if !ok {
			return errors.New("must be yes or no")
		}
		return r.p.Set(f, b)
	case kindInt:
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("must be a whole number")
		}
		return r.p.Set(f, n)
	}
	if err := r.p.SetJSON(f, []byte(v)); err != nil {
		return errors.New("must be JSON")
	}
	return nil
}

// finish fills what the row implies: the username from the email, Follow
// Me's number, no voicemail, and an empty password.
func (r *rowReader) finish() error {
	p := r.p
	var errs []error
	set := func(path string, v any) { errs = append(errs, p.Set(path, v)) }
	if !p.Has("name") {
		// Without a username column the name is the email's local part.
		if local, _, ok := strings.Cut(p.Value.Email, "@"); ok && local != "" {
			set("name", strings.ToLower(local))
		}
	}
	if r.followMe != nil {
		// "follow me: yes" rings the mobile number too.
		set("follow_me.enabled", *r.followMe)
		if mobile := p.Value.MobilePhone; mobile != "" {
			set("follow_me.numbers", []string{mobile})
		}
	}
	if r.voicemail != nil && !*r.voicemail {
		// No voicemail: the rules that would reach it refuse instead.
		for _, k := range []string{"busy_office_hours_forward_rule", "busy_non_office_hours_forward_rule",
			"dnd_office_hours_forward_rule", "dnd_non_office_hours_forward_rule",
			"offline_office_hours_forward_rule", "offline_non_office_hours_forward_rule"} {
			if !p.Has(k) {
				set(k+".action", "HANG_UP")
			}
		}
		for _, k := range []string{"available_no_answer_forward_rule", "busy_no_answer_forward_rule"} {
			if !p.Has(k) {
				set(k+".action", "RING_EXTENSION")
			}
		}
	}
	if r.password == "" {
		// An import may leave the password out (an export has none): the
		// user cannot sign in until one is set.
		set("password", "")
	}
	return errors.Join(errs...)
}
