package api

import (
	"cmp"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/switchboard-pbx/switchboard/internal/directory"
)

type callerKey struct{}

type sourceKey struct{}

// withSource puts the peer's address into the context (sign-in limits
// and the audit log use it).
func withSource(ctx huma.Context, next func(huma.Context)) {
	next(huma.WithValue(ctx, sourceKey{}, hostOf(ctx.RemoteAddr())))
}

// sourceFrom returns the peer address withSource stored.
func sourceFrom(ctx context.Context) string {
	s, _ := ctx.Value(sourceKey{}).(string)
	return s
}

// callerFrom returns the authenticated caller that the access middleware
// stored in ctx.
func callerFrom(ctx context.Context) *directory.Caller {
	c, _ := ctx.Value(callerKey{}).(*directory.Caller)
	return c
}

// route describes one operation: how it is reached and who may call it.
type route struct {
	method, path, id, summary, tag string
	access                         access
	permission                     string // for access == perm
	status                         int    // success status, default 200
	maxBody                        int64  // body limit, default MaxBodyBytes
	produces                       string // content type of a non-JSON success body
	rawBody                        string // content type of a body the handler streams itself
}

// handle adds the HTTP operation r (an OpenAPI operation) whose handler h
// gets the authenticated caller and returns domain errors; both the
// permission check and the error mapping happen here, once, for every
// route.
func handle[I, O any](s *Server, r route, h func(ctx context.Context, c *directory.Caller, in *I) (*O, error)) {
	op := huma.Operation{
		OperationID:   r.id,
		Method:        r.method,
		Path:          r.path,
		Summary:       r.summary,
		Description:   r.summary + ". Requires: " + permissionDoc(r) + ".",
		Tags:          []string{r.tag},
		DefaultStatus: r.status,
		MaxBodyBytes:  max(r.maxBody, MaxBodyBytes),
		Extensions:    map[string]any{"x-permission": permissionDoc(r)},
	}
	op.Middlewares = huma.Middlewares{withSource}
	if r.access != public {
		op.Security = []map[string][]string{{"bearer": {}}}
		op.Middlewares = append(op.Middlewares, s.requireAccess(r))
	}
	if r.rawBody != "" {
		op.RequestBody = &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			r.rawBody: {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}
	}
	op.Errors = errorStatuses[I](r)
	if r.produces != "" {
		status := cmp.Or(r.status, http.StatusOK)
		op.Responses = map[string]*huma.Response{strconv.Itoa(status): {Content: map[string]*huma.MediaType{
			r.produces: {Schema: &huma.Schema{Type: "string", Format: "binary"}}}}}
	}
	log := s.deps.Log
	huma.Register(s.api, op, func(ctx context.Context, in *I) (*O, error) {
		out, err := h(ctx, callerFrom(ctx), in)
		if err != nil {
			return nil, toError(ctx, log, err)
		}
		return out, nil
	})
}

// errorStatuses lists the error statuses an operation may answer, for
// its OpenAPI document (huma adds 422 and 500): 400 for any bad input,
// 401 (a missing or bad token, or failed credentials on the public sign-in
// steps), 403 and 404 behind a token (any rule or record may refuse) and
// on paths with an id, 409 on writes, 413 and 415 where a body is read,
// 429 on the public sign-in steps (lockouts).
func errorStatuses[I any](r route) []int {
	errs := []int{http.StatusBadRequest, http.StatusUnauthorized}
	if r.access != public {
		errs = append(errs, http.StatusForbidden)
	}
	if r.access != public || strings.Contains(r.path, "{") {
		errs = append(errs, http.StatusNotFound)
	}
	if r.method != http.MethodGet {
		errs = append(errs, http.StatusConflict)
	}
	if hasBody(reflect.TypeFor[I]()) || r.rawBody != "" {
		errs = append(errs, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
	}
	if r.access == public && r.method == http.MethodPost {
		errs = append(errs, http.StatusTooManyRequests)
	}
	return errs
}

// hasBody reports whether an input struct reads a request body.
func hasBody(t reflect.Type) bool {
	if t.Kind() != reflect.Struct {
		return false
	}
	_, body := t.FieldByName("Body")
	_, raw := t.FieldByName("RawBody")
	return body || raw
}

func permissionDoc(r route) string {
	switch r.access {
	case public:
		return "none"
	case self:
		return "signed-in"
	}
	return r.permission
}

// requireAccess authenticates the bearer token and checks the route's
// permission before the body is read.
func (s *Server) requireAccess(r route) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		token, ok := bearer(ctx.Header("Authorization"))
		if !ok {
			s.writeErr(ctx, newError(http.StatusUnauthorized, "", "A bearer access token is required"))
			return
		}
		c, err := s.deps.Directory.Authenticate(ctx.Context(), token)
		if err != nil {
			s.writeErr(ctx, toError(ctx.Context(), s.deps.Log, err).(*Error))
			return
		}
		c.Source = hostOf(ctx.RemoteAddr())
		if r.access == perm && !c.Allowed(r.permission) {
			s.writeErr(ctx, newError(http.StatusForbidden, "", "This action needs the "+r.permission+" permission"))
			return
		}
		next(huma.WithValue(ctx, callerKey{}, c))
	}
}

func bearer(h string) (string, bool) {
	const p = "Bearer "
	if len(h) <= len(p) || !strings.EqualFold(h[:len(p)], p) {
		return "", false
	}
	return strings.TrimSpace(h[len(p):]), true
}

func (s *Server) writeErr(ctx huma.Context, e *Error) {
	ctx.SetHeader("Content-Type", "application/json")
	if e.status == http.StatusUnauthorized {
		ctx.SetHeader("WWW-Authenticate", `Bearer realm="switchboard"`)
	}
	ctx.SetStatus(e.status)
	_ = json.NewEncoder(ctx.BodyWriter()).Encode(e)
}

// hostOf returns the address part of host:port (the peer's IP).
func hostOf(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}
