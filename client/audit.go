package client

import (
	"context"
	"time"
)

// AuditLog is one change in the audit log: who (UserName, and APIKey when
// a key's session made it), from where, what, and the fields it set
// (secrets masked).
type AuditLog struct {
	ID         string         `json:"id"`
	TenantID   string         `json:"tenant_id"`
	UserID     string         `json:"user_id"`
	UserName   string         `json:"user_name"`
	APIKey     string         `json:"api_key"`
	SourceIP   string         `json:"source_ip"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	ObjectName string         `json:"object_name"`
	Fields     map[string]any `json:"fields"`
	CreatedAt  time.Time      `json:"created_at"`
}

// ListAuditLogs lists the tenant's audit log, newest first (GET
// /api/audit_logs; company.view_only).
func (c *Client) ListAuditLogs(ctx context.Context, opts *ListOptions) (*List[AuditLog], error) {
	return list[AuditLog](ctx, c, "/api/audit_logs", opts)
}
