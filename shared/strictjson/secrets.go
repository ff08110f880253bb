package strictjson

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Secrets returns, in a stable order, every non-empty string stored in a
// field tagged `secret:"true"` anywhere inside v (structs, pointers, slices,
// maps and embedded structs are walked; a map[string]string field tagged
// secret contributes all of its values; a Flexible field tagged secret counts
// too). Every string below a tagged field counts, so a tagged slice, pointer
// or struct is covered whole. Maps are walked in key order.
func Secrets(v any) []string {
	w := &secretWalker{seen: map[visit]bool{}}
	w.walk(reflect.ValueOf(v), false)
	return w.found
}

// secretWalker collects secrets; seen stops it going round a cycle of
// pointers or maps.
type secretWalker struct {
	found []string
	seen  map[visit]bool
}

// visit is a pointer or map already walked. The type and the secret flag are
// part of it: a struct and its first field share an address, and a value
// reached first from an untagged field must still be walked from a tagged one.
type visit struct {
	p      uintptr
	t      reflect.Type
	secret bool
}

func (w *secretWalker) walk(rv reflect.Value, secret bool) {
	switch rv.Kind() {
	case reflect.String:
		if secret && rv.Len() > 0 {
			w.found = append(w.found, rv.String())
		}
	case reflect.Pointer, reflect.Interface:
		if rv.Kind() == reflect.Pointer && !w.first(rv, secret) {
			return
		}
		w.walk(rv.Elem(), secret)
	case reflect.Struct:
		t := rv.Type()
		for i := 0; i < rv.NumField(); i++ {
			w.walk(rv.Field(i), secret || t.Field(i).Tag.Get("secret") == "true")
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			w.walk(rv.Index(i), secret)
		}
	case reflect.Map:
		if w.first(rv, secret) {
			for _, k := range sortedKeys(rv) {
				w.walk(rv.MapIndex(k), secret)
			}
		}
	}
}

// first reports whether the pointer or map rv is seen for the first time;
// nil ones have nothing to walk.
func (w *secretWalker) first(rv reflect.Value, secret bool) bool {
	if rv.IsNil() {
		return false
	}
	v := visit{rv.Pointer(), rv.Type(), secret}
	if w.seen[v] {
		return false
	}
	w.seen[v] = true
	return true
}

// sortedKeys orders map keys by their printed form, which is stable for the
// string keys secrets live under and good enough for any other.
func sortedKeys(rv reflect.Value) []reflect.Value {
	type printedKey struct {
		key     reflect.Value
		printed string
	}
	pks := make([]printedKey, 0, rv.Len())
	for _, k := range rv.MapKeys() {
		pks = append(pks, printedKey{k, fmt.Sprint(k)})
	}
	slices.SortStableFunc(pks, func(a, b printedKey) int { return strings.Compare(a.printed, b.printed) })
	keys := make([]reflect.Value, len(pks))
	for i, pk := range pks {
		keys[i] = pk.key
	}
	return keys
}
