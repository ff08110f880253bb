package download

import (
	"cmp"
	"slices"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// orderURLs sorts the candidate URLs: lower priority numbers first, URLs
// without a priority after every numbered one, and document order otherwise.
func orderURLs(urls []metalink.URL) []string {
	ordered := slices.Clone(urls)
	slices.SortStableFunc(ordered, func(a, b metalink.URL) int {
		return cmp.Or(
			cmp.Compare(unnumbered(a), unnumbered(b)),
			cmp.Compare(priority(a), priority(b)),
		)
	})
	out := make([]string, len(ordered))
	for i, u := range ordered {
		out[i] = u.URL
	}
	return out
}

// The sort keys below are numbers, lower first.

func unnumbered(u metalink.URL) int {
	if u.Priority == nil {
		return 1
	}
	return 0
}

func priority(u metalink.URL) uint {
	if u.Priority == nil {
		return 0
	}
	return *u.Priority
}
