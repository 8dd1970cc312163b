package portal

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

func (p *Portal) routes() {
	static, _ := fs.Sub(files, "static")
	p.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	p.mux.HandleFunc("GET /{$}", p.home)
	p.mux.HandleFunc("GET /login", p.loginPage)
	p.mux.HandleFunc("POST /login", p.login)
	p.mux.HandleFunc("POST /login/otp", p.loginOTP)
	p.mux.HandleFunc("POST /logout", p.signedIn(p.logout))
	p.mux.HandleFunc("GET /users", p.signedIn(p.users))
	p.mux.HandleFunc("GET /users/new", p.signedIn(p.newUserPage))
	p.mux.HandleFunc("POST /users/new", p.signedIn(p.createUser))
	p.mux.HandleFunc("GET /users/import", p.signedIn(p.importPage))
	p.mux.HandleFunc("POST /users/import", p.signedIn(p.importUsers))
	p.mux.HandleFunc("GET /users/export", p.signedIn(p.exportUsers))
	p.mux.HandleFunc("GET /users/{id}", p.signedIn(p.editUser))
	p.mux.HandleFunc("POST /users/{id}", p.signedIn(p.saveUser))
	p.mux.HandleFunc("POST /users/{id}/password", p.signedIn(p.setUserPassword))
	p.mux.HandleFunc("POST /users/{id}/registrations/remove", p.signedIn(p.removeRegistration))
	p.mux.HandleFunc("POST /users/{id}/apikeys/remove", p.signedIn(p.removeUserAPIKey))
	p.mux.HandleFunc("GET /users/{id}/remove", p.signedIn(p.removeUserPage))
	p.mux.HandleFunc("POST /users/{id}/remove", p.signedIn(p.removeUser))
	p.mux.HandleFunc("GET /roles", p.signedIn(p.roles))
	p.mux.HandleFunc("GET /groups", p.signedIn(p.groups))
	p.mux.HandleFunc("POST /groups", p.signedIn(p.createGroup))
	p.mux.HandleFunc("POST /groups/{id}/remove", p.signedIn(p.removeGroup))
	p.mux.HandleFunc("GET /tenants", p.signedIn(p.tenants))
	p.mux.HandleFunc("POST /tenants", p.signedIn(p.createTenant))
	p.mux.HandleFunc("GET /me", p.signedIn(p.mePage))
	p.mux.HandleFunc("POST /me/presence", p.signedIn(p.setPresence))
	p.mux.HandleFunc("POST /me/agent", p.signedIn(p.setAgentStatus))
	p.mux.HandleFunc("POST /me/settings", p.signedIn(p.saveMe))
	p.mux.HandleFunc("POST /me/greetings", p.signedIn(p.uploadGreeting))
	p.mux.HandleFunc("POST /me/greetings/enable", p.signedIn(p.enableGreeting))
	p.mux.HandleFunc("POST /me/speed_dials", p.signedIn(p.addSpeedDial))
	p.mux.HandleFunc("POST /me/speed_dials/remove", p.signedIn(p.removeSpeedDial))
	p.mux.HandleFunc("POST /me/apikeys", p.signedIn(p.createAPIKey))
	p.mux.HandleFunc("POST /me/apikeys/remove", p.signedIn(p.removeAPIKey))
	p.mux.HandleFunc("POST /me/otp/start", p.signedIn(p.startOTP))
	p.mux.HandleFunc("POST /me/otp/confirm", p.signedIn(p.confirmOTP))
	p.mux.HandleFunc("GET /files/{id}", p.signedIn(p.file))
	p.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p.render(w, r, http.StatusNotFound, "error", &page{Title: "Not found", Me: p.caller(w, r), Error: "There is no such page."})
	})
}

func (p *Portal) home(w http.ResponseWriter, r *http.Request) {
	c := p.caller(w, r)
	switch {
	case c == nil:
		redirect(w, r, "/login")
	case c.Allowed(directory.PermUsers):
		redirect(w, r, "/users")
	default:
		redirect(w, r, "/me")
	}
}

