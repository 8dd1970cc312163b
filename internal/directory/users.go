package directory

import (
	"context"
	"errors"
	"reflect"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// PermUsers is the permission that manages a tenant's users.
const PermUsers = "user_management.users"

// UserInput is every member a user's body may hold: the identity given at
// creation, the write-only secrets, the settings, and an avatar's file.
// Which of them a body may hold depends on the use case.
type UserInput struct {
	Name              string `json:"name"`
	Password          string `json:"password"`
	ExtensionNumber   string `json:"extension_number"`
	ExtensionPassword string `json:"extension_password"`
	Role              string `json:"role"`
	model.UserFields
	model.UserSettings
	AvatarFileID string `json:"avatar_file_id"`
}

// UserPatch is the body of a user's create or update.
type UserPatch = Patch[UserInput]

var (
	editableKeys = keySet(jsonKeys(reflect.TypeOf(model.UserFields{})), jsonKeys(reflect.TypeOf(model.UserSettings{})))
	createKeys   = keySet(sortedKeys(editableKeys), []string{"name", "role", "extension_number"})
	// selfKeys are what a user may change on themselves: not whether they
	// are enabled, their device limit, their billing flag, or SMS (which the
	// contract reserves to holders of user_management.users), nor their
	// call restrictions.
	selfKeys     = without(editableKeys, "enabled", "max_bindings", "billing_contact", "sms", "otp_required", "call_restrictions")
	userReadOnly = keySet([]string{"id", "name", "role", "extension_number", "created_at", "profile",
		"avatar_file_name", "avatar_file_size", "avatar_file_url", "sync_type", "transports", "password", "extension_password", "sms",
		"enabled", "max_bindings", "billing_contact", "otp_required", "otp_enabled", "call_restrictions"})

	// userCreateRules: the passwords are read apart (never applied).
	userCreateRules = fieldRules{accept: createKeys, own: keySet([]string{"password", "extension_password"})}
	// userAdminRules: an admin's edit, which may set what only admins set.
	userAdminRules = fieldRules{accept: editableKeys, own: keySet([]string{"avatar_file_id"}),
		readOnly: without(userReadOnly, "sms", "enabled", "max_bindings", "billing_contact", "otp_required")}
)

// userSelfRules are what the caller may change on themselves.
func userSelfRules(c *Caller) fieldRules {
	r := fieldRules{accept: selfKeys, readOnly: userReadOnly, own: userAdminRules.own}
	if c.Can(PermUsers) {
		r.accept = editableKeys
	}
	return r
}

// firstAdmin is the body of a tenant's first Admin (or the SystemAdmin).
func firstAdmin(name, password, email, extension, role string) *UserPatch {
	in := UserInput{Name: name, Password: password, ExtensionNumber: extension, Role: role}
	in.Email = email
	return NewPatch(in, "name", "password", "email", "extension_number", "role")
}

// CreateUser creates a user in the caller's tenant from the contract's
// fields. Left-out settings get their documented defaults.
func (s *Service) CreateUser(ctx context.Context, c *Caller, p *UserPatch) (*model.User, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	tenant, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return nil, err
	}
	u, err := s.newUser(ctx, c, tenant, p)
	if err != nil {
		return nil, err
	}
	e := c.audit("create", "user", u.ID, u.Name, p.Fields())
	if err := s.store.CreateUser(store.WithAudit(ctx, e), u); err != nil {
		return nil, err
	}
	return u, nil
}

// newUser builds and validates a user, hashing its passwords. It does not
// store it.
func (s *Service) newUser(ctx context.Context, c *Caller, tenant *model.Tenant, p *UserPatch) (*model.User, error) {
	return s.newUserWith(ctx, c, tenant, p, nil)
}

// userBuild tunes newUserWith for imports: no hashing (done later, in
// parallel, and not at all on a dry run), an empty password allowed, and
// role grants remembered across rows.
type userBuild struct {
	noHash bool
	grants map[string]grantResult
}

type grantResult struct {
	name string
	err  error
}

