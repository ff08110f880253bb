package meta4repocmd

import (
	"cmp"
	"io"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// newestFirst orders entries by their first file's version, newest first,
// in the resources' order; equal versions by path. Entries without a usable
// version are left out with a warning, as check leaves them out.
func newestFirst(entries []repository.Entry, log io.Writer) []repository.Entry {
	found := repository.WithVersions(entries, log)
	slices.SortStableFunc(found, func(a, b repository.Versioned) int {
		return cmp.Or(b.Version.Compare(a.Version), strings.Compare(a.Entry.Path, b.Entry.Path))
	})
	ordered := make([]repository.Entry, len(found))
	for i, f := range found {
		ordered[i] = f.Entry
	}
	return ordered
}
