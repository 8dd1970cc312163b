package api

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type auditListOutput struct {
	Body struct {
		Count int              `json:"count"`
		Items []model.AuditLog `json:"items"`
	}
}

func (s *Server) auditRoutes() {
	d := s.deps.Directory
	handle(s, route{method: http.MethodGet, path: "/api/audit_logs", id: "list-audit-logs", tag: "Audit",
		summary: "List the audit log of the tenant (a SystemAdmin sees every tenant's), newest first",
		access:  perm, permission: directory.PermAudit},
		func(ctx context.Context, c *directory.Caller, in *listParams) (*auditListOutput, error) {
			n, list, err := d.ListAuditLogs(ctx, c, in.params())
			if err != nil {
				return nil, err
			}
			out := &auditListOutput{}
			out.Body.Count, out.Body.Items = n, list
			return out, nil
		})
}
