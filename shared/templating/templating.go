// Package templating parses and runs the text/templates pipeline authors
// write (mirror_files destinations and urls, put's rename), with errors that
// name the key and the field instead of Go's internals.
package templating

import (
	"bytes"
	"fmt"
	"regexp"
	"text/template"
)

var (
	// parseError is text/template's "template: NAME:LINE: message" or
	// "template: NAME:LINE:COLUMN: message".
	parseError = regexp.MustCompile(`^template: .*?:(\d+)(?::\d+)?: (.*)$`)
	// unknownField is how text/template says a struct or a map has no such
	// field.
	unknownField = regexp.MustCompile(`can't evaluate field (\w+) in type|map has no entry for key "(\w+)"`)
	// executing is the part of an execution error that repeats the name.
	executing = regexp.MustCompile(`^executing ".*?" at <(.*?)>: `)
)

// Template is one author's template and the key it was written at.
type Template struct {
	key    string
	fields string // what the template may use, for the error of a wrong one
	tmpl   *template.Template
}

// Parse parses text written at key ("source.mirror_files[0].destination");
// fields lists what it may refer to ({{.Name}}, …) for error messages. A key
// missing from a map is an error too, not "<no value>".
func Parse(key, text, fields string) (*Template, error) {
	tmpl, err := template.New(key).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, describe(key, fields, err)
	}
	return &Template{key: key, fields: fields, tmpl: tmpl}, nil
}

// Key is where the template was written.
func (t *Template) Key() string { return t.key }

// Execute renders the template over data.
func (t *Template) Execute(data any) (string, error) {
	var out bytes.Buffer
	if err := t.tmpl.Execute(&out, data); err != nil {
		return "", describe(t.key, t.fields, err)
	}
	return out.String(), nil
}

// describe rewrites a text/template error as "KEY: line N: what", naming an
// unknown field and the fields there are.
func describe(key, fields string, err error) error {
	if m := unknownField.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s: unknown field .%s (the fields are %s)", key, m[1]+m[2], fields)
	}
	m := parseError.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	what := m[2]
	if e := executing.FindStringSubmatch(what); e != nil {
		what = "at <" + e[1] + ">: " + what[len(e[0]):]
	}
	return fmt.Errorf("%s: line %s: %s", key, m[1], what)
}
