// Package selection decides which files of a metalink an `in` downloads.
package selection

import "errors"

// Filter holds the include/exclude globs of source and params.
type Filter struct {
	Include       []string // source.include_files
	Exclude       []string // source.exclude_files
	ParamsInclude []string // params.include_files, intersected with Include
}

// Validate rejects malformed glob patterns, naming the key.
func (f Filter) Validate() error { return errors.New("selection: Validate not implemented") }

// Selected reports whether a file with this name is to be downloaded.
func (f Filter) Selected(name string) bool { return false }
