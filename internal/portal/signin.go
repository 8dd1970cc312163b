package portal

import (
	"errors"
	"html/template"
	"net/http"
	"strings"

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

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}

func (p *Portal) loginPage(w http.ResponseWriter, r *http.Request) {
	if p.caller(w, r) != nil {
		redirect(w, r, safeNext(r.URL.Query().Get("next")))
		return
	}
	p.render(w, r, http.StatusOK, "login", &page{Title: "Sign in", Data: &loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (p *Portal) parsePublicForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil || !checkCSRF(r) {
		http.Error(w, "The form has expired; go back, reload the page and try again.", http.StatusForbidden)
		return false
	}
	return true
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
