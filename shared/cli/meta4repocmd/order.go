package meta4repocmd

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// versioned is an entry and the version check knows it by.
type versioned struct {
	entry   repository.Entry
	version versions.Version
}

// newestFirst orders entries by their first file's version, newest first,
// in the resources' order; equal versions by path. Entries without a usable
// version are left out with a warning, as check leaves them out.
func newestFirst(entries []repository.Entry, log io.Writer) []repository.Entry {
	var found []versioned
	for _, entry := range entries {
		if len(entry.Metalink.Files) == 0 || entry.Metalink.Files[0].Version == "" {
			_, _ = io.WriteString(log, "warning: skipping "+entry.Path+": its first file has no version\n")
			continue
		}
		v, err := versions.Parse(entry.Metalink.Files[0].Version)
		if err != nil {
			_, _ = io.WriteString(log, "warning: skipping "+entry.Path+": "+err.Error()+"\n")
			continue
		}
		found = append(found, versioned{entry: entry, version: v})
	}
	slices.SortStableFunc(found, func(a, b versioned) int {
		return cmp.Or(b.version.Compare(a.version), strings.Compare(a.entry.Path, b.entry.Path))
	})
	ordered := make([]repository.Entry, len(found))
	for i, f := range found {
		ordered[i] = f.entry
	}
	return ordered
}
