// Package cli implements the switchboard command line.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/app"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

const usage = `Switchboard: users and extensions of a hosted PBX.

Usage:
  switchboard serve [flags]     run the REST API, the SIP registrar and proxy
  switchboard migrate [flags]   apply database migrations and exit
  switchboard user reset-password [--domain D] NAME
                                set a user's password (read from stdin)
  switchboard user list --tenant DOMAIN [--filter F] [--search S] [--orderby O]
                                print a tenant's users as a table
  switchboard user import FILE --tenant DOMAIN [--dry-run]
                                create users from a CSV file, all or none
  switchboard user export --tenant DOMAIN
                                print a tenant's users as CSV
  (list, import and export take --server URL instead of --tenant to go
   through a running server, with SWITCHBOARD_TOKEN or SWITCHBOARD_API_KEY
   and SWITCHBOARD_API_SECRET)
  switchboard openapi           print the OpenAPI document
  switchboard version           print the version

Run "switchboard serve -h" for the flags.
`

// Main runs the command in args and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(ctx, args[1:], stdout, stderr, getenv)
	case "migrate":
		err = migrate(ctx, args[1:], stdout, stderr, getenv)
	case "user":
		err = userCommand(ctx, args[1:], stdin, stdout, stderr, getenv)
	case "openapi":
		var b []byte
		if b, err = app.OpenAPI(); err == nil {
			_, err = fmt.Fprintln(stdout, string(b))
		}
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "switchboard", app.Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "switchboard: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if errors.Is(err, config.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "switchboard:", err)
		return 1
	}
	return 0
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := config.Parse("serve", args, getenv, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.LogLevel)
	a, err := app.Start(ctx, cfg, log, app.Options{Out: stdout})
	if err != nil {
		return err
	}
	return a.Serve(ctx)
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	cfg, err := config.Parse("migrate", args, getenv, stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DB, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "migrated the %s database; schema is up to date\n", st.Dialect())
	return reportEmailDuplicates(ctx, st, stdout)
}

// reportEmailDuplicates lists the emails several users of a tenant share
// (from before emails were unique): they are kept, and the unique email
// index waits until an admin changes them and migrates again.
func reportEmailDuplicates(ctx context.Context, st *store.Store, w io.Writer) error {
	dups, err := st.EmailDuplicates(ctx)
	if err != nil || len(dups) == 0 {
		return err
	}
	fmt.Fprintf(w, "warning: %d emails are used by several users of one tenant; nothing was changed, and emails become unique (the index is created) once they are changed and `switchboard migrate` runs again:\n", len(dups))
	for _, d := range dups {
		users := make([]string, len(d.UserIDs))
		for i := range d.UserIDs {
			users[i] = d.Names[i] + " (" + d.UserIDs[i] + ")"
		}
		fmt.Fprintf(w, "  tenant %s: %s: %s\n", d.Domain, d.Email, strings.Join(users, ", "))
	}
	return nil
}
