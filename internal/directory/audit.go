package directory

import (
	"context"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// PermAudit opens a tenant's audit log: viewing company-wide information.
const PermAudit = "company.view_only"

// ListAuditLogs lists the audit log of the caller's tenant; a holder of
// system.tenant (the SystemAdmin) sees every tenant's and may filter on
// tenant_id.
func (s *Service) ListAuditLogs(ctx context.Context, c *Caller, p query.Params) (int, []model.AuditLog, error) {
	if err := c.require(PermAudit); err != nil {
		return 0, nil, err
	}
	schema := store.AuditSchema()
	tenant := c.TenantID
	if c.Can(PermTenants) {
		tenant = ""
		schema["tenant_id"] = query.Field{Column: "tenant_id", Type: query.String, Filterable: true, Sortable: true}
	}
	q, err := query.Parse(p, schema)
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListAuditLogs(ctx, tenant, q)
}
