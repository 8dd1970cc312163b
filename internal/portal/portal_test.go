package portal

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
	"github.com/switchboard-pbx/switchboard/internal/store/storetest"
)

// TestPatchFrom builds the patch of a user editor's section from its form
// inputs, each of the setting's own type.
func TestPatchFrom(t *testing.T) {
	tests := []struct {
		name  string
		form  url.Values
		errs  map[string]string
		check func(p *directory.UserPatch) bool
	}{
		{name: "only the section's fields", form: url.Values{"_fields": {"enable_dnd,department"}, "enable_dnd": {"1"}, "department": {"Sales"}, "first_name": {"x"}},
			check: func(p *directory.UserPatch) bool {
				return p.Value.EnableDND && p.Value.Department == "Sales" && !p.Has("first_name") && len(p.Given()) == 2
			}},
		{name: "an unchecked box is false", form: url.Values{"_fields": {"enable_dnd"}},
			check: func(p *directory.UserPatch) bool { return p.Has("enable_dnd") && !p.Value.EnableDND }},
		{name: "unknown and read-only names are ignored", form: url.Values{"_fields": {"zzz,name,id,enable_acb"}, "name": {"x"}},
			check: func(p *directory.UserPatch) bool { return len(p.Given()) == 1 && p.Has("enable_acb") }},
		{name: "a group sets its members given", form: url.Values{"_fields": {"follow_me"}, "follow_me.enabled": {"1"},
			"follow_me.numbers": {" +15550100 \r\n\n+15550101\n"}, "follow_me.ring_time": {" 30 "}, "follow_me.strategy": {"HUNT"}},
			check: func(p *directory.UserPatch) bool {
				f, m := p.Value.FollowMe, p.Fields()["follow_me"].(map[string]any)
				_, hasInitial := m["initial_ring_time"]
				return f.Enabled && len(f.Numbers) == 2 && f.Numbers[1] == "+15550101" && f.RingTime == 30 && f.Strategy == "HUNT" && !hasInitial
			}},
		{name: "an empty number is left out", form: url.Values{"_fields": {"max_bindings"}, "max_bindings": {""}},
			check: func(p *directory.UserPatch) bool { return !p.Has("max_bindings") }},
		{name: "a number that is not one", form: url.Values{"_fields": {"max_bindings"}, "max_bindings": {"five"}},
			errs: map[string]string{"max_bindings": "must be a whole number"}},
		{name: "rows of a list: removed and empty rows left out, in index order", form: url.Values{"_fields": {"custom_forward_rules"},
			"custom_forward_rules.0.action": {"HANG_UP"}, "custom_forward_rules.0.type": {"ALL_HOURS"}, "custom_forward_rules.0.caller_id": {"+15550100"},
			"custom_forward_rules.1.action": {"FORWARD_TO_VOICEMAIL"}, "custom_forward_rules.1.type": {"ALL_HOURS"}, "custom_forward_rules.1._remove": {"1"},
			"custom_forward_rules.10.action": {"FORWARD_TO_NUMBER"}, "custom_forward_rules.10.number": {" +15550101 "}, "custom_forward_rules.10.type": {"SPECIFIC_HOURS"},
			"custom_forward_rules.10.hours.monday.enabled": {"1"}, "custom_forward_rules.10.hours.monday.ranges": {"9:00-12:00, 13:30 - 17:00"},
			"custom_forward_rules.11.action": {""}, "custom_forward_rules.11.type": {""}, "custom_forward_rules.11.number": {""}},
			check: func(p *directory.UserPatch) bool {
				r := p.Value.CustomForwardRules
				if len(r) != 2 || r[0].Action != "HANG_UP" || r[0].CallerID != "+15550100" || r[1].Number != "+15550101" || r[1].Hours == nil {
					return false
				}
				m := r[1].Hours.Monday
				return m.Enabled && len(m.Ranges) == 2 && m.Ranges[0].From == "09:00" && m.Ranges[1].To == "17:00" && !r[1].Hours.Tuesday.Enabled
			}},
		{name: "every row removed empties the list", form: url.Values{"_fields": {"blfs"}, "blfs.0.key": {"1"}, "blfs.0.value": {"201"}, "blfs.0._remove": {"1"}},
			check: func(p *directory.UserPatch) bool { return p.Has("blfs") && len(p.Value.BLFs) == 0 }},
		{name: "office hours as a week grid", form: url.Values{"_fields": {"office_hours"}, "office_hours.mode": {"CUSTOM"},
			"office_hours.friday.enabled": {"1"}, "office_hours.friday.ranges": {"08:00-16:00"}},
			check: func(p *directory.UserPatch) bool {
				o := p.Value.OfficeHours
				return o.Mode == "CUSTOM" && o.Friday.Enabled && o.Friday.Ranges[0].From == "08:00" && !o.Monday.Enabled && len(o.Monday.Ranges) == 0
			}},
		{name: "hours that are not a range", form: url.Values{"_fields": {"office_hours"}, "office_hours.mode": {"CUSTOM"}, "office_hours.monday.ranges": {"nine to five"}},
			errs: map[string]string{"office_hours.monday": `"nine to five" is not a time range: write them as 09:00-12:00, 13:00-17:00.`}},
		{name: "an empty secret keeps the stored one", form: url.Values{"_fields": {"voicemail_pin,voicemail_prompt"}, "voicemail_pin": {""}, "voicemail_prompt": {"fr-FR"}},
			check: func(p *directory.UserPatch) bool {
				return !p.Has("voicemail_pin") && p.Value.VoicemailPrompt == "fr-FR"
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, errs, err := patchFrom(tc.form)
			if err != nil {
				t.Fatal(err)
			}
			if tc.errs != nil {
				for f, msg := range tc.errs {
					if errs[f] != msg {
						t.Fatalf("errors %v, want %s: %s", errs, f, msg)
					}
				}
				return
			}
			if len(errs) > 0 || !tc.check(p) {
				t.Fatalf("errors %v, value %+v, given %v", errs, p.Value, p.Given())
			}
		})
	}
}

