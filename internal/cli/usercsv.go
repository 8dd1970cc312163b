package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
)

// maxImportFile bounds the file an import reads.
const maxImportFile = 64 << 20

// userCSVCommand runs `switchboard user import|export`.
func userCSVCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	verb := args[0]
	fs := flag.NewFlagSet("switchboard user "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	tenant := fs.String("tenant", "", "tenant domain (required)")
	dryRun := fs.Bool("dry-run", false, "check every row and report; change nothing (import)")
	dataDir := fs.String("data-dir", orEnv(getenv(config.EnvDataDir), config.DefaultDataDir), "data directory")
	db := fs.String("db", getenv(config.EnvDB), "database URL")
	// Flags may come after the file name.
	var rest []string
	argv := args[1:]
	for len(argv) > 0 {
		if err := fs.Parse(argv); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		argv = fs.Args()[1:]
	}
	if *tenant == "" {
		return errors.New("--tenant DOMAIN is required\n" + userUsage)
	}
	var data []byte
	if verb == "import" {
		if len(rest) != 1 {
			return errors.New("give exactly one file (- for stdin)\n" + userUsage)
		}
		in := stdin
		if rest[0] != "-" {
			f, err := os.Open(rest[0])
			if err != nil {
				return err
			}
			defer f.Close()
			in = f
		}
		var err error
		if data, err = io.ReadAll(io.LimitReader(in, maxImportFile+1)); err != nil {
			return err
		}
		if len(data) > maxImportFile {
			return fmt.Errorf("the file is larger than %d MiB", maxImportFile>>20)
		}
	} else if len(rest) != 0 {
		return errors.New(userUsage)
	}
	svc, closeStore, err := openService(ctx, *db, *dataDir, 2)
	if err != nil {
		return err
	}
	defer closeStore()
	if verb == "export" {
		return svc.OperatorExportUsers(ctx, *tenant, stdout)
	}
	bar := &progressBar{w: stderr}
	rep, err := svc.OperatorImportUsers(ctx, *tenant, data, directory.ImportOptions{DryRun: *dryRun, Progress: bar.update})
	bar.done()
	var ie *directory.ImportError
	if errors.As(err, &ie) {
		rep = ie.Report
	} else if err != nil {
		return err
	}
	for _, e := range rep.Errors {
		field := ""
		if e.Field != "" {
			field = e.Field + ": "
		}
		fmt.Fprintf(stdout, "row %d: %s%s\n", e.Row, field, e.Message)
	}
	switch {
	case len(rep.Errors) > 0 && *dryRun:
		fmt.Fprintf(stdout, "dry run: %d rows, %d problems; nothing changed\n", rep.Rows, len(rep.Errors))
		return errors.New("the file has problems")
	case len(rep.Errors) > 0:
		fmt.Fprintf(stdout, "%d rows, %d problems; nothing was imported\n", rep.Rows, len(rep.Errors))
		return errors.New("the file has problems")
	case *dryRun:
		fmt.Fprintf(stdout, "dry run: %d rows, all valid; nothing changed\n", rep.Rows)
	default:
		fmt.Fprintf(stdout, "imported %d users", rep.Created)
		if rep.WithoutPassword > 0 {
			fmt.Fprintf(stdout, " (%d without a password: they cannot sign in until one is set)", rep.WithoutPassword)
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
	if total == 0 || (time.Since(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	n := done * width / total
	fmt.Fprintf(p.w, "\r%-5s [%s%s] %3d%% %d/%d", phase, strings.Repeat("#", n), strings.Repeat(" ", width-n), done*100/total, done, total)
	p.drawn = true
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
