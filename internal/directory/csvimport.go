package directory

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// userImport is one import under way: its columns' fields and the
// report. It holds no row: each pass reads the file again.
type userImport struct {
	s      *Service
	c      *Caller
	tenant *model.Tenant
	opt    ImportOptions
	cols   []string
	// heads are the file's own names of the columns, by field.
	heads map[string]string
	rep   *ImportReport
	// build remembers role grants across rows and skips hashing.
	build *userBuild
	// checker holds the check pass's keys.
	checker *checker
}

func (im *userImport) problem(row int, field, msg string) {
	if len(im.rep.Errors) < maxRowErrors {
		im.rep.Errors = append(im.rep.Errors, RowError{Row: row, Field: field, Column: im.heads[field], Message: msg})
	}
}

func (im *userImport) progress(phase string, done, total int) {
	if im.opt.Progress != nil {
		im.opt.Progress(phase, done, total)
	}
}

// newUserImport reads the header of a spooled file; a header with
// problems is an *ImportError (nothing can be checked without it).
func (s *Service) newUserImport(ctx context.Context, c *Caller, sp *spooledImport, dryRun bool) (*userImport, error) {
	tenant, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return nil, err
	}
	im := &userImport{s: s, c: c, tenant: tenant, opt: ImportOptions{DryRun: dryRun},
		rep:   &ImportReport{DryRun: dryRun, Rows: sp.rows, Errors: []RowError{}},
		build: &userBuild{noHash: true, grants: map[string]grantResult{}}}
	if im.readHeader(sp.header); len(im.rep.Errors) > 0 {
		return nil, &ImportError{Report: im.rep}
	}
	return im, nil
}

// run checks every row of the file open gives and, unless a dry run,
// creates all the users in one transaction. Problems are reported per
// row; with any problem nothing is written (an *ImportError on a real
// run).
func (im *userImport) run(ctx context.Context, open func() (io.ReadCloser, error)) (*ImportReport, error) {
	if err := im.pass(ctx, open, im.check); err != nil {
		return nil, err
	}
	im.progress(model.ImportPhaseCheck, im.rep.Rows, im.rep.Rows)
	if len(im.rep.Errors) > 0 || im.opt.DryRun {
		return im.result()
	}
	return im.write(ctx, open)
}

// pass reads the file's rows after the header, giving each to fn with
// its spreadsheet row number.
func (im *userImport) pass(ctx context.Context, open func() (io.ReadCloser, error), fn func(context.Context, int, []string) error) error {
	f, err := open()
	if err != nil {
		return err
	}
	defer f.Close()
	cr := newCSVReader(f)
	for row := 1; ; row++ {
		rec, err := readRecord(cr)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if row == 1 || blankRecord(rec) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := fn(ctx, row, rec); err != nil {
			return err
		}
	}
}

// readHeader maps the header's columns to fields, reporting unknown,
// repeated and missing ones.
func (im *userImport) readHeader(header []string) {
	im.cols, im.heads = make([]string, len(header)), map[string]string{}
	seen := map[string]bool{}
	for i, h := range header {
		f := columnFor(h)
		if f != "" && !seen[f] {
			im.heads[f] = strings.TrimSpace(h)
		}
		switch {
		case f == "":
			im.problem(1, strings.TrimSpace(h), "unknown column")
		case seen[f]:
			im.problem(1, strings.TrimSpace(h), "the column is given twice")
		}
		seen[f], im.cols[i] = true, f
	}
	for _, req := range []string{"email", "extension_number"} {
		if !seen[req] {
			im.problem(1, req, "the column is missing")
		}
	}
}

// checker is the check pass's state: the names, emails and extensions
// seen in the file (by row) and in the tenant, and the rows checked.
type checker struct {
	taken   []takenKeys
	checked int
}

// check builds a row's user as POST /api/users would, and finds the
// names, emails and extensions taken twice in the file or already in the
// tenant. It keeps no user (the write pass builds each again inside the
// transaction), only the unique keys.
func (im *userImport) check(ctx context.Context, row int, rec []string) error {
	if im.checker == nil {
		keys, err := im.s.store.TenantUserKeys(ctx, im.tenant.ID)
		if err != nil {
			return err
		}
		im.checker = &checker{taken: []takenKeys{{field: "name", file: map[string]int{}, tenant: keys.Names},
			{field: "email", file: map[string]int{}, tenant: keys.Emails},
			{field: "extension_number", file: map[string]int{}, tenant: keys.Extensions}}}
	}
	ck := im.checker
	if ck.checked%1000 == 0 {
		im.progress(model.ImportPhaseCheck, ck.checked, im.rep.Rows)
	}
	ck.checked++
	u, _, ok, err := im.checkRow(ctx, row, rec)
	if err != nil || !ok {
		return err
	}
	im.duplicate(row, u, ck.taken)
	return nil
}

