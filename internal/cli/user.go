package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/switchboard-pbx/switchboard/internal/auth"
	"github.com/switchboard-pbx/switchboard/internal/config"
	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

const userUsage = `usage:
  switchboard user reset-password [--domain DOMAIN] [--data-dir DIR] [--db URL] NAME  (new password on stdin)
  switchboard user list --tenant DOMAIN [--filter F] [--search S] [--orderby O] [--data-dir DIR] [--db URL]
  switchboard user import FILE --tenant DOMAIN [--dry-run] [--data-dir DIR] [--db URL]  (FILE - reads stdin)
  switchboard user export --tenant DOMAIN [--data-dir DIR] [--db URL]  (CSV on stdout)
  list, import and export take --server URL instead of --tenant to go through a running
  server's API, as the user of SWITCHBOARD_TOKEN (an access token) or of the API key
  SWITCHBOARD_API_KEY and SWITCHBOARD_API_SECRET, in that user's tenant`

// userCommand runs `switchboard user reset-password|list|import|export`,
// which work on the database directly (no server needed) or, but for
// reset-password, through a server's API with --server.
func userCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) > 0 && (args[0] == "import" || args[0] == "export") {
		return userCSVCommand(ctx, args, stdin, stdout, stderr, getenv)
	}
	if len(args) > 0 && args[0] == "list" {
		return userListCommand(ctx, args[1:], stdout, stderr, getenv)
	}
	if len(args) == 0 || args[0] != "reset-password" {
		return errors.New(userUsage)
	}
	fs := flag.NewFlagSet("switchboard user reset-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	domain := fs.String("domain", "", "tenant domain (default: the system tenant)")
	dataDir := fs.String("data-dir", orEnv(getenv(config.EnvDataDir), config.DefaultDataDir), "data directory")
	db := fs.String("db", getenv(config.EnvDB), "database URL")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("give exactly one user name")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read password from stdin: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return errors.New("no password on stdin")
	}
	svc, closeStore, err := openService(ctx, *db, *dataDir, 1)
	if err != nil {
		return err
	}
	defer closeStore()
	if err := svc.OperatorResetPassword(ctx, *domain, fs.Arg(0), password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s changed; their sessions have ended\n", fs.Arg(0))
	return nil
}

func orEnv(v, def string) string {
	if v != "" {
		return v
	}
	return def
}

// openService opens the database (which must be migrated) and the
// directory over it for the command line's direct actions; hashers is how
// many argon2id hashes may run at once.
func openService(ctx context.Context, db, dataDir string, hashers int) (*directory.Service, func(), error) {
	st, err := store.Open(ctx, db, dataDir)
	if err != nil {
		return nil, nil, err
	}
	if err := st.CheckSchema(ctx); err != nil {
		st.Close()
		return nil, nil, err
	}
	svc := directory.New(st, auth.NewHasher(auth.DefaultParams, hashers), slog.New(slog.NewTextHandler(io.Discard, nil)), directory.DefaultConfig())
	return svc, func() { st.Close() }, nil
}
