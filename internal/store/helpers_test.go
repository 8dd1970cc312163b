package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

var ctx = context.Background()

// mkTenant creates a tenant with the given domain.
func mkTenant(t *testing.T, s *store.Store, domain string) *model.Tenant {
	t.Helper()
	tn := &model.Tenant{ID: model.NewID(), Name: "Tenant " + domain, Domain: domain, Enabled: true, TimeZone: "UTC"}
	if err := s.CreateTenant(ctx, tn, nil); err != nil {
		t.Fatalf("create tenant %s: %v", domain, err)
	}
	return tn
}

// newUser returns an unsaved user of tenant.
func newUser(tenantID, name, ext string) *model.User {
	u := &model.User{ID: model.NewID(), TenantID: tenantID, Name: name, Role: model.RoleStandardUser, ExtensionNumber: ext}
	u.Enabled = true
	u.Email = name + "@example.com"
	u.MaxBindings = 10
	return u
}

// mkUser creates a user of tenant.
func mkUser(t *testing.T, s *store.Store, tenantID, name, ext string) *model.User {
	t.Helper()
	u := newUser(tenantID, name, ext)
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatalf("create user %s: %v", name, err)
	}
	return u
}

// wantConflict fails unless err is a *model.ConflictError for field.
func wantConflict(t *testing.T, err error, field string) {
	t.Helper()
	var ce *model.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("got %v (%T), want a ConflictError for %s", err, err, field)
	}
	if ce.Field != field {
		t.Fatalf("conflict field = %q (%s), want %q", ce.Field, ce.Message, field)
	}
	if !errors.Is(err, model.ErrConflict) {
		t.Fatalf("errors.Is(%v, ErrConflict) = false", err)
	}
}

// wantNotFound fails unless err wraps model.ErrNotFound.
func wantNotFound(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

// at returns a fixed UTC time, minutes after a base.
func at(min int) time.Time {
	return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(min) * time.Minute)
}

func names(us []model.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Name
	}
	return out
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
