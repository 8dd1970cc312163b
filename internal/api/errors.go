package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/switchboard-pbx/switchboard/internal/directory"
	"github.com/switchboard-pbx/switchboard/internal/model"
)

// Error is the contract's error envelope:
// {"errors":[{"code","message","detail":{"field"}}]}.
type Error struct {
	status int
	Errors []ErrorItem `json:"errors" maxItems:"25"`
	// Total counts the problems when there were more than the listed ones.
	Total int `json:"total,omitempty" doc:"How many problems were found, when more than the 25 listed"`
}

// MaxErrorItems bounds the problems an error answer lists; Total counts
// them all.
const MaxErrorItems = 25

// bound keeps the first MaxErrorItems problems and counts them all.
func (e *Error) bound() *Error {
	if len(e.Errors) > MaxErrorItems {
		e.Total = len(e.Errors)
		e.Errors = e.Errors[:MaxErrorItems:MaxErrorItems]
	}
	return e
}

// ErrorItem is one error of the envelope.
type ErrorItem struct {
	Code    string       `json:"code" doc:"Stable UPPER_SNAKE error code"`
	Message string       `json:"message" doc:"What went wrong, for a person"`
	Detail  *ErrorDetail `json:"detail,omitempty"`
}

// ErrorDetail names the offending field, where there is one.
type ErrorDetail struct {
	Field string `json:"field"`
	// Row is the CSV row of an import's problem (the header is row 1).
	Row int `json:"row,omitempty"`
}

func rowMessage(re directory.RowError) string {
	if re.Field == "" {
		return re.Message
	}
	return re.Field + ": " + re.Message
}

// Error implements error.
func (e *Error) Error() string {
	if len(e.Errors) == 0 {
		return http.StatusText(e.status)
	}
	return e.Errors[0].Message
}

// GetStatus implements huma.StatusError.
func (e *Error) GetStatus() int { return e.status }

// ContentType implements huma.ContentTypeFilter: errors are plain JSON.
func (e *Error) ContentType(string) string { return "application/json" }

func codeFor(status int) string {
	switch status {
	case 400, 422:
		return "VALIDATE_FAILED"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "FORBIDDEN"
	case 404:
		return "NOT_FOUND"
	case 405:
		return "METHOD_NOT_ALLOWED"
	case 409:
		return "CONFLICT"
	case 413:
		return "PAYLOAD_TOO_LARGE"
	case 415:
		return "UNSUPPORTED_MEDIA_TYPE"
	case 429:
		return "TOO_MANY_REQUESTS"
	}
	if status >= 500 {
		return "INTERNAL_ERROR"
	}
	return strings.ToUpper(strings.ReplaceAll(http.StatusText(status), " ", "_"))
}

func newError(status int, field, msg string) *Error {
	item := ErrorItem{Code: codeFor(status), Message: msg}
	if field != "" {
		item.Detail = &ErrorDetail{Field: field}
	}
	return &Error{status: status, Errors: []ErrorItem{item}}
}

var installErrors sync.Once

// installErrorModel makes huma report its own failures (bad JSON, schema
// validation, body too large) in the contract's envelope. Values from the
// request are never echoed back: they may be passwords.
func installErrorModel() {
	installErrors.Do(func() {
		huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
			e := &Error{status: status}
			for i, err := range errs {
				if len(e.Errors) == MaxErrorItems { // count the rest, describe none
					e.Total = len(e.Errors) + countErrs(errs[i:])
					break
				}
				var d huma.ErrorDetailer
				if errors.As(err, &d) {
					det := d.ErrorDetail()
					field := fieldFromLocation(det.Location)
					field = requiredField(det.Message, field)
					m := humaMessage(field, det.Message)
					if status == http.StatusUnsupportedMediaType {
						m = unsupportedMediaType(det.Message)
					}
					e.Errors = append(e.Errors, ErrorItem{Code: codeFor(status), Message: m, Detail: detailFor(field)})
				} else if err != nil {
					e.Errors = append(e.Errors, ErrorItem{Code: codeFor(status), Message: msg})
				}
			}
			if len(e.Errors) == 0 {
				if status >= 500 {
					msg = "internal error"
				}
				e.Errors = []ErrorItem{{Code: codeFor(status), Message: sentence(msg)}}
			}
			return e.bound()
		}
	})
}

