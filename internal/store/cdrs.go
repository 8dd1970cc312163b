package store

import (
	"context"
	"fmt"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// CDRSchema is the query.Schema of CDR lists.
func CDRSchema() query.Schema {
	f := func(col string, t query.FieldType) query.Field {
		return query.Field{Column: col, Type: t, Filterable: true, Sortable: true}
	}
	return query.Schema{
		"caller": f("caller", query.String), "callee": f("callee", query.String), "caller_display_name": f("caller_display_name", query.String),
		"callee_display_name": f("callee_display_name", query.String), "started_at": f("started_at", query.Time),
		"answered_at": f("answered_at", query.Time), "ended_at": f("ended_at", query.Time), "call_id": f("call_id", query.String),
		"direction": f("direction", query.String), "end_reason": f("end_reason", query.String), "reroute_reason": f("reroute_reason", query.String),
		"status_code": f("status_code", query.Int), "destination": f("destination", query.String), "trunk": f("trunk", query.String),
		"duration": f("duration", query.Int), "did_cid": f("did_cid", query.String), "outbound_caller_id": f("outbound_caller_id", query.String),
	}
}

const cdrColumns = `id, tenant_id, user_id, caller, caller_domain, caller_display_name, callee, callee_domain, callee_display_name,
	started_at, rang_at, answered_at, ended_at, call_id, direction, end_reason, reroute_reason, status_code, destination,
	outbound_caller_id, did_cid, trunk, duration, cost, billed_account, service_number, user_data`

// cdrSelect is what record reads select: the columns, and the id of the
// user's recording of the call (its link).
const cdrSelect = cdrColumns + `, COALESCE((SELECT MIN(r.id) FROM recordings r WHERE r.tenant_id = cdrs.tenant_id
	AND r.user_id = cdrs.user_id AND r.call_id = cdrs.call_id AND r.call_id <> ''), '')`

func optMicros(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return micros(*t)
}

func optTime(v int64) *time.Time {
	if v == 0 {
		return nil
	}
	t := time.UnixMicro(v).UTC()
	return &t
}

func scanCDR(row rowScanner) (*model.CDR, error) {
	var c model.CDR
	var started, rang, answered, ended, cost int64
	if err := row.Scan(&c.ID, &c.TenantID, &c.UserID, &c.Caller, &c.CallerDomain, &c.CallerDisplayName, &c.Callee, &c.CalleeDomain,
		&c.CalleeDisplayName, &started, &rang, &answered, &ended, &c.CallID, &c.Direction, &c.EndReason, &c.RerouteReason,
		&c.StatusCode, &c.Destination, &c.OutboundCallerID, &c.DIDCID, &c.Trunk, &c.Duration, &cost, &c.BilledAccount,
		&c.ServiceNumber, &c.UserData, &c.RecordingID); err != nil {
		return nil, err
	}
	c.StartedAt = time.UnixMicro(started).UTC()
	c.RangAt, c.AnsweredAt, c.EndedAt = optTime(rang), optTime(answered), optTime(ended)
	c.Cost = model.Balance(cost)
	return &c, nil
}

// CreateCDRs stores records, all or none. A record whose user, call id and
// start are already stored is a *model.ConflictError on "items[i].call_id".
func (s *Store) CreateCDRs(ctx context.Context, cdrs []model.CDR) error {
	return s.inTx(ctx, func(c conn) error { return createCDRs(ctx, c, cdrs) })
}

func createCDRs(ctx context.Context, c conn, cdrs []model.CDR) error {
	for i := range cdrs {
		r := &cdrs[i]
		r.StartedAt = norm(r.StartedAt)
		_, err := c.exec(ctx, `INSERT INTO cdrs (`+cdrColumns+`, search_text)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.TenantID, r.UserID, r.Caller, r.CallerDomain, r.CallerDisplayName, r.Callee, r.CalleeDomain, r.CalleeDisplayName,
			micros(r.StartedAt), optMicros(r.RangAt), optMicros(r.AnsweredAt), optMicros(r.EndedAt), r.CallID, r.Direction, r.EndReason,
			r.RerouteReason, r.StatusCode, r.Destination, r.OutboundCallerID, r.DIDCID, r.Trunk, r.Duration, int64(r.Cost),
			r.BilledAccount, r.ServiceNumber, r.UserData,
			query.Fold(r.Caller+" "+r.CallerDisplayName+" "+r.Callee+" "+r.CalleeDisplayName+" "+r.Destination))
		if err != nil {
			if _, ok := uniqueViolation(err); ok {
				return model.Conflict(fmt.Sprintf("items[%d].call_id", i), "a record of call %q started at %s is already stored for this user",
					r.CallID, r.StartedAt.Format(time.RFC3339))
			}
			return fmt.Errorf("create cdr: %w", err)
		}
		if err := logChange(ctx, c, r.TenantID, r.UserID, SyncCDR, r.ID, ChangeCreated); err != nil {
			return err
		}
	}
	return nil
}

// ListCDRs lists a user's records with the query language, newest first.
func (s *Store) ListCDRs(ctx context.Context, tenantID, userID string, q *query.List) (int, []model.CDR, error) {
	return listPaged(ctx, s, listSpec[model.CDR]{op: "list cdrs", table: "cdrs", cols: cdrSelect,
		conds: []string{"tenant_id = ?", "user_id = ?"}, args: []any{tenantID, userID}, order: "started_at DESC, id", scan: scanCDR}, q)
}

// CDRsByID returns a user's call records among ids.
func (s *Store) CDRsByID(ctx context.Context, tenantID, userID string, ids []string) (map[string]*model.CDR, error) {
	return byIDs(ctx, s, "cdrs by id", "cdrs", cdrSelect, []string{"tenant_id = ?", "user_id = ?"}, []any{tenantID, userID}, ids, scanCDR,
		func(r *model.CDR) string { return r.ID })
}

// GetCDR returns one of a user's records, or model.ErrNotFound.
func (s *Store) GetCDR(ctx context.Context, tenantID, userID, id string) (*model.CDR, error) {
	r, err := scanCDR(s.c().queryRow(ctx, `SELECT `+cdrSelect+` FROM cdrs WHERE tenant_id = ? AND user_id = ? AND id = ?`, tenantID, userID, id))
	if err != nil {
		return nil, notFound("get cdr", err)
	}
	return r, nil
}

// ListTenantCDRs lists the call records of every user of a tenant (the
// company call log), newest first by default.
func (s *Store) ListTenantCDRs(ctx context.Context, tenantID string, q *query.List) (int, []model.CDR, error) {
	return listPaged(ctx, s, listSpec[model.CDR]{op: "list tenant cdrs", table: "cdrs", cols: cdrSelect,
		conds: []string{"tenant_id = ?"}, args: []any{tenantID}, order: "started_at DESC, id", scan: scanCDR}, q)
}
