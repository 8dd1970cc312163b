package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// forms are the two forms of the per-user endpoints /api/user/x and
// /api/users/{id}/x.
func (s *Server) forms(tag, x, idPrefix string) formRoutes {
	return formRoutes{s: s, tag: tag, selfPrefix: "/api/user/" + x, adminBase: "/api/users/{id}/" + x, idPrefix: idPrefix}
}

// userCollectionRoutes are the per-user collections, in both forms.
func (s *Server) userCollectionRoutes() {
	d := s.deps.Directory
	crud(s.forms("IP phones", "phones", "phone"), d.Phones(), "phone")
	crud(s.forms("Speed dials", "speed_dial_8", "speed-dial-8"), d.SpeedDial8(), "speed dial 8 entry")
	crud(s.forms("Speed dials", "speed_dial_100", "speed-dial-100"), d.SpeedDial100(), "speed dial 100 entry")
	crudCounted(s.forms("Holidays", "holidays", "holiday"), d.Holidays(), "holiday")
}

// The aliases of unnamed structs keep the schema names huma derives from
// the operations (My-get-cdrResponse, ...).

type cdrOutput = struct {
	Body struct {
		Items *model.CDR `json:"items"`
	}
}

type cdrsInput = struct {
	Body struct {
		Items []directory.CDRIn `json:"items" maxItems:"1000" required:"true"`
	}
}

type cdrIDsOutput = struct {
	Body struct {
		IDs []string `json:"ids"`
	}
}

func (s *Server) cdrRoutes() {
	d := s.deps.Directory
	handle(s, route{method: http.MethodGet, path: "/api/user/cdrs", id: "my-list-cdrs", tag: "Call history", access: perm, permission: directory.PermOwnCallLog,
		summary: "List the signed-in user's call detail records (newest first; filter, orderby, skip, top, search)"},
		func(ctx context.Context, c *directory.Caller, in *listParams) (*countedItemsOutput[model.CDR], error) {
			return countedOut(d.ListCDRs(ctx, c, in.params()))
		})
	handle(s, route{method: http.MethodGet, path: "/api/user/cdrs/{id}", id: "my-get-cdr", tag: "Call history", access: perm, permission: directory.PermOwnCallLog,
		summary: "Get one of the signed-in user's call detail records"},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*cdrOutput, error) {
			r, err := d.GetCDR(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			out := &cdrOutput{}
			out.Body.Items = r
			return out, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/cdrs", id: "ingest-cdrs", tag: "Call history", access: perm,
		permission: directory.PermIngestCallLogs, status: http.StatusCreated, maxBody: 4 << 20,
		summary: "Store call detail records sent by a trusted switch (all or none)"},
		func(ctx context.Context, c *directory.Caller, in *cdrsInput) (*cdrIDsOutput, error) {
			ids, err := d.IngestCDRs(ctx, c, in.Body.Items)
			if err != nil {
				return nil, err
			}
			out := &cdrIDsOutput{}
			out.Body.IDs = ids
			return out, nil
		})
}

type routingQuery struct {
	Caller string `query:"caller" maxLength:"32" doc:"The calling number or extension (empty: anonymous)"`
	At     string `query:"at" maxLength:"40" doc:"When, RFC 3339 (default: now)"`
}

func (q *routingQuery) time() (time.Time, error) {
	if q.At == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, q.At)
	if err != nil {
		return time.Time{}, model.Invalid("at", "must be an RFC 3339 time such as 2026-11-24T10:00:00+01:00")
	}
	return t, nil
}

type userRoutingQuery = struct {
	ID     string `path:"id" maxLength:"64"`
	Caller string `query:"caller" maxLength:"32" doc:"The calling number or extension (empty: anonymous)"`
	At     string `query:"at" maxLength:"40" doc:"When, RFC 3339 (default: now)"`
}

func (s *Server) routingRoutes() {
	d := s.deps.Directory
	f := formRoutes{s: s, tag: "Call routing", selfPrefix: "/api/user", adminBase: "/api/users/{id}", idPrefix: "routing"}
	const summary = "Explain what happens to a call from caller at a time: the plan of each user it reaches"
	handle(s, f.selfRoute(http.MethodGet, "/routing", "routing", summary, 0),
		func(ctx context.Context, c *directory.Caller, in *routingQuery) (*itemOutput[directory.RoutingExplanation], error) {
			at, err := in.time()
			if err != nil {
				return nil, err
			}
			return oneOut(d.Routing(ctx, c, "", in.Caller, at))
		})
	handle(s, f.adminRoute(http.MethodGet, "/routing", "routing", summary, 0),
		func(ctx context.Context, c *directory.Caller, in *userRoutingQuery) (*itemOutput[directory.RoutingExplanation], error) {
			at, err := (&routingQuery{Caller: in.Caller, At: in.At}).time()
			if err != nil {
				return nil, err
			}
			return oneOut(d.Routing(ctx, c, in.ID, in.Caller, at))
		})
}

