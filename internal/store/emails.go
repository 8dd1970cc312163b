package store

import (
	"context"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Emails are unique within a tenant, ignoring case (users.email_lower;
// "" is no email). The unique index that enforces it is created by
// Migrate only while the tenant data allows it: databases from before the
// rule may hold duplicates, which Migrate keeps (nothing is lost) and
// EmailDuplicates reports so an admin can resolve them; the next Migrate
// then creates the index. Writes check the rule themselves too (emailFree),
// so they answer 409 with or without the index.

// emailIndex is the name of the unique index (also in uniqueKeys).
const emailIndex = "users_tenant_email_key"

const createEmailIndex = `CREATE UNIQUE INDEX IF NOT EXISTS ` + emailIndex +
	` ON users (tenant_id, email_lower) WHERE email_lower <> ''`

// EmailDuplicate is one email that several users of a tenant share.
type EmailDuplicate struct {
	TenantID string
	Domain   string
	Email    string   // lower-cased
	UserIDs  []string // oldest first
	Names    []string // the users' names, in UserIDs' order
}

// maxEmailDuplicates bounds what EmailDuplicates reports.
const maxEmailDuplicates = 1000

// EmailDuplicates returns the emails several users of one tenant share
// (at most 1000 groups), by tenant domain and email.
func (s *Store) EmailDuplicates(ctx context.Context) ([]EmailDuplicate, error) {
	return emailDuplicates(ctx, s.c())
}

func emailDuplicates(ctx context.Context, c conn) ([]EmailDuplicate, error) {
	rows, err := c.query(ctx, `SELECT u.tenant_id, t.domain, u.email_lower, u.id, u.name FROM users u
		JOIN tenants t ON t.id = u.tenant_id
		JOIN (SELECT tenant_id, email_lower FROM users WHERE email_lower <> ''
		      GROUP BY tenant_id, email_lower HAVING COUNT(*) > 1) d
		  ON d.tenant_id = u.tenant_id AND d.email_lower = u.email_lower
		ORDER BY t.domain, u.email_lower, u.created_at, u.id`)
	if err != nil {
		return nil, fmt.Errorf("email duplicates: %w", err)
	}
	defer rows.Close()
	var out []EmailDuplicate
	for rows.Next() {
		var tenant, domain, email, id, name string
		if err := rows.Scan(&tenant, &domain, &email, &id, &name); err != nil {
			return nil, fmt.Errorf("email duplicates: %w", err)
		}
		if n := len(out); n == 0 || out[n-1].TenantID != tenant || out[n-1].Email != email {
			if n == maxEmailDuplicates {
				break
			}
			out = append(out, EmailDuplicate{TenantID: tenant, Domain: domain, Email: email})
		}
		d := &out[len(out)-1]
		d.UserIDs, d.Names = append(d.UserIDs, id), append(d.Names, name)
	}
	return out, rows.Err()
}

// ensureEmailIndex creates the unique email index unless duplicates
// stand in its way (then it leaves the data as it is).
func ensureEmailIndex(ctx context.Context, c conn) error {
	dups, err := emailDuplicates(ctx, c)
	if err != nil || len(dups) > 0 {
		return err
	}
	if _, err := c.exec(ctx, createEmailIndex); err != nil {
		return fmt.Errorf("create %s: %w", emailIndex, err)
	}
	return nil
}

// emailFree reports a conflict when another user of the tenant (not
// exceptID) has the email, ignoring case.
func emailFree(ctx context.Context, c conn, tenantID, emailLower, exceptID string) error {
	if emailLower == "" {
		return nil
	}
	var n int
	err := c.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE tenant_id = ? AND email_lower = ? AND id <> ?`,
		tenantID, emailLower, exceptID).Scan(&n)
	if err != nil {
		return fmt.Errorf("check email: %w", err)
	}
	if n > 0 {
		return model.Conflict("email", "email %q is already in use", emailLower)
	}
	return nil
}
