package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 1 << 20

// Error is an answer of the API with a status of 400 or more. The API
// describes what went wrong in an envelope,
// {"errors":[{"code","message","detail":{"field"}}]}, which Errors holds.
//
//	var e *client.Error
//	if errors.As(err, &e) && e.Status == 409 && e.Field() == "extension_number" { ... }
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Errors are the envelope's items; the API always sends at least one.
	Errors []ErrorItem `json:"errors"`
	// Total counts the problems when the server found more than it lists
	// (it lists at most 25); 0 otherwise.
	Total int `json:"total,omitempty"`
	// Header holds the answer's headers (X-Request-Id, Retry-After on 429).
	Header http.Header `json:"-"`
	// Body is the answer as it came, when it was not an envelope.
	Body []byte `json:"-"`
}

// ErrorItem is one error of the envelope.
type ErrorItem struct {
	// Code is a stable UPPER_SNAKE code: VALIDATE_FAILED, UNAUTHENTICATED,
	// FORBIDDEN, NOT_FOUND, CONFLICT, PAYLOAD_TOO_LARGE, TOO_MANY_REQUESTS...
	Code string `json:"code"`
	// Message says what went wrong, for a person.
	Message string `json:"message"`
	// Detail names the offending field, when there is one.
	Detail *ErrorDetail `json:"detail,omitempty"`
}

// ErrorDetail names the field an error is about.
type ErrorDetail struct {
	// Field is the member's path in the body or query ("office_hours.mode",
	// "codecs[1]", "top").
	Field string `json:"field"`
	// Row is the CSV row of an import's problem (the header is row 1).
	Row int `json:"row,omitempty"`
}

// newError reads the envelope from an error answer's body.
func newError(status int, header http.Header, body []byte) *Error {
	e := &Error{Status: status, Header: header}
	if json.Unmarshal(body, e) != nil || len(e.Errors) == 0 {
		e.Errors = nil
		e.Body = body
	}
	return e
}

// Error implements error: "switchboard: 409 CONFLICT: message (field
// extension_number)".
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "switchboard: %d", e.Status)
	if len(e.Errors) == 0 {
		b.WriteString(" " + http.StatusText(e.Status))
		return b.String()
	}
	it := e.Errors[0]
	fmt.Fprintf(&b, " %s: %s", it.Code, it.Message)
	if it.Detail != nil && it.Detail.Field != "" {
		fmt.Fprintf(&b, " (field %s)", it.Detail.Field)
	}
	if len(e.Errors) > 1 {
		fmt.Fprintf(&b, " and %d more", len(e.Errors)-1)
	}
	return b.String()
}

// Code returns the first error's code ("" without an envelope).
func (e *Error) Code() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Code
}

// Field returns the field the first error names ("" when none).
func (e *Error) Field() string {
	if len(e.Errors) == 0 || e.Errors[0].Detail == nil {
		return ""
	}
	return e.Errors[0].Detail.Field
}

// Message returns the first error's message.
func (e *Error) Message() string {
	if len(e.Errors) == 0 {
		return ""
	}
	return e.Errors[0].Message
}

// RequestID returns the answer's X-Request-Id, which the server's log line
// of the request carries too.
func (e *Error) RequestID() string { return e.Header.Get("X-Request-Id") }

// RetryAfter returns how long the server asked to wait (429 answers), or 0.
func (e *Error) RetryAfter() time.Duration {
	s, err := strconv.Atoi(e.Header.Get("Retry-After"))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// StatusOf returns the HTTP status of an *Error in err's chain, or 0 (a
// transport failure, or no error).
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer: the object does not
// exist, or belongs to another tenant (the API answers both alike).
func IsNotFound(err error) bool { return StatusOf(err) == http.StatusNotFound }
