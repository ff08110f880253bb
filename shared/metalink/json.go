package metalink

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// jsonDocument reads the dates as text, so that a malformed date gets the
// same clear error as in XML; everything else decodes straight into the
// model, whose fields are shadowed here.
type jsonDocument struct {
	Metalink
	Files     []jsonFile `json:"files"`
	Published *string    `json:"published"`
	Updated   *string    `json:"updated"`
}

// jsonFile also reads "signature", the single signature that documents
// written before "signatures" carry; it comes first.
type jsonFile struct {
	File
	Signature *Signature `json:"signature"`
}

func (f jsonFile) model() File {
	if f.Signature != nil {
		f.Signatures = append([]Signature{*f.Signature}, f.Signatures...)
	}
	return f.File
}

// parseJSON reads exactly one JSON object. Unknown keys are ignored, as
// unknown XML elements are.
func parseJSON(data []byte) (Metalink, error) {
	m, err := decodeJSON(data)
	if err != nil {
		return Metalink{}, fmt.Errorf("metalink JSON: %w", err)
	}
	return m, nil
}

func decodeJSON(data []byte) (Metalink, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var doc jsonDocument
	if err := dec.Decode(&doc); err != nil {
		return Metalink{}, explainJSONError(err)
	}
	if err := expectNothingAfterJSON(data[dec.InputOffset():]); err != nil {
		return Metalink{}, err
	}
	m := doc.Metalink
	for _, f := range doc.Files {
		m.Files = append(m.Files, f.model())
	}
	var err error
	if m.Published, err = parseDate("published", deref(doc.Published)); err != nil {
		return Metalink{}, err
	}
	if m.Updated, err = parseDate("updated", deref(doc.Updated)); err != nil {
		return Metalink{}, err
	}
	return m, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// expectNothingAfterJSON catches a script that printed more than one
// document, such as jq run over several inputs, or text after the object.
func expectNothingAfterJSON(rest []byte) error {
	rest = bytes.TrimLeft(rest, whiteSpace)
	switch {
	case len(rest) == 0:
		return nil
	case rest[0] == '{' || rest[0] == '[':
		return errors.New("several documents: expected exactly one JSON object, found another after it")
	}
	return fmt.Errorf("unexpected text after the JSON object: %s", quote(string(rest)))
}

// explainJSONError turns encoding/json's errors, which speak of Go types and
// byte offsets, into the JSON vocabulary of whoever wrote the document.
func explainJSONError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr):
		// encoding/json names the embedded struct in some paths; the author never wrote it.
		field := strings.ReplaceAll(strings.TrimPrefix(typeErr.Field, "Metalink."), "File.", "")
		return fmt.Errorf("%s must be %s, not %s", field, jsonKind(typeErr.Type), typeErr.Value)
	case errors.As(err, &syntaxErr):
		return fmt.Errorf("%w (at byte %d)", syntaxErr, syntaxErr.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("the JSON ends early (truncated?)")
	}
	return err
}

func jsonKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number (0 or more)"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "a " + t.String()
}
