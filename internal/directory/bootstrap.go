package directory

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// BootstrapAdminName is the login name of the first SystemAdmin.
const BootstrapAdminName = "admin"

// Bootstrap makes sure the system tenant and its SystemAdmin exist. On the
// first start it creates them; the password is the given one, or a
// generated one that is returned so it can be shown once. It returns ""
// when nothing was created.
func (s *Service) Bootstrap(ctx context.Context, password string) (generated string, err error) {
	if err := s.store.SyncBuiltInRoles(ctx, model.BuiltInRoles()); err != nil {
		return "", err
	}
	if _, err := s.store.SystemTenant(ctx); err == nil {
		return "", nil
	} else if !errors.Is(err, model.ErrNotFound) {
		return "", err
	}
	if password == "" {
		password = randomPassword()
		generated = password
	}
	t := &model.Tenant{ID: model.NewID(), Name: "System", Domain: model.SystemTenantDomain, Enabled: true, System: true, SIPDigest: model.SIPDigestDefault}
	model.ApplyTenantDefaults(t)
	admin, err := s.newUser(ctx, nil, t, firstAdmin(BootstrapAdminName, password, "admin@"+model.SystemTenantDomain, "100", model.RoleSystemAdmin))
	if err != nil {
		return "", fmt.Errorf("bootstrap admin (SWITCHBOARD_ADMIN_PASSWORD): %w", err)
	}
	e := &model.AuditLog{TenantID: t.ID, UserName: "system", SourceIP: "bootstrap", Action: "create",
		ObjectType: "tenant", ObjectID: t.ID, ObjectName: t.Domain,
		Fields: map[string]any{"admin": map[string]any{"name": admin.Name, "password": model.Masked}}}
	if err := s.store.CreateTenant(store.WithAudit(ctx, e), t, admin); err != nil {
		if errors.Is(err, model.ErrConflict) { // another node won the race
			return "", nil
		}
		return "", err
	}
	return generated, nil
}

func randomPassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// OperatorResetPassword sets a user's login password on behalf of someone
// with direct access to the database (the CLI), for example to recover a
// lost SystemAdmin password. It ends the user's sessions.
func (s *Service) OperatorResetPassword(ctx context.Context, domain, name, password string) error {
	if domain == "" {
		domain = model.SystemTenantDomain
	}
	t, err := s.store.GetTenantByDomain(ctx, domain)
	if err != nil {
		return fmt.Errorf("tenant %q: %w", domain, err)
	}
	u, err := s.store.GetUserByName(ctx, t.ID, name)
	if err != nil {
		return fmt.Errorf("user %q in %q: %w", name, domain, err)
	}
	return s.setTenantPassword(ctx, operator(), t.ID, u.ID, "password", password)
}

// operator is the caller of the command line's direct database actions:
// the operator of the machine, who holds every permission.
func operator() *Caller {
	all, _ := model.BuiltInRole(model.RoleSystemAdmin)
	return &Caller{Principal: store.Principal{UserName: "operator"}, Perms: all.Permissions, Source: "cli"}
}

// operatorIn is the operator acting in the tenant of domain.
func (s *Service) operatorIn(ctx context.Context, domain string) (*Caller, error) {
	if domain == "" {
		return nil, model.Invalid("tenant", "is required")
	}
	t, err := s.store.GetTenantByDomain(ctx, domain)
	if err != nil {
		return nil, fmt.Errorf("tenant %q: %w", domain, err)
	}
	c := operator()
	c.TenantID = t.ID
	return c, nil
}

// OperatorExportUsers is ExportUsers for the command line.
func (s *Service) OperatorExportUsers(ctx context.Context, domain string, w io.Writer) error {
	c, err := s.operatorIn(ctx, domain)
	if err != nil {
		return err
	}
	return s.ExportUsers(ctx, c, w)
}

// OperatorListUsers is ListUsers for the command line, in the tenant of
// domain.
func (s *Service) OperatorListUsers(ctx context.Context, domain string, p query.Params) (int, []model.User, error) {
	c, err := s.operatorIn(ctx, domain)
	if err != nil {
		return 0, nil, err
	}
	return s.ListUsers(ctx, c, p)
}
