package strictjson

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what an error may print. The input may be hostile (deep nesting
// of long keys, a custom decoder's chatty error), and an error is printed to
// a build log as one line.
const (
	maxPathBytes    = 600  // longer paths lose their middle
	maxCauseBytes   = 300  // a json.Unmarshaler's own error text
	maxMessageBytes = 1000 // a last guard for the whole message
)

// pathError is every error Decode returns. cause is set only when the text
// came from a json.Unmarshaler, so that errors.Is/As still reach it.
type pathError struct {
	msg   string
	cause error
}

func (e *pathError) Error() string { return e.msg }
func (e *pathError) Unwrap() error { return e.cause }

// MismatchError is a value of the wrong kind at Path ("" for the whole
// document), so that a front end can say what the document itself must be
// in its own words.
type MismatchError struct {
	Path     string
	Expected string // "a map"
	Got      string // "a list"
}

func (e *MismatchError) Error() string {
	return cut(oneLine(prefix(e.Path)+"expected "+e.Expected+", got "+e.Got), maxMessageBytes)
}

// failAt reports msg about the value at path ("PATH: msg", or just msg for
// the whole document).
func failAt(path, msg string) error {
	return newError(prefix(path)+msg, nil)
}

// failKey reports msg about a key, quoting its whole path
// (unknown key "source.bogus").
func failKey(msg, path, hint string) error {
	return newError(msg+` "`+shortPath(path)+`"`+hint, nil)
}

// failCause reports the error of a json.Unmarshaler at path.
func failCause(path string, cause error) error {
	return newError(prefix(path)+cut(cause.Error(), maxCauseBytes), cause)
}

func newError(msg string, cause error) error {
	return &pathError{msg: cut(oneLine(msg), maxMessageBytes), cause: cause}
}

func prefix(path string) string {
	if path == "" {
		return ""
	}
	return shortPath(path) + ": "
}

// shortPath keeps the start and the end of an overlong path: the start says
// which part of the request, the end which key.
func shortPath(path string) string {
	if len(path) <= maxPathBytes {
		return path
	}
	head := cutAt(path, maxPathBytes/2)
	tail := len(path) - maxPathBytes/2
	for tail < len(path) && !utf8.RuneStart(path[tail]) {
		tail++
	}
	return path[:head] + ellipsis + path[tail:]
}

// cut shortens s to at most n bytes (plus the ellipsis) on a rune boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:cutAt(s, n)] + ellipsis
}

// cutAt returns the largest rune boundary in s not after n.
func cutAt(s string, n int) int {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// oneLine replaces control characters and line separators by spaces, so an
// error never spans lines whatever a caller's path or a decoder's error holds.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}
