package directory

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// TestSpoolImport: an upload is copied to a spool file and read as CSV on
// the way (BOM, semicolons, blank lines left out of the count); what
// cannot be read is refused naming the body, and leaves no file behind.
func TestSpoolImport(t *testing.T) {
	many := "email,extension\n" + strings.Repeat("a@b.example,1\n", MaxImportRows+1)
	huge := "email,extension,address\n" + strings.Repeat("a@b.example,1,"+strings.Repeat("x", 4096)+"\n", MaxImportBytes/4096+1)
	for _, c := range []struct {
		name, body string
		rows       int
		header     string
		err        string
	}{
		{"plain", "email,extension\na@b.example,1\nc@b.example,2\n", 2, "email|extension", ""},
		{"BOM and semicolons", "\ufeffEmail;Extension\na@b.example;1\n", 1, "Email|Extension", ""},
		{"blank lines", "email,extension\n\n  \na@b.example,1\n\n", 1, "email|extension", ""},
		{"header only", "email,extension", 0, "email|extension", ""},
		{"empty", "", 0, "", "is empty"},
		{"broken quotes", "email,extension\n\"a@b.example,1\n", 0, "", "not valid CSV"},
		{"not UTF-8", "email,extension\n\xff@b.example,1\n", 0, "", "UTF-8"},
		{"too many rows", many, 0, "", "more than 200000 rows"},
		{"too large", huge, 0, "", "larger than"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, err := spoolImport(dir, strings.NewReader(c.body))
			if c.err != "" {
				var fe *model.FieldError
				var tl *TooLargeError
				if err == nil || !strings.Contains(err.Error(), c.err) || !(errors.As(err, &fe) && fe.Field == "body" || errors.As(err, &tl)) {
					t.Fatalf("got %v, want %q", err, c.err)
				}
				if left, _ := os.ReadDir(dir); len(left) != 0 {
					t.Fatalf("left behind: %v", left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer sp.remove()
			if sp.rows != c.rows || strings.Join(sp.header, "|") != c.header || len(sp.sha256) != 64 {
				t.Fatalf("spooled: %+v", sp)
			}
			if got, _ := os.ReadFile(sp.path); string(got) != c.body {
				t.Fatal("the spool file differs from the body")
			}
		})
	}
}

// FuzzSpoolImport: any body is either refused with a 4xx error or
// spooled whole, with a header.
func FuzzSpoolImport(f *testing.F) {
	for _, s := range []string{"email,extension\na@b,1\n", "\ufeffa;b\n\"x\";\"y\"\n", "a\n\"", "\n\n\n", "a,b\n\xff\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		sp, err := spoolImport(t.TempDir(), strings.NewReader(body))
		if err != nil {
			var fe *model.FieldError
			if !errors.As(err, &fe) || fe.Field != "body" {
				t.Fatalf("error %v is not a body problem", err)
			}
			return
		}
		defer sp.remove()
		got, _ := os.ReadFile(sp.path)
		if sp.header == nil || string(got) != body || sp.rows < 0 {
			t.Fatalf("spooled %+v from %q", sp, body)
		}
	})
}
