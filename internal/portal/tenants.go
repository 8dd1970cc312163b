package portal

import (
	"net/http"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

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
