package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// maxImportFile bounds the file an import reads.
const maxImportFile = 64 << 20

// userCSVCommand runs `switchboard user import|export`, on the database
// directly or, with --server, through a running server's API.
func userCSVCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	o, err := parseUserFlags(args[0], args[1:], stderr, getenv)
	if err != nil {
		return err
	}
	var data []byte
	if o.verb == "import" {
		if data, err = readImportFile(o.args[0], stdin); err != nil {
			return err
		}
	}
	if o.server != "" {
		return remoteCSV(ctx, o, data, stdout, stderr, getenv)
	}
	svc, closeStore, err := openService(ctx, o.db, o.dataDir, 2)
	if err != nil {
		return err
	}
	defer closeStore()
	if o.verb == "export" {
		return svc.OperatorExportUsers(ctx, o.tenant, stdout)
	}
	defer svc.StopImports(ctx)
	job, err := svc.OperatorStartUserImport(ctx, o.tenant, bytes.NewReader(data), directory.StartImportOptions{DryRun: o.dryRun})
	if err != nil {
		var ie *directory.ImportError
		if errors.As(err, &ie) { // the header's problems
			return printImportReport(stdout, importOutcome{rows: ie.Report.Rows, errors: rowErrors(ie.Report.Errors)}, o.dryRun)
		}
		return err
	}
	bar := &progressBar{w: stderr}
	for job.Active() {
		bar.update(job.Phase, job.Done, job.Total)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pollEvery):
		}
		if job, err = svc.OperatorUserImportJob(ctx, o.tenant, job.ID); err != nil {
			return err
		}
	}
	bar.finish(job.Status, job.DryRun, job.Total)
	return printJob(stdout, jobOutcome{status: job.Status, report: job.Report, why: job.Error}, o.dryRun)
}

// pollEvery is how often an import's job is read (more often costs the
// server more than it shows).
const pollEvery = 250 * time.Millisecond

// jobOutcome is how an import job ended, in either mode.
type jobOutcome struct {
	status string
	report *directory.ImportReport
	why    string
}

// printJob prints a finished job's report, or why it failed.
func printJob(stdout io.Writer, j jobOutcome, dryRun bool) error {
	if j.report == nil {
		fmt.Fprintf(stdout, "the import failed: %s\n", j.why)
		return errors.New("the import failed")
	}
	rep := j.report
	err := printImportReport(stdout, importOutcome{rows: rep.Rows, created: rep.Created, withoutPassword: rep.WithoutPassword,
		errors: rowErrors(rep.Errors)}, dryRun)
	if err == nil && j.status == model.ImportFailed {
		return errors.New("the import failed: " + j.why)
	}
	return err
}

// rowError is one bad row of a file, as both modes report it.
type rowError struct {
	row            int
	field, message string
}

// importOutcome is what an import found and did, in either mode.
type importOutcome struct {
	rows, created, withoutPassword int
	errors                         []rowError
}

func rowErrors(in []directory.RowError) []rowError {
	out := make([]rowError, len(in))
	for i, e := range in {
		out[i] = rowError{e.Row, e.Field, e.Message}
	}
	return out
}

// printImportReport prints every bad row and the outcome; it returns an
// error when the file has problems.
func printImportReport(stdout io.Writer, rep importOutcome, dryRun bool) error {
	for _, e := range rep.errors {
		field := ""
		if e.field != "" {
			field = e.field + ": "
		}
		fmt.Fprintf(stdout, "row %d: %s%s\n", e.row, field, e.message)
	}
	switch {
	case len(rep.errors) > 0 && dryRun:
		fmt.Fprintf(stdout, "dry run: %d rows, %d problems; nothing changed\n", rep.rows, len(rep.errors))
		return errors.New("the file has problems")
	case len(rep.errors) > 0:
		fmt.Fprintf(stdout, "%d rows, %d problems; nothing was imported\n", rep.rows, len(rep.errors))
		return errors.New("the file has problems")
	case dryRun:
		fmt.Fprintf(stdout, "dry run: %d rows, all valid; nothing changed\n", rep.rows)
	default:
		fmt.Fprintf(stdout, "imported %d users", rep.created)
		if rep.withoutPassword > 0 {
			fmt.Fprintf(stdout, " (%d without a password: they cannot sign in until one is set)", rep.withoutPassword)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}

// progressBar draws "check [#####     ] 50%" on one line of stderr, at
// most ten times a second.
type progressBar struct {
	w     io.Writer
	last  time.Time
	drawn bool
}

func (p *progressBar) update(phase string, done, total int) {
	phase = strings.ToLower(phase)
	if total == 0 || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	n := done * width / total
	fmt.Fprintf(p.w, "\r%-5s [%s%s] %3d%% %d/%d", phase, strings.Repeat("#", n), strings.Repeat(" ", width-n), done*100/total, done, total)
	p.drawn = true
}

// finish draws the last phase whole (polling may miss its end) and ends
// the line.
func (p *progressBar) finish(status string, dryRun bool, total int) {
	switch {
	case status == model.ImportSucceeded && !dryRun:
		p.update(model.ImportPhaseWrite, total, total)
	case status == model.ImportSucceeded:
		p.update(model.ImportPhaseCheck, total, total)
	}
	p.done()
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
