package metalinkrepository

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// maxRecordText bounds each record value: a description is a sentence or
// a paragraph, not a document.
const maxRecordText = 4096

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
	texts := [][2]string{{"description", r.Description}, {"identity", r.Identity}}
	// A publisher has a licence's shape: a name and a link.
	links := []struct {
		key  string
		link *metalink.License
	}{{"license", r.License}, {"publisher", (*metalink.License)(r.Publisher)}}
	for _, l := range links {
		key, link := l.key, l.link
		if link == nil {
			continue
		}
		if strings.TrimSpace(link.Name) == "" {
			return fmt.Errorf("%s.%s.name is required", path, key)
		}
		if err := checkWebURL(link.URL); err != nil {
			return fmt.Errorf("%s.%s.url: %w", path, key, err)
		}
		texts = append(texts, [2]string{key + ".name", link.Name})
	}
	for _, t := range texts {
		if len(t[1]) > maxRecordText {
			return fmt.Errorf("%s.%s: %d bytes, at most %d", path, t[0], len(t[1]), maxRecordText)
		}
		if err := metalink.CheckText(t[1]); err != nil {
			return fmt.Errorf("%s.%s: %w", path, t[0], err)
		}
	}
	return nil
}

// checkWebURL accepts "" or an absolute http(s) URL: a record's link is
// shown to people, never a script or a local path.
func checkWebURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(raw) > maxRecordText {
		return fmt.Errorf("%s is not an http(s) URL", redact.Quote(redact.String(raw)))
	}
	return metalink.CheckText(raw)
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
