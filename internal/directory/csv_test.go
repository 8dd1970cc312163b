package directory

import "testing"

// TestTextCell: OWASP's formula triggers get an apostrophe, and so does
// a leading apostrophe, so that fromTextCell undoes exactly what textCell
// did; other cells pass as they are.
func TestTextCell(t *testing.T) {
	for in, want := range map[string]string{
		"": "", "plain": "plain", "=1+1": "'=1+1", "+33611111111": "'+33611111111", "-5": "'-5",
		"@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx", "'x": "''x", "'=x": "''=x", "a=b": "a=b", "O'Neil": "O'Neil",
	} {
		if got := textCell(in); got != want {
			t.Errorf("textCell(%q) = %q, want %q", in, got, want)
		}
		if back := fromTextCell(textCell(in)); back != in {
			t.Errorf("fromTextCell(textCell(%q)) = %q", in, back)
		}
	}
	// A person's own file: an apostrophe before a plain word stays.
	if got := fromTextCell("'twas"); got != "'twas" {
		t.Errorf("fromTextCell('twas) = %q", got)
	}
}
