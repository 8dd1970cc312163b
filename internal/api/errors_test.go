package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/switchboard-pbx/switchboard/internal/model"
)

func TestToError(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tests := []struct {
		err    error
		status int
		code   string
		field  string
	}{
		{model.Invalid("email", "is required"), 400, "VALIDATE_FAILED", "email"},
		{fmt.Errorf("wrap: %w", model.Conflict("extension_number", "taken")), 409, "CONFLICT", "extension_number"},
		{model.Forbidden("no"), 403, "FORBIDDEN", ""},
		{fmt.Errorf("get: %w", model.ErrNotFound), 404, "NOT_FOUND", ""},
		{model.ErrUnauthenticated, 401, "UNAUTHENTICATED", ""},
		{errors.New("disk on fire"), 500, "INTERNAL_ERROR", ""},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			e := toError(context.Background(), log, tc.err).(*Error)
			if e.GetStatus() != tc.status || e.Errors[0].Code != tc.code {
				t.Fatalf("got %d %s", e.GetStatus(), e.Errors[0].Code)
			}
			if (tc.field == "") != (e.Errors[0].Detail == nil) || (tc.field != "" && e.Errors[0].Detail.Field != tc.field) {
				t.Fatalf("detail = %+v", e.Errors[0].Detail)
			}
			if tc.status == 500 && e.Errors[0].Message != "Internal error" {
				t.Fatal("500 leaks its cause")
			}
		})
	}
}

func TestHumaErrorsUseEnvelopeWithoutValues(t *testing.T) {
	installErrorModel()
	err := huma.NewError(422, "validation failed",
		&huma.ErrorDetail{Message: "unexpected property", Location: "body.foo", Value: "s3cret"},
		&huma.ErrorDetail{Message: "expected boolean", Location: "body.enable_dnd", Value: "yes"})
	e := err.(*Error)
	if len(e.Errors) != 2 || e.Errors[0].Message != "foo is not a known field" || e.Errors[0].Detail.Field != "foo" ||
		e.Errors[1].Detail.Field != "enable_dnd" || e.Errors[1].Code != "VALIDATE_FAILED" {
		t.Fatalf("unexpected %+v", e.Errors)
	}
	for _, it := range e.Errors {
		if it.Message == "s3cret" || it.Message == "yes" {
			t.Fatal("value echoed")
		}
	}
}

func TestBearer(t *testing.T) {
	for _, tc := range []struct {
		h, tok string
		ok     bool
	}{{"Bearer abc", "abc", true}, {"bearer  abc ", "abc", true}, {"Basic abc", "", false}, {"Bearer ", "", false}, {"", "", false}} {
		tok, ok := bearer(tc.h)
		if tok != tc.tok || ok != tc.ok {
			t.Errorf("bearer(%q) = %q, %v", tc.h, tok, ok)
		}
	}
}

func TestRequiredFieldIsNamed(t *testing.T) {
	installErrorModel()
	err := huma.NewError(422, "validation failed",
		&huma.ErrorDetail{Message: "expected required property name to be present", Location: "body"},
		&huma.ErrorDetail{Message: "expected required property password to be present", Location: "body.admin"})
	e := err.(*Error)
	if len(e.Errors) != 2 || e.Errors[0].Detail == nil || e.Errors[0].Detail.Field != "name" ||
		e.Errors[1].Detail == nil || e.Errors[1].Detail.Field != "admin.password" {
		t.Fatalf("unexpected %+v", e.Errors)
	}
}
