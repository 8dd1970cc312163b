package portal

import (
	"net/http"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// A user's desk phones on the edit page: add one by MAC address and model,
// remove it, and issue its provisioning credential (shown once: the
// address for DHCP option 66 or the phone's setup page, the user name and
// password, and the secret URL for redirection services).

// phoneChoices are the catalogue's phones as "Vendor/Model".
func phoneChoices() []choice {
	var out []choice
	for _, v := range model.PhoneVendors() {
		for _, m := range model.PhoneModels[v] {
			out = append(out, choice{Value: v + "/" + m, Label: v + " " + m})
		}
	}
	return out
}

func (p *Portal) addPhone(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	id := r.PathValue("id")
	vendor, mdl, _ := strings.Cut(r.FormValue("phone"), "/")
	in := model.Phone{MAC: strings.TrimSpace(r.FormValue("mac")), Vendor: vendor, Model: mdl}
	if _, err := p.d.Phones().Create(r.Context(), c, id, directory.NewPatch(in, "mac", "vendor", "model")); err != nil {
		if errs, ok := fieldErrors(err); ok {
			flash(w, "The phone was not added: "+firstError(errs))
			redirect(w, r, "/users/"+id+"#phones")
			return
		}
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Phone added. Provision it to get its address and password.")
	redirect(w, r, "/users/"+id+"#phones")
}

func (p *Portal) removePhone(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	id := r.PathValue("id")
	if err := p.d.Phones().Delete(r.Context(), c, id, r.PathValue("phone")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Phone removed.")
	redirect(w, r, "/users/"+id+"#phones")
}

// provisionPhone issues the phone's credential and shows the edit page
// with it, once (it is not stored in a form the browser could resend).
func (p *Portal) provisionPhone(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	issued, err := p.d.IssuePhoneProvisioning(r.Context(), c, r.PathValue("id"), r.PathValue("phone"))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	p.showUserWith(w, r, c, http.StatusOK, nil, "phones", nil, issued)
}
