// Package roundtrip judges whether a metalink document came back from being
// written and read again unchanged.
package roundtrip

import (
	"reflect"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// Same compares a and b field by field, and dates as instants: "+00:00"
// may come back as "Z".
func Same(a, b metalink.Metalink) bool {
	if !sameInstant(a.Published, b.Published) || !sameInstant(a.Updated, b.Updated) {
		return false
	}
	a.Published, a.Updated, b.Published, b.Updated = nil, nil, nil, nil
	return reflect.DeepEqual(a, b)
}

func sameInstant(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}
