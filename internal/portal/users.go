package portal

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

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
	for _, f := range []string{"first_name", "last_name", "extension_number", "name", "email"} {
		d.Values[f] = strings.TrimSpace(r.FormValue(f))
	}
	in := directory.UserInput{Name: d.Values["name"], ExtensionNumber: d.Values["extension_number"], Password: r.FormValue("password")}
	in.FirstName, in.LastName, in.Email = d.Values["first_name"], d.Values["last_name"], d.Values["email"]
	generated := in.Password == ""
	if generated {
		in.Password = model.RandomPassword()
	}
	given := []string{"password"}
	for _, f := range []string{"first_name", "last_name", "extension_number", "name", "email"} {
		if d.Values[f] != "" { // an empty input is left out: the directory says it is required
			given = append(given, f)
		}
	}
	password := in.Password
	u, err := p.d.CreateUser(r.Context(), c, directory.NewPatch(in, given...))
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
	Matrix []matrixRow
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
	Behaviour     *behaviourView
	Phones        []model.Phone
	PhoneChoices  []choice
	Issued        *directory.PhoneProvisioning
}

func (p *Portal) editUser(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	p.showUser(w, r, c, http.StatusOK, nil, "", nil)
}

// showUser renders the editor, with the posted values of a failed section.
func (p *Portal) showUser(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, errs map[string]string, open string, posted map[string]any) {
	p.showUserWith(w, r, c, status, errs, open, posted, nil)
}

// showUserWith is showUser with a phone's provisioning credential, shown
// once after it is issued.
func (p *Portal) showUserWith(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, errs map[string]string, open string,
	posted map[string]any, issued *directory.PhoneProvisioning) {
	ctx := r.Context()
	u, err := p.d.GetUser(ctx, c, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	raw, _ := json.Marshal(u)
	var values map[string]any
	_ = json.Unmarshal(raw, &values)
	for k, v := range posted { // show what was typed, not the stored values
		values[k] = v
	}
	d := &editData{User: u, Errors: errs, Open: open, Behaviour: behaviourOf(u, "/users/"+u.ID+"/behaviour"), Issued: issued,
		PhoneChoices: phoneChoices()}
	if d.Phones, err = p.d.Phones().List(ctx, c, u.ID); err != nil {
		p.fail(w, r, c, err)
		return
	}
	for _, s := range userSections {
		d.Sections = append(d.Sections, viewOf(s, values, errs))
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
	patch, errs, err := patchFrom(r.PostForm)
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	open := r.FormValue("_section")
	if len(errs) > 0 {
		p.showUser(w, r, c, formRejected, errs, open, patch.Fields())
		return
	}
	if err := p.d.UpdateUser(r.Context(), c, r.PathValue("id"), patch); err != nil {
		if errs, ok := fieldErrors(err); ok {
			p.showUser(w, r, c, formRejected, errs, open, patch.Fields())
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
