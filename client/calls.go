package client

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// CDR is a call detail record of the signed-in user.
type CDR struct {
	ID     string `json:"id"`
	CallID string `json:"call_id"`
	// Direction is INBOUND_CALL, OUTBOUND_CALL or INTERNAL_CALL.
	Direction         string `json:"direction"`
	Caller            string `json:"caller"`
	CallerDisplayName string `json:"caller_display_name"`
	CallerDomain      string `json:"caller_domain"`
	Callee            string `json:"callee"`
	CalleeDisplayName string `json:"callee_display_name"`
	CalleeDomain      string `json:"callee_domain"`
	Destination       string `json:"destination"`
	DIDCID            string `json:"did_cid"`
	OutboundCallerID  string `json:"outbound_caller_id"`
	ServiceNumber     string `json:"service_number"`
	Trunk             string `json:"trunk"`
	BilledAccount     string `json:"billed_account"`
	// Cost is exact to five decimals.
	Cost       json.Number `json:"cost"`
	StartedAt  time.Time   `json:"started_at"`
	RangAt     *time.Time  `json:"rang_at"`
	AnsweredAt *time.Time  `json:"answered_at"`
	EndedAt    *time.Time  `json:"ended_at"`
	// Duration is in seconds from answer to end.
	Duration int `json:"duration"`
	// EndReason is CALLER_DISCONNECTED, CALLEE_DISCONNECTED, NO_ANSWER,
	// BUSY, REJECTED, CANCELLED, FAILED, UNREACHABLE or FORWARDED (the
	// record of a user who forwarded the call: destination says to whom,
	// reroute_reason why).
	EndReason string `json:"end_reason"`
	// StatusCode is the final SIP status.
	StatusCode int `json:"status_code"`
	// RerouteReason is TRANSFER, FORWARD, FOLLOW_ME, NO_ANSWER, BUSY,
	// UNAVAILABLE, VOICEMAIL or empty.
	RerouteReason string `json:"reroute_reason"`
	UserData      string `json:"user_data"`
}

// CDRInput is a call record a trusted switch sends (IngestCDRs): a CDR of
// the user with Extension. Zero fields are left out.
type CDRInput struct {
	// Extension is the extension of the user the record belongs to.
	Extension         string      `json:"extension"`
	ID                string      `json:"id,omitempty"`
	CallID            string      `json:"call_id,omitempty"`
	Direction         string      `json:"direction,omitempty"`
	Caller            string      `json:"caller,omitempty"`
	CallerDisplayName string      `json:"caller_display_name,omitempty"`
	CallerDomain      string      `json:"caller_domain,omitempty"`
	Callee            string      `json:"callee,omitempty"`
	CalleeDisplayName string      `json:"callee_display_name,omitempty"`
	CalleeDomain      string      `json:"callee_domain,omitempty"`
	Destination       string      `json:"destination,omitempty"`
	DIDCID            string      `json:"did_cid,omitempty"`
	OutboundCallerID  string      `json:"outbound_caller_id,omitempty"`
	ServiceNumber     string      `json:"service_number,omitempty"`
	Trunk             string      `json:"trunk,omitempty"`
	BilledAccount     string      `json:"billed_account,omitempty"`
	Cost              json.Number `json:"cost,omitempty"`
	StartedAt         time.Time   `json:"started_at,omitzero"`
	RangAt            *time.Time  `json:"rang_at,omitempty"`
	AnsweredAt        *time.Time  `json:"answered_at,omitempty"`
	EndedAt           *time.Time  `json:"ended_at,omitempty"`
	Duration          int         `json:"duration,omitempty"`
	EndReason         string      `json:"end_reason,omitempty"`
	StatusCode        int         `json:"status_code,omitempty"`
	RerouteReason     string      `json:"reroute_reason,omitempty"`
	UserData          string      `json:"user_data,omitempty"`
}

// ListCDRs lists the signed-in user's call records, newest first (GET
// /api/user/cdrs).
func (c *Client) ListCDRs(ctx context.Context, opts *ListOptions) (*List[CDR], error) {
	return list[CDR](ctx, c, "/api/user/cdrs", opts)
}

// GetCDR returns one of the signed-in user's call records (GET
// /api/user/cdrs/{id}).
func (c *Client) GetCDR(ctx context.Context, id string) (*CDR, error) {
	var out cdrBody
	if err := c.get(ctx, pathf("/api/user/cdrs/%s", id), nil, &out); err != nil {
		return nil, err
	}
	return &out.Items, nil
}

// cdrBody is the answer of GetCDR: the record under "items", as the
// contract nests it.
type cdrBody struct {
	Items CDR `json:"items"`
}

