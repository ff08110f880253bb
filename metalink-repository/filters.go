package metalinkrepository

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// entryFilter decides which repository entries are candidates at all:
// source.version and every source.filters entry, ANDed.
type entryFilter struct {
	constraints []*versions.Constraint // any file's version must satisfy each
	pathGlobs   []string               // the entry's repository path must match each
}

// newEntryFilter compiles source.version and source.filters, naming the bad
// key or list entry.
func newEntryFilter(version string, filters []Filter) (entryFilter, error) {
	var f entryFilter
	if strings.TrimSpace(version) != "" {
		c, err := versions.ParseConstraint(version)
		if err != nil {
			return entryFilter{}, fmt.Errorf("source.version: %w", err)
		}
		f.constraints = append(f.constraints, c)
	}
	for i, filter := range filters {
		if err := f.add(filter); err != nil {
			return entryFilter{}, fmt.Errorf("%s: %w", strictjson.Index("source.filters", i), err)
		}
	}
	return f, nil
}

func (f *entryFilter) add(filter Filter) error {
	switch {
	case (filter.FileVersion == nil) == (filter.RepositoryPath == nil):
		return errors.New("expected exactly one key, fileversion or repositorypath")
	case filter.FileVersion != nil:
		c, err := versions.ParseConstraint(*filter.FileVersion)
		if err != nil {
			return fmt.Errorf("fileversion: %w", err)
		}
		f.constraints = append(f.constraints, c)
	default:
		if _, err := path.Match(*filter.RepositoryPath, ""); err != nil {
			return fmt.Errorf("repositorypath: bad pattern: %w", err)
		}
		f.pathGlobs = append(f.pathGlobs, *filter.RepositoryPath)
	}
	return nil
}

// matches reports whether entry passes every filter.
func (f entryFilter) matches(entry repository.Entry) bool {
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