// site is a portal over a fresh SQLite store with the tenant acme.example,
// its Admin boss and the StandardUser sam.
type site struct {
	t   *testing.T
	d   *directory.Service
	st  *store.Store
	srv *httptest.Server
	adm *directory.Caller
	sam *directory.Caller
}

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st := storetest.Open(t, store.DialectSQLite)
	cfg := directory.DefaultConfig()
	cfg.Blobs = directory.DBBlobs{Store: st}
	d := directory.New(st, auth.NewHasher(auth.FastParams, 1), log, cfg)
	if _, err := d.Bootstrap(ctx, "System-admin-pw-1"); err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, d: d, st: st}
	if _, _, err := d.CreateTenant(ctx, s.caller("admin", "System-admin-pw-1", ""), directory.TenantCreate{Name: "Acme", Domain: "acme.example",
		Admin: directory.TenantAdmin{Name: "boss", Password: "Boss-password-1", Email: "boss@acme.example", ExtensionNumber: "100"}}); err != nil {
		t.Fatal(err)
	}
	s.adm = s.caller("boss", "Boss-password-1", "acme.example")
	sam := directory.UserInput{Name: "sam", Password: "Sam-password-1", ExtensionNumber: "101"}
	sam.Email = "sam@acme.example"
	if _, err := d.CreateUser(ctx, s.adm, directory.NewPatch(sam, "name", "password", "extension_number", "email")); err != nil {
		t.Fatal(err)
	}
	s.sam = s.caller("sam", "Sam-password-1", "acme.example")
	p, err := New(d, log)
	if err != nil {
		t.Fatal(err)
	}
	s.srv = httptest.NewServer(p)
	t.Cleanup(s.srv.Close)
	return s
}

