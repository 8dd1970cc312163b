package api

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
)

// Shapes no request of the API needs; a JSON body past them is refused
// before it is decoded, so that an absurd body costs a scan, not a
// decode, a validation and an answer listing every problem.
const (
	MaxObjectMembers = 1000
	MaxJSONDepth     = 32
)

// guardJSON refuses a JSON body with an object of more than
// MaxObjectMembers members or nested deeper than MaxJSONDepth. Other
// bodies pass untouched; so does a body over MaxBodyBytes, which the
// operation answers with 413.
func guardJSON(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.ContentLength == 0 || !isJSON(r.Header.Get("Content-Type")) || !strings.HasPrefix(r.URL.Path, "/api/") {
			next.ServeHTTP(w, r)
			return
		}
		head, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
		if err != nil {
			writeJSONError(w, newError(http.StatusBadRequest, "body", "The body could not be read"))
			return
		}
		if len(head) <= MaxBodyBytes {
			if msg := jsonShape(head); msg != "" {
				writeJSONError(w, newError(http.StatusBadRequest, "body", msg))
				return
			}
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
		next.ServeHTTP(w, r)
	})
}

func isJSON(ct string) bool {
	if ct == "" {
		return true // huma reads a body without a type as JSON
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// jsonShape scans b once and says what is past the limits ("" when
// nothing is, or when b is not JSON: the decoder reports that).
func jsonShape(b []byte) string {
	var members []int // per open container: members so far, -1 for arrays
	inString, escaped := false, false
	for _, c := range b {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if len(members) == MaxJSONDepth {
				return fmt.Sprintf("The body is nested more than %d levels deep", MaxJSONDepth)
			}
			m := 0
			if c == '[' {
				m = -1
			}
			members = append(members, m)
		case '}', ']':
			if len(members) > 0 {
				members = members[:len(members)-1]
			}
		case ':':
			if n := len(members); n > 0 && members[n-1] >= 0 {
				if members[n-1]++; members[n-1] > MaxObjectMembers {
					return fmt.Sprintf("The body has an object of more than %d members", MaxObjectMembers)
				}
			}
		}
	}
	return ""
}
