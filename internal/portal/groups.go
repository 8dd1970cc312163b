package portal

import (
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

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
	g := model.Group{Name: r.FormValue("name"), Description: r.FormValue("description")}
	if _, err := p.d.CreateGroup(r.Context(), c, directory.NewPatch(g, "name", "description")); err != nil {
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
