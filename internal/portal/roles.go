package portal

import (
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

func (p *Portal) roles(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	_, list, err := p.d.ListRoles(r.Context(), c, query.Params{})
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	p.render(w, r, http.StatusOK, "roles", &page{Title: "Roles", Nav: "roles", Me: c, Data: list})
}