func (s *Service) newUserWith(ctx context.Context, c *Caller, tenant *model.Tenant, p *UserPatch, b *userBuild) (*model.User, error) {
	hasPW, err := p.own("password")
	if err != nil {
		return nil, err
	}
	hasExtPW, err := p.own("extension_password")
	if err != nil {
		return nil, err
	}
	password, extPassword := p.Value.Password, p.Value.ExtensionPassword
	u := &model.User{ID: model.NewID(), TenantID: tenant.ID}
	u.Enabled, u.DeliveryOutboundCID, u.EnableVoicemailPIN = true, true, true
	model.PresetCallHandling(&u.CallHandling)
	if err := apply(p, u, userCreateRules); err != nil {
		return nil, err
	}
	for _, req := range []struct{ field, value string }{
		{"name", u.Name}, {"extension_number", u.ExtensionNumber}, {"email", u.Email}, {"password", password},
	} {
		if req.value == "" && (req.field != "password" || !hasPW) {
			return nil, model.Invalid(req.field, "is required")
		}
	}
	model.ApplyUserDefaults(u)
	if err := model.ValidateUser(u, tenant.System); err != nil {
		return nil, err
	}
	if b != nil {
		g, ok := b.grants[strings.ToLower(u.Role)]
		if !ok {
			g.name, g.err = s.resolveGrant(ctx, c, tenant.ID, "role", u.Role)
			b.grants[strings.ToLower(u.Role)] = g
		}
		if u.Role, err = g.name, g.err; err != nil {
			return nil, err
		}
	} else if u.Role, err = s.resolveGrant(ctx, c, tenant.ID, "role", u.Role); err != nil {
		return nil, err
	}
	if err := s.checkUserLegs(ctx, tenant, u); err != nil {
		return nil, err
	}
	if password != "" || b == nil {
		if err := model.ValidatePassword("password", password, u.Name, u.Email); err != nil {
			return nil, err
		}
	}
	if !hasExtPW {
		extPassword = model.RandomExtensionPassword()
	} else if err := model.ValidateExtensionPassword("extension_password", extPassword); err != nil {
		return nil, err
	}
	if b == nil || !b.noHash {
		if u.PasswordHash, err = s.hasher.Hash(ctx, password); err != nil {
			return nil, err
		}
	}
	u.SIP = auth.SIPCredentials(u.ExtensionNumber, tenant.Domain, extPassword)
	return u, nil
}

// GetUser returns one user of the caller's tenant. Its voicemail and
// OnCall PINs are left empty unless the caller may change them: the user
// themselves, or a manager who outranks them (requireOutranks).
func (s *Service) GetUser(ctx context.Context, c *Caller, id string) (*model.User, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	u, err := s.withTransports(s.store.GetUser(ctx, c.TenantID, id))
	if err != nil {
		return nil, err
	}
	if err := s.hidePINs(ctx, c, u); err != nil {
		return nil, err
	}
	return u, nil
}

// Me returns the caller's own user.
func (s *Service) Me(ctx context.Context, c *Caller) (*model.User, error) {
	return s.withTransports(s.store.GetUser(ctx, c.TenantID, c.UserID))
}

// ListUsers lists the caller's tenant's users with the query language.
func (s *Service) ListUsers(ctx context.Context, c *Caller, p query.Params) (int, []model.User, error) {
	if err := c.require(PermUsers); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.UserSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListUsers(ctx, c.TenantID, q)
}

// UpdateUser changes the members given on a user of the caller's tenant
// (an admin's edit). Members left out keep their value.
func (s *Service) UpdateUser(ctx context.Context, c *Caller, id string, p *UserPatch) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return s.updateUser(ctx, c, id, p, userAdminRules)
}

// UpdateMe changes the caller's own settings.
func (s *Service) UpdateMe(ctx context.Context, c *Caller, p *UserPatch) error {
	return s.updateUser(ctx, c, c.UserID, p, userSelfRules(c))
}

