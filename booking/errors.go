// Package booking is movedesk's domain: cases, travellers, documents, bookings,
// the status state machine and the rules that judge them. It imports nothing
// of movedesk's own, so every other package can depend on it.
package booking

import (
	"errors"
	"fmt"
)

// Error codes carried by domain errors.
const (
	EINVALID  = "invalid"
	ENOTFOUND = "not-found"
	ECONFLICT = "conflict"
	// EFORBIDDEN: the acting user's role may not take the action (see
	// RoleTable), or the user is unknown to the office or disabled.
	EFORBIDDEN = "forbidden"
)

// Error is a domain error: a code, the field it concerns (may be empty) and a
// message a user can act on.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Errorf builds a domain error.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of a domain error in err's chain, or "" if none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ErrorField returns the field of a domain error in err's chain, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
