package portal

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// The users list: sortable columns, a search, filters by role, department
// and online state, and for each user their department, presence and
// how many SIP devices are registered.

type usersData struct {
	Count             int
	Users             []userRow
	Search, OrderBy   string
	Role, Department  string
	Online            string
	Roles             []string
	Skip, Top         int
	Prev, Next        string
	Columns           []column
	From, To, LastTop int
	Filtered          bool
}

// userRow is one user of the list with their state.
type userRow struct {
	model.UserSummary
	Presence string
	Devices  int
}

type column struct {
	Field, Label, Link, Sort string // Sort: ascending, descending or none (aria-sort)
}

const usersPerPage = 50

// quoted is s as a string of the filter language.
func quoted(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// usersFilter is the filter of the role and department chosen.
func (d *usersData) filter() string {
	var parts []string
	if d.Role != "" {
		parts = append(parts, "role eq "+quoted(d.Role))
	}
	if d.Department != "" {
		parts = append(parts, "department eq "+quoted(d.Department))
	}
	return strings.Join(parts, " and ")
}

// link is the list's address with these filters, order and page.
func (d *usersData) link(orderby string, skip int) string {
	v := url.Values{}
	for k, x := range map[string]string{"search": d.Search, "role": d.Role, "department": d.Department, "online": d.Online} {
		if x != "" {
			v.Set(k, x)
		}
	}
	v.Set("orderby", orderby)
	if skip > 0 {
		v.Set("skip", strconv.Itoa(skip))
	}
	return "/users?" + v.Encode()
}

func (p *Portal) users(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	q := r.URL.Query()
	d := &usersData{Search: strings.TrimSpace(q.Get("search")), OrderBy: q.Get("orderby"), Top: usersPerPage,
		Role: q.Get("role"), Department: strings.TrimSpace(q.Get("department")), Online: q.Get("online")}
	d.Filtered = d.Role != "" || d.Department != "" || d.Online != ""
	d.Skip, _ = strconv.Atoi(q.Get("skip"))
	d.Skip = max(d.Skip, 0)
	if d.OrderBy == "" {
		d.OrderBy = "extension_number"
	}
	if _, roles, err := p.d.ListRoles(r.Context(), c, query.Params{}); err == nil {
		for _, role := range roles {
			d.Roles = append(d.Roles, role.Name)
		}
	}
	n, list, err := p.d.ListUsersBy(r.Context(), c, query.Params{Search: d.Search, Filter: d.filter(), OrderBy: d.OrderBy,
		Skip: strconv.Itoa(d.Skip), Top: strconv.Itoa(d.Top)}, directory.Online(d.Online))
	if err != nil {
		if errs, ok := fieldErrors(err); ok {
			p.render(w, r, formRejected, "users", &page{Title: "Users", Nav: "users", Me: c, Error: firstError(errs), Data: d})
			return
		}
		p.fail(w, r, c, err)
		return
	}
	ids := make([]string, len(list))
	for i := range list {
		ids[i] = list[i].ID
	}
	devices, err := p.d.RegisteredDevices(r.Context(), c, ids)
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	d.Count = n
	for i := range list {
		presence := list[i].Presence
		if presence == "" {
			presence = model.PresenceAvailable
		}
		d.Users = append(d.Users, userRow{UserSummary: list[i].Summary(), Presence: presence, Devices: devices[list[i].ID]})
	}
	d.columns()
	if d.Skip > 0 {
		d.Prev = d.link(d.OrderBy, max(d.Skip-d.Top, 0))
	}
	if d.Skip+d.Top < n {
		d.Next = d.link(d.OrderBy, d.Skip+d.Top)
	}
	d.From, d.To = min(d.Skip+1, n), min(d.Skip+len(list), n)
	p.render(w, r, http.StatusOK, "users", &page{Title: "Users", Nav: "users", Me: c, Data: d})
}

// columns are the sortable columns, each linking to its order.
func (d *usersData) columns() {
	for _, col := range []struct{ f, l string }{{"extension_number", "Extension"}, {"name", "Username"}, {"display_name", "Name"},
		{"email", "Email"}, {"department", "Department"}, {"role", "Role"}} {
		cl := column{Field: col.f, Label: col.l, Link: d.link(col.f, 0), Sort: "none"}
		switch d.OrderBy {
		case col.f, col.f + " asc":
			cl.Sort, cl.Link = "ascending", d.link(col.f+" desc", 0)
		case col.f + " desc":
			cl.Sort = "descending"
		}
		d.Columns = append(d.Columns, cl)
	}
}

// presenceLabel is a presence in words.
func presenceLabel(p string) string {
	switch p {
	case model.PresenceAvailable:
		return "Available"
	case model.PresenceAway:
		return "Away"
	case model.PresenceLunch:
		return "At lunch"
	case model.PresenceBusinessTrip:
		return "On a business trip"
	case model.PresenceDND:
		return "Do not disturb"
	}
	return choiceLabel("presence", p)
}