func (s *Service) updateUser(ctx context.Context, c *Caller, id string, p *UserPatch, rules fieldRules) error {
	tenant, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return err
	}
	avatar, setAvatar, err := s.avatarMember(ctx, c, p)
	if err != nil {
		return err
	}
	// The role whose policy the user's forwards must follow, read before
	// the update's transaction.
	current, err := s.store.GetUser(ctx, c.TenantID, id)
	if err != nil {
		return err
	}
	role, err := s.roleOf(ctx, c.TenantID, current.Role)
	if err != nil {
		return err
	}
	var was, disabled bool
	var before map[string]string
	err = update(ctx, c, id, p, updater[model.User]{kind: "user", rules: rules,
		store: func(ctx context.Context, change func(*model.User) error) error {
			return discard(s.store.UpdateUser(ctx, c.TenantID, id, change))
		},
		before: func(u *model.User) error {
			if setAvatar {
				u.AvatarFileName, u.AvatarFileSize, u.AvatarFileURL = "", 0, ""
				if avatar != nil {
					u.AvatarFileName, u.AvatarFileSize, u.AvatarFileURL = avatar.Name, avatar.Size, blobURL(avatar.ID)
				}
			}
			was = u.Enabled
			before = legsByField(u, dialTenant(tenant))
			return s.requireOutranks(ctx, c, u)
		},
		after: func(u *model.User) error {
			if !u.Enabled && u.ID == c.UserID {
				return model.Invalid("enabled", "you cannot disable your own account")
			}
			disabled = was && !u.Enabled
			// Users stored before a setting existed get its default.
			model.ApplyCallHandlingDefaults(&u.CallHandling)
			if err := model.ValidateUser(u, tenant.System); err != nil {
				return err
			}
			return s.checkLegs(ctx, tenant, u, role, before)
		},
		name: func(u *model.User) string { return u.Name },
	})
	if err != nil {
		return err
	}
	if disabled {
		return s.store.DeleteUserSessions(ctx, id, "")
	}
	return nil
}

// DeleteUser removes a user of the caller's tenant and ends its sessions.
func (s *Service) DeleteUser(ctx context.Context, c *Caller, id string) error {
	u, err := s.deletable(ctx, c, id)
	if err != nil {
		return err
	}
	return s.store.DeleteUser(store.WithAudit(ctx, c.audit("delete", "user", id, u.Name, nil)), c.TenantID, id)
}

// deletable returns user id if the caller may remove it.
func (s *Service) deletable(ctx context.Context, c *Caller, id string) (*model.User, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	if id == c.UserID {
		return nil, model.Forbidden("you cannot delete your own account")
	}
	u, err := s.store.GetUser(ctx, c.TenantID, id)
	if err != nil {
		return nil, err
	}
	if err := s.requireOutranks(ctx, c, u); err != nil {
		return nil, err
	}
	return u, nil
}

// SetRole gives a user of the caller's tenant another role.
func (s *Service) SetRole(ctx context.Context, c *Caller, id, role string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	role, err := s.resolveGrant(ctx, c, c.TenantID, "role", role)
	if err != nil {
		return err
	}
	// Look the user up first so a foreign id is 404, not 403.
	target, err := s.store.GetUser(ctx, c.TenantID, id)
	if err != nil {
		return err
	}
	if id == c.UserID {
		return model.Forbidden("you cannot change your own role")
	}
	if err := s.requireOutranks(ctx, c, target); err != nil {
		return err
	}
	e := c.audit("set_role", "user", id, target.Name, map[string]any{"role": role})
	_, err = s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, id, func(u *model.User) error {
		u.Role = role
		return nil
	})
	return err
}

// SetPassword resets a user's login password (an admin action) and ends
// that user's sessions.
func (s *Service) SetPassword(ctx context.Context, c *Caller, id, password string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return s.setPassword(ctx, c, id, "password", password)
}

func (s *Service) setPassword(ctx context.Context, c *Caller, id, field, password string) error {
	return s.setTenantPassword(ctx, c, c.TenantID, id, field, password)
}

