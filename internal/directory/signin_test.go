package directory

import (
	"context"
	"errors"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// findLogin answers "nobody" with an error matching model.ErrNotFound,
// never (nil, nil, nil), and an email several accounts use with
// ErrEmailAmbiguous.
func TestFindLoginNotFoundIsAnError(t *testing.T) {
	s, _ := testService(t)
	ctx := context.Background()
	for _, c := range []struct{ name, domain string }{
		{"", ""}, {"nobody", ""}, {"nobody", "acme.example"}, {"boss", "nowhere.example"},
		{"nobody@acme.example", ""}, {"nobody@mail.example", ""}, {"nobody@mail.example", "acme.example"},
	} {
		u, tn, err := s.findLogin(ctx, c.name, c.domain)
		if !errors.Is(err, model.ErrNotFound) || u != nil || tn != nil {
			t.Fatalf("findLogin(%q, %q) = %v, %v, %v; want ErrNotFound", c.name, c.domain, u, tn, err)
		}
	}
	u, tn, err := s.findLogin(ctx, "boss@acme.example", "")
	if err != nil || u == nil || u.Name != "boss" || tn.Domain != "acme.example" {
		t.Fatalf("findLogin(boss@acme.example) = %v, %v, %v", u, tn, err)
	}
	// A duplicate from before emails were unique, written behind the rule.
	if _, err := s.store.DB().Exec(`DROP INDEX users_tenant_email_key`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.store.DB().Exec(`UPDATE users SET email_lower = 'chief@mail.example' WHERE name IN ('admin', 'boss')`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.findLogin(ctx, "chief@mail.example", "nowhere.example"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("unknown domain: %v", err)
	}
	if u, _, err := s.findLogin(ctx, "Chief@Mail.example", "acme.example"); err != nil || u.Name != "boss" {
		t.Fatalf("by email in the tenant: %v, %v", u, err)
	}
	if _, err := s.SignIn(ctx, "chief@mail.example", "Boss-password-1", "", "127.0.0.1"); !errors.Is(err, ErrEmailAmbiguous) {
		t.Fatalf("sign-in by an email of two tenants = %v, want ErrEmailAmbiguous", err)
	}
}
