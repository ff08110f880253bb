package strictjson

import (
	"reflect"
	"slices"
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
	w := &fieldWalk{taken: map[string]bool{}, visited: map[reflect.Type]bool{t: true}}
	for level := []embedded{{t: t}}; len(level) > 0; {
		level = w.level(level)
	}
	return w.fields
}

// embedded is a struct whose fields count as the outer struct's, reached by
// index from it.
type embedded struct {
	t     reflect.Type
	index []int
}

// fieldWalk collects fields level by level. visited stops a struct that
// embeds a pointer to itself from being walked for ever.
type fieldWalk struct {
	fields  []field
	taken   map[string]bool
	visited map[reflect.Type]bool
}

// level adds the fields declared by the structs at one depth and returns the
// structs they embed, one level deeper.
func (w *fieldWalk) level(structs []embedded) []embedded {
	var next []embedded
	for _, s := range structs {
		for j := 0; j < s.t.NumField(); j++ {
			sf := s.t.Field(j)
			index := slices.Concat(s.index, []int{j})
			if inner, ok := inlined(sf); ok {
				if !w.visited[inner] {
					w.visited[inner] = true
					next = append(next, embedded{t: inner, index: index})
				}
			} else if name, ok := jsonName(sf); ok && !w.taken[name] {
				w.taken[name] = true
				w.fields = append(w.fields, field{name: name, index: index})
			}
		}
	}
	return next
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
