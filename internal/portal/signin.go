package portal

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"unicode"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

type loginData struct {
	Username, Domain, Next string
	// OTPToken is set on the second step.
	OTPToken string
	Enrol    *directory.OTPEnrollment
	QR       template.URL
	Recovery []string
}

// safeNext returns where to go after signing in: next when it is a path
// of this origin, else "/". Browsers drop tabs and newlines from a URL and
// read a backslash as a slash, so "/\t/evil.example" or "/\\evil.example"
// would leave the site: such characters are refused outright, as is a
// path that names a host ("//host") once percent-decoded, at any depth.
func safeNext(next string) string {
	if len(next) > 2048 || strings.ContainsRune(next, ' ') {
		return "/"
	}
	for s, i := next, 0; ; i++ {
		if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsFunc(s, unsafeInURL) {
			return "/"
		}
		d, err := url.PathUnescape(s)
		if err != nil || i == 3 {
			return "/"
		}
		if d == s {
			break
		}
		s = d
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "/"
	}
	if u.Fragment != "" {
		return u.RequestURI() + "#" + u.EscapedFragment()
	}
	return u.RequestURI()
}

// unsafeInURL: control, format and line-separator characters (which
// browsers strip or hide) and backslashes (which they read as slashes).
func unsafeInURL(r rune) bool {
	return r == '\\' || unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

func (p *Portal) loginPage(w http.ResponseWriter, r *http.Request) {
	if p.caller(w, r) != nil {
		redirect(w, r, safeNext(r.URL.Query().Get("next")))
		return
	}
	p.render(w, r, http.StatusOK, "login", &page{Title: "Sign in", Data: &loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (p *Portal) parsePublicForm(w http.ResponseWriter, r *http.Request) bool {
	return p.checkPost(w, r, 64<<10)
}

func (p *Portal) login(w http.ResponseWriter, r *http.Request) {
	if !p.parsePublicForm(w, r) {
		return
	}
	d := &loginData{Username: r.FormValue("username"), Domain: r.FormValue("domain"), Next: safeNext(r.FormValue("next"))}
	res, err := p.d.SignIn(r.Context(), d.Username, r.FormValue("password"), d.Domain, sourceIP(r))
	if err != nil {
		var le *directory.LockedError
		msg := "The username or password is not right."
		if errors.As(err, &le) {
			msg = sentence(le.Error())
		} else if errors.Is(err, directory.ErrEmailAmbiguous) {
			msg = sentence(directory.ErrEmailAmbiguous.Message)
		} else if !errors.Is(err, model.ErrUnauthenticated) {
			p.log.Error("sign-in", "error", err)
			msg = "Signing in failed; try again."
		}
		p.render(w, r, formRejected, "login", &page{Title: "Sign in", Error: msg, Data: d})
		return
	}
	if res.Tokens != nil {
		setSession(w, r, res.Tokens)
		redirect(w, r, d.Next)
		return
	}
	d.OTPToken = res.Token
	if res.EnrollmentRequired {
		en, err := p.d.EnrollDuringSignIn(r.Context(), res.Token)
		if err != nil {
			p.fail(w, r, nil, err)
			return
		}
		d.Enrol, d.QR = en, qrData(en.QRPNG)
	}
	p.render(w, r, http.StatusOK, "login", &page{Title: "Two-factor sign-in", Data: d})
}

func (p *Portal) loginOTP(w http.ResponseWriter, r *http.Request) {
	if !p.parsePublicForm(w, r) {
		return
	}
	d := &loginData{OTPToken: r.FormValue("otp_token"), Next: safeNext(r.FormValue("next"))}
	v, err := p.d.VerifyOTP(r.Context(), d.OTPToken, strings.TrimSpace(r.FormValue("code")), sourceIP(r))
	if err != nil {
		msg := "That code is not right; try the current one."
		var le *directory.LockedError
		if errors.As(err, &le) {
			msg = sentence(le.Error())
		} else if errors.Is(err, model.ErrUnauthenticated) && !strings.Contains(err.Error(), "code") {
			d.OTPToken, msg = "", "The sign-in has expired; start again."
		}
		p.render(w, r, formRejected, "login", &page{Title: "Two-factor sign-in", Error: msg, Data: d})
		return
	}
	setSession(w, r, v.Tokens)
	if len(v.RecoveryCodes) > 0 {
		d.Recovery = v.RecoveryCodes
		p.render(w, r, http.StatusOK, "recovery", &page{Title: "Recovery codes", Data: d})
		return
	}
	redirect(w, r, d.Next)
}

func (p *Portal) logout(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	_ = p.d.EndSession(r.Context(), c)
	clearSession(w)
	redirect(w, r, "/login")
}
