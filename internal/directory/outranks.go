package directory

import (
	"context"
	"errors"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// requireOutranks refuses to let the caller manage a user who holds a
// permission the caller lacks: someone who may manage users but not roles
// must not reset an Admin's password and sign in as them.
func (s *Service) requireOutranks(ctx context.Context, c *Caller, target *model.User) error {
	if c == nil || target.ID == c.UserID {
		return nil
	}
	perms := model.Permissions{}
	if r, ok := model.BuiltInRole(target.Role); ok {
		perms = r.Permissions
	} else if r, err := s.store.GetRole(ctx, target.TenantID, target.Role); err == nil {
		perms = r.Permissions
	} else if !errors.Is(err, model.ErrNotFound) {
		return err
	}
	if !c.Perms.Covers(perms) {
		return model.Forbidden("%s holds permissions you do not have", target.Name)
	}
	return nil
}

// hidePINs empties u's voicemail and OnCall PINs unless the caller may
// change them: u themselves, or a manager who outranks u.
func (s *Service) hidePINs(ctx context.Context, c *Caller, u *model.User) error {
	switch err := s.requireOutranks(ctx, c, u); {
	case errors.Is(err, model.ErrForbidden):
		u.VoicemailPIN, u.OnCallPIN = "", ""
	case err != nil:
		return err
	}
	return nil
}
