package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// maxDepth bounds the nesting of objects and arrays. Real requests nest a
// handful of levels; the bound keeps a hostile document from costing stack
// and time.
const maxDepth = 64

// kind is what a JSON value is, in the terms errors use.
type kind uint8

const (
	kindString kind = iota
	kindNumber
	kindBool
	kindList
	kindMap
	kindNull
)

// String names the kind as an error says it ("got a list").
func (k kind) String() string {
	return [...]string{"a string", "a number", "a boolean", "a list", "a map", "null"}[k]
}

// node is one JSON value. Objects keep their keys in document order, so the
// first offending key is the one reported. start and end locate the value in
// the input for targets that want its raw bytes.
type node struct {
	kind       kind
	text       string // a string's value or a number's literal
	boolean    bool
	keys       []string // kindMap, in document order
	values     []*node  // kindMap: the value of keys[i]; kindList: the items
	start, end int64
}

// parser turns the input into a tree of nodes, checking what encoding/json's
// Decoder does not: duplicate keys and depth.
type parser struct {
	data []byte
	dec  *json.Decoder
}

// parse reads the single JSON value in data; the parser stays useful for
// the raw bytes of its nodes.
func parse(data []byte, path string) (*node, *parser, error) {
	if isBlank(data) {
		return nil, nil, failAt(path, "empty request: expected a JSON object")
	}
	p := &parser{data: data, dec: json.NewDecoder(bytes.NewReader(data))}
	p.dec.UseNumber()
	n, err := p.value(path, 0)
	if err != nil {
		return nil, nil, err
	}
	if !isBlank(data[p.dec.InputOffset():]) {
		return nil, nil, failAt(path, "unexpected data after the JSON value")
	}
	return n, p, nil
}

// value reads one value whose key path is path, inside depth containers.
func (p *parser) value(path string, depth int) (*node, error) {
	start := p.nextStart()
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.syntax(path, err)
	}
	var n *node
	switch t := tok.(type) {
	case json.Delim:
		if depth+1 > maxDepth {
			return nil, failAt(path, "nested too deeply")
		}
		if t == '{' {
			n, err = p.object(path, depth+1)
		} else {
			n, err = p.array(path, depth+1)
		}
		if err != nil {
			return nil, err
		}
	case string:
		n = &node{kind: kindString, text: t}
	case json.Number:
		n = &node{kind: kindNumber, text: string(t)}
	case bool:
		n = &node{kind: kindBool, boolean: t}
	default: // nil: the Decoder returns no other token type
		n = &node{kind: kindNull}
	}
	n.start, n.end = start, p.dec.InputOffset()
	return n, nil
}

// object reads the members of an object whose '{' was just read.
func (p *parser) object(path string, depth int) (*node, error) {
	n := &node{kind: kindMap}
	seen := map[string]bool{}
	for p.dec.More() {
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.syntax(path, err)
		}
		key, _ := tok.(string) // the Decoder only returns a string here
		if seen[key] {
			return nil, failKey("duplicate key", Join(path, key), "")
		}
		seen[key] = true
		v, err := p.value(Join(path, key), depth)
		if err != nil {
			return nil, err
		}
		n.keys = append(n.keys, key)
		n.values = append(n.values, v)
	}
	return n, p.closing(path)
}

// array reads the items of an array whose '[' was just read.
func (p *parser) array(path string, depth int) (*node, error) {
	n := &node{kind: kindList}
	for p.dec.More() {
		v, err := p.value(Index(path, len(n.values)), depth)
		if err != nil {
			return nil, err
		}
		n.values = append(n.values, v)
	}
	return n, p.closing(path)
}

// closing reads the '}' or ']' that More promised.
func (p *parser) closing(path string) error {
	if _, err := p.dec.Token(); err != nil {
		return p.syntax(path, err)
	}
	return nil
}

// nextStart finds where the next value begins: the Decoder's offset is just
// after the previous token, before any whitespace, ':' or ','.
func (p *parser) nextStart() int64 {
	i := p.dec.InputOffset()
	for i < int64(len(p.data)) {
		switch p.data[i] {
		case ' ', '\t', '\n', '\r', ':', ',':
			i++
		default:
			return i
		}
	}
	return i
}

// syntax turns a Decoder error into one line naming the offending byte,
// counting from 1 (json.SyntaxError.Offset). The Decoder's own offsets point
// near the error rather than at it, and it reports input that stops early as
// a bare io.EOF, so the whole input is scanned again for the exact error; the
// path is where the Decoder was.
func (p *parser) syntax(path string, err error) error {
	var se *json.SyntaxError
	if !errors.As(json.Unmarshal(p.data, new(json.RawMessage)), &se) && !errors.As(err, &se) {
		return failAt(path, "malformed JSON: "+err.Error())
	}
	return failAt(path, "malformed JSON at byte "+strconv.FormatInt(se.Offset, 10)+": "+se.Error())
}

// raw returns the compact text of n, as json.RawMessage and json.Unmarshaler
// targets receive it.
func (p *parser) raw(n *node) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, p.data[n.start:n.end]); err != nil {
		// Unreachable: the Decoder has validated these bytes.
		return append([]byte(nil), p.data[n.start:n.end]...)
	}
	return b.Bytes()
}

// isBlank reports whether b holds only JSON whitespace.
func isBlank(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\n', '\r':
		default:
			return false
		}
	}
	return true
}
