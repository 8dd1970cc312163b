package cli

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/switchboard-pbx/switchboard/client"
	"github.com/switchboard-pbx/switchboard/internal/query"
)

// userRow is one line of `switchboard user list`.
type userRow struct {
	name, extension, email, displayName, role string
	enabled                                   bool
}

// userListCommand runs `switchboard user list`: the tenant's users, as a
// table, on the database directly or, with --server, through the API.
func userListCommand(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	o, err := parseUserFlags("list", args, stderr, getenv)
	if err != nil {
		return err
	}
	var rows []userRow
	if o.server != "" {
		rows, err = remoteUserRows(ctx, o, getenv)
	} else {
		rows, err = directUserRows(ctx, o)
	}
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "NAME\tEXTENSION\tEMAIL\tDISPLAY NAME\tROLE\tENABLED")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%t\n", r.name, r.extension, r.email, r.displayName, r.role, r.enabled)
	}
	return w.Flush()
}

// remoteUserRows pages through GET /api/users.
func remoteUserRows(ctx context.Context, o *userOpts, getenv func(string) string) ([]userRow, error) {
	c, done, err := remoteClient(ctx, o.server, getenv)
	if err != nil {
		return nil, err
	}
	defer done()
	var rows []userRow
	opts := &client.ListOptions{Filter: o.filter, Search: o.search, OrderBy: o.orderBy}
	for u, err := range client.All(ctx, c.ListUsers, opts) {
		if err != nil {
			return nil, err
		}
		rows = append(rows, userRow{u.Name, u.ExtensionNumber, u.Email, u.DisplayName, u.Role, u.Enabled})
	}
	return rows, nil
}

// directUserRows pages through the tenant's users in the database.
func directUserRows(ctx context.Context, o *userOpts) ([]userRow, error) {
	svc, closeStore, err := openService(ctx, o.db, o.dataDir, 1)
	if err != nil {
		return nil, err
	}
	defer closeStore()
	const page = 100
	var rows []userRow
	for skip := 0; ; skip += page {
		n, list, err := svc.OperatorListUsers(ctx, o.tenant, query.Params{Filter: o.filter, Search: o.search, OrderBy: o.orderBy,
			Skip: strconv.Itoa(skip), Top: strconv.Itoa(page)})
		if err != nil {
			return nil, err
		}
		for _, u := range list {
			rows = append(rows, userRow{u.Name, u.ExtensionNumber, u.Email, u.DisplayName, u.Role, u.Enabled})
		}
		if len(list) < page || skip+len(list) >= n {
			return rows, nil
		}
	}
}