// checkRow builds the user of a row, reporting its problem; ok is false
// when it has one.
func (im *userImport) checkRow(ctx context.Context, row int, rec []string) (u *model.User, password string, ok bool, err error) {
	p, password, field, err := rowPatch(im.cols, rec)
	if err != nil {
		im.problem(row, field, err.Error())
		return nil, "", false, nil
	}
	u, err = im.s.newUserWith(ctx, im.c, im.tenant, p, im.build)
	var fe *model.FieldError
	var fb *model.ForbiddenError
	switch {
	case errors.As(err, &fe):
		im.problem(row, fe.Field, fe.Message)
	case errors.As(err, &fb):
		im.problem(row, "role", fb.Message)
	case err != nil:
		return nil, "", false, err
	default:
		return u, password, true, nil
	}
	return nil, "", false, nil
}

// takenKeys are the values of one unique field seen in the file (by row)
// and in the tenant.
type takenKeys struct {
	field  string
	file   map[string]int
	tenant map[string]bool
}

// duplicate reports the row's name, email or extension taken before.
func (im *userImport) duplicate(row int, u *model.User, taken []takenKeys) bool {
	dup := false
	for _, k := range taken {
		value := map[string]string{"name": strings.ToLower(u.Name), "email": strings.ToLower(u.Email),
			"extension_number": u.ExtensionNumber}[k.field]
		if first, ok := k.file[value]; ok {
			im.problem(row, k.field, fmt.Sprintf("%q is also in row %d", value, first))
			dup = true
		} else {
			k.file[value] = row
		}
		if k.tenant[value] {
			im.problem(row, k.field, fmt.Sprintf("%q is already taken in this tenant", value))
			dup = true
		}
	}
	return dup
}

// write creates every row's user in one transaction, reading the file
// again; the passwords are hashed a batch at a time, on every core.
func (im *userImport) write(ctx context.Context, open func() (io.ReadCloser, error)) (*ImportReport, error) {
	im.checker = nil // the keys are not needed any more
	f, err := open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	feed := &userFeed{im: im, cr: newCSVReader(f)}
	e := im.c.audit("import", "user", "", fmt.Sprintf("%d users", im.rep.Rows), map[string]any{"rows": im.rep.Rows})
	progress := func(done int) { im.progress(model.ImportPhaseWrite, done, im.rep.Rows) }
	if err := im.s.store.CreateUsersFrom(store.WithAudit(ctx, e), im.rep.Rows, feed.next(ctx), progress); err != nil {
		return nil, err // a conflict: taken meanwhile by another request (409)
	}
	im.rep.Created = im.rep.Rows
	return im.rep, nil
}

// userFeed builds the write pass's users in order, a batch at a time.
type userFeed struct {
	im    *userImport
	cr    *csv.Reader
	row   int
	batch []*model.User
}

// hashBatch is how many users' passwords are hashed together.
const hashBatch = 64

func (f *userFeed) next(ctx context.Context) func(int) (*model.User, error) {
	return func(int) (*model.User, error) {
		if len(f.batch) == 0 {
			if err := f.fill(ctx); err != nil {
				return nil, err
			}
		}
		u := f.batch[0]
		f.batch[0], f.batch = nil, f.batch[1:]
		return u, nil
	}
}

// fill builds the next batch of users and hashes their passwords.
func (f *userFeed) fill(ctx context.Context) error {
	im := f.im
	var passwords []string
	for len(f.batch) < hashBatch {
		rec, err := readRecord(f.cr)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if f.row++; f.row == 1 || blankRecord(rec) {
			continue
		}
		p, password, _, err := rowPatch(im.cols, rec)
		if err != nil {
			return err
		}
		u, err := im.s.newUserWith(ctx, im.c, im.tenant, p, im.build)
		if err != nil {
			return err
		}
		if password == "" {
			im.rep.WithoutPassword++
		}
		f.batch, passwords = append(f.batch, u), append(passwords, password)
	}
	if len(f.batch) == 0 {
		return errors.New("the file changed during the import") // fewer rows than checked
	}
	hashes, err := im.s.hashAll(ctx, passwords)
	for i, h := range hashes {
		f.batch[i].PasswordHash = h
	}
	return err
}

func (im *userImport) result() (*ImportReport, error) {
	if im.opt.DryRun || len(im.rep.Errors) == 0 {
		return im.rep, nil
	}
	return nil, &ImportError{Report: im.rep}
}

// hashAll hashes the login passwords on every core; an empty password
// gets an empty hash, which never matches.
func (s *Service) hashAll(ctx context.Context, passwords []string) ([]string, error) {
	hashes := make([]string, len(passwords))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				h, err := s.hasher.Hash(ctx, passwords[i])
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				hashes[i] = h
				mu.Unlock()
			}
		}()
	}
	for i, p := range passwords {
		if p != "" {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	return hashes, first
}
