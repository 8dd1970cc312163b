package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

type auditKey struct{}

// WithAudit returns a context whose next write transaction records e in
// the audit log, in the same transaction as the change: if the change
// rolls back, so does its entry. Pass it only to the one store call that
// makes the change being recorded. An entry whose Action is still empty
// when the transaction commits is not written (the change turned out to
// be nothing worth recording).
func WithAudit(ctx context.Context, e *model.AuditLog) context.Context {
	return context.WithValue(ctx, auditKey{}, e)
}

func auditFrom(ctx context.Context) *model.AuditLog {
	e, _ := ctx.Value(auditKey{}).(*model.AuditLog)
	return e
}

const auditColumns = `id, tenant_id, at, actor_id, actor_name, api_key, source, action, object_type,
	object_id, object_name, fields`

// AuditSchema is the query.Schema of audit log lists.
func AuditSchema() query.Schema {
	str := func(col string) query.Field {
		return query.Field{Column: col, Type: query.String, Filterable: true, Sortable: true}
	}
	return query.Schema{
		"created_at":  {Column: "at", Type: query.Time, Filterable: true, Sortable: true},
		"user_id":     str("actor_id"),
		"user_name":   str("actor_name"),
		"api_key":     str("api_key"),
		"source_ip":   str("source"),
		"action":      str("action"),
		"object_type": str("object_type"),
		"object_id":   str("object_id"),
		"object_name": str("object_name"),
	}
}

// insertAudit writes e inside the transaction c.
func insertAudit(ctx context.Context, c conn, e *model.AuditLog) error {
	if e.ID == "" {
		e.ID = model.NewID()
	}
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now()
	}
	e.CreatedAt = norm(e.CreatedAt)
	fields := model.MaskSecrets(e.Fields)
	raw, err := json.Marshal(fields)
	if err != nil {
		return fmt.Errorf("encode audit fields: %w", err)
	}
	search := query.Fold(strings.Join([]string{e.UserName, e.Action, e.ObjectType, e.ObjectName, e.SourceIP}, " "))
	_, err = c.exec(ctx, `INSERT INTO audit_logs (`+auditColumns+`, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.ID, e.TenantID, micros(e.CreatedAt), e.UserID, e.UserName, e.APIKey, e.SourceIP, e.Action, e.ObjectType,
		e.ObjectID, e.ObjectName, string(raw), search)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

func scanAudit(row rowScanner) (*model.AuditLog, error) {
	var e model.AuditLog
	var at int64
	var fields string
	if err := row.Scan(&e.ID, &e.TenantID, &at, &e.UserID, &e.UserName, &e.APIKey, &e.SourceIP, &e.Action,
		&e.ObjectType, &e.ObjectID, &e.ObjectName, &fields); err != nil {
		return nil, err
	}
	e.CreatedAt = fromMicros(at)
	if err := json.Unmarshal([]byte(fields), &e.Fields); err != nil {
		return nil, fmt.Errorf("decode audit fields %s: %w", e.ID, err)
	}
	return &e, nil
}

// ListAuditLogs lists the audit log of tenantID ("" for every tenant),
// newest first unless q orders otherwise.
func (s *Store) ListAuditLogs(ctx context.Context, tenantID string, q *query.List) (int, []model.AuditLog, error) {
	l := listSpec[model.AuditLog]{op: "list audit logs", table: "audit_logs", cols: auditColumns, order: "at DESC, id DESC", scan: scanAudit}
	if tenantID != "" {
		l.conds, l.args = []string{"tenant_id = ?"}, []any{tenantID}
	}
	return listPaged(ctx, s, l, q)
}
