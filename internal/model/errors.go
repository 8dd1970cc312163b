// Package model holds Switchboard's domain types, their validation and the
// typed errors shared by the store, the API, the portal and the CLI.
package model

import (
	"errors"
	"fmt"
)

// ErrNotFound reports that an object does not exist, or belongs to another
// tenant (the two are indistinguishable to a caller on purpose).
var ErrNotFound = errors.New("not found")

// ErrConflict reports that a change collides with existing data.
var ErrConflict = errors.New("conflict")

// ErrUnauthenticated reports a missing, expired or revoked credential.
var ErrUnauthenticated = errors.New("not authenticated")

// ErrForbidden reports that the caller lacks a permission.
var ErrForbidden = errors.New("forbidden")

// FieldError is a validation failure on one input field.
type FieldError struct {
	Field   string
	Message string
}

// Error implements error.
func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Message) }

// Invalid returns a *FieldError for field.
func Invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ConflictError names the field whose unique value is already taken. It
// matches ErrConflict with errors.Is.
type ConflictError struct {
	Field   string
	Message string
}

// Error implements error.
func (e *ConflictError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Conflict returns a *ConflictError.
func Conflict(field, format string, args ...any) error {
	return &ConflictError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// ForbiddenError explains why an action is not allowed. It matches
// ErrForbidden with errors.Is.
type ForbiddenError struct{ Message string }

// Error implements error.
func (e *ForbiddenError) Error() string { return e.Message }

// Is makes errors.Is(err, ErrForbidden) true.
func (e *ForbiddenError) Is(target error) bool { return target == ErrForbidden }

// Forbidden returns a *ForbiddenError.
func Forbidden(format string, args ...any) error {
	return &ForbiddenError{Message: fmt.Sprintf(format, args...)}
}