// IngestCDRs stores the call records of a trusted switch, all or none,
// and returns their ids (POST /api/cdrs; company_call_log full access).
func (c *Client) IngestCDRs(ctx context.Context, records []CDRInput) ([]string, error) {
	var out idsBody
	if err := c.post(ctx, "/api/cdrs", ingestBody[CDRInput]{Items: records}, &out); err != nil {
		return nil, err
	}
	return out.IDs, nil
}

// cdrChange is a diff entry of the call records: the record under
// "items", as the contract nests it.
type cdrChange struct {
	ID         string `json:"id"`
	ChangeType string `json:"change_type"`
	Items      []CDR  `json:"items"`
}

// cdrDiff is the answer of CDRsDiff as it comes.
type cdrDiff struct {
	Token string      `json:"token"`
	Items []cdrChange `json:"items"`
}

// CDRsDiff returns the changes of the signed-in user's call records since
// token (POST /api/user/cdrs/sync_tokens/{token}/diff).
func (c *Client) CDRsDiff(ctx context.Context, token string) (*SyncDiff[CDR], error) {
	var raw cdrDiff
	if err := c.post(ctx, pathf("/api/user/cdrs/sync_tokens/%s/diff", token), nil, &raw); err != nil {
		return nil, err
	}
	out := &SyncDiff[CDR]{Token: raw.Token, Items: make([]Change[CDR], len(raw.Items))}
	for i, it := range raw.Items {
		out.Items[i] = Change[CDR]{ID: it.ID, ChangeType: it.ChangeType, Object: CDR{ID: it.ID}}
		switch {
		case len(it.Items) == 1:
			out.Items[i].Object = it.Items[0]
		case it.ChangeType != "DELETED":
			return nil, fmt.Errorf("switchboard: the change of call record %s holds %d records, not one", it.ID, len(it.Items))
		}
	}
	return out, nil
}

// Recording is a call recording; its audio downloads from FileURL.
type Recording struct {
	ID        string    `json:"id"`
	CallID    string    `json:"call_id"`
	Caller    string    `json:"caller"`
	Callee    string    `json:"callee"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
	// Duration is in seconds from start to end.
	Duration int    `json:"duration"`
	FileID   string `json:"file_id"`
	FileName string `json:"file_name"`
	FileSize int    `json:"file_size"`
	FileURL  string `json:"file_url"`
}

// RecordingInput is a recording a trusted switch sends
// (IngestRecordings); upload its audio with UploadBlob first.
type RecordingInput struct {
	Extension string    `json:"extension"`
	FileID    string    `json:"file_id"`
	StartedAt time.Time `json:"started_at"`
	EndedAt   time.Time `json:"ended_at"`
	CallID    string    `json:"call_id,omitempty"`
	Caller    string    `json:"caller,omitempty"`
	Callee    string    `json:"callee,omitempty"`
}

// ListRecordings lists the signed-in user's call recordings (GET
// /api/user/recordings).
func (c *Client) ListRecordings(ctx context.Context, opts *ListOptions) (*List[Recording], error) {
	return list[Recording](ctx, c, "/api/user/recordings", opts)
}

// GetRecording returns one of the signed-in user's recordings (GET
// /api/user/recordings/{id}).
func (c *Client) GetRecording(ctx context.Context, id string) (*Recording, error) {
	l, err := itemsOf[Recording](ctx, c, pathf("/api/user/recordings/%s", id))
	if err != nil {
		return nil, err
	}
	if len(l) == 0 {
		return nil, &Error{Status: 404, Errors: []ErrorItem{{Code: "NOT_FOUND", Message: "Not found"}}}
	}
	return &l[0], nil
}

// DeleteRecording deletes one of the signed-in user's recordings (POST
// /api/user/recordings/{id}/destroy).
func (c *Client) DeleteRecording(ctx context.Context, id string) error {
	return c.post(ctx, pathf("/api/user/recordings/%s/destroy", id), nil, nil)
}

// IngestResult is the answer of an ingestion: the new ids, and how many
// automatic replies it sent (messages).
type IngestResult struct {
	IDs         []string `json:"ids"`
	AutoReplies int      `json:"auto_replies"`
}

// IngestRecordings stores the recordings of a trusted switch, all or none
// (POST /api/recordings; company_call_log full access).
func (c *Client) IngestRecordings(ctx context.Context, recordings []RecordingInput) (*IngestResult, error) {
	var out IngestResult
	if err := c.post(ctx, "/api/recordings", ingestBody[RecordingInput]{Items: recordings}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
