// Package selection decides which files of a metalink an `in` downloads.
//
// Patterns are Go path.Match globs matched against a file's name: `*` and `?`
// do not cross `/`, `[...]` is a character class and `\` escapes. Unlike the
// original resources, which treated a malformed pattern as "matches nothing",
// Validate rejects it so that a typo fails loudly instead of silently
// downloading nothing.
package selection

import (
	"fmt"
	"path"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// Filter holds the include/exclude globs of source and params.
type Filter struct {
	Include       []string // field "include"
	Exclude       []string // field "exclude"
	ParamsInclude []string // field "params_include": a get step's own, intersected with Include
}

// Validate rejects malformed glob patterns, naming the field by names and
// the pattern by its index.
func (f Filter) Validate(names field.Names) error {
	fields := []struct {
		field    string
		patterns []string
	}{
		{"include", f.Include},
		{"exclude", f.Exclude},
		{"params_include", f.ParamsInclude},
	}
	for _, k := range fields {
		for i, pattern := range k.patterns {
			// path.Match checks the whole pattern whatever the name, so any
			// name will do to surface a syntax error.
			if _, err := path.Match(pattern, ""); err != nil {
				return fmt.Errorf("%s[%d]: bad pattern %s: %w", names.Of(k.field), i, redact.Quote(pattern), err)
			}
		}
	}
	return nil
}

// Selected reports whether a file with this name is to be downloaded: it must
// match one source include (if any), one params include (if any), and no
// exclude. Malformed patterns match nothing; Validate reports them.
func (f Filter) Selected(name string) bool {
	if len(f.Include) > 0 && !matchesAny(f.Include, name) {
		return false
	}
	if len(f.ParamsInclude) > 0 && !matchesAny(f.ParamsInclude, name) {
		return false
	}
	return !matchesAny(f.Exclude, name)
}

func matchesAny(patterns []string, name string) bool {
	for _, pattern := range patterns {
		if matched, _ := path.Match(pattern, name); matched {
			return true
		}
	}
	return false
}
