package strictjson

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
)

var (
	rawMessageType = reflect.TypeFor[json.RawMessage]()
	flexibleType   = reflect.TypeFor[Flexible]()
	boolType       = reflect.TypeFor[Bool]()
)

// assign stores n, a node p parsed, into the settable rv, whose key path is
// path. The parser is needed for the raw bytes some targets take.
func (p *parser) assign(n *node, rv reflect.Value, path string) error {
	switch rv.Type() {
	case rawMessageType:
		if n.kind != kindNull {
			rv.SetBytes(p.raw(n))
		}
		return nil
	case flexibleType:
		return assignFlexible(n, rv, path)
	case boolType:
		return assignBool(n, rv, path)
	}
	if rv.Kind() == reflect.Pointer {
		return p.assignPointer(n, rv, path)
	}
	if u, ok := unmarshaler(rv); ok {
		if err := u.UnmarshalJSON(p.raw(n)); err != nil {
			return failCause(path, err)
		}
		return nil
	}
	return p.assignKind(n, rv, path)
}

// unmarshaler returns rv as a json.Unmarshaler when its type decodes itself.
func unmarshaler(rv reflect.Value) (json.Unmarshaler, bool) {
	if !rv.CanAddr() || !rv.Addr().CanInterface() {
		return nil, false
	}
	u, ok := rv.Addr().Interface().(json.Unmarshaler)
	return u, ok
}

// assignKind stores n into a value of a plain Go kind.
func (p *parser) assignKind(n *node, rv reflect.Value, path string) error {
	switch rv.Kind() {
	case reflect.Struct:
		return p.assignStruct(n, rv, path)
	case reflect.Map:
		return p.assignMap(n, rv, path)
	case reflect.Slice:
		return p.assignSlice(n, rv, path)
	case reflect.Interface:
		return assignInterface(n, rv, path)
	case reflect.String:
		return assignString(n, rv, path)
	case reflect.Bool:
		return assignPlainBool(n, rv, path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return assignInt(n, rv, path)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return assignUint(n, rv, path)
	case reflect.Float32, reflect.Float64:
		return assignFloat(n, rv, path)
	}
	return unsupported(rv, path)
}

// unsupported reports a target type Decode cannot fill: a mistake in the
// resource's own types, so the Go type is named for its developer.
func unsupported(rv reflect.Value, path string) error {
	return failAt(path, "cannot be decoded into unsupported Go type "+rv.Type().String())
}

// mismatch reports a value of the wrong kind: "expected a string, got a list".
func mismatch(path, expected string, n *node) error {
	return &MismatchError{Path: path, Expected: expected, Got: n.kind.String()}
}

// assignPointer allocates a nil pointer and fills what it points to; an
// existing pointee is filled in place, so overlays reach through pointers.
func (p *parser) assignPointer(n *node, rv reflect.Value, path string) error {
	if n.kind == kindNull {
		return nil
	}
	if rv.IsNil() {
		rv.Set(reflect.New(rv.Type().Elem()))
	}
	return p.assign(n, rv.Elem(), path)
}

// assignStruct sets the fields named by the keys of n, and no others.
func (p *parser) assignStruct(n *node, rv reflect.Value, path string) error {
	if n.kind == kindNull {
		return nil
	}
	if n.kind != kindMap {
		return mismatch(path, "a map", n)
	}
	fields := fieldsOf(rv.Type())
	for i, key := range n.keys {
		f, ok, hint := lookup(fields, key)
		if !ok {
			if hint != "" {
				hint = ` (did you mean "` + hint + `"?)`
			}
			return failKey("unknown key", Join(path, key), hint)
		}
		if err := p.assign(n.values[i], fieldByIndex(rv, f.index), Join(path, key)); err != nil {
			return err
		}
	}
	return nil
}

// fieldByIndex reaches a possibly promoted field, allocating the embedded
// pointers on the way; it is only called for a key that is present.
func fieldByIndex(rv reflect.Value, index []int) reflect.Value {
	for i, x := range index {
		if i > 0 && rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				rv.Set(reflect.New(rv.Type().Elem()))
			}
			rv = rv.Elem()
		}
		rv = rv.Field(x)
	}
	return rv
}