// ---- sign-in ----

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

// ---- users ----

type usersData struct {
	Count             int
	Users             []model.UserSummary
	Search, OrderBy   string
	Skip, Top         int
	Prev, Next        string
	Columns           []column
	From, To, LastTop int
}

type column struct {
	Field, Label, Link, Sort string // Sort: ascending, descending or none (aria-sort)
}

const usersPerPage = 50

func (p *Portal) users(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	q := r.URL.Query()
	d := &usersData{Search: strings.TrimSpace(q.Get("search")), OrderBy: q.Get("orderby"), Top: usersPerPage}
	d.Skip, _ = strconv.Atoi(q.Get("skip"))
	d.Skip = max(d.Skip, 0)
	if d.OrderBy == "" {
		d.OrderBy = "extension_number"
	}
	n, list, err := p.d.ListUsers(r.Context(), c, query.Params{Search: d.Search, OrderBy: d.OrderBy, Skip: strconv.Itoa(d.Skip), Top: strconv.Itoa(d.Top)})
	if err != nil {
		if errs, ok := fieldErrors(err); ok {
			p.render(w, r, formRejected, "users", &page{Title: "Users", Nav: "users", Me: c, Error: firstError(errs), Data: d})
			return
		}
		p.fail(w, r, c, err)
		return
	}
	d.Count = n
	for i := range list {
		d.Users = append(d.Users, list[i].Summary())
	}
	link := func(orderby string, skip int) string {
		v := url.Values{}
		if d.Search != "" {
			v.Set("search", d.Search)
		}
		v.Set("orderby", orderby)
		if skip > 0 {
			v.Set("skip", strconv.Itoa(skip))
		}
		return "/users?" + v.Encode()
	}
	for _, col := range []struct{ f, l string }{{"extension_number", "Extension"}, {"name", "Username"}, {"display_name", "Name"},
		{"email", "Email"}, {"role", "Role"}} {
		cl := column{Field: col.f, Label: col.l, Link: link(col.f, 0), Sort: "none"}
		switch d.OrderBy {
		case col.f, col.f + " asc":
			cl.Sort, cl.Link = "ascending", link(col.f+" desc", 0)
		case col.f + " desc":
			cl.Sort = "descending"
		}
		d.Columns = append(d.Columns, cl)
	}
	if d.Skip > 0 {
		d.Prev = link(d.OrderBy, max(d.Skip-d.Top, 0))
	}
	if d.Skip+d.Top < n {
		d.Next = link(d.OrderBy, d.Skip+d.Top)
	}
	d.From, d.To = min(d.Skip+1, n), min(d.Skip+len(list), n)
	p.render(w, r, http.StatusOK, "users", &page{Title: "Users", Nav: "users", Me: c, Data: d})
}

func firstError(errs map[string]string) string {
	for f, e := range errs {
		return f + ": " + e
	}
	return ""
}

type newUserData struct {
	Values   map[string]string
	Errors   map[string]string
	Password string // the generated password, shown once
	ID       string
}

func (p *Portal) newUserPage(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if !c.Allowed(directory.PermUsers) {
		p.fail(w, r, c, model.ErrForbidden)
		return
	}
	p.render(w, r, http.StatusOK, "newuser", &page{Title: "Add user", Nav: "users", Me: c, Data: &newUserData{Values: map[string]string{}, Errors: map[string]string{}}})
}

