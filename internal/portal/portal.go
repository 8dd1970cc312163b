// Package portal is the web admin portal served at /: server-rendered
// pages over the same directory code as the API, with sessions in the
// database (the API's own tokens, in HttpOnly cookies), CSRF tokens on
// every form and no script needed.
package portal

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/forwarded"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

//go:embed templates/*.html static/*
var files embed.FS

// Cookie names.
const (
	cookieAccess  = "sb_access"
	cookieRefresh = "sb_refresh"
	cookieCSRF    = "sb_csrf"
	cookieFlash   = "sb_flash"
)

// maxForm bounds an ordinary form; uploads have their own bounds.
const maxForm = 1 << 20

// Portal is the web portal's handler.
type Portal struct {
	d     *directory.Service
	log   *slog.Logger
	pages map[string]*template.Template
	mux   *http.ServeMux
}

// New builds the portal over d.
func New(d *directory.Service, log *slog.Logger) (*Portal, error) {
	p := &Portal{d: d, log: log.With("component", "portal"), pages: map[string]*template.Template{}, mux: http.NewServeMux()}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"join":      strings.Join,
		"inc":       func(i int) int { return i + 1 },
		"presence":  presenceLabel,
		"callLabel": callLabel,
		"withCSRF":  withCSRF,
		"duration":  duration,
		"fmtTime": func(t any) string {
			switch v := t.(type) {
			case time.Time:
				return v.UTC().Format("2006-01-02 15:04")
			case *time.Time:
				if v == nil {
					return "never"
				}
				return v.UTC().Format("2006-01-02 15:04")
			}
			return ""
		},
		"add": func(a, b int) int { return a + b },
		"sub": func(a, b int) int { return a - b },
	}
	for _, n := range names {
		if strings.HasSuffix(n, "/layout.html") || strings.HasSuffix(n, "/fields.html") {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/fields.html", n)
		if err != nil {
			return nil, err
		}
		p.pages[strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")] = t
	}
	p.routes()
	return p, nil
}

// ServeHTTP adds the security headers and dispatches.
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; media-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		h.Set("Cache-Control", "no-store")
	}
	p.mux.ServeHTTP(w, r)
}

// page is what every template gets.
type page struct {
	Title   string
	Nav     string
	Me      *directory.Caller
	Admin   bool // may manage users
	System  bool // may manage tenants
	CSRF    string
	Flash   string
	Error   string
	Data    any
	Path    string
	Success string
	// Refresh, when set, reloads the page after that many seconds (a
	// running import's progress).
	Refresh int
}

func (p *Portal) render(w http.ResponseWriter, r *http.Request, status int, name string, pg *page) {
	t := p.pages[name]
	if t == nil {
		http.Error(w, "no such page", http.StatusInternalServerError)
		return
	}
	pg.CSRF = p.csrf(w, r)
	pg.Path = r.URL.Path
	if pg.Me != nil {
		pg.Admin = pg.Me.Allowed(directory.PermUsers)
		pg.System = pg.Me.Allowed(directory.PermTenants)
	}
	if c, err := r.Cookie(cookieFlash); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			pg.Flash = v
		}
		http.SetCookie(w, &http.Cookie{Name: cookieFlash, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := t.ExecuteTemplate(w, "layout.html", pg); err != nil {
		p.log.Error("render", "page", name, "error", err)
	}
}

// flash shows msg on the next page.
func flash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: cookieFlash, Value: url.QueryEscape(msg), Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode, MaxAge: 60})
}

func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// csrf returns the browser's CSRF token, setting it on first use. Forms
// carry it back in _csrf; the cookie is HttpOnly and SameSite=Strict, so
// another site can neither read nor send it.
func (p *Portal) csrf(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(cookieCSRF); err == nil && len(c.Value) == 64 {
		return c.Value
	}
	var b [32]byte
	_, _ = rand.Read(b[:])
	v := hex.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: cookieCSRF, Value: v, Path: "/", HttpOnly: true, Secure: forwarded.Secure(r), SameSite: http.SameSiteStrictMode})
	r.AddCookie(&http.Cookie{Name: cookieCSRF, Value: v}) // the same token for the rest of this request
	return v
}

// checkCSRF verifies a POST's token (after its form is parsed).
func checkCSRF(r *http.Request) bool {
	c, err := r.Cookie(cookieCSRF)
	if err != nil || len(c.Value) != 64 {
		return false
	}
	got := r.PostFormValue("_csrf") // from the body only, never the URL
	return subtle.ConstantTimeCompare([]byte(got), []byte(c.Value)) == 1
}

// crossOrigin refuses a browser's POST that another origin started: its
// Sec-Fetch-Site, or else its Origin, must name this origin. SameSite
// cookies alone do not stop a page on another port of the same host (the
// same site), so every POST needs this and a token.
var crossOrigin = http.NewCrossOriginProtection()

