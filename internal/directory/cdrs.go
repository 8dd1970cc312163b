package directory

import (
	"context"
	"errors"
	"fmt"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Permissions of call records: a user reads their own with the user call
// log permission; a trusted switch (role Replicator) writes the tenant's.
const (
	PermOwnCallLog     = "user_call_log.call_log_view_only or user_call_log.call_log_full_access"
	PermIngestCallLogs = "company_call_log.call_log_full_access"
)

// MaxCDRBatch bounds the records of one ingestion request.
const MaxCDRBatch = 1000

// CDRIn is one record sent by a switch: the user it belongs to, by
// extension, and the contract's fields.
type CDRIn struct {
	Extension string `json:"extension" maxLength:"64" required:"true" doc:"The extension of the user this record belongs to"`
	model.CDR
}

// ListCDRs lists the caller's own call records with the query language.
func (s *Service) ListCDRs(ctx context.Context, c *Caller, p query.Params) (int, []model.CDR, error) {
	if err := c.require(PermOwnCallLog); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.CDRSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListCDRs(ctx, c.TenantID, c.UserID, q)
}

// GetCDR returns one of the caller's own call records.
func (s *Service) GetCDR(ctx context.Context, c *Caller, id string) (*model.CDR, error) {
	if err := c.require(PermOwnCallLog); err != nil {
		return nil, err
	}
	if !model.ValidID(id) {
		return nil, model.ErrNotFound
	}
	return s.store.GetCDR(ctx, c.TenantID, c.UserID, id)
}

// IngestCDRs stores records sent by a trusted switch, all or none, and
// returns their ids. Each record names its user by extension.
func (s *Service) IngestCDRs(ctx context.Context, c *Caller, items []CDRIn) ([]string, error) {
	if err := c.require(PermIngestCallLogs); err != nil {
		return nil, err
	}
	if len(items) == 0 || len(items) > MaxCDRBatch {
		return nil, model.Invalid("items", "must hold 1 to %d records (it holds %d)", MaxCDRBatch, len(items))
	}
	users := map[string]string{}
	out := make([]model.CDR, len(items))
	ids := make([]string, len(items))
	for i := range items {
		in := &items[i]
		userID, ok := users[in.Extension]
		if !ok {
			u, err := s.store.GetUserByExtension(ctx, c.TenantID, in.Extension)
			if errors.Is(err, model.ErrNotFound) {
				return nil, model.Invalid(fmt.Sprintf("items[%d].extension", i), "is not an extension of this tenant")
			} else if err != nil {
				return nil, err
			}
			userID = u.ID
			users[in.Extension] = userID
		}
		r := in.CDR
		if r.RecordingID != "" {
			return nil, model.Invalid(fmt.Sprintf("items[%d].recording_id", i), "is read-only: it links the recordings Switchboard makes")
		}
		if err := model.ValidateCDR(&r); err != nil {
			var ve *model.FieldError
			if errors.As(err, &ve) {
				return nil, model.Invalid(fmt.Sprintf("items[%d].%s", i, ve.Field), "%s", ve.Message)
			}
			return nil, err
		}
		r.ID, r.TenantID, r.UserID = model.NewID(), c.TenantID, userID
		out[i], ids[i] = r, r.ID
	}
	e := c.audit("ingest", "cdr", "", fmt.Sprintf("%d records", len(out)), map[string]any{"count": len(out)})
	if err := s.store.CreateCDRs(store.WithAudit(ctx, e), out); err != nil {
		return nil, err
	}
	return ids, nil
}

// PermCompanyCallLog reads every call record of the tenant.
const PermCompanyCallLog = "company_call_log.call_log_view_only or company_call_log.call_log_full_access"

// ListCompanyCDRs lists the call records of the caller's tenant, every
// user's, with the query language (the portal's company call history).
func (s *Service) ListCompanyCDRs(ctx context.Context, c *Caller, p query.Params) (int, []model.CDR, error) {
	if err := c.require(PermCompanyCallLog); err != nil {
		return 0, nil, err
	}
	q, err := query.Parse(p, store.CDRSchema())
	if err != nil {
		return 0, nil, err
	}
	return s.store.ListTenantCDRs(ctx, c.TenantID, q)
}
