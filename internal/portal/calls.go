package portal

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// Call history: a user's own calls with their recordings played in the
// page, and for those who read the company call log (admins) every
// user's calls; both filtered by direction, result, number and day.

const callsPerPage = 50

type callsData struct {
	Company               bool // the tenant's calls, not the caller's own
	MayCompany            bool
	Direction, Result     string
	Number, Since         string
	Directions, Results   []choice
	Calls                 []callRow
	Count, From, To, Skip int
	Prev, Next            string
	Filtered              bool
	RecordingsShown       bool
}

// callRow is one call record with what the page shows of it.
type callRow struct {
	model.CDR
	Recording *model.Recording
}

var directionLabels = map[string]string{"INBOUND_CALL": "Received", "OUTBOUND_CALL": "Placed", "INTERNAL_CALL": "Internal"}

var resultLabels = map[string]string{"CALLER_DISCONNECTED": "Answered (caller hung up)", "CALLEE_DISCONNECTED": "Answered (callee hung up)",
	"NO_ANSWER": "Not answered", "BUSY": "Busy", "REJECTED": "Rejected", "CANCELLED": "Cancelled by the caller", "FAILED": "Failed",
	"UNREACHABLE": "Unreachable", "FORWARDED": "Forwarded"}

// filter is the query language of the filters chosen.
func (d *callsData) filter() (string, error) {
	var parts []string
	if d.Direction != "" {
		parts = append(parts, "direction eq "+quoted(d.Direction))
	}
	if d.Result != "" {
		parts = append(parts, "end_reason eq "+quoted(d.Result))
	}
	if d.Number != "" {
		parts = append(parts, "(contains(caller, "+quoted(d.Number)+") or contains(callee, "+quoted(d.Number)+"))")
	}
	if d.Since != "" {
		day, err := time.Parse("2006-01-02", d.Since)
		if err != nil {
			return "", model.Invalid("since", "give a day as 2026-12-31")
		}
		parts = append(parts, "started_at ge "+day.Format("2006-01-02"))
	}
	return strings.Join(parts, " and "), nil
}

func (d *callsData) link(skip int) string {
	v := url.Values{}
	for k, x := range map[string]string{"direction": d.Direction, "result": d.Result, "number": d.Number, "since": d.Since} {
		if x != "" {
			v.Set(k, x)
		}
	}
	if d.Company {
		v.Set("scope", "company")
	}
	if skip > 0 {
		v.Set("skip", strconv.Itoa(skip))
	}
	return "/calls?" + v.Encode()
}

func (p *Portal) calls(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	q := r.URL.Query()
	d := &callsData{Company: q.Get("scope") == "company", MayCompany: c.Allowed(directory.PermCompanyCallLog),
		Direction: q.Get("direction"), Result: q.Get("result"), Number: strings.TrimSpace(q.Get("number")), Since: strings.TrimSpace(q.Get("since"))}
	d.Filtered = d.Direction != "" || d.Result != "" || d.Number != "" || d.Since != ""
	d.Skip, _ = strconv.Atoi(q.Get("skip"))
	d.Skip = max(d.Skip, 0)
	d.choices()
	pg := &page{Title: "Call history", Nav: "calls", Me: c, Data: d}
	filter, err := d.filter()
	var n int
	var list []model.CDR
	if err == nil {
		params := query.Params{Filter: filter, Skip: strconv.Itoa(d.Skip), Top: strconv.Itoa(callsPerPage)}
		if d.Company {
			n, list, err = p.d.ListCompanyCDRs(r.Context(), c, params)
		} else {
			n, list, err = p.d.ListCDRs(r.Context(), c, params)
		}
	}
	if err != nil {
		if errs, ok := fieldErrors(err); ok {
			pg.Error = firstError(errs)
			p.render(w, r, formRejected, "calls", pg)
			return
		}
		p.fail(w, r, c, err)
		return
	}
	recs := map[string]*model.Recording{}
	if !d.Company && c.Allowed(directory.PermOwnRecordings) && len(list) > 0 {
		d.RecordingsShown = true
		var ids []string
		for _, cdr := range list {
			ids = append(ids, "call_id eq "+quoted(cdr.CallID))
		}
		_, rl, err := p.d.ListRecordings(r.Context(), c, query.Params{Filter: strings.Join(ids, " or "), Top: strconv.Itoa(query.MaxTop)})
		if err != nil {
			p.fail(w, r, c, err)
			return
		}
		for i := range rl {
			recs[rl[i].CallID] = &rl[i]
		}
	}
	for _, cdr := range list {
		d.Calls = append(d.Calls, callRow{CDR: cdr, Recording: recs[cdr.CallID]})
	}
	d.Count, d.From, d.To = n, min(d.Skip+1, n), min(d.Skip+len(list), n)
	if d.Skip > 0 {
		d.Prev = d.link(max(d.Skip-callsPerPage, 0))
	}
	if d.Skip+callsPerPage < n {
		d.Next = d.link(d.Skip + callsPerPage)
	}
	p.render(w, r, http.StatusOK, "calls", pg)
}

// choices are the filters' options in words.
func (d *callsData) choices() {
	for _, v := range []string{"INBOUND_CALL", "OUTBOUND_CALL", "INTERNAL_CALL"} {
		d.Directions = append(d.Directions, choice{Value: v, Label: directionLabels[v], Selected: v == d.Direction})
	}
	for _, v := range []string{"CALLER_DISCONNECTED", "CALLEE_DISCONNECTED", "NO_ANSWER", "BUSY", "REJECTED", "CANCELLED", "FAILED",
		"UNREACHABLE", "FORWARDED"} {
		d.Results = append(d.Results, choice{Value: v, Label: resultLabels[v], Selected: v == d.Result})
	}
}

// callLabel is a direction or result in words.
func callLabel(v string) string {
	if l, ok := directionLabels[v]; ok {
		return l
	}
	if l, ok := resultLabels[v]; ok {
		return l
	}
	return v
}

// duration writes seconds as 1:05 or 1:02:05.
func duration(s int) string {
	d := time.Duration(s) * time.Second
	if d >= time.Hour {
		return strconv.Itoa(int(d.Hours())) + ":" + twoDigits(int(d.Minutes())%60) + ":" + twoDigits(s%60)
	}
	return strconv.Itoa(int(d.Minutes())) + ":" + twoDigits(s%60)
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