type greetingPath struct {
	ID         string `path:"id" maxLength:"64"`
	GreetingID string `path:"greeting_id" maxLength:"64"`
}

func (s *Server) greetingRoutes() {
	d := s.deps.Directory
	f := s.forms("Voicemail greetings", "greetings", "greeting")
	type fileBody struct {
		FileID string `json:"file_id" maxLength:"64" required:"true" doc:"An uploaded WAV or MP3 (POST /api/blobs)"`
	}
	handle(s, f.selfRoute(http.MethodGet, "", "list-greetings", "List voicemail greetings", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*itemsOutput[directory.Greeting], error) {
			return listOut(d.ListGreetings(ctx, c, ""))
		})
	handle(s, f.adminRoute(http.MethodGet, "", "list-greetings", "List voicemail greetings", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemsOutput[directory.Greeting], error) {
			return listOut(d.ListGreetings(ctx, c, in.ID))
		})
	handle(s, f.selfRoute(http.MethodPost, "", "create-greeting", "Make a voicemail greeting of an uploaded audio file", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *struct{ Body fileBody }) (*createdOutput, error) {
			return created(d.CreateGreeting(ctx, c, "", in.Body.FileID))
		})
	handle(s, f.adminRoute(http.MethodPost, "", "create-greeting", "Make a voicemail greeting of an uploaded audio file", http.StatusCreated),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body fileBody
		}) (*createdOutput, error) {
			return created(d.CreateGreeting(ctx, c, in.ID, in.Body.FileID))
		})
	for _, op := range []struct {
		verb string
		on   bool
	}{{"enable", true}, {"disable", false}} {
		on := op.on
		summary := "Disable a voicemail greeting"
		if on {
			summary = "Enable a voicemail greeting (the others are disabled)"
		}
		handle(s, f.selfRoute(http.MethodPost, "/{id}/"+op.verb, op.verb+"-greeting", summary, http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
				return nil, d.SetGreetingEnabled(ctx, c, "", in.ID, on)
			})
		handle(s, f.adminRoute(http.MethodPost, "/{greeting_id}/"+op.verb, op.verb+"-greeting", summary, http.StatusNoContent),
			func(ctx context.Context, c *directory.Caller, in *greetingPath) (*struct{}, error) {
				return nil, d.SetGreetingEnabled(ctx, c, in.ID, in.GreetingID, on)
			})
	}
	handle(s, f.selfRoute(http.MethodPost, "/{id}/destroy", "destroy-greeting", "Delete a voicemail greeting", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.DeleteGreeting(ctx, c, "", in.ID)
		})
	handle(s, f.adminRoute(http.MethodPost, "/{greeting_id}/destroy", "destroy-greeting", "Delete a voicemail greeting", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *greetingPath) (*struct{}, error) {
			return nil, d.DeleteGreeting(ctx, c, in.ID, in.GreetingID)
		})
}

type idList struct {
	Items []string `json:"items" maxItems:"500" required:"true" doc:"Ids of tenant holidays (GET /api/holidays)"`
}

func (s *Server) globalHolidayRoutes() {
	d := s.deps.Directory
	f := s.forms("Holidays", "global_holidays", "global-holidays")
	handle(s, f.selfRoute(http.MethodGet, "", "list-global-holidays", "List the tenant holidays observed", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*itemsOutput[model.Holiday], error) {
			return listOut(d.GlobalHolidays(ctx, c, ""))
		})
	handle(s, f.adminRoute(http.MethodGet, "", "list-global-holidays", "List the tenant holidays observed", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemsOutput[model.Holiday], error) {
			return listOut(d.GlobalHolidays(ctx, c, in.ID))
		})
	handle(s, f.selfRoute(http.MethodPost, "", "set-global-holidays", "Choose the tenant holidays observed", 0),
		func(ctx context.Context, c *directory.Caller, in *struct{ Body idList }) (*createdOutput, error) {
			return created(c.UserID, d.SetGlobalHolidays(ctx, c, "", in.Body.Items))
		})
	handle(s, f.adminRoute(http.MethodPost, "", "set-global-holidays", "Choose the tenant holidays observed", 0),
		func(ctx context.Context, c *directory.Caller, in *struct {
			ID   string `path:"id" maxLength:"64"`
			Body idList
		}) (*createdOutput, error) {
			return created(in.ID, d.SetGlobalHolidays(ctx, c, in.ID, in.Body.Items))
		})
}

type registrationPath = struct {
	ID         string `path:"id" maxLength:"64"`
	InstanceID string `path:"instance_id" maxLength:"256"`
}

type presenceInput = struct {
	Body struct {
		Presence     string `json:"presence" required:"true" enum:"DO_NOT_DISTURB,AVAILABLE,AWAY,BUSINESS_TRIP,LUNCH"`
		PresenceNote string `json:"presence_note,omitempty" maxLength:"128"`
	}
}

