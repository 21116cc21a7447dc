package guccho

import (
	"errors"
	"fmt"
)

// Error codes. Each names a kind of failure that a caller can act on; the
// HTTP server maps each to one status code in one place.
const (
	ECONFLICT     = "conflict"     // the request conflicts with stored state
	EINTERNAL     = "internal"     // a bug or an unexpected failure
	EINVALID      = "invalid"      // the input is malformed or out of range
	ENOTFOUND     = "not_found"    // the named thing does not exist
	ETOOLARGE     = "too_large"    // the input exceeds a configured limit
	EUNAVAILABLE  = "unavailable"  // a dependency (the database) is down
	EUNAUTHORIZED = "unauthorized" // the caller is not signed in
	EFORBIDDEN    = "forbidden"    // the caller may not do this
)

// Error is an error with a code from the list above and a message meant for
// the person who caused it. The message names the row, field or parameter at
// fault; it never carries a whole survey record.
type Error struct {
	Code    string
	Message string
	Err     error // the underlying cause, if any; not shown to users
}

// Error returns the message, followed by the cause when there is one.
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with the given code and message whose cause is
// err. It returns nil when err is nil.
func WrapError(err error, code, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the first *Error in err's
// chain. Other errors get a generic message so internal details do not leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
