package repository

import (
	"errors"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// ErrNoVersion is an entry whose first file has no version: check cannot
// report it, so every command that orders or picks by version passes it by.
var ErrNoVersion = errors.New("its first file has no version")

// RawVersion returns the version a document is known by, as written: that
// of its first file, the one check reports. It is "" when there is none.
func RawVersion(doc metalink.Metalink) string {
	if len(doc.Files) == 0 {
		return ""
	}
	return doc.Files[0].Version
}

// Version returns the version the entry is known by, parsed: ErrNoVersion
// when its first file has none, the parse error when it is unusable.
func (e Entry) Version() (versions.Version, error) {
	raw := RawVersion(e.Metalink)
	if raw == "" {
		return versions.Version{}, ErrNoVersion
	}
	return versions.Parse(raw)
}

// Versioned is an entry and the version check knows it by.
type Versioned struct {
	Entry   Entry
	Version versions.Version
}

// WithVersions returns the entries that have a usable version, each with it,
// in their order. The others are skipped with a warning on log naming them,
// so that check and the tools leave out the same entries in the same words.
func WithVersions(entries []Entry, log io.Writer) []Versioned {
	var found []Versioned
	for _, entry := range entries {
		v, err := entry.Version()
		if err != nil {
			_, _ = fmt.Fprintf(log, "warning: skipping %s: %v\n", entry.Path, err)
			continue
		}
		found = append(found, Versioned{Entry: entry, Version: v})
	}
	return found
}
