// Package urlhandlers builds the download router from source.url_handlers:
// per-URL credentials for s3:// URLs, chosen by include/exclude regexes.
package urlhandlers

import (
	"errors"

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
func Validate(configs []Config) error { return errors.New("urlhandlers: Validate not implemented") }

// Router returns the configured handlers followed by the defaults (file,
// http(s), ftp, anonymous s3).
func Router(configs []Config) (transfer.Router, error) {
	return nil, errors.New("urlhandlers: Router not implemented")
}

// Secrets lists the secret option values, for redaction.
func Secrets(configs []Config) []string { return nil }
