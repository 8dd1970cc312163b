package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// Provisioning failures from one source address before it is refused
// for provisionBan: phones that are set up right never fail.
const (
	provisionFailLimit  = 20
	provisionFailWindow = time.Minute
	provisionBan        = 15 * time.Minute
)

type provisioningOutput struct {
	Body *directory.PhoneProvisioning
}

type softphoneOutput struct {
	Body *directory.SoftphoneSetup
}

type templateNamePath struct {
	Name string `path:"name" maxLength:"128"`
}

type templateInput struct {
	Name string `path:"name" maxLength:"128"`
	Body struct {
		Vendor string `json:"vendor" required:"true" doc:"The vendor whose phones use it (it is checked with a sample phone of that vendor)"`
		Body   string `json:"body" required:"true" doc:"The template: Go text/template over the provisioning values, at most 64 KiB (see the README)"`
	}
}

type templatesOutput struct {
	Body struct {
		Items []store.ProvisioningTemplate `json:"items"`
	}
}

// provisioningRoutes are the credential of a phone, the softphone QR code
// URL and the tenant's templates.
func (s *Server) provisioningRoutes() {
	d := s.deps.Directory
	f := s.forms("IP phones", "phones", "phone")
	handle(s, f.selfRoute(http.MethodPost, "/{id}/provisioning", "issue-phone-provisioning",
		"Issue the phone's provisioning credential and SIP password (shown once; issuing again revokes the previous ones)", 0),
		func(ctx context.Context, c *directory.Caller, in *idPath) (*provisioningOutput, error) {
			p, err := d.IssuePhoneProvisioning(ctx, c, "", in.ID)
			return &provisioningOutput{Body: p}, err
		})
	handle(s, f.adminRoute(http.MethodPost, "/{item_id}/provisioning", "issue-phone-provisioning",
		"Issue the phone's provisioning credential and SIP password (shown once; issuing again revokes the previous ones)", 0),
		func(ctx context.Context, c *directory.Caller, in *userItemPath) (*provisioningOutput, error) {
			p, err := d.IssuePhoneProvisioning(ctx, c, in.ID, in.ItemID)
			return &provisioningOutput{Body: p}, err
		})
	handle(s, route{method: http.MethodPost, path: "/api/user/softphone", id: "my-issue-softphone", tag: "IP phones", access: self,
		summary: "Issue a one-time URL (valid 10 minutes) from which Linphone loads the signed-in user's line"},
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*softphoneOutput, error) {
			p, err := d.IssueSoftphone(ctx, c)
			return &softphoneOutput{Body: p}, err
		})
	s.templateRoutes()
}

func (s *Server) templateRoutes() {
	d := s.deps.Directory
	const tag = "Provisioning templates"
	handle(s, route{method: http.MethodGet, path: "/api/provisioning_templates", id: "list-provisioning-templates", tag: tag,
		access: perm, permission: directory.PermCompanyView, summary: "List the tenant's provisioning templates"},
		func(ctx context.Context, c *directory.Caller, _ *struct{}) (*templatesOutput, error) {
			l, err := d.ListProvisioningTemplates(ctx, c)
			out := &templatesOutput{}
			out.Body.Items = l
			return out, err
		})
	handle(s, route{method: http.MethodGet, path: "/api/provisioning_templates/{name}", id: "get-provisioning-template", tag: tag,
		access: perm, permission: directory.PermCompanyView, summary: "Get one of the tenant's provisioning templates"},
		func(ctx context.Context, c *directory.Caller, in *templateNamePath) (*struct{ Body *store.ProvisioningTemplate }, error) {
			t, err := d.GetProvisioningTemplate(ctx, c, in.Name)
			return &struct{ Body *store.ProvisioningTemplate }{Body: t}, err
		})
	handle(s, route{method: http.MethodPost, path: "/api/provisioning_templates/{name}", id: "put-provisioning-template", tag: tag,
		access: perm, permission: directory.PermCompanyFull, status: http.StatusNoContent,
		summary: "Create or replace the template used by the tenant's phones whose filename is {name} (checked: it parses and renders a sample phone)"},
		func(ctx context.Context, c *directory.Caller, in *templateInput) (*struct{}, error) {
			return nil, d.PutProvisioningTemplate(ctx, c, in.Name, in.Body.Vendor, in.Body.Body)
		})
	handle(s, route{method: http.MethodPost, path: "/api/provisioning_templates/{name}/destroy", id: "destroy-provisioning-template", tag: tag,
		access: perm, permission: directory.PermCompanyFull, status: http.StatusNoContent,
		summary: "Remove a provisioning template (its phones go back to the built-in one)"},
		func(ctx context.Context, c *directory.Caller, in *templateNamePath) (*struct{}, error) {
			return nil, d.DeleteProvisioningTemplate(ctx, c, in.Name)
		})
}

// serveProvisioning answers a device's GET /provision/<file> (HTTP basic
// authentication) or /provision/<token>/<file> (the secret URL). Every
// failure, credentials missing or not, gets the same 401; a source with
// too many failures gets 429 for a while.
func (s *Server) serveProvisioning(w http.ResponseWriter, r *http.Request) {
	src, now := hostOf(r.RemoteAddr), time.Now()
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if s.provGuard.Banned(src, now) {
		h.Set("Retry-After", "900")
		http.Error(w, "too many failed requests", http.StatusTooManyRequests)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/provision/")
	fetch := directory.ProvisionFetch{File: rest, Source: src}
	if tok, file, ok := strings.Cut(rest, "/"); ok {
		fetch.Lookup, fetch.Secret = directory.SplitProvisioningToken(tok)
		fetch.File = file
	} else {
		fetch.Lookup, fetch.Secret, _ = r.BasicAuth()
	}
	if fetch.Lookup == "" || len(fetch.Lookup) > 64 || len(fetch.Secret) > 128 || len(fetch.File) > 128 {
		if fetch.Lookup != "" {
			s.provGuard.Fail(src, "", now)
		}
		refuseProvisioning(w)
		return
	}
	f, err := s.deps.Directory.FetchProvisioning(r.Context(), fetch)
	switch {
	case errors.Is(err, directory.ErrProvisionRefused):
		s.provGuard.Fail(src, "", now)
		refuseProvisioning(w)
	case err != nil:
		s.deps.Log.Error("provisioning", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	default:
		h.Set("Content-Type", f.ContentType)
		_, _ = w.Write(f.Body)
	}
}

// refuseProvisioning is the one answer to every failed fetch.
func refuseProvisioning(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Basic realm="Switchboard provisioning", charset="UTF-8"`)
	http.Error(w, "401 unauthorized", http.StatusUnauthorized)
}

func newProvisionGuard() *guard.Guard {
	return guard.New(provisionFailLimit, provisionFailWindow, provisionBan)
}
