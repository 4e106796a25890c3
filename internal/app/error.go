// Package app holds what every layer shares: the error type with a code and a
// message safe to show, field errors for forms, the caller's scope and civil dates.
package app

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. The web and API layers map them to HTTP statuses in one place.
const (
	EINVALID      = "invalid"      // input failed validation (400/422)
	ENOTFOUND     = "not_found"    // no such record in the caller's scope (404)
	ECONFLICT     = "conflict"     // a uniqueness or state conflict (409)
	EFORBIDDEN    = "forbidden"    // the role may not do this (403)
	EUNAUTHORIZED = "unauthorized" // not signed in, or bad credentials (401)
	ETHROTTLED    = "throttled"    // too many attempts (429)
	ETOOLARGE     = "too_large"    // body or file over the limit (413)
	EINTERNAL     = "internal"     // anything else; never shown in detail (500)
)

// Error is the error type of the domain: a code, a message in Chinese that is
// safe to show to the user, and optional field errors for forms.
type Error struct {
	Code    string
	Message string
	Fields  FieldErrors
	Err     error // the underlying cause, logged but never shown
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	b.WriteString(": ")
	b.WriteString(e.Message)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Field, f.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns the error for a record that does not exist in the caller's
// scope. Records outside the scope answer the same, so existence does not leak.
func NotFound(what string) *Error {
	return &Error{Code: ENOTFOUND, Message: "未找到该" + what}
}

// Internal wraps an unexpected error; its detail is logged, never shown.
func Internal(err error, where string) error {
	if err == nil {
		return nil
	}
	var ae *Error
	if errors.As(err, &ae) {
		return err
	}
	return &Error{Code: EINTERNAL, Message: "系统内部错误", Err: fmt.Errorf("%s: %w", where, err)}
}

// ErrorCode returns the code of err, EINTERNAL for errors of other types.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the message of err that is safe to show.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != EINTERNAL {
		return e.Message
	}
	return "系统内部错误"
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) FieldErrors {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// FieldError is one form field's problem.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// FieldErrors collects field problems in the order they were found.
type FieldErrors []FieldError

// Add records a problem with a field.
func (f *FieldErrors) Add(field, message string) { *f = append(*f, FieldError{field, message}) }

// Get returns the first message for a field, or "".
func (f FieldErrors) Get(field string) string {
	for _, e := range f {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Err returns nil when there are no problems, otherwise an EINVALID *Error.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "提交的内容有误，请按提示修改", Fields: f}
}
