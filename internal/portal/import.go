package portal

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// importForm is what the import page's form carries besides the file: a
// fresh idempotency key, so that the same form sent twice (a double click,
// a reload) starts one job.
type importForm struct{ Key string }

func (p *Portal) importPage(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	if !c.Allowed(directory.PermUsers) {
		p.fail(w, r, c, model.ErrForbidden)
		return
	}
	p.render(w, r, http.StatusOK, "import", &page{Title: "Import users", Nav: "users", Me: c, Data: newImportForm()})
}

func newImportForm() importForm {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return importForm{Key: hex.EncodeToString(b[:])}
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
const maxImportUpload = directory.MaxImportBytes

// importUsers starts an import job with the uploaded file and sends the
// browser to the job's page; a file that cannot be read is reported at
// once.
func (p *Portal) importUsers(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	f, _, err := r.FormFile("file")
	if err != nil {
		p.render(w, r, formRejected, "import", &page{Title: "Import users", Nav: "users", Me: c, Error: "Choose a CSV file.", Data: newImportForm()})
		return
	}
	defer f.Close()
	opt := directory.StartImportOptions{DryRun: r.FormValue("action") != "import", IdempotencyKey: r.FormValue("idempotency_key")}
	job, err := p.d.StartUserImport(r.Context(), c, f, opt)
	var ie *directory.ImportError
	var ce *model.ConflictError
	var tl *directory.TooLargeError
	res := &importResult{}
	switch {
	case err == nil:
		redirect(w, r, "/users/import/jobs/"+job.ID)
		return
	case errors.As(err, &ie):
		res.Report = ie.Report
	case errors.As(err, &ce):
		p.render(w, r, formRejected, "import", &page{Title: "Import users", Nav: "users", Me: c, Error: sentence(ce.Message), Data: newImportForm()})
		return
	case errors.As(err, &tl):
		res.Problem = sentence(tl.Error())
	default:
		errs, ok := fieldErrors(err)
		if !ok {
			p.fail(w, r, c, err)
			return
		}
		res.Problem = firstErrorText(errs)
	}
	p.render(w, r, formRejected, "importjob", &page{Title: "Import users", Nav: "users", Me: c, Data: res})
}

// importJob shows a job's progress, reloading while it runs, then its
// report.
func (p *Portal) importJob(w http.ResponseWriter, r *http.Request, c *directory.Caller) {
	job, err := p.d.UserImportJob(r.Context(), c, r.PathValue("id"))
	if err != nil {
		p.fail(w, r, c, err)
		return
	}
	pg := &page{Title: "Import users", Nav: "users", Me: c, Data: &importResult{Job: job, Report: job.Report}}
	if job.Active() {
		pg.Refresh = 1
	}
	p.render(w, r, http.StatusOK, "importjob", pg)
}

// importResult is what the job page shows: the job, its report, or why
// the file could not be read.
type importResult struct {
	Job     *model.ImportJob
	Report  *directory.ImportReport
	Problem string
}
