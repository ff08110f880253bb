package strictjson

import (
	"reflect"
	"strings"
	"sync"
)

// field is a key a struct accepts: its name in JSON and the chain of field
// indexes that reaches it through inlined embedded structs.
type field struct {
	name  string
	index []int
}

// fieldsCache maps a struct type to its []field; types are few and fixed.
var fieldsCache sync.Map

// fieldsOf lists the keys a struct type accepts.
func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldsCache.Load(t); ok {
		return f.([]field)
	}
	f := collectFields(t)
	fieldsCache.Store(t, f)
	return f
}

// collectFields walks t breadth first, so that a field declared in the outer
// struct hides a same-named one promoted from an embedded struct, as in Go.
// Between two fields at one depth the first declared wins.
func collectFields(t reflect.Type) []field {
	var out []field
	taken := map[string]bool{}
	level := []field{{index: nil}}
	types := []reflect.Type{t}
	visited := map[reflect.Type]bool{t: true}
	for len(level) > 0 {
		var nextLevel []field
		var nextTypes []reflect.Type
		var found []field
		for i, parent := range level {
			for j := 0; j < types[i].NumField(); j++ {
				sf := types[i].Field(j)
				index := append(append([]int(nil), parent.index...), j)
				if inner, ok := inlined(sf); ok {
					if !visited[inner] {
						visited[inner] = true
						nextLevel = append(nextLevel, field{index: index})
						nextTypes = append(nextTypes, inner)
					}
					continue
				}
				if name, ok := jsonName(sf); ok && !taken[name] {
					found = append(found, field{name: name, index: index})
				}
			}
		}
		for _, f := range found {
			if !taken[f.name] {
				taken[f.name] = true
				out = append(out, f)
			}
		}
		level, types = nextLevel, nextTypes
	}
	return out
}

// inlined reports whether sf is an embedded struct (or pointer to one)
// without a tag name, whose fields count as the outer struct's, and returns
// that struct type.
func inlined(sf reflect.StructField) (reflect.Type, bool) {
	if !sf.Anonymous {
		return nil, false
	}
	if name, _, _ := strings.Cut(sf.Tag.Get("json"), ","); name != "" {
		return nil, false
	}
	t := sf.Type
	if t.Kind() == reflect.Pointer {
		if !sf.IsExported() {
			return nil, false // reflection cannot allocate it
		}
		t = t.Elem()
	}
	return t, t.Kind() == reflect.Struct
}

// jsonName returns the key that sets sf, or false when sf takes no key
// (unexported, or tagged json:"-").
func jsonName(sf reflect.StructField) (string, bool) {
	if !sf.IsExported() {
		return "", false
	}
	tag := sf.Tag.Get("json")
	if tag == "-" {
		return "", false
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		name = sf.Name
	}
	return name, true
}

// lookup finds the field for key, matching case-sensitively, and otherwise
// a field whose name differs only in case, for the error's hint.
func lookup(fields []field, key string) (f field, ok bool, hint string) {
	for _, f := range fields {
		if f.name == key {
			return f, true, ""
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f.name, key) {
			return field{}, false, f.name
		}
	}
	return field{}, false, ""
}
