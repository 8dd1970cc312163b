package portal

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

func (p *Portal) importPage(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if !c.Allowed(directory.PermUsers) {
		p.fail(w, r, c, model.ErrForbidden)
		return
	}
	p.render(w, r, http.StatusOK, "import", &page{Title: "Import users", Nav: "users", Me: c})
}

func (p *Portal) exportUsers(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	var buf bytes.Buffer
	if err := p.d.ExportUsers(r.Context(), c, &buf); err != nil {
		p.fail(w, r, c, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="users.csv"`)
	_, _ = w.Write(buf.Bytes())
}

// maxImportUpload bounds an uploaded CSV file, as the API does.
const maxImportUpload = 64 << 20

func (p *Portal) importUsers(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	f, _, err := r.FormFile("file")
	if err != nil {
		p.render(w, r, formRejected, "import", &page{Title: "Import users", Nav: "users", Me: c, Error: "Choose a CSV file."})
		return
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(f); err != nil {
		p.fail(w, r, c, err)
		return
	}
	dry := r.FormValue("action") != "import"
	p.streamImport(w, r, c, buf.Bytes(), dry)
}

// streamImport answers with the page at once, then a progress bar that
// grows as rows are checked and written (each step a new <progress>; CSS
// shows the last), then the report: no script needed.
func (p *Portal) streamImport(w http.ResponseWriter, r *http.Request, c *directory.Caller, data []byte, dry bool) {
	t := p.pages["importrun"]
	pg := &page{Title: "Import users", Nav: "users", Me: c, CSRF: p.csrf(w, r), Path: r.URL.Path, Admin: true}
	pg.System = c.Allowed(directory.PermTenants)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	flusher, _ := w.(http.Flusher)
	if err := t.ExecuteTemplate(w, "importhead", pg); err != nil {
		p.log.Error("render", "error", err)
		return
	}
	if flusher != nil {
		flusher.Flush()
	}
	step := func(phase string, done, total int) {
		verb := "checked"
		if phase == "write" {
			verb = "written"
		}
		fmt.Fprintf(w, `<div class="step"><label>%d of %d rows %s <progress value="%d" max="%d">%d%%</progress></label></div>`+"\n",
			done, total, verb, done, total, done*100/max(total, 1))
		if flusher != nil {
			flusher.Flush()
		}
	}
	rep, err := p.d.ImportUsers(r.Context(), c, data, directory.ImportOptions{DryRun: dry, Progress: step})
	var ie *directory.ImportError
	res := &importResult{DryRun: dry}
	switch {
	case errors.As(err, &ie):
		res.Report = ie.Report
	case err != nil:
		if errs, ok := fieldErrors(err); ok {
			res.Problem = firstErrorText(errs)
		} else {
			p.log.Error("portal import", "error", err)
			res.Problem = "The import failed; it has been logged."
		}
	default:
		res.Report = rep
	}
	pg.Data = res
	if err := t.ExecuteTemplate(w, "importtail", pg); err != nil {
		p.log.Error("render", "error", err)
	}
}

type importResult struct {
	DryRun  bool
	Report  *directory.ImportReport
	Problem string
}
