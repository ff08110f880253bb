package download

import (
	"cmp"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// orderURLs sorts the candidate URLs: lower priority numbers first, URLs
// without a priority after every numbered one, the preferred location first
// within a priority, and document order otherwise.
func orderURLs(urls []metalink.URL, location string) []string {
	ordered := slices.Clone(urls)
	slices.SortStableFunc(ordered, func(a, b metalink.URL) int {
		return cmp.Or(
			cmp.Compare(unnumbered(a), unnumbered(b)),
			cmp.Compare(priority(a), priority(b)),
			cmp.Compare(elsewhere(a, location), elsewhere(b, location)),
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

func elsewhere(u metalink.URL, location string) int {
	location = strings.TrimSpace(location)
	if location != "" && strings.EqualFold(strings.TrimSpace(u.Location), location) {
		return 0
	}
	return 1
}
