// Package entryfilter decides which documents of a repository are
// candidates: version constraints that some file's version must satisfy and
// globs that the document's path inside the repository must match, all
// ANDed. The resource's source.version and source.filters and meta4-repo's
// --filter flags compile into the same Filter, so both select alike.
package entryfilter

import (
	"fmt"
	"path"
	"slices"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// The filter types, as source.filters keys and --filter TYPE:VALUE prefixes.
const (
	FileVersion    = "fileversion"
	RepositoryPath = "repositorypath"
)

// Filter is a compiled set of conditions; the zero Filter passes everything.
type Filter struct {
	constraints []*versions.Constraint // any file's version must satisfy each
	pathGlobs   []string               // the entry's repository path must match each
}

// Add adds a condition of the named type, its error prefixed by the type.
func (f *Filter) Add(kind, value string) error {
	var err error
	switch kind {
	case FileVersion:
		err = f.AddVersion(value)
	case RepositoryPath:
		err = f.AddPath(value)
	default:
		return fmt.Errorf("unknown filter type %q (expected %s or %s)", kind, FileVersion, RepositoryPath)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	return nil
}

// AddVersion requires some file of a document to carry a version that
// satisfies constraint.
func (f *Filter) AddVersion(constraint string) error {
	c, err := versions.ParseConstraint(constraint)
	if err != nil {
		return err
	}
	f.constraints = append(f.constraints, c)
	return nil
}

// AddPath requires a document's path inside the repository to match glob
// (path.Match: "*" does not cross "/").
func (f *Filter) AddPath(glob string) error {
	// path.Match checks the whole pattern whatever the name.
	if _, err := path.Match(glob, ""); err != nil {
		return fmt.Errorf("bad pattern: %w", err)
	}
	f.pathGlobs = append(f.pathGlobs, glob)
	return nil
}

// Matches reports whether entry passes every condition.
func (f Filter) Matches(entry repository.Entry) bool {
	for _, glob := range f.pathGlobs {
		if ok, _ := path.Match(glob, entry.Path); !ok {
			return false
		}
	}
	for _, c := range f.constraints {
		if !anyFileAllows(entry.Metalink.Files, c) {
			return false
		}
	}
	return true
}

// Select returns the entries that pass, in their order.
func (f Filter) Select(entries []repository.Entry) []repository.Entry {
	var matching []repository.Entry
	for _, entry := range entries {
		if f.Matches(entry) {
			matching = append(matching, entry)
		}
	}
	return matching
}

// anyFileAllows reports whether some file carries a version satisfying c;
// files without a version, or with one that does not parse, never do.
func anyFileAllows(files []metalink.File, c *versions.Constraint) bool {
	return slices.ContainsFunc(files, func(file metalink.File) bool {
		if file.Version == "" {
			return false
		}
		v, err := versions.Parse(file.Version)
		return err == nil && c.Allows(v)
	})
}