// assignMap adds the members of n to a map with string keys; existing
// entries stay, so overlays merge maps.
func (p *parser) assignMap(n *node, rv reflect.Value, path string) error {
	t := rv.Type()
	if t.Key().Kind() != reflect.String {
		return unsupported(rv, path)
	}
	if n.kind == kindNull {
		return nil
	}
	if n.kind != kindMap {
		return mismatch(path, "a map", n)
	}
	if rv.IsNil() {
		rv.Set(reflect.MakeMapWithSize(t, len(n.keys)))
	}
	for i, key := range n.keys {
		elem := reflect.New(t.Elem()).Elem()
		if err := p.assign(n.values[i], elem, Join(path, key)); err != nil {
			return err
		}
		rv.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
	}
	return nil
}

// assignSlice replaces a slice with the items of n.
func (p *parser) assignSlice(n *node, rv reflect.Value, path string) error {
	if n.kind == kindNull {
		return nil
	}
	if n.kind != kindList {
		return mismatch(path, "a list", n)
	}
	s := reflect.MakeSlice(rv.Type(), len(n.values), len(n.values))
	for i, item := range n.values {
		if err := p.assign(item, s.Index(i), Index(path, i)); err != nil {
			return err
		}
	}
	rv.Set(s)
	return nil
}

// assignInterface fills an empty interface with the generic form
// encoding/json would use (json.Number for numbers).
func assignInterface(n *node, rv reflect.Value, path string) error {
	if rv.NumMethod() != 0 {
		return unsupported(rv, path)
	}
	if n.kind != kindNull {
		rv.Set(reflect.ValueOf(generic(n)))
	}
	return nil
}

// generic converts n to map[string]any, []any, string, bool, json.Number or
// nil.
func generic(n *node) any {
	switch n.kind {
	case kindMap:
		m := make(map[string]any, len(n.keys))
		for i, key := range n.keys {
			m[key] = generic(n.values[i])
		}
		return m
	case kindList:
		l := make([]any, len(n.values))
		for i, item := range n.values {
			l[i] = generic(item)
		}
		return l
	case kindString:
		return n.text
	case kindNumber:
		return json.Number(n.text)
	case kindBool:
		return n.boolean
	}
	return nil
}

func assignString(n *node, rv reflect.Value, path string) error {
	if n.kind != kindString {
		return mismatch(path, "a string", n)
	}
	rv.SetString(n.text)
	return nil
}

func assignPlainBool(n *node, rv reflect.Value, path string) error {
	if n.kind != kindBool {
		return mismatch(path, "true or false", n)
	}
	rv.SetBool(n.boolean)
	return nil
}

func assignInt(n *node, rv reflect.Value, path string) error {
	if n.kind != kindNumber {
		return mismatch(path, "a whole number", n)
	}
	i, err := strconv.ParseInt(n.text, 10, rv.Type().Bits())
	if err != nil {
		return wholeNumberError(path, n, err)
	}
	rv.SetInt(i)
	return nil
}

func assignUint(n *node, rv reflect.Value, path string) error {
	if n.kind != kindNumber {
		return mismatch(path, "a whole number", n)
	}
	u, err := parseUint(n.text, rv.Type().Bits())
	if err != nil {
		return wholeNumberError(path, n, err)
	}
	rv.SetUint(u)
	return nil
}

// parseUint parses a JSON integer literal into an unsigned number; a
// negative one is out of range rather than malformed (though -0 is zero).
func parseUint(text string, bits int) (uint64, error) {
	if len(text) > 0 && text[0] == '-' {
		i, err := strconv.ParseInt(text, 10, 64)
		if err == nil && i < 0 {
			err = strconv.ErrRange
		}
		return 0, err
	}
	return strconv.ParseUint(text, 10, bits)
}

// wholeNumberError tells apart a number that is not whole (1.5, 1e3) from one
// that does not fit.
func wholeNumberError(path string, n *node, err error) error {
	if errors.Is(err, strconv.ErrRange) {
		return failAt(path, "a whole number out of range")
	}
	return mismatch(path, "a whole number", n)
}

func assignFloat(n *node, rv reflect.Value, path string) error {
	if n.kind != kindNumber {
		return mismatch(path, "a number", n)
	}
	f, err := strconv.ParseFloat(n.text, rv.Type().Bits())
	if err != nil {
		return failAt(path, "a number out of range")
	}
	rv.SetFloat(f)
	return nil
}
