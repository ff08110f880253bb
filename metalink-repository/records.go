package metalinkrepository

import (
	"errors"
	"fmt"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// over is r with base's value for every key r leaves empty: a put's params
// over the source's defaults.
func (r Records) over(base Records) Records {
	if r.Description == "" {
		r.Description = base.Description
	}
	if r.License == nil {
		r.License = base.License
	}
	if r.Publisher == nil {
		r.Publisher = base.Publisher
	}
	if r.Identity == "" {
		r.Identity = base.Identity
	}
	return r
}

// checkRecords validates every value, naming its key under path ("params").
func (r Records) checkRecords(path string) error {
	for _, text := range [][2]string{{"description", r.Description}, {"identity", r.Identity}} {
		if err := metalink.CheckRecord(text[1]); err != nil {
			return fmt.Errorf("%s.%s: %w", path, text[0], err)
		}
	}
	// A publisher has a licence's shape: a name and a link.
	for _, link := range []struct {
		key string
		is  *metalink.License
	}{{"license", r.License}, {"publisher", (*metalink.License)(r.Publisher)}} {
		if link.is == nil {
			continue
		}
		field, err := metalink.CheckNamedLink(link.is.Name, link.is.URL)
		switch {
		case errors.Is(err, metalink.ErrRequired):
			return fmt.Errorf("%s.%s.%s is required", path, link.key, field)
		case err != nil:
			return fmt.Errorf("%s.%s.%s: %w", path, link.key, field, err)
		}
	}
	return nil
}

// apply writes the records on every file of doc.
func (r Records) apply(doc *metalink.Metalink) {
	for i := range doc.Files {
		f := &doc.Files[i]
		if r.Description != "" {
			f.Description = r.Description
		}
		if r.License != nil {
			f.License = r.License
		}
		if r.Publisher != nil {
			f.Publisher = r.Publisher
		}
		if r.Identity != "" {
			f.Identity = r.Identity
		}
	}
}
