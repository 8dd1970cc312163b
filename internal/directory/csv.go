package directory

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
	"github.com/switchboard-pbx/switchboard/internal/store"
)

// CSV import and export of a tenant's users.
//
// Two header sets are understood, matched without regard to case, spaces,
// underscores or hyphens:
//   - the admin manual's: email, first name, last name, extension, password;
//     optional forum alias (the username), role (Administrator or Normal,
//     or any role name), mobile, CLI (the preferred outbound caller ID),
//     voicemail, call waiting and follow me (yes/no);
//   - the full format, which export writes: one column per user field by
//     its API name (name, extension_number, email, ..., follow_me), scalars
//     as text, booleans as yes/no, objects and lists as JSON.
//
// A row is checked by the same validation as POST /api/users.

// MaxImportRows bounds one import.
const MaxImportRows = 200000

// ImportOptions tune ImportUsers.
type ImportOptions struct {
	DryRun bool
	// Progress, when set, hears how many rows are checked, then written,
	// out of the total (phase "check" or "write").
	Progress func(phase string, done, total int)
}

// RowError is one problem of an import: its row as a spreadsheet numbers
// it (the header is row 1), the column's field, and the reason.
type RowError struct {
	Row     int    `json:"row" doc:"Row number as a spreadsheet shows it; the header is row 1"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// ImportReport says what an import found and did.
type ImportReport struct {
	DryRun bool `json:"dry_run"`
	// Rows is how many user rows the file has.
	Rows int `json:"rows"`
	// Created is how many users were created (0 on a dry run or on errors).
	Created int `json:"created"`
	// WithoutPassword counts users created without a login password: they
	// cannot sign in until one is set.
	WithoutPassword int        `json:"without_password"`
	Errors          []RowError `json:"errors"`
}

// ImportError is an import refused for its rows' problems; nothing was
// written.
type ImportError struct{ Report *ImportReport }

func (e *ImportError) Error() string {
	return fmt.Sprintf("the file has %d problems; nothing was imported", len(e.Report.Errors))
}

// maxRowErrors bounds the problems reported (the rest are counted).
const maxRowErrors = 1000

type fieldKind int

const (
	kindString fieldKind = iota
	kindBool
	kindInt
	kindJSON
)

var userFieldKinds = func() map[string]fieldKind {
	m := map[string]fieldKind{}
	for _, f := range model.JSONFields(reflect.TypeOf(model.User{})) {
		switch f.Field.Type.Kind() {
		case reflect.String:
			m[f.Name] = kindString
		case reflect.Bool:
			m[f.Name] = kindBool
		case reflect.Int, reflect.Int32, reflect.Int64:
			m[f.Name] = kindInt
		default:
			m[f.Name] = kindJSON
		}
	}
	return m
}()

// exportColumns are the full format's columns, in order: identity first,
// then every other field a user can be created with, without secrets.
var exportColumns = func() []string {
	first := []string{"name", "extension_number", "email", "first_name", "last_name", "display_name", "role", "enabled"}
	seen := keySet(first)
	rest := []string{}
	for k := range createKeys {
		if !seen[k] && !secretColumns[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(first, rest...)
}()

// secretColumns are never exported (the PINs are secrets like passwords;
// files are not part of the format).
var secretColumns = keySet([]string{"password", "extension_password", "voicemail_pin", "oncall_pin", "avatar"})

// normHeader folds a header for matching: lower case, without spaces,
// underscores and hyphens.
func normHeader(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		if r == ' ' || r == '_' || r == '-' || unicode.IsSpace(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// seedColumns are the admin manual's headers and what they set.
var seedColumns = map[string]string{
	"email": "email", "firstname": "first_name", "lastname": "last_name", "extension": "extension_number",
	"password": "password", "forumalias": "name", "username": "name", "role": "role", "mobile": "mobile_phone",
	"cli": "cli", "voicemail": "voicemail", "callwaiting": "enable_call_waiting", "followme": "follow_me",
}

// columnFor maps a header to the field it sets ("" if unknown).
func columnFor(h string) string {
	n := normHeader(h)
	if f, ok := seedColumns[n]; ok {
		return f
	}
	for k := range createKeys {
		if normHeader(k) == n && !secretColumns[k] || k == "extension_password" && normHeader(k) == n {
			return k
		}
	}
	return ""
}

// parseBool reads yes/no, true/false, y/n, 1/0.
func parseBool(v string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "yes", "y", "true", "1", "on":
		return true, true
	case "no", "n", "false", "0", "off":
		return false, true
	}
	return false, false
}

// readCSV reads the file: UTF-8 with or without BOM, comma or semicolon
// (whichever the header line has more of).
func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	line := data
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		line = data[:i]
	}
	r := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, model.Invalid("body", "row %d is not valid CSV: %v", pe.Line, pe.Err)
			}
			return nil, model.Invalid("body", "is not valid CSV")
		}
		if len(rows) > MaxImportRows {
			return nil, model.Invalid("body", "has more than %d rows", MaxImportRows)
		}
		rows = append(rows, rec)
	}
	if len(rows) == 0 {
		return nil, model.Invalid("body", "is empty: the first row must name the columns")
	}
	return rows, nil
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
	rep := &ImportReport{DryRun: opt.DryRun, Rows: len(rows) - 1, Errors: []RowError{}}
	add := func(row int, field, msg string) {
		if len(rep.Errors) < maxRowErrors {
			rep.Errors = append(rep.Errors, RowError{Row: row, Field: field, Message: msg})
		}
	}
	header := rows[0]
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		f := columnFor(h)
		switch {
		case f == "":
			add(1, strings.TrimSpace(h), "unknown column")
		case seen[f]:
			add(1, strings.TrimSpace(h), "the column is given twice")
		}
		seen[f], cols[i] = true, f
	}
	for _, req := range []string{"email", "extension_number"} {
		if !seen[req] {
			add(1, req, "the column is missing")
		}
	}
	if len(rep.Errors) > 0 {
		return s.importResult(rep, opt)
	}
	keys, err := s.store.TenantUserKeys(ctx, tenant.ID)
	if err != nil {
		return nil, err
	}
	// The check pass keeps no user: only which rows are good and their
	// passwords; the write pass builds each user again inside the
	// transaction, so an import never holds all its users in memory.
	b := &userBuild{noHash: true, grants: map[string]grantResult{}}
	good := make([]int, 0, len(rows)-1) // indexes in rows
	passwords := make([]string, 0, len(rows)-1)
	fileNames, fileEmails, fileExts := map[string]int{}, map[string]int{}, map[string]int{}
	for i, rec := range rows[1:] {
		row := i + 2
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if opt.Progress != nil && i%1000 == 0 {
			opt.Progress("check", i, len(rows)-1)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			rep.Rows--
			continue // a blank line
		}
		m, password, field, err := rowMembers(cols, rec)
		if err != nil {
			add(row, field, err.Error())
			continue
		}
		u, err := s.newUserWith(ctx, c, tenant, m, b)
		if err != nil {
			var fe *model.FieldError
			var fb *model.ForbiddenError
			switch {
			case errors.As(err, &fe):
				add(row, fe.Field, fe.Message)
			case errors.As(err, &fb):
				add(row, "role", fb.Message)
			default:
				return nil, err
			}
			continue
		}
		dup := false
		for _, k := range []struct {
			field, value string
			file         map[string]int
			tenant       map[string]bool
		}{
			{"name", strings.ToLower(u.Name), fileNames, keys.Names},
			{"email", strings.ToLower(u.Email), fileEmails, keys.Emails},
			{"extension_number", u.ExtensionNumber, fileExts, keys.Extensions},
		} {
			if first, ok := k.file[k.value]; ok {
				add(row, k.field, fmt.Sprintf("%q is also in row %d", k.value, first))
				dup = true
			} else {
				k.file[k.value] = row
			}
			if k.tenant[k.value] {
				add(row, k.field, fmt.Sprintf("%q is already taken in this tenant", k.value))
				dup = true
			}
		}
		if !dup {
			good = append(good, i+1)
			passwords = append(passwords, password)
		}
	}
	if opt.Progress != nil {
		opt.Progress("check", len(rows)-1, len(rows)-1)
	}
	if len(rep.Errors) > 0 || opt.DryRun {
		return s.importResult(rep, opt)
	}
	hashes, err := s.hashAll(ctx, passwords)
	if err != nil {
		return nil, err
	}
	for _, p := range passwords {
		if p == "" {
			rep.WithoutPassword++
		}
	}
	e := c.audit("import", "user", "", fmt.Sprintf("%d users", len(good)), map[string]any{"rows": rep.Rows})
	var progress func(int)
	if opt.Progress != nil {
		progress = func(done int) { opt.Progress("write", done, len(good)) }
	}
	next := func(i int) (*model.User, error) {
		m, _, _, err := rowMembers(cols, rows[good[i]])
		if err != nil {
			return nil, err
		}
		u, err := s.newUserWith(ctx, c, tenant, m, b)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = hashes[i]
		return u, nil
	}
	if err := s.store.CreateUsersFrom(store.WithAudit(ctx, e), len(good), next, progress); err != nil {
		return nil, err // a conflict: taken meanwhile by another request (409)
	}
	rep.Created = len(good)
	return rep, nil
}

func (s *Service) importResult(rep *ImportReport, opt ImportOptions) (*ImportReport, error) {
	if opt.DryRun || len(rep.Errors) == 0 {
		return rep, nil
	}
	return nil, &ImportError{Report: rep}
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

// rowMembers turns a row into the JSON members of a new user, and its
// login password ("" if none).
func rowMembers(cols []string, rec []string) (m map[string]json.RawMessage, password, field string, err error) {
	m = map[string]json.RawMessage{}
	set := func(k string, v any) {
		raw, _ := json.Marshal(v)
		m[k] = raw
	}
	if len(rec) > len(cols) {
		return nil, "", "", errors.New("the row has more cells than the header")
	}
	var voicemail, followMe *bool
	for i, raw := range rec {
		f, v := cols[i], strings.TrimSpace(raw)
		if v == "" {
			continue
		}
		switch f {
		case "password":
			password = raw
			set("password", raw)
			continue
		case "role":
			switch strings.ToLower(v) {
			case "administrator":
				v = model.RoleAdmin
			case "normal":
				v = model.RoleStandardUser
			}
			set("role", v)
			continue
		case "cli":
			set("outbound_caller_ids", []model.OutboundCallerID{{CallerID: v, Preferred: true}})
			continue
		case "voicemail":
			b, ok := parseBool(v)
			if !ok {
				return nil, "", f, errors.New("must be yes or no")
			}
			voicemail = &b
			continue
		case "follow_me":
			if !strings.HasPrefix(v, "{") {
				b, ok := parseBool(v)
				if !ok {
					return nil, "", f, errors.New("must be yes or no, or a JSON object")
				}
				followMe = &b
				continue
			}
		}
		switch userFieldKinds[f] {
		case kindString:
			set(f, v)
		case kindBool:
			b, ok := parseBool(v)
			if !ok {
				return nil, "", f, errors.New("must be yes or no")
			}
			set(f, b)
		case kindInt:
			n, err := strconv.Atoi(v)
			if err != nil {
				return nil, "", f, errors.New("must be a whole number")
			}
			set(f, n)
		default:
			if !json.Valid([]byte(v)) {
				return nil, "", f, errors.New("must be JSON")
			}
			m[f] = json.RawMessage(v)
		}
	}
	if _, ok := m["name"]; !ok {
		// Without a username column the name is the email's local part.
		var email string
		if raw, ok := m["email"]; ok {
			_ = json.Unmarshal(raw, &email)
		}
		if local, _, ok := strings.Cut(email, "@"); ok && local != "" {
			set("name", strings.ToLower(local))
		}
	}
	if followMe != nil {
		// "follow me: yes" rings the mobile number too.
		fm := map[string]any{"enabled": *followMe}
		var mobile string
		if raw, ok := m["mobile_phone"]; ok {
			_ = json.Unmarshal(raw, &mobile)
		}
		if mobile != "" {
			fm["numbers"] = []string{mobile}
		}
		set("follow_me", fm)
	}
	if voicemail != nil && !*voicemail {
		// No voicemail: the rules that would reach it refuse instead.
		for _, k := range []string{"busy_office_hours_forward_rule", "busy_non_office_hours_forward_rule",
			"dnd_office_hours_forward_rule", "dnd_non_office_hours_forward_rule",
			"offline_office_hours_forward_rule", "offline_non_office_hours_forward_rule"} {
			if _, ok := m[k]; !ok {
				set(k, map[string]any{"action": "HANG_UP"})
			}
		}
		for _, k := range []string{"available_no_answer_forward_rule", "busy_no_answer_forward_rule"} {
			if _, ok := m[k]; !ok {
				set(k, map[string]any{"action": "RING_EXTENSION"})
			}
		}
	}
	if password == "" {
		// An import may leave the password out (an export has none): the
		// user cannot sign in until one is set.
		set("password", "")
	}
	return m, password, "", nil
}

// ExportUsers writes the tenant's users as CSV in the full format, without
// any secret, page by page.
func (s *Service) ExportUsers(ctx context.Context, c *Caller, w io.Writer) error {
	if err := c.require(PermUsers); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(exportColumns); err != nil {
		return err
	}
	const page = 1000
	for last := ""; ; {
		// Keyset pages in extension order: each page starts after the last.
		q := &query.List{Where: "extension_number > ?", Args: []any{last}, OrderBy: []query.Order{{Column: "extension_number"}}, Top: page}
		_, users, err := s.store.ListUsers(ctx, c.TenantID, q)
		if err != nil {
			return err
		}
		for i := range users {
			rec, err := exportRow(&users[i])
			if err != nil {
				return err
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		if len(users) < page {
			return nil
		}
		last = users[len(users)-1].ExtensionNumber
	}
}

func exportRow(u *model.User) ([]string, error) {
	raw, err := json.Marshal(u)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	rec := make([]string, len(exportColumns))
	for i, col := range exportColumns {
		v := m[col]
		switch userFieldKinds[col] {
		case kindString:
			var s string
			_ = json.Unmarshal(v, &s)
			rec[i] = s
		case kindBool:
			rec[i] = "no"
			if string(v) == "true" {
				rec[i] = "yes"
			}
		default:
			rec[i] = string(v)
		}
	}
	return rec, nil
}