func (s *site) caller(name, password, domain string) *directory.Caller {
	s.t.Helper()
	r, err := s.d.SignIn(context.Background(), name, password, domain, "test")
	if err != nil || r.Tokens == nil {
		s.t.Fatalf("sign in %s: %v", name, err)
	}
	c, err := s.d.Authenticate(context.Background(), r.Tokens.AccessToken)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// browser is a signed-in cookie-keeping client that does not follow
// redirects.
type browser struct {
	s    *site
	c    *http.Client
	csrf string
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([0-9a-f]{64})"`)

func (s *site) browser(name, password string) *browser {
	jar, _ := cookiejar.New(nil)
	b := &browser{s: s, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.get("/login")
	if code, _, _ := b.post("/login", url.Values{"username": {name}, "password": {password}, "domain": {"acme.example"}}); code != http.StatusSeeOther {
		s.t.Fatalf("sign in %s: %d", name, code)
	}
	return b
}

func (b *browser) do(res *http.Response, err error) (int, string, string) {
	b.s.t.Helper()
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if m := csrfField.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return res.StatusCode, string(raw), res.Header.Get("Location")
}

func (b *browser) get(path string) (int, string, string) { return b.do(b.c.Get(b.s.srv.URL + path)) }

func (b *browser) post(path string, form url.Values) (int, string, string) {
	form.Set("_csrf", b.csrf)
	return b.do(b.c.PostForm(b.s.srv.URL+path, form))
}

// TestForms posts the portal's forms and checks what the directory then
// holds: the same typed values the API would have set, and the directory's
// refusals shown on the form with nothing changed.
func TestForms(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	adm, sam := s.browser("boss", "Boss-password-1"), s.browser("sam", "Sam-password-1")
	me := func() *model.User {
		u, err := s.d.Me(ctx, s.sam)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tests := []struct {
		name     string
		b        *browser
		path     string
		form     url.Values
		redirect string // the page a success goes to
		page     string // what a refusal page says
		check    func() bool
	}{
		{name: "my forwarding", b: sam, path: "/me/settings", redirect: "/me#calls",
			form: url.Values{"_section": {"calls"}, "_fields": {"enable_dnd,busy_no_answer_forward_rule"}, "enable_dnd": {"1"}, "busy_no_answer_forward_rule.action": {"HANG_UP"}, "busy_no_answer_forward_rule.timeout": {"25"}},
			check: func() bool {
				u := me()
				return u.EnableDND && u.BusyNoAnswer.Action == "HANG_UP" && u.BusyNoAnswer.Timeout == 25
			}},
		{name: "my number that is not one", b: sam, path: "/me/settings", page: "must be a whole number",
			form:  url.Values{"_section": {"followme"}, "_fields": {"follow_me"}, "follow_me.ring_time": {"soon"}},
			check: func() bool { return me().FollowMe.RingTime == 20 }},
		{name: "a custom rule the directory refuses", b: sam, path: "/me/settings", page: "Nothing was saved",
			form: url.Values{"_section": {"calls"}, "_fields": {"custom_forward_rules"}, "custom_forward_rules.0.action": {"FORWARD_TO_NUMBER"},
				"custom_forward_rules.0.type": {"ALL_HOURS"}, "custom_forward_rules.0.number": {"call me"}},
			check: func() bool { return len(me().CustomForwardRules) == 0 }},
		{name: "a custom rule by rows", b: sam, path: "/me/settings", redirect: "/me#calls",
			form: url.Values{"_section": {"calls"}, "_fields": {"custom_forward_rules"}, "custom_forward_rules.0.action": {"HANG_UP"},
				"custom_forward_rules.0.type": {"OFFICE_HOURS"}, "custom_forward_rules.0.caller_id": {"+15550100"}},
			check: func() bool {
				r := me().CustomForwardRules
				return len(r) == 1 && r[0].Action == "HANG_UP" && r[0].Type == "OFFICE_HOURS" && r[0].CallerID == "+15550100"
			}},
		{name: "what only admins set", b: sam, path: "/me/settings", page: "Nothing was saved",
			form:  url.Values{"_section": {"general"}, "_fields": {"max_bindings"}, "max_bindings": {"5"}},
			check: func() bool { return me().MaxBindings == model.DefaultMaxBinding }},
		{name: "an admin edits a user", b: adm, path: "/users/" + s.sam.UserID, redirect: "/users/" + s.sam.UserID + "#general",
			form:  url.Values{"_section": {"general"}, "_fields": {"department,max_bindings,enabled"}, "department": {"Sales"}, "max_bindings": {"5"}, "enabled": {"1"}},
			check: func() bool { u := me(); return u.Department == "Sales" && u.MaxBindings == 5 && u.Enabled }},
		{name: "a speed dial", b: sam, path: "/me/speed_dials", redirect: "/me#speeddials",
			form: url.Values{"code": {" 2 "}, "phone_number": {" 201 "}, "description": {"Bob"}},
			check: func() bool {
				l, _ := s.d.SpeedDial8().List(ctx, s.sam, "")
				return len(l) == 1 && l[0].Code == "2" && l[0].PhoneNumber == "201" && l[0].Description == "Bob"
			}},
		{name: "a speed dial's code taken", b: sam, path: "/me/speed_dials", page: "already",
			form:  url.Values{"code": {"2"}, "phone_number": {"202"}},
			check: func() bool { l, _ := s.d.SpeedDial8().List(ctx, s.sam, ""); return len(l) == 1 }},
		{name: "a group", b: adm, path: "/groups", redirect: "/groups", form: url.Values{"name": {"Support"}, "description": {"Helpdesk"}},
			check: func() bool {
				n, l, _ := s.d.ListGroups(ctx, s.adm, query.Params{})
				return n == 1 && l[0].Description == "Helpdesk"
			}},
		{name: "a group without a name", b: adm, path: "/groups", page: "Is required.", form: url.Values{"name": {""}},
			check: func() bool { n, _, _ := s.d.ListGroups(ctx, s.adm, query.Params{}); return n == 1 }},
		{name: "a new user", b: adm, path: "/users/new", redirect: "/users/",
			form: url.Values{"first_name": {" Ann "}, "extension_number": {"200"}, "name": {"ann"}, "email": {"ann@acme.example"}, "password": {"Ann-password-1"}},
			check: func() bool {
				_, l, _ := s.d.ListUsers(ctx, s.adm, query.Params{Filter: "name eq 'ann'"})
				return len(l) == 1 && l[0].FirstName == "Ann" && l[0].ExtensionNumber == "200"
			}},
		{name: "a new user without email", b: adm, path: "/users/new", page: "Is required.",
			form:  url.Values{"extension_number": {"201"}, "name": {"bo"}, "password": {"Bo-password-12"}},
			check: func() bool { n, _, _ := s.d.ListUsers(ctx, s.adm, query.Params{Filter: "name eq 'bo'"}); return n == 0 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := "/me"
			if tc.b == adm {
				page = "/groups"
			}
			tc.b.get(page)
			code, body, loc := tc.b.post(tc.path, tc.form)
			switch {
			case tc.redirect != "" && (code != http.StatusSeeOther || !strings.HasPrefix(loc, tc.redirect)):
				t.Fatalf("status %d, location %q, want a redirect to %s: %s", code, loc, tc.redirect, body)
			case tc.page != "" && (code != formRejected || !strings.Contains(body, tc.page)):
				t.Fatalf("status %d, want the form again saying %q: %s", code, tc.page, body)
			}
			if !tc.check() {
				t.Fatal("the directory does not hold what the form said")
			}
		})
	}
}

// TestRowsFrom: a row's number that is not one is named by its path.
func TestRowsFrom(t *testing.T) {
	errs := map[string]string{}
	list := rowsFrom(userMeta["transports"], url.Values{"transports.0.protocol": {"TCP"}, "transports.0.port": {"five"},
		"transports.1.protocol": {"TLS"}, "transports.1.port": {" 5061 "}}, errs)
	if errs["transports.0.port"] != "Must be a whole number." || len(list) != 2 || list[1].(map[string]any)["port"] != float64(5061) {
		t.Fatalf("errors %v, list %v", errs, list)
	}
}

// TestNoJSONInputs: no setting a person edits is a JSON text box, and
// every choice has words.
func TestNoJSONInputs(t *testing.T) {
	for path, md := range userMeta {
		if md.Kind == kJSON && editable[path] {
			t.Errorf("%s is edited as JSON", path)
		}
	}
	var check func(mds []*meta)
	check = func(mds []*meta) {
		for _, md := range mds {
			for _, c := range md.Choices {
				if _, ok := choiceLabels[c]; !ok {
					t.Errorf("%s: %s has no words", md.Path, c)
				}
			}
			check(md.Elem)
			check(md.Children)
		}
	}
	for _, md := range userMeta {
		check([]*meta{md})
	}
	for _, md := range tenantMeta {
		check([]*meta{md})
	}
}

// TestRowsRendered: a saved list shows as rows with its choices in words
// and an empty row to add one; a refused save shows the rows as posted
// with the error on the row's input; office hours are the week, Monday
// first.
func TestRowsRendered(t *testing.T) {
	s := newSite(t)
	sam := s.browser("sam", "Sam-password-1")
	sam.get("/me")
	code, body, _ := sam.post("/me/settings", url.Values{"_section": {"calls"}, "_fields": {"custom_forward_rules"},
		"custom_forward_rules.0.action": {"HANG_UP"}, "custom_forward_rules.0.type": {"OFFICE_HOURS"}, "custom_forward_rules.0.caller_id": {"+15550100"}})
	if code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", code, body)
	}
	_, body, _ = sam.get("/me")
	for _, want := range []string{
		`<option value="HANG_UP" selected>Hang up</option>`,
		`<option value="OFFICE_HOURS" selected>In office hours</option>`,
		`name="custom_forward_rules.0._remove"`,
		`name="custom_forward_rules.1.action"`, // the row that adds one
		`<option value="" selected>—</option>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(body, "JSON") {
		t.Error("the page still mentions JSON")
	}
	if m, su := strings.Index(body, ">Monday<"), strings.Index(body, ">Sunday<"); m < 0 || su < m {
		t.Errorf("the week is not Monday first (%d, %d)", m, su)
	}
	code, body, _ = sam.post("/me/settings", url.Values{"_section": {"calls"}, "_fields": {"custom_forward_rules"},
		"custom_forward_rules.0.action": {"FORWARD_TO_NUMBER"}, "custom_forward_rules.0.type": {"ALL_HOURS"},
		"custom_forward_rules.0.number": {"call me"}, "custom_forward_rules.0.caller_id": {"+15550100"}})
	if code != formRejected || !strings.Contains(body, `id="f-custom-forward-rules-0-number-error"`) || !strings.Contains(body, `value="call me"`) {
		t.Fatalf("refused save: %d, the row's number error or value missing: %s", code, body)
	}
}

// TestUsersListFilters: the users list shows department, presence and
// registered phones, and filters by role, department and online state.
func TestUsersListFilters(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	if err := s.d.UpdateUser(ctx, s.adm, s.sam.UserID, directory.NewPatch(directory.UserInput{UserFields: model.UserFields{Department: "Sales"}}, "department")); err != nil {
		t.Fatal(err)
	}
	if err := s.d.SetPresence(ctx, s.sam, model.PresenceLunch, ""); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := s.st.UpdateBindings(ctx, s.sam.TenantID, s.sam.UserID, now, func(*store.SIPUser, []model.Binding) ([]model.Binding, error) {
		return []model.Binding{{InstanceID: "a", Contact: "<sip:101@192.0.2.1>", CallID: "c", CSeq: 1, ExpiresAt: now.Add(time.Hour),
			Source: "192.0.2.1:5060", Transport: "UDP", CreatedAt: now}}, nil
	}); err != nil {
		t.Fatal(err)
	}
	adm := s.browser("boss", "Boss-password-1")
	rows := func(query string) string {
		t.Helper()
		code, body, _ := adm.get("/users?" + query)
		if code != http.StatusOK {
			t.Fatalf("%s: %d", query, code)
		}
		i, j := strings.Index(body, "<tbody>"), strings.Index(body, "</tbody>")
		return body[i:j]
	}
	all := rows("")
	for _, want := range []string{`data-label="Department">Sales<`, `data-label="Presence">At lunch<`, "Online</span> (1 device)", "Offline"} {
		if !strings.Contains(all, want) {
			t.Errorf("the list lacks %s", want)
		}
	}
	for q, want := range map[string][]string{"online=online": {"sam"}, "online=offline": {"boss"}, "role=Admin": {"boss"},
		"department=Sales": {"sam"}, "department=sales&online=offline": {}, "role=O%27Brien": {}} {
		got := rows(q)
		for _, who := range []string{"sam", "boss"} {
			if has := strings.Contains(got, `aria-label="Edit `+who+`"`); has != slices.Contains(want, who) {
				t.Errorf("%s: %s listed %v", q, who, has)
			}
		}
	}
	if code, body, _ := adm.get("/users?online=maybe"); code != formRejected || !strings.Contains(body, "online: ") {
		t.Errorf("a bad filter: %d", code)
	}
}

// TestCallHistory: a user sees their own calls with the recording played
// in the page; an admin also sees the company's calls; the filters and a
// bad day are honoured; a StandardUser gets no company call log.
func TestCallHistory(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	wav := append([]byte("RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00"), make([]byte, 64)...)
	blob, err := s.d.UploadBlob(ctx, s.sam, "rec.wav", wav)
	if err != nil {
		t.Fatal(err)
	}
	cdr := func(user, callID, caller, callee, dir, end string, at time.Time, secs int) model.CDR {
		return model.CDR{ID: model.NewID(), TenantID: s.sam.TenantID, UserID: user, CallID: callID, Caller: caller, Callee: callee,
			Direction: dir, EndReason: end, StartedAt: at, Duration: secs}
	}
	if err := s.st.CreateCDRs(ctx, []model.CDR{
		cdr(s.sam.UserID, "c1", "+33122334455", "101", "INBOUND_CALL", "CALLER_DISCONNECTED", t0, 65),
		cdr(s.sam.UserID, "c2", "101", "100", "INTERNAL_CALL", "NO_ANSWER", t0.Add(24*time.Hour), 0),
		cdr(s.adm.UserID, "c3", "100", "+33999", "OUTBOUND_CALL", "BUSY", t0, 0),
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.st.CreateRecordings(ctx, s.sam.UserID, []model.Recording{{ID: model.NewID(), TenantID: s.sam.TenantID, UserID: s.sam.UserID,
		CallID: "c1", Caller: "+33122334455", Callee: "101", StartedAt: t0, EndedAt: t0.Add(65 * time.Second), FileID: blob.ID}}); err != nil {
		t.Fatal(err)
	}
	sam, adm := s.browser("sam", "Sam-password-1"), s.browser("boss", "Boss-password-1")
	body := func(b *browser, path string, want int) string {
		t.Helper()
		code, body, _ := b.get(path)
		if code != want {
			t.Fatalf("%s: %d, want %d", path, code, want)
		}
		return html.UnescapeString(body)
	}
	mine := body(sam, "/calls", http.StatusOK)
	for _, want := range []string{"Calls 1–2 of 2", "+33122334455", "Answered (caller hung up)", "1:05", "Not answered"} {
		if !strings.Contains(mine, want) {
			t.Errorf("my calls lack %s", want)
		}
	}
	src := regexp.MustCompile(`<audio controls preload="none" src="([^"]+)"`).FindStringSubmatch(mine)
	if src == nil {
		t.Fatal("no recording to play: " + mine[strings.Index(mine, "<tbody>"):])
	}
	if code, data, _ := sam.get(src[1]); code != http.StatusOK || data != string(wav) {
		t.Errorf("the recording plays %d %q", code, data)
	}
	if strings.Contains(mine, "+33999") || strings.Contains(mine, "company") {
		t.Error("sam sees the admin's call or the company tab")
	}
	if got := body(sam, "/calls?direction=INTERNAL_CALL", http.StatusOK); !strings.Contains(got, "Calls 1–1 of 1") || strings.Contains(got, "+33122334455") {
		t.Error("the direction filter")
	}
	if got := body(sam, "/calls?number=2233&since=2026-11-30", http.StatusOK); !strings.Contains(got, "Calls 1–1 of 1") {
		t.Error("the number and day filters")
	}
	if got := body(sam, "/calls?since=yesterday", formRejected); !strings.Contains(got, "since: ") {
		t.Error("a bad day is not named")
	}
	body(sam, "/calls?scope=company", http.StatusForbidden)
	all := body(adm, "/calls?scope=company", http.StatusOK)
	if !strings.Contains(all, "Calls 1–3 of 3") || !strings.Contains(all, "+33999") || strings.Contains(all, "<audio") {
		t.Error("the company's calls")
	}
}

// TestCompanyPage: a tenant's Admin changes the company's digest and
// office hours (week grid), sees what the provider set, adds and removes
// a holiday; bad input is named and changes nothing; a StandardUser may
// not.
func TestCompanyPage(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	adm, sam := s.browser("boss", "Boss-password-1"), s.browser("sam", "Sam-password-1")
	_, body, _ := adm.get("/company")
	for _, want := range []string{"Set by your provider", "acme.example", `name="sip_digest"`, `name="office_hours.monday.ranges"`, "No holidays yet."} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(body, `name="sip_trunk"`) || strings.Contains(body, `name="country_code"`) {
		t.Error("the provider's settings are editable")
	}
	form := url.Values{"sip_digest": {"MD5_ONLY"}, "time_zone": {"Europe/Paris"}, "office_hours.friday.enabled": {"1"},
		"office_hours.friday.ranges": {"08:00-12:00"}}
	if code, body, _ := adm.post("/company", form); code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", code, body)
	}
	tn, err := s.d.GetOwnTenant(ctx, s.adm)
	if err != nil {
		t.Fatal(err)
	}
	if tn.SIPDigest != "MD5_ONLY" || tn.TimeZone != "Europe/Paris" || !tn.OfficeHours.Friday.Enabled || tn.OfficeHours.Friday.Ranges[0].To != "12:00" || tn.OfficeHours.Monday.Enabled {
		t.Fatalf("saved %+v", tn)
	}
	// The call policy is on the page too: emergency numbers one per line.
	form.Set("call_policy.emergency_numbers", "112\n 17 \n")
	form.Set("call_policy.max_outside_calls", "12")
	if code, body, _ := adm.post("/company", form); code != http.StatusSeeOther {
		t.Fatalf("save the call policy: %d %s", code, body)
	}
	if tn, _ := s.d.GetOwnTenant(ctx, s.adm); len(tn.CallPolicy.EmergencyNumbers) != 2 || tn.CallPolicy.EmergencyNumbers[1] != "17" || tn.CallPolicy.MaxOutsideCalls != 12 {
		t.Fatalf("call policy %+v", tn.CallPolicy)
	}
	form.Set("call_policy.emergency_numbers", "call the police")
	if code, body, _ := adm.post("/company", form); code != formRejected || !strings.Contains(body, "emergency") {
		t.Fatalf("a bad emergency number: %d", code)
	}
	form.Set("call_policy.emergency_numbers", "112")
	form.Set("time_zone", "Mars/Olympus")
	form.Set("sip_digest", "SHA256_ONLY")
	if code, body, _ := adm.post("/company", form); code != formRejected || !strings.Contains(body, `id="f-time-zone-error"`) {
		t.Fatalf("a bad time zone: %d", code)
	}
	if tn, _ := s.d.GetOwnTenant(ctx, s.adm); tn.SIPDigest != "MD5_ONLY" {
		t.Fatal("a refused save changed the digest")
	}
	if code, body, _ := adm.post("/company/holidays", url.Values{"name": {"Christmas"}, "from": {"25/12"}}); code != formRejected ||
		!strings.Contains(body, `id="h-from-error"`) || !strings.Contains(body, `value="Christmas"`) {
		t.Fatalf("a bad day: %d", code)
	}
	if code, _, _ := adm.post("/company/holidays", url.Values{"name": {"Christmas"}, "from": {"2026-12-25"}, "to": {"2026-12-26"},
		"every_year": {"1"}}); code != http.StatusSeeOther {
		t.Fatalf("add a holiday: %d", code)
	}
	_, body, _ = adm.get("/company")
	if !strings.Contains(body, "25 December to 26 December, every year") {
		t.Fatal("the holiday is not listed in words")
	}
	id := regexp.MustCompile(`/company/holidays/([^/]+)/remove`).FindStringSubmatch(body)
	if id == nil {
		t.Fatal("no remove button")
	}
	if code, _, _ := adm.post("/company/holidays/"+id[1]+"/remove", url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("remove: %d", code)
	}
	if n, _, _ := s.d.ListTenantHolidays(ctx, s.adm, query.Params{}); n != 0 {
		t.Fatalf("%d holidays left", n)
	}
	if code, _, _ := sam.get("/company"); code != http.StatusForbidden {
		t.Errorf("a StandardUser reads the company page: %d", code)
	}
	sam.get("/me")
	if code, _, _ := sam.post("/company", url.Values{"sip_digest": {"MD5_ONLY"}}); code != http.StatusForbidden {
		t.Errorf("a StandardUser saves the company settings: %d", code)
	}
}

// TestBehaviourQuickChoice: the four ways calls ring, chosen in one go,
// write the settings that make them (and read back as that choice);
// one needing a mobile without one is refused and changes nothing.
func TestBehaviourQuickChoice(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	sys := s.caller("admin", "System-admin-pw-1", "")
	if err := s.d.UpdateTenant(ctx, sys, s.sam.TenantID, directory.NewPatch(model.Tenant{CountryCode: "1"}, "country_code")); err != nil {
		t.Fatal(err)
	}
	sam, adm := s.browser("sam", "Sam-password-1"), s.browser("boss", "Boss-password-1")
	sam.get("/me")
	adm.get("/users")
	me := func() *model.User {
		u, err := s.d.Me(ctx, s.sam)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	const mobile = "+14155552671"
	choose := func(b *browser, path, choice, seconds string) {
		t.Helper()
		if code, body, _ := b.post(path, url.Values{"behaviour": {choice}, "mobile_phone": {mobile}, "initial_ring_time": {seconds}}); code != http.StatusSeeOther {
			t.Fatalf("%s: %d %s", choice, code, body)
		}
		_, body, _ := b.get(strings.TrimSuffix(path, "/behaviour"))
		if b == sam {
			_, body, _ = b.get("/me")
		}
		if !strings.Contains(body, `value="`+choice+`" checked`) {
			t.Errorf("%s does not read back as chosen", choice)
		}
	}
	choose(sam, "/me/behaviour", "simultaneous", "")
	if u := me(); !u.FollowMe.Enabled || u.FollowMe.InitialRingTime != 0 || len(u.FollowMe.Numbers) != 1 || u.FollowMe.Numbers[0] != mobile || u.MobilePhone != mobile {
		t.Fatalf("simultaneous: %+v %s", u.FollowMe, u.MobilePhone)
	}
	choose(sam, "/me/behaviour", "sequential", "30")
	if u := me(); !u.FollowMe.Enabled || u.FollowMe.InitialRingTime != 30 {
		t.Fatalf("sequential: %+v", u.FollowMe)
	}
	choose(adm, "/users/"+s.sam.UserID+"/behaviour", "forward", "")
	if u := me(); u.FollowMe.Enabled || u.AvailableOfficeHours.Action != "FORWARD_TO_MOBILE" || u.AvailableNonOfficeHours.Action != "FORWARD_TO_MOBILE" {
		t.Fatalf("forward: %+v %+v", u.FollowMe, u.AvailableOfficeHours)
	}
	choose(sam, "/me/behaviour", "ring", "")
	if u := me(); u.FollowMe.Enabled || u.AvailableOfficeHours.Action != "RING_EXTENSION" {
		t.Fatalf("ring: %+v", u.AvailableOfficeHours)
	}
	sam.post("/me/behaviour", url.Values{"behaviour": {"simultaneous"}, "mobile_phone": {""}})
	if _, body, _ := sam.get("/me"); !strings.Contains(body, "Nothing was saved: Give your mobile number") || me().FollowMe.Enabled {
		t.Fatal("a choice without a mobile")
	}
	sam.post("/me/behaviour", url.Values{"behaviour": {"sequential"}, "mobile_phone": {mobile}, "initial_ring_time": {"2"}})
	if u := me(); u.FollowMe.Enabled {
		t.Fatal("two seconds first was saved")
	}
}

// TestDeskPhones: an admin adds a desk phone to a user by MAC and model,
// provisions it (the credential shown once, on that answer only), and
// removes it; a bad MAC is named and adds nothing.
func TestDeskPhones(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	adm := s.browser("boss", "Boss-password-1")
	page := "/users/" + s.sam.UserID
	adm.get(page)
	adm.post(page+"/phones", url.Values{"mac": {"00-15-65-zz"}, "phone": {"Yealink/T54W"}})
	if _, body, _ := adm.get(page); !strings.Contains(body, "The phone was not added: mac: ") || !strings.Contains(body, "No desk phone yet.") {
		t.Fatal("a bad MAC is not named, or a phone was added")
	}
	if code, _, _ := adm.post(page+"/phones", url.Values{"mac": {"00-15-65-AA-BB-CC"}, "phone": {"Yealink/T54W"}}); code != http.StatusSeeOther {
		t.Fatalf("add: %d", code)
	}
	phones, err := s.d.Phones().List(ctx, s.adm, s.sam.UserID)
	if err != nil || len(phones) != 1 || phones[0].MAC != "00:15:65:aa:bb:cc" || phones[0].Model != "T54W" {
		t.Fatalf("phones %+v %v", phones, err)
	}
	code, body, _ := adm.post(page+"/phones/"+phones[0].ID+"/provision", url.Values{})
	pw := regexp.MustCompile(`<code id="provision-password">([^<]+)</code>`).FindStringSubmatch(body)
	if code != http.StatusOK || pw == nil || len(pw[1]) < 16 {
		t.Fatalf("provision: %d, no password shown", code)
	}
	if _, again, _ := adm.get(page); strings.Contains(again, pw[1]) {
		t.Fatal("the password is shown again")
	}
	adm.post(page+"/phones/"+phones[0].ID+"/remove", url.Values{})
	if phones, _ := s.d.Phones().List(ctx, s.adm, s.sam.UserID); len(phones) != 0 {
		t.Fatal("the phone was not removed")
	}
}
