package metalink_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// FuzzParse checks that Parse never panics, and that whatever it accepts
// comes back unchanged from MarshalXML and from MarshalJSON. Seeds are in
// testdata/fuzz/FuzzParse. Run: go test -run '^$' -fuzz FuzzParse -fuzztime 30s
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := metalink.Parse(data)
		if err != nil {
			return
		}
		valid := m.Validate() == nil
		asXML, err := metalink.MarshalXML(m)
		if err != nil {
			if valid {
				t.Fatalf("MarshalXML failed on a valid document: %v", err)
			}
			return
		}
		assertSurvives(t, "XML", m, asXML)
		asJSON, err := metalink.MarshalJSON(m)
		if err != nil {
			t.Fatalf("MarshalJSON failed on a document MarshalXML wrote: %v", err)
		}
		assertSurvives(t, "JSON", m, asJSON)
	})
}

func assertSurvives(t *testing.T, format string, want metalink.Metalink, written []byte) {
	t.Helper()
	got, err := metalink.Parse(written)
	if err != nil {
		t.Fatalf("Parse rejected the %s it wrote: %v\n%s", format, err, written)
	}
	if !sameDocument(want, got) {
		t.Fatalf("the %s round trip changed the document\nbefore: %#v\nafter:  %#v\n%s", format, want, got, written)
	}
}

// sameDocument compares dates as instants: "+00:00" may come back as "Z".
func sameDocument(a, b metalink.Metalink) bool {
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
