package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/switchboard-pbx/switchboard/internal/config"
)

// userOpts are the flags and arguments of `switchboard user
// import|export|list`.
type userOpts struct {
	verb           string
	tenant         string
	dryRun         bool
	dataDir, db    string
	server         string
	filter, search string
	orderBy        string
	args           []string // what is not a flag (the import's file)
}

// parseUserFlags reads the flags of verb; flags may come after the file
// name.
func parseUserFlags(verb string, args []string, stderr io.Writer, getenv func(string) string) (*userOpts, error) {
	o := &userOpts{verb: verb}
	fs := flag.NewFlagSet("switchboard user "+verb, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.tenant, "tenant", "", "tenant domain (required without --server)")
	fs.StringVar(&o.dataDir, "data-dir", orEnv(getenv(config.EnvDataDir), config.DefaultDataDir), "data directory")
	fs.StringVar(&o.db, "db", getenv(config.EnvDB), "database URL")
	fs.StringVar(&o.server, "server", "", "base URL of a running server (the token's tenant; token from "+envToken+" or "+envAPIKey+" and "+envAPISecret+")")
	switch verb {
	case "import":
		fs.BoolVar(&o.dryRun, "dry-run", false, "check every row and report; change nothing")
	case "list":
		fs.StringVar(&o.filter, "filter", "", "filter expression, e.g. \"enabled eq true\"")
		fs.StringVar(&o.search, "search", "", "words to search for")
		fs.StringVar(&o.orderBy, "orderby", "", "field [asc|desc], comma-separated")
	}
	argv := args
	for len(argv) > 0 {
		if err := fs.Parse(argv); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		o.args = append(o.args, fs.Arg(0))
		argv = fs.Args()[1:]
	}
	return o, o.check()
}

// check refuses flag combinations that cannot work.
func (o *userOpts) check() error {
	switch {
	case o.server != "" && o.tenant != "":
		return errors.New("--tenant is for the database; with --server the token's tenant is used\n" + userUsage)
	case o.server == "" && o.tenant == "":
		return errors.New("--tenant DOMAIN is required (or --server URL)\n" + userUsage)
	case o.verb == "import" && len(o.args) != 1:
		return errors.New("give exactly one file (- for stdin)\n" + userUsage)
	case o.verb != "import" && len(o.args) != 0:
		return errors.New(userUsage)
	}
	return nil
}

// readImportFile reads the file of an import (- for stdin), bounded.
func readImportFile(name string, stdin io.Reader) ([]byte, error) {
	in := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, maxImportFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxImportFile {
		return nil, fmt.Errorf("the file is larger than %d MiB", maxImportFile>>20)
	}
	return data, nil
}
