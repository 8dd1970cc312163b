package directory

import (
	"context"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// updater describes how one kind of object D is updated from a patch;
// update runs the recipe they all share.
type updater[D any] struct {
	// kind is the audit log's object type; "" writes no audit entry.
	kind string
	// tenantID, when set, is the tenant the audit entry belongs to
	// (a tenant's own update) instead of the caller's.
	tenantID string
	rules    fieldRules
	// store loads the object, runs change on it and saves it, in one
	// transaction (change's error rolls it back).
	store func(ctx context.Context, change func(*D) error) error
	// before checks the stored object before the patch (may the caller
	// change it?); after fills defaults and validates the result.
	before, after func(*D) error
	// name is the audit entry's object name.
	name func(*D) string
}

// update applies patch p to the object id, the same way for every kind:
// the audit entry (with the members given) is written with the change,
// inside the store's transaction, where the stored object is checked,
// patched and validated; any refusal leaves it unchanged.
func update[T, D any](ctx context.Context, c *Caller, id string, p *Patch[T], u updater[D]) error {
	var e *model.AuditLog
	if u.kind != "" {
		e = c.audit("update", u.kind, id, "", p.Fields())
		if u.tenantID != "" {
			e.TenantID = u.tenantID
		}
		ctx = store.WithAudit(ctx, e)
	}
	return u.store(ctx, func(v *D) error {
		if u.before != nil {
			if err := u.before(v); err != nil {
				return err
			}
		}
		if err := apply(p, v, u.rules); err != nil {
			return err
		}
		if u.after != nil {
			if err := u.after(v); err != nil {
				return err
			}
		}
		if e != nil && u.name != nil {
			e.ObjectName = u.name(v)
		}
		return nil
	})
}

// discard adapts a store update that also returns the object.
func discard[D any](_ *D, err error) error { return err }
