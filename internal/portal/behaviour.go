package portal

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// The four ways a call to a user can go when they are available (the
// seed's Forward Behavior), as one quick choice over the settings that
// make each: ring my phones; simultaneous (phones and mobile together);
// sequential (phones first, then the mobile); forward (only the mobile).
// The choice writes the available rules and Follow Me; anything else
// set by hand shows as "custom" and is left as it is until one chooses.

const (
	behRing         = "ring"
	behSimultaneous = "simultaneous"
	behSequential   = "sequential"
	behForward      = "forward"
)

// behaviourView is the quick choice as the page shows it.
type behaviourView struct {
	Current string // one of the four, or "" (custom)
	Mobile  string
	Seconds int
	Errors  map[string]string
	Action  string // where the form posts
	Choices []choice
	CSRF    string
}

// withCSRF is v with the page's CSRF token, for the form.
func withCSRF(v *behaviourView, token string) *behaviourView {
	out := *v
	out.CSRF = token
	return &out
}

var behaviourLabels = []struct{ value, label string }{
	{behRing, "Ring my phones"},
	{behSimultaneous, "Ring my phones and my mobile together"},
	{behSequential, "Ring my phones first, then my mobile"},
	{behForward, "Send calls straight to my mobile"},
}

// behaviourOf reads which of the four u's settings make.
func behaviourOf(u *model.User, action string) *behaviourView {
	v := &behaviourView{Mobile: u.MobilePhone, Seconds: 20, Action: action}
	fm := u.FollowMe
	office, after := u.AvailableOfficeHours.Action, u.AvailableNonOfficeHours.Action
	toMobile := fm.Enabled && len(fm.Numbers) == 1 && fm.Numbers[0] == u.MobilePhone && u.MobilePhone != ""
	switch {
	case office == "FORWARD_TO_MOBILE" && after == "FORWARD_TO_MOBILE" && !fm.Enabled:
		v.Current = behForward
	case office != "RING_EXTENSION" || after != "RING_EXTENSION":
	case !fm.Enabled:
		v.Current = behRing
	case toMobile && fm.InitialRingTime == 0 && (fm.Strategy == "RING_ALL" || fm.Strategy == ""):
		v.Current = behSimultaneous
	case toMobile && fm.InitialRingTime > 0:
		v.Current, v.Seconds = behSequential, fm.InitialRingTime
	}
	for _, b := range behaviourLabels {
		v.Choices = append(v.Choices, choice{Value: b.value, Label: b.label, Selected: b.value == v.Current})
	}
	return v
}

// behaviourPatch is the update that makes choice, with the mobile number
// and the seconds the phones ring first (sequential).
func behaviourPatch(choice, mobile, seconds string) (*directory.UserPatch, map[string]string) {
	errs := map[string]string{}
	mobile = strings.TrimSpace(mobile)
	p := directory.NewPatch(directory.UserInput{})
	ring := map[string]any{"action": "RING_EXTENSION", "number": ""}
	set := func(path string, v any) {
		if err := p.Set(path, v); err != nil {
			errs[path] = err.Error()
		}
	}
	if choice != behRing {
		if mobile == "" {
			errs["mobile_phone"] = "Give your mobile number for this choice."
		}
		set("mobile_phone", mobile)
	}
	switch choice {
	case behRing:
		set("available_office_hours_forward_rule", ring)
		set("available_non_office_hours_forward_rule", ring)
		set("follow_me.enabled", false)
	case behSimultaneous, behSequential:
		first := 0 // simultaneous: the phones ring with the mobile
		if choice == behSequential {
			n, err := strconv.Atoi(strings.TrimSpace(seconds))
			if err != nil || n < 5 || n > 120 {
				errs["initial_ring_time"] = "Give the seconds your phones ring first, from 5 to 120."
			}
			first = n
		}
		set("available_office_hours_forward_rule", ring)
		set("available_non_office_hours_forward_rule", ring)
		set("follow_me.enabled", true)
		set("follow_me.numbers", []any{mobile})
		set("follow_me.strategy", "RING_ALL")
		set("follow_me.initial_ring_time", float64(first))
	case behForward:
		mob := map[string]any{"action": "FORWARD_TO_MOBILE", "number": ""}
		set("available_office_hours_forward_rule", mob)
		set("available_non_office_hours_forward_rule", mob)
		set("follow_me.enabled", false)
	default:
		errs["behaviour"] = "Choose how your calls ring."
	}
	return p, errs
}

// saveBehaviour applies the quick choice to the user id (an admin's
// edit) or to the caller (id "").
func (p *Portal) saveBehaviour(w http.ResponseWriter, r *http.Request, c *directory.Caller, id string) {
	patch, errs := behaviourPatch(r.FormValue("behaviour"), r.FormValue("mobile_phone"), r.FormValue("initial_ring_time"))
	back := "/me#behaviour"
	if id != "" {
		back = "/users/" + id + "#behaviour"
	}
	if len(errs) == 0 {
		var err error
		if id != "" {
			err = p.d.UpdateUser(r.Context(), c, id, patch)
		} else {
			err = p.d.UpdateMe(r.Context(), c, patch)
		}
		if err == nil {
			flash(w, "Saved.")
			redirect(w, r, back)
			return
		}
		var ok bool
		if errs, ok = fieldErrors(err); !ok {
			p.fail(w, r, c, err)
			return
		}
	}
	flash(w, "Nothing was saved: "+firstErrorText(errs))
	redirect(w, r, back)
}