func (p *Portal) createUser(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	d := &newUserData{Values: map[string]string{}, Errors: map[string]string{}}
	body := map[string]any{}
	for _, f := range []string{"first_name", "last_name", "extension_number", "name", "email"} {
		v := strings.TrimSpace(r.FormValue(f))
		d.Values[f] = v
		if v != "" {
			body[f] = v
		}
	}
	password := r.FormValue("password")
	generated := password == ""
	if generated {
		password = model.RandomPassword()
	}
	body["password"] = password
	raw, _ := json.Marshal(body)
	u, err := p.d.CreateUser(r.Context(), c, raw)
	if err != nil {
		if errs, ok := fieldErrors(err); ok {
			d.Errors = errs
			p.render(w, r, formRejected, "newuser", &page{Title: "Add user", Nav: "users", Me: c, Error: "The user was not added: see the marked fields.", Data: d})
			return
		}
		p.fail(w, r, c, err)
		return
	}
	if generated {
		d.Password, d.ID = password, u.ID
		p.render(w, r, http.StatusOK, "newuser", &page{Title: "User added", Nav: "users", Me: c, Success: "User " + u.Name + " added.", Data: d})
		return
	}
	flash(w, "User "+u.Name+" added.")
	redirect(w, r, "/users/"+u.ID)
}

type sectionView struct {
	section
	Fields []field
	Names  string
}

type editData struct {
	User          *model.User
	Sections      []sectionView
	Registrations []directory.Registration
	APIKeys       []model.APIKey
	Errors        map[string]string
	Open          string
}

func (p *Portal) editUser(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	p.showUser(w, r, c, http.StatusOK, nil, "", nil)
}

