package directory

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"unicode"

	"github.com/switchboard-pbx/switchboard/internal/model"
	"github.com/switchboard-pbx/switchboard/internal/query"
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
	// out of the total (phase model.ImportPhaseCheck, then
	// model.ImportPhaseWrite).
	Progress func(phase string, done, total int)
}

// RowError is one problem of an import's rows.
type RowError = model.RowError

// ImportReport says what an import found and did.
type ImportReport = model.ImportReport

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
		rec[i] = textCell(rec[i])
	}
	return rec, nil
}

// textCell keeps a spreadsheet from reading a cell as a formula. OWASP's
// rule for CSV injection: a cell that starts with =, +, -, @, a tab or a
// carriage return gets a leading apostrophe, which spreadsheets take as
// "this is text". So that import can undo it exactly, a cell that starts
// with an apostrophe gets one more too.
func textCell(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r'", rune(v[0])) {
		return "'" + v
	}
	return v
}

// fromTextCell undoes textCell: one leading apostrophe goes when what
// follows would need one. Other cells are as written (an apostrophe a
// person typed before a plain word stays).
func fromTextCell(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune("=+-@\t\r'", rune(v[1])) {
		return v[1:]
	}
	return v
}
