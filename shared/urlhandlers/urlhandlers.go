// Package urlhandlers builds the download router from source.url_handlers:
// per-URL credentials for s3:// URLs, chosen by include/exclude regexes.
//
// Unlike the original, a handler with only exclude patterns applies to every
// s3:// URL that none of them matches (the original never applied it).
package urlhandlers

import (
	"fmt"
	"regexp"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

// Config is one url_handlers entry as a pipeline author writes it.
type Config struct {
	Type    string         `json:"type"`
	Include []string       `json:"include,omitempty"`
	Exclude []string       `json:"exclude,omitempty"`
	Options map[string]any `json:"options,omitempty"`
}

// Validate checks type, regexes and options of every entry, naming the bad one.
func Validate(configs []Config) error {
	_, err := handlers(configs)
	return err
}

// Router returns the configured handlers followed by the defaults (file,
// http(s), ftp, anonymous s3).
func Router(configs []Config) (transfer.Router, error) {
	router, err := handlers(configs)
	if err != nil {
		return nil, err
	}
	router = append(router, transfer.Defaults()...)
	return append(router, s3client.NewHandler(s3client.Options{Anonymous: true})), nil
}

// Secrets lists the credential values in configs, for redaction. Access keys
// are included: they are not secret, but they say whose key leaked alongside.
func Secrets(configs []Config) []string {
	var secrets []string
	for _, config := range configs {
		for _, key := range []string{"access_key", "secret_key", "session_token"} {
			if value, ok := config.Options[key].(string); ok && value != "" {
				secrets = append(secrets, value)
			}
		}
	}
	return secrets
}

func handlers(configs []Config) (transfer.Router, error) {
	router := make(transfer.Router, 0, len(configs))
	for i, config := range configs {
		handler, err := build(fmt.Sprintf("url_handlers[%d]", i), config)
		if err != nil {
			return nil, err
		}
		router = append(router, handler)
	}
	return router, nil
}

// build makes the handler of the entry named entry ("url_handlers[0]").
func build(entry string, config Config) (*filtered, error) {
	if config.Type != "s3" {
		return nil, fmt.Errorf("%s: unknown type %q (expected s3)", entry, config.Type)
	}
	include, err := compile(entry+".include", config.Include)
	if err != nil {
		return nil, err
	}
	exclude, err := compile(entry+".exclude", config.Exclude)
	if err != nil {
		return nil, err
	}
	opts, err := s3client.ParseOptions(config.Options)
	if err != nil {
		return nil, fmt.Errorf("%s.options: %w", entry, err)
	}
	return &filtered{Handler: s3client.NewHandler(opts), opts: opts, include: include, exclude: exclude}, nil
}

func compile(field string, patterns []string) ([]*regexp.Regexp, error) {
	compiled := make([]*regexp.Regexp, len(patterns))
	for i, pattern := range patterns {
		re, err := regexp.Compile(pattern)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: bad regex %q: %w", field, i, pattern, err)
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