// checkPost parses a POST's body, whatever its content type (multipart
// bodies of up to limit bytes, with their files beyond 1 MiB on disk;
// anything else up to maxForm), and checks its origin and CSRF token
// before any handler sees it. False when it has answered.
func (p *Portal) checkPost(w http.ResponseWriter, r *http.Request, limit int64) bool {
	if err := crossOrigin.Check(r); err != nil {
		http.Error(w, "This form was sent from another site; open the portal and use its own form.", http.StatusForbidden)
		return false
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			http.Error(w, "The file is too large or the form is malformed.", http.StatusRequestEntityTooLarge)
			return false
		}
	} else {
		r.Body = http.MaxBytesReader(w, r.Body, min(limit, maxForm))
		if err := r.ParseForm(); err != nil {
			http.Error(w, "The form is too large or malformed.", http.StatusBadRequest)
			return false
		}
	}
	if !checkCSRF(r) {
		http.Error(w, "The form has expired; go back, reload the page and try again.", http.StatusForbidden)
		return false
	}
	return true
}

func setSession(w http.ResponseWriter, r *http.Request, t *directory.Tokens) {
	secure := forwarded.Secure(r)
	http.SetCookie(w, &http.Cookie{Name: cookieAccess, Value: t.AccessToken, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: cookieRefresh, Value: t.RefreshToken, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode,
		MaxAge: int((30 * 24 * time.Hour).Seconds())})
}

func clearSession(w http.ResponseWriter) {
	for _, n := range []string{cookieAccess, cookieRefresh} {
		http.SetCookie(w, &http.Cookie{Name: n, Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
}

// caller resolves the signed-in user, refreshing an expired access token
// once; nil when nobody is signed in.
func (p *Portal) caller(w http.ResponseWriter, r *http.Request) *directory.Caller {
	ctx := r.Context()
	if c, err := r.Cookie(cookieAccess); err == nil {
		if caller, err := p.d.Authenticate(ctx, c.Value); err == nil {
			caller.Source = sourceIP(r)
			return caller
		}
	}
	rc, err := r.Cookie(cookieRefresh)
	if err != nil {
		return nil
	}
	t, err := p.d.Refresh(ctx, rc.Value)
	if err != nil {
		clearSession(w)
		return nil
	}
	setSession(w, r, t)
	caller, err := p.d.Authenticate(ctx, t.AccessToken)
	if err != nil {
		return nil
	}
	caller.Source = sourceIP(r)
	return caller
}

func sourceIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i > 0 {
		host = strings.Trim(host[:i], "[]")
	}
	return host
}

// handler is a page for a signed-in user.
type handler func(w http.ResponseWriter, r *http.Request, c *directory.Caller)

// signedIn wraps h: to the sign-in page without a session; for POST, the
// form is parsed (at most maxForm bytes) and checked first (checkPost).
func (p *Portal) signedIn(h handler) http.HandlerFunc {
	return p.signedInUpload(maxForm, h)
}

// signedInUpload is signedIn for a form that uploads a file of up to limit
// bytes.
func (p *Portal) signedInUpload(limit int64, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := p.caller(w, r)
		if c == nil {
			if r.Method == http.MethodGet {
				redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()))
				return
			}
			http.Error(w, "Your session has ended; sign in again.", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost && !p.checkPost(w, r, limit) {
			return
		}
		h(w, r, c)
	}
}

// fail shows an error that is not about one field.
func (p *Portal) fail(w http.ResponseWriter, r *http.Request, c *directory.Caller, err error) {
	status, msg := http.StatusInternalServerError, "Something went wrong; it has been logged."
	var fb *model.ForbiddenError
	var fe *model.FieldError
	var ce *model.ConflictError
	switch {
	case errors.As(err, &fb):
		status, msg = http.StatusForbidden, sentence(fb.Message)
	case errors.Is(err, model.ErrForbidden):
		status, msg = http.StatusForbidden, "You are not allowed to do this."
	case errors.Is(err, model.ErrNotFound):
		status, msg = http.StatusNotFound, "Not found."
	case errors.As(err, &fe):
		status, msg = http.StatusBadRequest, sentence(fe.Error())
	case errors.As(err, &ce):
		status, msg = http.StatusConflict, sentence(ce.Message)
	case errors.Is(err, context.Canceled):
		return
	default:
		p.log.Error("portal request failed", "path", r.URL.Path, "error", err)
	}
	p.render(w, r, status, "error", &page{Title: "Error", Me: c, Error: msg})
}

// fieldErrors turns a validation error into inline errors by field path;
// false when err is another kind of error.
func fieldErrors(err error) (map[string]string, bool) {
	var fe *model.FieldError
	var ce *model.ConflictError
	switch {
	case errors.As(err, &fe):
		return map[string]string{dotted(fe.Field): sentence(fe.Message)}, true
	case errors.As(err, &ce):
		return map[string]string{dotted(ce.Field): sentence(ce.Message)}, true
	}
	return nil, false
}

// dotted writes an API field path as the portal's inputs name it:
// custom_forward_rules[0].number is custom_forward_rules.0.number.
func dotted(path string) string {
	return strings.NewReplacer("[", ".", "]", "").Replace(path)
}

func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// formRejected is the status of a form shown again with its errors: a
// page like any other for the browser (a 4xx would be logged as a failed
// load); the errors are in the page, marked on their fields.
const formRejected = http.StatusOK
