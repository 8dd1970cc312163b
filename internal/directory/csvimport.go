package directory

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// userImport is one import under way: the file's rows, its columns' fields
// and the report.
type userImport struct {
	s      *Service
	c      *Caller
	tenant *model.Tenant
	opt    ImportOptions
	rows   [][]string
	cols   []string
	rep    *ImportReport
	// build remembers role grants across rows and skips hashing.
	build *userBuild
}

func (im *userImport) problem(row int, field, msg string) {
	if len(im.rep.Errors) < maxRowErrors {
		im.rep.Errors = append(im.rep.Errors, RowError{Row: row, Field: field, Message: msg})
	}
}

func (im *userImport) progress(phase string, done, total int) {
	if im.opt.Progress != nil {
		im.opt.Progress(phase, done, total)
	}
}

// ImportUsers checks every row of a CSV file and, unless a dry run, creates
// all the users in one transaction. Problems are reported per row; with any
// problem nothing is written (an *ImportError on a real run).
func (s *Service) ImportUsers(ctx context.Context, c *Caller, data []byte, opt ImportOptions) (*ImportReport, error) {
	if err := c.require(PermUsers); err != nil {
		return nil, err
	}
	tenant, err := s.store.GetTenant(ctx, c.TenantID)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(data) {
		return nil, model.Invalid("body", "is not UTF-8 text")
	}
	rows, err := readCSV(data)
	if err != nil {
		return nil, err
	}
	im := &userImport{s: s, c: c, tenant: tenant, opt: opt, rows: rows,
		rep:   &ImportReport{DryRun: opt.DryRun, Rows: len(rows) - 1, Errors: []RowError{}},
		build: &userBuild{noHash: true, grants: map[string]grantResult{}}}
	if im.readHeader(); len(im.rep.Errors) > 0 {
		return im.result()
	}
	good, passwords, err := im.check(ctx)
	if err != nil {
		return nil, err
	}
	if len(im.rep.Errors) > 0 || opt.DryRun {
		return im.result()
	}
	return im.write(ctx, good, passwords)
}