func (s *Service) setTenantPassword(ctx context.Context, c *Caller, tenantID, id, field, password string) error {
	u, err := s.store.GetUser(ctx, tenantID, id)
	if err != nil {
		return err
	}
	if err := model.ValidatePassword(field, password, u.Name, u.Email); err != nil {
		return err
	}
	if err := s.requireOutranks(ctx, c, u); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, password)
	if err != nil {
		return err
	}
	e := c.audit("set_password", "user", id, u.Name, map[string]any{"password": model.Masked})
	e.TenantID = tenantID
	if _, err := s.store.UpdateUser(store.WithAudit(ctx, e), tenantID, id, func(u *model.User) error {
		u.PasswordHash = hash
		return nil
	}); err != nil {
		return err
	}
	except := ""
	if id == c.UserID {
		except = c.SessionID
	}
	return s.store.DeleteUserSessions(ctx, id, except)
}

// ChangeMyPassword changes the caller's password after checking the old one.
func (s *Service) ChangeMyPassword(ctx context.Context, c *Caller, oldPassword, newPassword string) error {
	if err := c.requirePasswordSession(); err != nil {
		return err
	}
	u, err := s.store.GetUser(ctx, c.TenantID, c.UserID)
	if err != nil {
		return err
	}
	if err := s.checkPassword(ctx, u, "old_password", oldPassword); err != nil {
		return err
	}
	return s.setPassword(ctx, c, c.UserID, "new_password", newPassword)
}

// checkPassword refuses, on field, a password that is not u's.
func (s *Service) checkPassword(ctx context.Context, u *model.User, field, password string) error {
	ok, err := s.hasher.Verify(ctx, u.PasswordHash, password)
	if err != nil && !errors.Is(err, auth.ErrMalformedHash) {
		return err
	}
	if !ok {
		return model.Invalid(field, "is not your current password")
	}
	return nil
}

// SetExtensionPassword resets a user's SIP password (an admin action).
func (s *Service) SetExtensionPassword(ctx context.Context, c *Caller, id, password string) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	if !model.ValidID(id) {
		return model.ErrNotFound
	}
	return s.setExtensionPassword(ctx, c, id, "password", password)
}

func (s *Service) setExtensionPassword(ctx context.Context, c *Caller, id, field, password string) error {
	if err := model.ValidateExtensionPassword(field, password); err != nil {
		return err
	}
	tenant, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return err
	}
	e := c.audit("set_extension_password", "user", id, "", map[string]any{"extension_password": model.Masked})
	_, err = s.store.UpdateUser(store.WithAudit(ctx, e), c.TenantID, id, func(u *model.User) error {
		if err := s.requireOutranks(ctx, c, u); err != nil {
			return err
		}
		e.ObjectName = u.Name
		u.SIP = auth.SIPCredentials(u.ExtensionNumber, tenant.Domain, password)
		return nil
	})
	return err
}

// ChangeMyExtensionPassword changes the caller's SIP password after
// checking the old one.
func (s *Service) ChangeMyExtensionPassword(ctx context.Context, c *Caller, oldPassword, newPassword string) error {
	u, err := s.store.GetUser(ctx, c.TenantID, c.UserID)
	if err != nil {
		return err
	}
	tenant, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return err
	}
	if !auth.SIPPasswordMatches(u.SIP, u.ExtensionNumber, tenant.Domain, oldPassword) {
		return model.Invalid("old_password", "is not your current extension password")
	}
	return s.setExtensionPassword(ctx, c, c.UserID, "new_password", newPassword)
}

// avatarMember reads "avatar_file_id": an uploaded PNG or JPEG of the
// tenant becomes the user's avatar; "" removes it. set is false when the
// member is absent.
func (s *Service) avatarMember(ctx context.Context, c *Caller, p *UserPatch) (b *model.Blob, set bool, err error) {
	present, err := p.own("avatar_file_id")
	if err != nil || !present {
		return nil, false, err
	}
	id := p.Value.AvatarFileID
	if id == "" {
		return nil, true, nil
	}
	b, err = s.blobFor(ctx, c, id)
	if err != nil {
		return nil, false, model.Invalid("avatar_file_id", "is not a file you uploaded")
	}
	if b.Kind != model.BlobImage {
		return nil, false, model.Invalid("avatar_file_id", "is a %s, not a PNG or JPEG image", b.ContentType)
	}
	return b, true, nil
}