// showUser renders the editor, with the posted values of a failed section.
func (p *Portal) showUser(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, errs map[string]string, open string, posted map[string]any) {
	ctx := r.Context()
	u, err := p.d.GetUser(ctx, c, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	raw, _ := json.Marshal(u)
	var values map[string]any
	_ = json.Unmarshal(raw, &values)
	if posted != nil { // show what was typed, not the stored values
		re, _ := json.Marshal(posted)
		_ = json.Unmarshal(re, &posted)
		for k, v := range posted {
			values[k] = v
		}
	}
	d := &editData{User: u, Errors: errs, Open: open}
	for _, s := range userSections {
		d.Sections = append(d.Sections, sectionView{section: s, Fields: fieldsFor(s.Fields, values, errs), Names: strings.Join(s.Fields, ",")})
	}
	if st, err := p.d.UserStatus(ctx, c, u.ID); err == nil {
		d.Registrations = st.Registration
	}
	if keys, err := p.d.ListUserAPIKeys(ctx, c, u.ID); err == nil {
		d.APIKeys = keys
	}
	pg := &page{Title: "Edit " + u.Name, Nav: "users", Me: c, Data: d}
	if errs != nil {
		pg.Error = "Nothing was saved: see the marked fields."
	}
	p.render(w, r, status, "edituser", pg)
}

func (p *Portal) saveUser(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	body, errs := bodyFrom(r.PostForm)
	open := r.FormValue("_section")
	if len(errs) > 0 {
		p.showUser(w, r, c, formRejected, errs, open, body)
		return
	}
	raw, _ := json.Marshal(body)
	if err := p.d.UpdateUser(r.Context(), c, r.PathValue("id"), raw); err != nil {
		if errs, ok := fieldErrors(err); ok {
			p.showUser(w, r, c, formRejected, errs, open, body)
			return
		}
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Saved.")
	redirect(w, r, "/users/"+r.PathValue("id")+"#"+open)
}

func (p *Portal) setUserPassword(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.SetPassword(r.Context(), c, r.PathValue("id"), r.FormValue("password")); err != nil {
		if errs, ok := fieldErrors(err); ok {
			flash(w, "The password was not changed: "+firstErrorText(errs))
			redirect(w, r, "/users/"+r.PathValue("id")+"#security")
			return
		}
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Password changed; the user's sessions have ended.")
	redirect(w, r, "/users/"+r.PathValue("id")+"#security")
}

func firstErrorText(errs map[string]string) string {
	for _, e := range errs {
		return e
	}
	return ""
}

func (p *Portal) removeRegistration(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.DeleteRegistration(r.Context(), c, r.PathValue("id"), r.FormValue("instance_id")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "The device's registration was removed.")
	redirect(w, r, "/users/"+r.PathValue("id")+"#security")
}

func (p *Portal) removeUserAPIKey(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.DeleteUserAPIKey(r.Context(), c, r.PathValue("id"), r.FormValue("token")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "API key revoked.")
	redirect(w, r, "/users/"+r.PathValue("id")+"#apikeys")
}

type removeData struct {
	User  *model.User
	Deps  *directory.Dependents
	Error string
}

func (p *Portal) removeUserPage(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	p.showRemove(w, r, c, http.StatusOK, "")
}

func (p *Portal) showRemove(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, msg string) {
	u, err := p.d.GetUser(r.Context(), c, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	deps, err := p.d.UserDependents(r.Context(), c, u.ID)
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	p.render(w, r, status, "removeuser", &page{Title: "Remove " + u.Name, Nav: "users", Me: c, Error: msg, Data: &removeData{User: u, Deps: deps}})
}

func (p *Portal) removeUser(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	mailbox := r.FormValue("mailbox")
	if mailbox != directory.MailboxKeep && mailbox != directory.MailboxDelete {
		p.showRemove(w, r, c, formRejected, "Choose what becomes of the mailbox.")
		return
	}
	u, err := p.d.GetUser(r.Context(), c, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	if err := p.d.DeleteUserWith(r.Context(), c, u.ID, mailbox); err != nil {
		p.fail(w, r, c, err)
		return
	}
	msg := "User " + u.Name + " removed with the mailbox."
	if mailbox == directory.MailboxKeep {
		msg = "User " + u.Name + " removed; the mailbox is kept, detached."
	}
	flash(w, msg)
	redirect(w, r, "/users")
}

// ---- import and export ----

func (p *Portal) importPage(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if !c.Allowed(directory.PermUsers) {
		p.fail(w, r, c, model.ErrForbidden)
		return
	}
	p.render(w, r, http.StatusOK, "import", &page{Title: "Import users", Nav: "users", Me: c})
}

func (p *Portal) exportUsers(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	var buf bytes.Buffer
	if err := p.d.ExportUsers(r.Context(), c, &buf); err != nil {
		p.fail(w, r, c, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="users.csv"`)
	_, _ = w.Write(buf.Bytes())
}

// parseUpload reads a multipart form of at most limit bytes and checks
// its CSRF token.
func (p *Portal) parseUpload(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		http.Error(w, "The file is too large or the form is malformed.", http.StatusRequestEntityTooLarge)
		return false
	}
	if !checkCSRF(r) {
		http.Error(w, "The form has expired; go back, reload the page and try again.", http.StatusForbidden)
		return false
	}
	return true
}

func (p *Portal) importUsers(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if !p.parseUpload(w, r, 64<<20) {
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		p.render(w, r, formRejected, "import", &page{Title: "Import users", Nav: "users", Me: c, Error: "Choose a CSV file."})
		return
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		p.fail(w, r, c, err)
		return
	}
	dry := r.FormValue("action") != "import"
	p.streamImport(w, r, c, buf.Bytes(), dry)
}

// streamImport answers with the page at once, then a progress bar that
// grows as rows are checked and written (each step a new <progress>; CSS
// shows the last), then the report: no script needed.
func (p *Portal) streamImport(w http.ResponseWriter, r *http.Request, c *directory.Caller, data []byte, dry bool) {
	t := p.pages["importrun"]
	pg := &page{Title: "Import users", Nav: "users", Me: c, CSRF: p.csrf(w, r), Path: r.URL.Path, Admin: true}
	pg.System = c.Allowed(directory.PermTenants)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	flusher, _ := w.(http.Flusher)
	if err := t.ExecuteTemplate(w, "importhead", pg); err != nil {
		p.log.Error("render", "error", err)
		return
	}
	if flusher != nil {
		flusher.Flush()
	}
	step := func(phase string, done, total int) {
		verb := "checked"
		if phase == "write" {
			verb = "written"
		}
		fmt.Fprintf(w, `<div class="step"><label>%d of %d rows %s <progress value="%d" max="%d">%d%%</progress></label></div>`+"\n",
			done, total, verb, done, total, done*100/max(total, 1))
		if flusher != nil {
			flusher.Flush()
		}
	}
	rep, err := p.d.ImportUsers(r.Context(), c, data, directory.ImportOptions{DryRun: dry, Progress: step})
	var ie *directory.ImportError
	res := &importResult{DryRun: dry}
	switch {
	case errors.As(err, &ie):
		res.Report = ie.Report
	case err != nil:
		if errs, ok := fieldErrors(err); ok {
			res.Problem = firstErrorText(errs)
		} else {
			p.log.Error("portal import", "error", err)
			res.Problem = "The import failed; it has been logged."
		}
	default:
		res.Report = rep
	}
	pg.Data = res
	if err := t.ExecuteTemplate(w, "importtail", pg); err != nil {
		p.log.Error("render", "error", err)
	}
}

type importResult struct {
	DryRun  bool
	Report  *directory.ImportReport
	Problem string
}

// ---- roles, groups, tenants ----

func (p *Portal) roles(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	_, list, err := p.d.ListRoles(r.Context(), c, query.Params{})
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	p.render(w, r, http.StatusOK, "roles", &page{Title: "Roles", Nav: "roles", Me: c, Data: list})
}

type groupsData struct {
	Groups []model.Group
	Name   string
	Errors map[string]string
}

func (p *Portal) groups(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	p.showGroups(w, r, c, http.StatusOK, &groupsData{})
}

func (p *Portal) showGroups(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, d *groupsData) {
	_, list, err := p.d.ListGroups(r.Context(), c, query.Params{OrderBy: "name"})
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	d.Groups = list
	p.render(w, r, status, "groups", &page{Title: "Groups", Nav: "groups", Me: c, Data: d})
}

func (p *Portal) createGroup(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	raw, _ := json.Marshal(map[string]string{"name": r.FormValue("name"), "description": r.FormValue("description")})
	if _, err := p.d.CreateGroup(r.Context(), c, raw); err != nil {
		if errs, ok := fieldErrors(err); ok {
			p.showGroups(w, r, c, formRejected, &groupsData{Name: r.FormValue("name"), Errors: errs})
			return
		}
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Group added.")
	redirect(w, r, "/groups")
}

func (p *Portal) removeGroup(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.DeleteGroup(r.Context(), c, r.PathValue("id")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Group removed.")
	redirect(w, r, "/groups")
}

type tenantsData struct {
	Tenants []model.Tenant
	Values  map[string]string
	Errors  map[string]string
}

func (p *Portal) tenants(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	p.showTenants(w, r, c, http.StatusOK, &tenantsData{Values: map[string]string{}})
}

func (p *Portal) showTenants(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, d *tenantsData) {
	_, list, err := p.d.ListTenants(r.Context(), c, query.Params{OrderBy: "domain"})
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	d.Tenants = list
	p.render(w, r, status, "tenants", &page{Title: "Tenants", Nav: "tenants", Me: c, Data: d})
}

func (p *Portal) createTenant(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	v := map[string]string{}
	for _, f := range []string{"name", "domain", "admin.name", "admin.email", "admin.extension_number"} {
		v[f] = strings.TrimSpace(r.FormValue(f))
	}
	in := directory.TenantCreate{Name: v["name"], Domain: v["domain"], Admin: directory.TenantAdmin{Name: v["admin.name"],
		Email: v["admin.email"], ExtensionNumber: v["admin.extension_number"], Password: r.FormValue("admin.password")}}
	if _, _, err := p.d.CreateTenant(r.Context(), c, in); err != nil {
		if errs, ok := fieldErrors(err); ok {
			p.showTenants(w, r, c, formRejected, &tenantsData{Values: v, Errors: errs})
			return
		}
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Tenant "+in.Domain+" added.")
	redirect(w, r, "/tenants")
}
