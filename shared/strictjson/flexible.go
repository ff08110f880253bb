package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"strings"
)

// Flexible is a value a YAML author may write as a number or a string
// (priority: 10 or priority: "10"); it holds the text.
type Flexible string

// Bool is a boolean a pipeline author may also write as a string ("true",
// which is what a ((var)) interpolation gives).
type Bool bool

// Uint parses f as a whole number that fits in 32 bits. ok is false when f
// is empty or blank, that is, not set. The value is quoted in the error: a
// Flexible holds a setting such as a priority, never a secret.
func (f Flexible) Uint() (n uint, ok bool, err error) {
	s := strings.TrimSpace(string(f))
	if s == "" {
		return 0, false, nil
	}
	u, err := strconv.ParseUint(s, 10, 32)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return 0, true, errors.New(strconv.Quote(cut(s, maxKeyBytes)) + " is too large")
	case err != nil:
		return 0, true, errors.New(strconv.Quote(cut(s, maxKeyBytes)) + " is not a whole number")
	}
	return uint(u), true, nil
}

// UnmarshalJSON lets encoding/json fill a Flexible too. A null leaves it
// unchanged, as encoding/json does for a string.
func (f *Flexible) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch {
	case string(data) == "null":
		return nil
	case len(data) > 0 && data[0] == '"':
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		*f = Flexible(s)
		return nil
	case len(data) > 0 && (data[0] == '-' || '0' <= data[0] && data[0] <= '9'):
		var n json.Number
		if err := json.Unmarshal(data, &n); err != nil {
			return err
		}
		*f = Flexible(n)
		return nil
	}
	return errors.New("expected a number or a string")
}

// UnmarshalJSON lets encoding/json fill a Bool too. A null leaves it
// unchanged, as encoding/json does for a bool.
func (b *Bool) UnmarshalJSON(data []byte) error {
	switch string(bytes.TrimSpace(data)) {
	case "null":
		return nil
	case "true", `"true"`:
		*b = true
		return nil
	case "false", `"false"`:
		*b = false
		return nil
	}
	return errors.New("expected true or false")
}

// assignFlexible stores a number's literal or a string's value.
func assignFlexible(n *node, rv reflect.Value, path string) error {
	if n.kind != kindString && n.kind != kindNumber {
		return mismatch(path, "a number or a string", n)
	}
	rv.SetString(n.text)
	return nil
}

// assignBool accepts true and false, bare or as strings. A string holding
// anything else is not named as "a string", which Bool does accept.
func assignBool(n *node, rv reflect.Value, path string) error {
	switch {
	case n.kind == kindBool:
		rv.SetBool(n.boolean)
	case n.kind == kindString && n.text == "true":
		rv.SetBool(true)
	case n.kind == kindString && n.text == "false":
		rv.SetBool(false)
	case n.kind == kindString:
		return failAt(path, "expected true or false")
	default:
		return mismatch(path, "true or false", n)
	}
	return nil
}
