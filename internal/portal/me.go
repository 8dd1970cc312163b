package portal

import (
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/totp"
)

// maxGreetingUpload bounds a greeting file sent through the portal (the
// blob store applies its own, usually smaller, limit).
const maxGreetingUpload = 32 << 20

type meData struct {
	User       *model.User
	Presences  []string
	Sections   []sectionView
	Greetings  []directory.Greeting
	Voicemails *voicemailPage
	SpeedDials []model.SpeedDial
	APIKeys    []model.APIKey
	Queues     []queueAgent
	Statuses   []string
	NewKey     *directory.NewAPIKey
	Enrol      *directory.OTPEnrollment
	QR         template.URL
	Recovery   []string
	// Softphone is a one-time setup URL and its QR code, shown once.
	Softphone   *directory.SoftphoneSetup
	SoftphoneQR template.URL
	Errors      map[string]string
	Open        string
	// Posted are the values of a refused section, shown as typed.
	Posted    map[string]any
	Behaviour *behaviourView
}

// qrData is a PNG as a data: URL the templates may put in src (it is
// our own image, not user input).
func qrData(png []byte) template.URL {
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png)) //nolint:gosec // our PNG
}

func (p *Portal) mePage(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	p.showMe(w, r, c, http.StatusOK, &meData{})
}

func (p *Portal) showMe(w http.ResponseWriter, r *http.Request, c *directory.Caller, status int, d *meData) {
	ctx := r.Context()
	u, err := p.d.Me(ctx, c)
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	d.User = u
	d.Behaviour = behaviourOf(u, "/me/behaviour")
	d.Presences = []string{model.PresenceAvailable, model.PresenceAway, model.PresenceLunch, model.PresenceBusinessTrip}
	raw, _ := json.Marshal(u)
	var values map[string]any
	_ = json.Unmarshal(raw, &values)
	for k, v := range d.Posted { // show what was typed, not the stored values
		values[k] = v
	}
	for _, s := range selfSections {
		d.Sections = append(d.Sections, viewOf(s, values, d.Errors))
	}
	if d.Greetings, err = p.d.ListGreetings(ctx, c, ""); err != nil {
		p.fail(w, r, c, err)
		return
	}
	if d.Voicemails, err = p.voicemails(ctx, c); err != nil {
		p.fail(w, r, c, err)
		return
	}
	if d.SpeedDials, err = p.d.SpeedDial8().List(ctx, c, ""); err != nil {
		p.fail(w, r, c, err)
		return
	}
	queues, err := p.d.MyHuntGroups(ctx, c, model.KindCallQueue, "")
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	for _, q := range queues {
		a, err := p.d.Agent(ctx, c, "", q.ID)
		if err != nil {
			p.fail(w, r, c, err)
			return
		}
		d.Queues = append(d.Queues, queueAgent{HuntGroupSummary: q, Agent: a})
	}
	d.Statuses = model.AgentStatuses
	if d.APIKeys, err = p.d.ListMyAPIKeys(ctx, c); err != nil {
		p.fail(w, r, c, err)
		return
	}
	pg := &page{Title: "My Phone", Nav: "me", Me: c, Data: d}
	if len(d.Errors) > 0 {
		pg.Error = "Nothing was saved: see the marked fields."
	}
	p.render(w, r, status, "me", pg)
}

// meFailed shows My Phone with a form's errors, or the error page.
func (p *Portal) meFailed(w http.ResponseWriter, r *http.Request, c *directory.Caller, err error, open string) {
	if errs, ok := fieldErrors(err); ok {
		p.showMe(w, r, c, formRejected, &meData{Errors: errs, Open: open})
		return
	}
	p.fail(w, r, c, err)
}

// queueAgent is one of the user's call queues with its agent state.
type queueAgent struct {
	model.HuntGroupSummary
	Agent *model.Agent
}

func (p *Portal) setAgentStatus(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.SetAgentStatus(r.Context(), c, "", r.FormValue("queue"), r.FormValue("status")); err != nil {
		p.meFailed(w, r, c, err, "queues")
		return
	}
	flash(w, "Agent status saved.")
	redirect(w, r, "/me#queues")
}

func (p *Portal) setPresence(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.SetPresence(r.Context(), c, r.FormValue("presence"), r.FormValue("presence_note")); err != nil {
		p.meFailed(w, r, c, err, "presence")
		return
	}
	flash(w, "Presence saved.")
	redirect(w, r, "/me")
}

