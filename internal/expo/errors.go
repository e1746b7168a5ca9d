// Package expo holds the domain of the expo application: its types, rules and
// the one error vocabulary every other layer speaks. It imports neither the
// database nor HTTP, so its rules can be tested on their own.
package expo

import (
	"errors"
	"fmt"
)

// Code classifies an error; the web layer maps each code to an HTTP status in
// exactly one place.
type Code string

const (
	CodeInvalid      Code = "invalid"
	CodeNotFound     Code = "not_found"
	CodeConflict     Code = "conflict"
	CodeUnauthorized Code = "unauthorized"
	CodeForbidden    Code = "forbidden"
	CodeRateLimited  Code = "rate_limited"
	CodeUnavailable  Code = "unavailable"
	CodeInternal     Code = "internal"
)

// Error is an error meant for the user. Message and the values of Fields are
// message IDs of the translation catalogue, so each layer can show them in the
// reader's language.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	// Data fills placeholders of the message, e.g. {"Seconds": 30}.
	Data map[string]any
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s %v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf builds an *Error with a code and a message ID.
func Errorf(code Code, messageID string) *Error {
	return &Error{Code: code, Message: messageID}
}

// ErrorCode returns the code of err, or CodeInternal when err is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns the *Error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Common errors shared across the application.
var (
	ErrNotFound           = Errorf(CodeNotFound, "error.not_found")
	ErrUnauthorized       = Errorf(CodeUnauthorized, "error.unauthorized")
	ErrForbidden          = Errorf(CodeForbidden, "error.forbidden")
	ErrInvalidCredentials = Errorf(CodeUnauthorized, "error.invalid_credentials")
	ErrEmailTaken         = &Error{Code: CodeConflict, Message: "error.form", Fields: map[string]string{"email": "error.email_taken"}}
	ErrSetupDone          = Errorf(CodeConflict, "error.setup_done")
	ErrUnavailable        = Errorf(CodeUnavailable, "error.unavailable")
)
