// Package backend picks the repository backend for a URI by its scheme.
package backend

import (
	"errors"
	"fmt"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/httprepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/s3repo"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

// Kind is a backend.
type Kind int

// The backends. File and HTTP repositories take no options.
const (
	File Kind = iota + 1
	Git
	S3
	HTTP
)

// String names the backend in messages.
func (k Kind) String() string {
	switch k {
	case File:
		return "file"
	case Git:
		return "git"
	case S3:
		return "s3"
	case HTTP:
		return "http"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

var kinds = map[string]Kind{
	"file":      File,
	"git":       Git,
	"git+file":  Git,
	"git+http":  Git,
	"git+https": Git,
	"git+ssh":   Git,
	"s3":        S3,
	"http":      HTTP,
	"https":     HTTP,
}

// Target is a repository URI and the backend its scheme picks.
type Target struct {
	URI    string
	Scheme string // as written, for messages
	Kind   Kind
}

// Parse picks the backend of uri's scheme, in any case; names are the front
// end's names of "uri". The backend checks the rest of uri in Configure.
func Parse(uri string, names field.Names) (Target, error) {
	if strings.TrimSpace(uri) == "" {
		return Target{}, names.Required("uri", "")
	}
	scheme, _, found := strings.Cut(uri, "://")
	if !found || scheme == "" {
		return Target{}, names.ValueError("uri", redact.Quote(redact.UnparsedURL(uri)), errors.New("expected SCHEME://…"))
	}
	kind, ok := kinds[strings.ToLower(scheme)]
	if !ok {
		return Target{}, names.ValueError("uri", redact.Quote(redact.UnparsedURL(uri)),
			fmt.Errorf("unknown scheme %s (expected file, git+file, git+http(s), git+ssh, s3, http or https)", redact.Quote(scheme)))
	}
	return Target{URI: uri, Scheme: scheme, Kind: kind}, nil
}

// Options are the typed options of every backend that takes some; a
// target's backend reads its own.
type Options struct {
	Git gitrepo.Options
	S3  s3client.Options
}

// Configure validates the target with its backend, without connecting
// anywhere; names are the front end's names of "uri", "options" and each
// option ("options.private_key").
func (t Target) Configure(options Options, names field.Names) (repository.Opener, error) {
	switch t.Kind {
	case Git:
		return gitrepo.Configure(t.URI, options.Git, names)
	case S3:
		return s3repo.Configure(t.URI, options.S3, names)
	case HTTP:
		return httprepo.Configure(t.URI, names)
	case File:
		return filerepo.Configure(t.URI, names)
	}
	return nil, errors.New("backend: a Target comes from Parse") // a caller's bug
}
