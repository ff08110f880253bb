// Package concourse speaks Concourse's resource protocol: strict JSON requests
// on stdin, one JSON answer on stdout, logs and one-line fatal errors on stderr.
package concourse

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Version is the version object Concourse passes around.
type Version struct {
	Version string `json:"version"`
}

// MetadataField is one name/value pair shown in the Concourse UI.
type MetadataField struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// InResponse is the answer of `in` and `out`.
type InResponse struct {
	Version  Version         `json:"version"`
	Metadata []MetadataField `json:"metadata,omitempty"`
}

// Decode reads exactly one JSON document from r into v. Unknown keys and
// trailing data are errors; the error names the offending key or field.
func Decode(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read request: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty request: expected a JSON object on stdin")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if path := unknownKeyPath(data, reflect.TypeOf(v), ""); path != "" {
			return fmt.Errorf("unknown key %q", path)
		}
		return describeJSONError(err)
	}
	if dec.More() {
		return errors.New("unexpected data after the JSON request")
	}
	return nil
}

func describeJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Errorf("key %q: expected %s, got JSON %s", typeErr.Field, typeErr.Type, typeErr.Value)
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr)
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return fmt.Errorf("unknown key %s", strings.TrimPrefix(msg, "json: unknown field "))
	}
	return fmt.Errorf("malformed request: %v", err)
}

// Respond writes v as the single JSON answer on stdout.
func Respond(stdout io.Writer, v any) error {
	if err := json.NewEncoder(stdout).Encode(v); err != nil {
		return fmt.Errorf("write response: %w", err)
	}
	return nil
}

// Flexible decodes a JSON number or string into a string, for values that a
// YAML author may write either way (priority: 10 or priority: "10").
type Flexible string

// UnmarshalJSON accepts a number or a string.
func (f *Flexible) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		*f = Flexible(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil {
		return fmt.Errorf("expected a number or a string, got %s", data)
	}
	*f = Flexible(n.String())
	return nil
}

// Uint parses the value as a non-negative integer; ok is false when it is empty.
func (f Flexible) Uint() (n uint, ok bool, err error) {
	if strings.TrimSpace(string(f)) == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(f)), 10, 32)
	if err != nil {
		return 0, false, fmt.Errorf("%q is not a whole number", string(f))
	}
	return uint(v), true, nil
}
