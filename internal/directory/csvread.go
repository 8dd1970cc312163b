package directory

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

// An import's file is read as a stream, never whole: once while it is
// uploaded (copied to a spool file, checked as CSV and counted), then
// twice by the job (every row checked, then every row written).

// MaxImportBytes bounds an uploaded CSV file.
const MaxImportBytes = 64 << 20

var utf8BOM = []byte("\xef\xbb\xbf")

// newCSVReader reads CSV from r: UTF-8 with or without BOM, comma or
// semicolon (whichever the header line has more of).
func newCSVReader(r io.Reader) *csv.Reader {
	br := bufio.NewReaderSize(r, 64<<10)
	if b, _ := br.Peek(len(utf8BOM)); bytes.Equal(b, utf8BOM) {
		_, _ = br.Discard(len(utf8BOM))
	}
	line, _ := br.Peek(br.Size()) // what there is, up to 64 KiB
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	cr := csv.NewReader(br)
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return cr
}

// readRecord is the next record of cr, or io.EOF; a syntax error names
// its row.
func readRecord(cr *csv.Reader) ([]string, error) {
	rec, err := cr.Read()
	if err == nil || err == io.EOF {
		return rec, err
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, model.Invalid("body", "row %d is not valid CSV: %v", pe.Line, pe.Err)
	}
	return nil, err
}

// blankRecord reports a line of nothing but spaces (csv skips empty ones).
func blankRecord(rec []string) bool { return len(rec) == 1 && strings.TrimSpace(rec[0]) == "" }

// spooledImport is an uploaded file, copied to disk and checked as CSV.
type spooledImport struct {
	path   string
	sha256 string
	header []string
	// rows counts the user rows (records after the header, blank lines
	// left out).
	rows int
}

func (sp *spooledImport) remove() { _ = os.Remove(sp.path) }

// spoolImport copies body to a file of dir, reading it as CSV on the way:
// not UTF-8, not CSV, more than MaxImportRows rows, larger than
// MaxImportBytes or empty are refused (the file is removed).
func spoolImport(dir string, body io.Reader) (_ *spooledImport, err error) {
	f, err := os.CreateTemp(dir, "switchboard-import-*.csv")
	if err != nil {
		return nil, err
	}
	sp := &spooledImport{path: f.Name()}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			sp.remove()
		}
	}()
	h := sha256.New()
	limited := &io.LimitedReader{R: body, N: MaxImportBytes + 1}
	cr := newCSVReader(io.TeeReader(limited, io.MultiWriter(f, h)))
	for {
		rec, err := readRecord(cr)
		if limited.N <= 0 {
			return nil, &TooLargeError{Max: MaxImportBytes}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		for _, cell := range rec {
			if !utf8.ValidString(cell) {
				return nil, model.Invalid("body", "is not UTF-8 text")
			}
		}
		switch {
		case sp.header == nil:
			sp.header = append([]string{}, rec...)
		case !blankRecord(rec):
			sp.rows++
		}
		if sp.rows > MaxImportRows {
			return nil, model.Invalid("body", "has more than %d rows", MaxImportRows)
		}
	}
	if sp.header == nil {
		return nil, model.Invalid("body", "is empty: the first row must name the columns")
	}
	sp.sha256 = hex.EncodeToString(h.Sum(nil))
	return sp, nil
}