// readHeader maps the header's columns to fields, reporting unknown,
// repeated and missing ones.
func (im *userImport) readHeader() {
	header := im.rows[0]
	im.cols = make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		f := columnFor(h)
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

// check builds every row's user as POST /api/users would, and finds the
// names, emails and extensions taken twice in the file or already in the
// tenant. It keeps no user: only which rows are good and their passwords
// (the write pass builds each user again inside the transaction, so an
// import never holds all its users in memory).
func (im *userImport) check(ctx context.Context) (good []int, passwords []string, err error) {
	keys, err := im.s.store.TenantUserKeys(ctx, im.tenant.ID)
	if err != nil {
		return nil, nil, err
	}
	total := len(im.rows) - 1
	good, passwords = make([]int, 0, total), make([]string, 0, total)
	taken := []takenKeys{{field: "name", file: map[string]int{}, tenant: keys.Names},
		{field: "email", file: map[string]int{}, tenant: keys.Emails},
		{field: "extension_number", file: map[string]int{}, tenant: keys.Extensions}}
	for i, rec := range im.rows[1:] {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		if i%1000 == 0 {
			im.progress("check", i, total)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			im.rep.Rows--
			continue // a blank line
		}
		u, password, ok, err := im.checkRow(ctx, i+2, rec)
		if err != nil {
			return nil, nil, err
		}
		if ok && !im.duplicate(i+2, u, taken) {
			good, passwords = append(good, i+1), append(passwords, password)
		}
	}
	im.progress("check", total, total)
	return good, passwords, nil
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

// write hashes the passwords and creates the good rows' users in one
// transaction.
func (im *userImport) write(ctx context.Context, good []int, passwords []string) (*ImportReport, error) {
	hashes, err := im.s.hashAll(ctx, passwords)
	if err != nil {
		return nil, err
	}
	for _, p := range passwords {
		if p == "" {
			im.rep.WithoutPassword++
		}
	}
	e := im.c.audit("import", "user", "", fmt.Sprintf("%d users", len(good)), map[string]any{"rows": im.rep.Rows})
	var progress func(int)
	if im.opt.Progress != nil {
		progress = func(done int) { im.opt.Progress("write", done, len(good)) }
	}
	next := func(i int) (*model.User, error) {
		p, _, _, err := rowPatch(im.cols, im.rows[good[i]])
		if err != nil {
			return nil, err
		}
		u, err := im.s.newUserWith(ctx, im.c, im.tenant, p, im.build)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = hashes[i]
		return u, nil
	}
	if err := im.s.store.CreateUsersFrom(store.WithAudit(ctx, e), len(good), next, progress); err != nil {
		return nil, err // a conflict: taken meanwhile by another request (409)
	}
	im.rep.Created = len(good)
	return im.rep, nil
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

// rowReader builds the body of a new user from a row's cells.
type rowReader struct {
	p                   *UserPatch
	password            string
	voicemail, followMe *bool
}

// rowPatch turns a row into the body of a new user, and its login
// password ("" if none); a cell that cannot be read is refused naming its
// column's field.
func rowPatch(cols []string, rec []string) (p *UserPatch, password, field string, err error) {
	if len(rec) > len(cols) {
		return nil, "", "", errors.New("the row has more cells than the header")
	}
	r := &rowReader{p: NewPatch(UserInput{})}
	for i, raw := range rec {
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if !secretColumns[cols[i]] {
			raw = fromTextCell(raw) // passwords are never exported, so never escaped
		}
		if err := r.cell(cols[i], raw); err != nil {
			return nil, "", cols[i], err
		}
	}
	if err := r.finish(); err != nil {
		return nil, "", "", err
	}
	return r.p, r.password, "", nil
}

// cell reads one non-empty cell of column f.
func (r *rowReader) cell(f, raw string) error {
	v := strings.TrimSpace(raw)
	switch f {
	case "password":
		r.password = raw
		return r.p.Set("password", raw)
	case "role":
		switch strings.ToLower(v) {
		case "administrator":
			v = model.RoleAdmin
		case "normal":
			v = model.RoleStandardUser
		}
		return r.p.Set("role", v)
	case "cli":
		return r.p.Set("outbound_caller_ids", []model.OutboundCallerID{{CallerID: v, Preferred: true}})
	case "voicemail":
		b, ok := parseBool(v)
		if !ok {
			return errors.New("must be yes or no")
		}
		r.voicemail = &b
		return nil
	case "follow_me":
		if !strings.HasPrefix(v, "{") {
			b, ok := parseBool(v)
			if !ok {
				return errors.New("must be yes or no, or a JSON object")
			}
			r.followMe = &b
			return nil
		}
	}
	switch userFieldKinds[f] {
	case kindString:
		return r.p.Set(f, v)
	case kindBool:
		b, ok := parseBool(v)
		if !ok {
			return errors.New("must be yes or no")
		}
		return r.p.Set(f, b)
	case kindInt:
		n, err := strconv.Atoi(v)
		if err != nil {
			return errors.New("must be a whole number")
		}
		return r.p.Set(f, n)
	}
	if err := r.p.SetJSON(f, []byte(v)); err != nil {
		return errors.New("must be JSON")
	}
	return nil
}

// finish fills what the row implies: the username from the email, Follow
// Me's number, no voicemail, and an empty password.
func (r *rowReader) finish() error {
	p := r.p
	var errs []error
	set := func(path string, v any) { errs = append(errs, p.Set(path, v)) }
	if !p.Has("name") {
		// Without a username column the name is the email's local part.
		if local, _, ok := strings.Cut(p.Value.Email, "@"); ok && local != "" {
			set("name", strings.ToLower(local))
		}
	}
	if r.followMe != nil {
		// "follow me: yes" rings the mobile number too.
		set("follow_me.enabled", *r.followMe)
		if mobile := p.Value.MobilePhone; mobile != "" {
			set("follow_me.numbers", []string{mobile})
		}
	}
	if r.voicemail != nil && !*r.voicemail {
		// No voicemail: the rules that would reach it refuse instead.
		for _, k := range []string{"busy_office_hours_forward_rule", "busy_non_office_hours_forward_rule",
			"dnd_office_hours_forward_rule", "dnd_non_office_hours_forward_rule",
			"offline_office_hours_forward_rule", "offline_non_office_hours_forward_rule"} {
			if !p.Has(k) {
				set(k+".action", "HANG_UP")
			}
		}
		for _, k := range []string{"available_no_answer_forward_rule", "busy_no_answer_forward_rule"} {
			if !p.Has(k) {
				set(k+".action", "RING_EXTENSION")
			}
		}
	}
	if r.password == "" {
		// An import may leave the password out (an export has none): the
		// user cannot sign in until one is set.
		set("password", "")
	}
	return errors.Join(errs...)
}
