// Package strictjson decodes the JSON that Concourse hands a resource (a
// request on stdin, or an option map taken out of one) strictly, and reports
// every problem with the key path the pipeline author wrote.
//
// encoding/json is lenient where a resource should not be: it matches keys
// case-insensitively, ignores unknown keys, keeps the last of duplicate keys
// and turns a misspelt option into a silently ignored one. Its errors also
// name Go types and struct fields, which mean nothing to a pipeline author.
// Decode refuses all of these, and its errors name the key path in the
// author's terms (source.mirror_files[1].priority) without ever quoting a
// value, since values may be secrets.
//
// Secrets lists the values of fields tagged `secret:"true"`, so that a
// resource can redact them from everything it prints.
package strictjson

import (
	"errors"
	"reflect"
)

// Decode decodes the single JSON value in data into v (a non-nil pointer).
// path is the key path of data in the author's terms ("" for a whole request,
// "source.options" for an option map decoded later); every error names the
// full key path of the culprit and never quotes a value (values may be
// secrets).
//
// Only the keys present in data are assigned, so decoding a second document
// into the same value overlays it on the first. A JSON null leaves a
// pointer, slice, map, struct, json.RawMessage or interface as it was, and is
// refused where a string, boolean or number is expected.
func Decode(data []byte, path string, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("strictjson: Decode needs a non-nil pointer")
	}
	root, p, err := parse(data, path)
	if err != nil {
		return err
	}
	return p.assign(root, rv.Elem(), path)
}
