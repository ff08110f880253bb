// Package field says, in a front end's own words, which field of a
// library's options is wrong. A library names its fields ("uri",
// "private_key"); the front end that configures it passes Names that turn
// them into what its user wrote: a resource's key path
// (source.options.private_key), a tool's flag (--private-key-file) or
// environment variable. No front end rewrites a library's text afterwards.
package field

import (
	"errors"
	"fmt"
)

// Names says a library's field in the front end's words.
type Names func(field string) string

// Of is field in the front end's words; without Names, the field itself.
func (n Names) Of(field string) string {
	if n == nil {
		return field
	}
	return n(field)
}

// ErrRequired is the reason of an Error about a field that must be set.
var ErrRequired = errors.New("is required")

// Error is a wrong value of one field.
type Error struct {
	Field string // the library's name of the field
	Name  string // the front end's name of it
	Value string // the value, quoted and redacted, when it helps; may be empty
	Err   error
}

func (e *Error) Error() string {
	name := e.Name
	if e.Value != "" {
		name += " " + e.Value
	}
	if errors.Is(e.Err, ErrRequired) {
		return name + " " + e.Err.Error()
	}
	return name + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf is an Error about field, named by n.
func (n Names) Errorf(field, format string, args ...any) error {
	return &Error{Field: field, Name: n.Of(field), Err: fmt.Errorf(format, args...)}
}

// ValueError is an Error about field's value, shown (quoted and redacted
// by the caller) after its name: `source.uri "x": expected SCHEME://…`.
func (n Names) ValueError(field, value string, err error) error {
	return &Error{Field: field, Name: n.Of(field), Value: value, Err: err}
}

// Required is an Error about a field that must be set, with why when it is
// required only sometimes (" for git+ssh").
func (n Names) Required(field, why string) error {
	err := ErrRequired
	if why != "" {
		err = fmt.Errorf("%w%s", ErrRequired, why)
	}
	return &Error{Field: field, Name: n.Of(field), Err: err}
}

// Under names fields as keys under parent: with "source", the field
// "options.private_key" is source.options.private_key.
func Under(parent string) Names {
	return func(field string) string { return parent + "." + field }
}
