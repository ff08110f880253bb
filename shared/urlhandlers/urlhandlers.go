// Package urlhandlers compiles source.url_handlers: per-URL credentials for
// s3:// URLs, chosen by include/exclude regexes. A compiled Set gives the
// download router and the options with which out writes an s3:// mirror.
//
// Unlike the original, a handler with only exclude patterns applies to every
// s3:// URL that none of them matches (the original never applied it).
package urlhandlers

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// Config is one url_handlers entry as a pipeline author writes it.
type Config struct {
	Type    string           `json:"type"`
	Include []string         `json:"include,omitempty"`
	Exclude []string         `json:"exclude,omitempty"`
	Options s3client.Options `json:"options"`
}

// Set is the compiled handlers, in the order they are consulted.
type Set struct {
	handlers []*filtered
	network  *network.Client
}

// Compile builds the handlers of the entries at path ("source.url_handlers"),
// naming the entry and field at fault. Every handler, the defaults included,
// sends its requests with client.
func Compile(path string, configs []Config, client *network.Client) (*Set, error) {
	set := &Set{network: client}
	for i, config := range configs {
		if err := set.Add(strictjson.Index(path, i), config); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// Add appends the handler of the entry named entry ("source.url_handlers[0]").
func (s *Set) Add(entry string, config Config) error {
	if config.Type != "s3" {
		return fmt.Errorf("%s.type: unknown type %s (expected s3)", entry, redact.Quote(config.Type))
	}
	include, err := compileRegexes(entry+".include", config.Include)
	if err != nil {
		return err
	}
	exclude, err := compileRegexes(entry+".exclude", config.Exclude)
	if err != nil {
		return err
	}
	// The fields are keys under the entry's options, which the wrapping names.
	if err := config.Options.Validate(nil); err != nil {
		return fmt.Errorf("%s.options: %w", entry, err)
	}
	s.handlers = append(s.handlers, &filtered{
		Handler: s3client.NewHandler(config.Options, s.network), opts: config.Options, include: include, exclude: exclude,
	})
	return nil
}

// Clone is a copy that Add can extend without changing s.
func (s *Set) Clone() *Set {
	return &Set{handlers: slices.Clone(s.handlers), network: s.network}
}

// Router returns the configured handlers followed by the defaults (file,
// http(s), ftp, anonymous s3).
func (s *Set) Router() transfer.Router {
	router := make(transfer.Router, 0, len(s.handlers)+4)
	for _, h := range s.handlers {
		router = append(router, h)
	}
	router = append(router, transfer.Defaults(s.network.HTTP)...)
	return append(router, s3client.NewHandler(s3client.Options{Anonymous: true}, s.network))
}

// OptionsFor returns the options of the first handler that selects rawURL:
// the credentials and endpoint settings with which out writes an s3:// mirror
// destination. When none selects it, the zero Options apply (the SDK's
// default credential chain over HTTPS).
func (s *Set) OptionsFor(rawURL string) s3client.Options {
	for _, h := range s.handlers {
		if h.Handles(rawURL) {
			return h.opts
		}
	}
	return s3client.Options{}
}

// Network is the client the handlers send their requests with, for another
// S3 client (out's mirror destinations) to send its own.
func (s *Set) Network() *network.Client { return s.network }

func compileRegexes(field string, patterns []string) ([]*regexp.Regexp, error) {
	compiled := make([]*regexp.Regexp, len(patterns))
	for i, pattern := range patterns {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("%s: bad regex: %w", strictjson.Index(field, i), err)
		}
		compiled[i] = re
	}
	return compiled, nil
}

// filtered narrows a handler to the URLs its patterns select, matched
// unanchored against the whole URL: an exclude match rejects; otherwise no
// include patterns, or a matching one, accepts.
type filtered struct {
	transfer.Handler
	opts             s3client.Options // the Handler's, for writing what it selects
	include, exclude []*regexp.Regexp
}

func (f *filtered) Handles(rawURL string) bool {
	if !f.Handler.Handles(rawURL) || matchesAny(f.exclude, rawURL) {
		return false
	}
	return len(f.include) == 0 || matchesAny(f.include, rawURL)
}

func matchesAny(patterns []*regexp.Regexp, s string) bool {
	for _, re := range patterns {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}
