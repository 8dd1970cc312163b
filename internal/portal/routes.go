package portal

import (
	"io/fs"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
)

// routes maps the portal's pages; this is the one list of them.
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
	p.mux.HandleFunc("POST /users/import", p.signedInUpload(maxImportUpload, p.importUsers))
	p.mux.HandleFunc("GET /users/import/jobs/{id}", p.signedIn(p.importJob))
	p.mux.HandleFunc("GET /users/export", p.signedIn(p.exportUsers))
	p.mux.HandleFunc("GET /users/{id}", p.signedIn(p.editUser))
	p.mux.HandleFunc("POST /users/{id}", p.signedIn(p.saveUser))
	p.mux.HandleFunc("POST /users/{id}/password", p.signedIn(p.setUserPassword))
	p.mux.HandleFunc("POST /users/{id}/phones", p.signedIn(p.addPhone))
	p.mux.HandleFunc("POST /users/{id}/phones/{phone}/remove", p.signedIn(p.removePhone))
	p.mux.HandleFunc("POST /users/{id}/phones/{phone}/provision", p.signedIn(p.provisionPhone))
	p.mux.HandleFunc("POST /users/{id}/behaviour", p.signedIn(func(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
		p.saveBehaviour(w, r, c, r.PathValue("id"))
	}))
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
	p.mux.HandleFunc("GET /calls", p.signedIn(p.calls))
	p.mux.HandleFunc("GET /company", p.signedIn(p.company))
	p.mux.HandleFunc("POST /company", p.signedIn(p.saveCompany))
	p.mux.HandleFunc("POST /company/holidays", p.signedIn(p.addHoliday))
	p.mux.HandleFunc("POST /company/holidays/{id}/remove", p.signedIn(p.removeHoliday))
	p.mux.HandleFunc("POST /me/presence", p.signedIn(p.setPresence))
	p.mux.HandleFunc("POST /me/agent", p.signedIn(p.setAgentStatus))
	p.mux.HandleFunc("POST /me/settings", p.signedIn(p.saveMe))
	p.mux.HandleFunc("POST /me/behaviour", p.signedIn(func(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
		p.saveBehaviour(w, r, c, "")
	}))
	p.mux.HandleFunc("POST /me/greetings", p.signedInUpload(maxGreetingUpload, p.uploadGreeting))
	p.mux.HandleFunc("POST /me/greetings/enable", p.signedIn(p.enableGreeting))
	p.mux.HandleFunc("POST /me/voicemails/mark", p.signedIn(p.markVoicemail))
	p.mux.HandleFunc("POST /me/voicemails/remove", p.signedIn(p.removeVoicemail))
	p.mux.HandleFunc("POST /me/speed_dials", p.signedIn(p.addSpeedDial))
	p.mux.HandleFunc("POST /me/speed_dials/remove", p.signedIn(p.removeSpeedDial))
	p.mux.HandleFunc("POST /me/apikeys", p.signedIn(p.createAPIKey))
	p.mux.HandleFunc("POST /me/apikeys/remove", p.signedIn(p.removeAPIKey))
	p.mux.HandleFunc("POST /me/otp/start", p.signedIn(p.startOTP))
	p.mux.HandleFunc("POST /me/softphone", p.signedIn(p.softphone))
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
