package portal

import (
	"context"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// voicemailPage is My Phone's list of the user's voicemail messages
// (the newest 100), for users whose role lets them read voicemail.
type voicemailPage struct {
	Count int
	Items []model.VoicemailMessage
}

// voicemails reads the signed-in user's messages for My Phone (nil
// without the permission).
func (p *Portal) voicemails(ctx context.Context, c *directory.Caller) (*voicemailPage, error) {
	if !c.Allowed(directory.PermVoicemailView) {
		return nil, nil
	}
	n, list, err := p.d.ListVoicemails(ctx, c, "", query.Params{})
	if err != nil {
		return nil, err
	}
	return &voicemailPage{Count: n, Items: list}, nil
}

// markVoicemail marks one of the user's messages heard/new or
// saved/not saved (the form's "heard" or "saved" member, "true"/"false").
func (p *Portal) markVoicemail(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	var in directory.VoicemailUpdate
	for name, to := range map[string]**bool{"heard": &in.Heard, "saved": &in.Saved} {
		if v := r.FormValue(name); v == "true" || v == "false" {
			b := v == "true"
			*to = &b
		}
	}
	if err := p.d.UpdateVoicemail(r.Context(), c, "", r.FormValue("id"), in); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Message updated.")
	redirect(w, r, "/me#voicemails")
}

// removeVoicemail deletes one of the user's messages.
func (p *Portal) removeVoicemail(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if err := p.d.DeleteVoicemail(r.Context(), c, "", r.FormValue("id")); err != nil {
		p.fail(w, r, c, err)
		return
	}
	flash(w, "Message deleted.")
	redirect(w, r, "/me#voicemails")
}
