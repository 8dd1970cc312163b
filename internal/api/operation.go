package api

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
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
		op.Errors = []int{http.StatusUnauthorized}
		if r.access == perm {
			op.Errors = append(op.Errors, http.StatusForbidden)
		}
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
