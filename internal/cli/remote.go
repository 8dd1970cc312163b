package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/directory"
)

// The credentials of the --server mode.
const (
	envToken     = "SWITCHBOARD_TOKEN"
	envAPIKey    = "SWITCHBOARD_API_KEY"
	envAPISecret = "SWITCHBOARD_API_SECRET"
)

// remoteClient returns a client of server signed in from the environment:
// an access token, or an API key's token and secret exchanged for one.
// done ends a session the exchange opened.
func remoteClient(ctx context.Context, server string, getenv func(string) string) (c *client.Client, done func(), err error) {
	c = client.New(server, client.WithUserAgent("switchboard-cli"))
	if tok := getenv(envToken); tok != "" {
		return c.With(client.WithToken(tok)), func() {}, nil
	}
	key, secret := getenv(envAPIKey), getenv(envAPISecret)
	if key == "" || secret == "" {
		return nil, nil, fmt.Errorf("--server needs %s, or %s and %s", envToken, envAPIKey, envAPISecret)
	}
	tok, err := c.APIKeyToken(ctx, key, secret)
	if err != nil {
		return nil, nil, fmt.Errorf("sign in with the API key: %w", err)
	}
	c = c.With(client.WithToken(tok.AccessToken))
	// Sign out with a context of its own: ctx may be canceled by then.
	return c, func() { _ = c.SignOut(context.WithoutCancel(ctx)) }, nil
}

// remoteCSV runs an import or export through the API of o.server.
func remoteCSV(ctx context.Context, o *userOpts, data []byte, stdout, stderr io.Writer, getenv func(string) string) error {
	c, done, err := remoteClient(ctx, o.server, getenv)
	if err != nil {
		return err
	}
	defer done()
	if o.verb == "export" {
		return c.ExportUsers(ctx, stdout)
	}
	var key [16]byte
	_, _ = rand.Read(key[:])
	job, err := c.StartUserImport(ctx, data, client.ImportOptions{DryRun: o.dryRun, IdempotencyKey: hex.EncodeToString(key[:])})
	var e *client.Error
	switch {
	case errors.As(err, &e) && e.Status == 400 && len(e.Errors) > 0 && e.Errors[0].Detail != nil && e.Errors[0].Detail.Row > 0:
		// The header's problems: the envelope names them.
		return printImportReport(stdout, importOutcome{errors: envelopeRows(e)}, o.dryRun)
	case err != nil:
		return err
	}
	bar := &progressBar{w: stderr}
	job, err = c.WaitUserImport(ctx, job.ID, pollEvery, func(j *client.ImportJob) { bar.update(j.Phase, j.Done, j.Total) })
	if err != nil {
		bar.done()
		return err
	}
	bar.finish(job.Status, job.DryRun, job.Total)
	out := jobOutcome{status: job.Status, why: job.Error}
	if r := job.Report; r != nil {
		out.report = &directory.ImportReport{DryRun: r.DryRun, Rows: r.Rows, Created: r.Created, WithoutPassword: r.WithoutPassword}
		for _, e := range r.Errors {
			out.report.Errors = append(out.report.Errors, directory.RowError{Row: e.Row, Field: e.Field, Message: e.Message})
		}
	}
	return printJob(stdout, out, o.dryRun)
}

// rowPrefix is how the API starts a row's message: "Row 3: field: ".
var rowPrefix = regexp.MustCompile(`^Row [0-9]+: `)

// envelopeRows reads the rows of an import's 400 answer.
func envelopeRows(e *client.Error) []rowError {
	var out []rowError
	for _, it := range e.Errors {
		r := rowError{message: rowPrefix.ReplaceAllString(it.Message, "")}
		if it.Detail != nil {
			r.row, r.field = it.Detail.Row, it.Detail.Field
			r.message = strings.TrimPrefix(r.message, r.field+": ")
		}
		out = append(out, r)
	}
	return out
}
