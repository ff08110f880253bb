package metalinkrepository

import (
	"errors"
	"fmt"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/repository/entryfilter"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// newEntryFilter compiles source.version and source.filters, naming the bad
// key or list entry. meta4-repo's --filter flags compile into the same
// entryfilter.Filter.
func newEntryFilter(version string, filters []Filter) (entryfilter.Filter, error) {
	var f entryfilter.Filter
	if strings.TrimSpace(version) != "" {
		if err := f.AddVersion(version); err != nil {
			return entryfilter.Filter{}, fmt.Errorf("source.version: %w", err)
		}
	}
	for i, filter := range filters {
		if err := addFilter(&f, filter); err != nil {
			return entryfilter.Filter{}, fmt.Errorf("%s: %w", strictjson.Index("source.filters", i), err)
		}
	}
	return f, nil
}

func addFilter(f *entryfilter.Filter, filter Filter) error {
	switch {
	case (filter.FileVersion == nil) == (filter.RepositoryPath == nil):
		return errors.New("expected exactly one key, fileversion or repositorypath")
	case filter.FileVersion != nil:
		return f.Add(entryfilter.FileVersion, *filter.FileVersion)
	default:
		return f.Add(entryfilter.RepositoryPath, *filter.RepositoryPath)
	}
}