func (s *Server) statusRoutes() {
	d := s.deps.Directory
	f := formRoutes{s: s, tag: "Presence and status", selfPrefix: "/api/user", adminBase: "/api/users/{id}", idPrefix: "status"}
	handle(s, f.selfRoute(http.MethodGet, "/status", "status", "Get status, presence and registered devices", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*itemOutput[directory.Status], error) {
			return oneOut(d.UserStatus(ctx, c, ""))
		})
	handle(s, f.adminRoute(http.MethodGet, "/status", "status", "Get status, presence and registered devices", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*itemOutput[directory.Status], error) {
			return oneOut(d.UserStatus(ctx, c, in.ID))
		})
	handle(s, f.adminRoute(http.MethodPost, "/status/{instance_id}/destroy_status", "destroy-registration", "Remove a registered device", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *registrationPath) (*struct{}, error) {
			return nil, d.DeleteRegistration(ctx, c, in.ID, in.InstanceID)
		})
	handle(s, f.selfRoute(http.MethodPost, "/presence", "set-presence", "Set the signed-in user's presence", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *presenceInput) (*struct{}, error) {
			return nil, d.SetPresence(ctx, c, in.Body.Presence, in.Body.PresenceNote)
		})
	handle(s, f.selfRoute(http.MethodGet, "/outbound_caller_ids", "outbound-caller-ids", "List the caller IDs the signed-in user may present", 0),
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*itemsOutput[directory.CallerID], error) {
			return listOut(d.OutboundCallerIDs(ctx, c))
		})
}

type balanceBody struct {
	Balance balanceValue `json:"balance" required:"true"`
}

type balanceOutput struct{ Body balanceBody }

type setBalanceInput = struct {
	ID   string `path:"id" maxLength:"64"`
	Body balanceBody
}

func (s *Server) balanceRoutes() {
	d := s.deps.Directory
	handle(s, route{method: http.MethodGet, path: "/api/users/{id}/balance", id: "get-balance", tag: "Balance",
		summary: "Get an extension's balance", access: perm, permission: directory.PermBillingView},
		func(ctx context.Context, c *directory.Caller, in *idPath) (*balanceOutput, error) {
			b, err := d.GetBalance(ctx, c, in.ID)
			if err != nil {
				return nil, err
			}
			return &balanceOutput{Body: balanceBody{Balance: balanceValue(b)}}, nil
		})
	handle(s, route{method: http.MethodPost, path: "/api/users/{id}/balance", id: "set-balance", tag: "Balance",
		summary: "Set an extension's balance", access: perm, permission: directory.PermBillingFull, status: http.StatusNoContent},
		func(ctx context.Context, c *directory.Caller, in *setBalanceInput) (*struct{}, error) {
			return nil, d.SetBalance(ctx, c, in.ID, model.Balance(in.Body.Balance))
		})
}

type profileQuery = struct {
	ID string `query:"id" maxLength:"64"`
}

type ms365Input = struct {
	ID   string `path:"id" maxLength:"64"`
	Body struct {
		Account string `json:"id" maxLength:"254" required:"true" doc:"Object id (GUID) or user principal name"`
	}
}

// userProfileRoutes reset users' call handling and bind them to
// Microsoft 365.
func (s *Server) userProfileRoutes() {
	d := s.deps.Directory
	handle(s, usersRoute(http.MethodPost, "/api/users/profile", "reset-profiles", "Reset the profile of the user given by ?id=, or of every user you outrank", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *profileQuery) (*struct{}, error) {
			if in.ID != "" {
				return nil, d.ResetProfile(ctx, c, in.ID)
			}
			_, err := d.ResetAllProfiles(ctx, c)
			return nil, err
		})
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}/profile", "reset-profile", "Reset a user's call handling to the defaults", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.ResetProfile(ctx, c, in.ID)
		})
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}/ms365_binding", "bind-ms365", "Bind a user to a Microsoft 365 account", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *ms365Input) (*struct{}, error) {
			return nil, d.BindMS365(ctx, c, in.ID, in.Body.Account)
		})
	handle(s, usersRoute(http.MethodPost, "/api/users/{id}/ms365_binding/destroy", "unbind-ms365", "Unbind a user from Microsoft 365", http.StatusNoContent),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*struct{}, error) {
			return nil, d.UnbindMS365(ctx, c, in.ID)
		})
}

// balanceValue is model.Balance in the API: a JSON number in the schema,
// read and written from its decimal text (never through float64).
type balanceValue model.Balance

// Schema tells huma it is a number.
func (balanceValue) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Type: huma.TypeNumber, Description: "Exact to five decimal places"}
}

// MarshalJSON writes the number.
func (b balanceValue) MarshalJSON() ([]byte, error) { return model.Balance(b).MarshalJSON() }

// UnmarshalJSON reads the number exactly.
func (b *balanceValue) UnmarshalJSON(data []byte) error {
	var v model.Balance
	if err := v.UnmarshalJSON(data); err != nil {
		return err
	}
	*b = balanceValue(v)
	return nil
}
