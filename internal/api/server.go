// Package api serves Switchboard's REST API with huma, which generates the
// OpenAPI document from the same code that registers the routes.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/metrics"
	"github.com/switchboard-pbx/switchboard/internal/sip/guard"
)

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 1 << 20

// Pinger reports whether the database answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Deps are what the API needs.
type Deps struct {
	Directory *directory.Service
	DB        Pinger
	Log       *slog.Logger
	Metrics   *metrics.Registry
	Version   string
}

// Server is the HTTP API.
type Server struct {
	deps Deps
	api  huma.API
	mux  *http.ServeMux
	// provGuard counts failed provisioning fetches per source address.
	provGuard *guard.Guard
}

// access says who may call an operation.
type access int

const (
	public access = iota // no credentials
	self                 // any signed-in user
	perm                 // a permission flag (Operation.perm)
)

// New builds the API and its routes.
func New(d Deps) *Server {
	installErrorModel()
	mux := http.NewServeMux()
	cfg := huma.DefaultConfig("Switchboard API", d.Version)
	cfg.CreateHooks = nil // no $schema links: bodies keep the contract's shapes
	cfg.OpenAPIPath = ""
	cfg.DocsPath = ""
	cfg.SchemasPath = ""
	cfg.FieldsOptionalByDefault = true
	cfg.Info.Description = "Users and extensions of a multi-tenant hosted PBX. Every operation lists the permission it needs in x-permission."
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An access token from POST /api/auth/sign_in."},
	}
	s := &Server{deps: d, api: humago.New(mux, cfg), mux: mux, provGuard: newProvisionGuard()}
	s.routes()
	mux.HandleFunc("GET /provision/", s.serveProvisioning)
	mux.HandleFunc("GET /api/openapi.json", s.serveOpenAPI)
	mux.HandleFunc("GET /healthz", s.healthz)
	// The least specific /api/ pattern: only requests that no route takes
	// reach it, and they get the error envelope instead of a plain 404.
	mux.HandleFunc("/api/", s.noRoute)
	if d.Metrics != nil {
		mux.Handle("GET /metrics", d.Metrics)
	}
	return s
}

// Mount serves h for every path no API route takes (the portal at /).
func (s *Server) Mount(h http.Handler) { s.mux.Handle("/", h) }

// Handler returns the server's root handler with metrics.
func (s *Server) Handler() http.Handler {
	h := guardJSON(s.mux)
	if s.deps.Metrics != nil {
		h = s.deps.Metrics.Instrument(h)
	}
	return s.accessLog(h)
}

// accessLog tags each request with an X-Request-Id and logs one line per
// request at debug level (warn for 5xx). Only the method, the path and the
// outcome are logged: never the query, headers or body, which may carry
// tokens or passwords.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		rec := &metrics.StatusWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		status := rec.Status()
		if status == 0 {
			status = http.StatusOK // nothing written: net/http sends 200
		}
		level := slog.LevelDebug
		if status >= 500 {
			level = slog.LevelWarn
		}
		if s.deps.Log.Enabled(r.Context(), level) {
			s.deps.Log.LogAttrs(r.Context(), level, "request", slog.String("id", id), slog.String("method", r.Method),
				slog.String("path", logPath(r.URL.Path)), slog.Int("status", status),
				slog.Duration("took", time.Since(start)), slog.String("remote", r.RemoteAddr))
		}
	})
}

// logPath is the path as logged: a provisioning secret URL's token
// (/provision/<token>/<file>) is left out.
func logPath(p string) string {
	if rest, ok := strings.CutPrefix(p, "/provision/"); ok {
		if _, file, ok := strings.Cut(rest, "/"); ok {
			return "/provision/-/" + file
		}
	}
	return p
}

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// OpenAPI returns the OpenAPI document as JSON.
func (s *Server) OpenAPI() ([]byte, error) {
	return json.MarshalIndent(s.api.OpenAPI(), "", "  ")
}

func (s *Server) serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	b, err := s.OpenAPI()
	if err != nil {
		http.Error(w, "openapi", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "application/json")
	if err := s.deps.DB.Ping(ctx); err != nil {
		s.deps.Log.Warn("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"status":"unavailable"}`))
		return
	}
	_, _ = w.Write([]byte(`{"status":"ok"}`))
}

func writeJSONError(w http.ResponseWriter, e *Error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.status)
	_ = json.NewEncoder(w).Encode(e)
}