func (p *Portal) saveMe(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	patch, errs, err := patchFrom(r.PostForm)
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	open := r.FormValue("_section")
	if len(errs) > 0 {
		p.showMe(w, r, c, formRejected, &meData{Errors: errs, Open: open, Posted: patch.Fields()})
		return
	}
	if err := p.d.UpdateMe(r.Context(), c, patch); err != nil {
		if errs, ok := fieldErrors(err); ok {
			p.showMe(w, r, c, formRejected, &meData{Errors: errs, Open: open, Posted: patch.Fields()})
			return
		}
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Saved.")
	redirect(w, r, "/me#"+open)
}

func (p *Portal) uploadGreeting(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.meFailed(w, r, c, model.Invalid("file", "choose a WAV or MP3 file"), "greetings")
		return
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxGreetingUpload))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	b, err := p.d.UploadBlob(r.Context(), c, hdr.Filename, data)
	if err != nil {
		p.meFailed(w, r, c, renameField(err, "body", "file"), "greetings")
		return
	}
	id, err := p.d.CreateGreeting(r.Context(), c, "", b.ID)
	if err != nil {
		p.meFailed(w, r, c, renameField(err, "file_id", "file"), "greetings")
		return
	}
	if r.FormValue("enable") != "" {
		if err := p.d.SetGreetingEnabled(r.Context(), c, "", id, true); err != nil {
			p.fail(w, r, c, err)
			return
		}
	}
	flash(w, "Greeting uploaded.")
	redirect(w, r, "/me#greetings")
}

// renameField points a validation error at the portal's own input.
func renameField(err error, from, to string) error {
	if fe, ok := err.(*model.FieldError); ok && fe.Field == from {
		return model.Invalid(to, "%s", fe.Message)
	}
	return err
}

func (p *Portal) enableGreeting(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.SetGreetingEnabled(r.Context(), c, "", r.FormValue("id"), true); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Greeting enabled.")
	redirect(w, r, "/me#greetings")
}

func (p *Portal) addSpeedDial(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	dial := model.SpeedDial{Code: strings.TrimSpace(r.FormValue("code")), PhoneNumber: strings.TrimSpace(r.FormValue("phone_number")),
		Description: r.FormValue("description")}
	patch := directory.NewPatch(dial, "code", "phone_number", "description")
	if _, err := p.d.SpeedDial8().Create(r.Context(), c, "", patch); err != nil {
		p.meFailed(w, r, c, err, "speeddials")
		return
	}
	flash(w, "Speed dial added.")
	redirect(w, r, "/me#speeddials")
}

func (p *Portal) removeSpeedDial(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.SpeedDial8().Delete(r.Context(), c, "", r.FormValue("id")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Speed dial removed.")
	redirect(w, r, "/me#speeddials")
}

func (p *Portal) createAPIKey(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	k, err := p.d.CreateMyAPIKey(r.Context(), c, strings.TrimSpace(r.FormValue("name")))
	if err != nil {
		p.meFailed(w, r, c, err, "apikeys")
		return
	}
	// The secret is shown on this answer only (it is stored hashed).
	p.showMe(w, r, c, http.StatusOK, &meData{NewKey: k, Open: "apikeys"})
}

func (p *Portal) removeAPIKey(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.DeleteMyAPIKey(r.Context(), c, r.FormValue("token")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "API key revoked.")
	redirect(w, r, "/me#apikeys")
}

func (p *Portal) startOTP(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	en, err := p.d.StartMyOTP(r.Context(), c)
	if err != nil {
		p.meFailed(w, r, c, err, "otp")
		return
	}
	p.showMe(w, r, c, http.StatusOK, &meData{Enrol: en, QR: qrData(en.QRPNG), Open: "otp"})
}

// softphone shows a one-time, expiring QR code that sets up Linphone.
func (p *Portal) softphone(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	sp, err := p.d.IssueSoftphone(r.Context(), c)
	if err != nil {
		p.meFailed(w, r, c, err, "softphone")
		return
	}
	png, err := totp.QRPNG(sp.URL)
	if err != nil {
		p.meFailed(w, r, c, err, "softphone")
		return
	}
	p.showMe(w, r, c, http.StatusOK, &meData{Softphone: sp, SoftphoneQR: qrData(png), Open: "softphone"})
}

func (p *Portal) confirmOTP(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	codes, err := p.d.ConfirmMyOTP(r.Context(), c, strings.TrimSpace(r.FormValue("code")))
	if err != nil {
		p.meFailed(w, r, c, err, "otp")
		return
	}
	p.showMe(w, r, c, http.StatusOK, &meData{Recovery: codes, Open: "otp"})
}

// file serves an uploaded file the signed-in user may read (greetings).
func (p *Portal) file(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	b, data, err := p.d.GetBlob(r.Context(), c, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	w.Header().Set("Content-Type", b.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Header().Set("Cache-Control", "private, max-age=3600")
	_, _ = w.Write(data)
}