// unsupportedMediaType says what to send instead of a body huma cannot
// read ("unknown content type: text/plain").
func unsupportedMediaType(msg string) string {
	const pre = "unknown content type:"
	got := ""
	if strings.HasPrefix(strings.ToLower(msg), pre) {
		got = strings.TrimSpace(msg[len(pre):])
	}
	if got == "" {
		return "Send the body as JSON with the header Content-Type: application/json"
	}
	return "Send the body as JSON with the header Content-Type: application/json (this request said " + got + ")"
}

func countErrs(errs []error) int {
	n := 0
	for _, err := range errs {
		if err != nil {
			n++
		}
	}
	return n
}

// requiredField names the missing property of huma's "expected required
// property X to be present", so that the envelope's detail says which field.
func requiredField(msg, field string) string {
	const pre, post = "expected required property ", " to be present"
	if strings.HasPrefix(msg, pre) && strings.HasSuffix(msg, post) {
		name := msg[len(pre) : len(msg)-len(post)]
		if field != "" {
			return field + "." + name
		}
		return name
	}
	return field
}

func detailFor(field string) *ErrorDetail {
	if field == "" {
		return nil
	}
	return &ErrorDetail{Field: field}
}

// fieldFromLocation turns huma's "body.office_hours.mode" into
// "office_hours.mode" and "query.top" into "top".
func fieldFromLocation(loc string) string {
	for _, p := range []string{"body.", "query.", "path.", "header."} {
		if strings.HasPrefix(loc, p) {
			return loc[len(p):]
		}
	}
	if loc == "body" {
		return ""
	}
	return loc
}

func humaMessage(field, msg string) string {
	switch {
	case msg == "unexpected property" && !strings.Contains(field, ".") && directory.IsReadOnlyField(field):
		return fmt.Sprintf("%s is read-only and cannot be set here", field)
	case msg == "unexpected property":
		return fmt.Sprintf("%s is not a known field", field)
	case field == "":
		return sentence(msg)
	}
	return fmt.Sprintf("%s: %s", field, msg)
}

func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// toError maps a domain error to the envelope; anything unknown is a 500
// that is logged but not described to the client.
func toError(ctx context.Context, log *slog.Logger, err error) error {
	var fe *model.FieldError
	var ce *model.ConflictError
	var fb *model.ForbiddenError
	var ae *Error
	var le *directory.LockedError
	var tl *directory.TooLargeError
	var ie *directory.ImportError
	switch {
	case errors.As(err, &ie):
		out := &Error{status: http.StatusBadRequest}
		for _, re := range ie.Report.Errors {
			out.Errors = append(out.Errors, ErrorItem{Code: codeFor(http.StatusBadRequest),
				Message: fmt.Sprintf("Row %d: %s", re.Row, rowMessage(re)), Detail: &ErrorDetail{Field: re.Field, Row: re.Row}})
		}
		return out.bound()
	case errors.As(err, &tl):
		return newError(http.StatusRequestEntityTooLarge, "body", sentence(tl.Error()))
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &le):
		return huma.ErrorWithHeaders(newError(http.StatusTooManyRequests, "", sentence(le.Error())),
			http.Header{"Retry-After": {strconv.Itoa(le.Seconds())}})
	case errors.As(err, &fe):
		return newError(http.StatusBadRequest, fe.Field, fe.Error())
	case errors.As(err, &ce):
		return newError(http.StatusConflict, ce.Field, ce.Message)
	case errors.Is(err, model.ErrConflict):
		return newError(http.StatusConflict, "", "The change conflicts with existing data")
	case errors.As(err, &fb):
		return newError(http.StatusForbidden, "", fb.Message)
	case errors.Is(err, model.ErrForbidden):
		return newError(http.StatusForbidden, "", "You are not allowed to do this")
	case errors.Is(err, model.ErrNotFound):
		return newError(http.StatusNotFound, "", "Not found")
	case errors.Is(err, model.ErrUnauthenticated):
		return newError(http.StatusUnauthorized, "", err.Error())
	case errors.Is(err, context.Canceled):
		return newError(499, "", "Request canceled")
	}
	log.ErrorContext(ctx, "request failed", "err", err)
	return newError(http.StatusInternalServerError, "", "Internal error")
}
