package metalinkrepository

import (
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
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
func newEntryFilter(version string, filters []map[string]json.RawMessage) (entryFilter, error) {
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
			return entryFilter{}, fmt.Errorf("source.filters[%d]: %w", i, err)
		}
	}
	return f, nil
}

func (f *entryFilter) add(filter map[string]json.RawMessage) error {
	if len(filter) != 1 {
		return fmt.Errorf("expected exactly one key (fileversion or repositorypath), got %d", len(filter))
	}
	for kind, raw := range filter {
		if kind != "fileversion" && kind != "repositorypath" {
			return fmt.Errorf("unknown filter %q (expected fileversion or repositorypath)", kind)
		}
		var value string
		if err := json.Unmarshal(raw, &value); err != nil {
			// A YAML number such as 1.10 reaches us as 1.1: refuse to guess.
			return fmt.Errorf("%s: expected a string, got %s (quote the value in YAML)", kind, raw)
		}
		if kind == "fileversion" {
			c, err := versions.ParseConstraint(value)
			if err != nil {
				return fmt.Errorf("fileversion: %w", err)
			}
			f.constraints = append(f.constraints, c)
			continue
		}
		if _, err := path.Match(value, ""); err != nil {
			return fmt.Errorf("repositorypath %q: %w", value, err)
		}
		f.pathGlobs = append(f.pathGlobs, value)
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
