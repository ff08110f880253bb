// Package backend picks the repository backend for a source URI by its scheme.
package backend

import (
	"errors"
	"fmt"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/filerepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/httprepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/s3repo"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

type configure func(uri string, options *repository.Options) (repository.Opener, error)

var backends = map[string]configure{
	"file":      filerepo.Configure,
	"git":       gitrepo.Configure,
	"git+file":  gitrepo.Configure,
	"git+http":  gitrepo.Configure,
	"git+https": gitrepo.Configure,
	"git+ssh":   gitrepo.Configure,
	"s3":        s3repo.Configure,
	"http":      httprepo.Configure,
	"https":     httprepo.Configure,
}

// Secrets are the secret values in options for every backend's options.
func Secrets(options *repository.Options) []string {
	return options.Secrets(func() any { return &gitrepo.Options{} }, func() any { return &s3client.Options{} })
}

// Configure validates uri and options with the backend of uri's scheme,
// without connecting anywhere.
func Configure(uri string, options *repository.Options) (repository.Opener, error) {
	if strings.TrimSpace(uri) == "" {
		return nil, options.Names.Required("uri", "")
	}
	scheme, _, found := strings.Cut(uri, "://")
	if !found || scheme == "" {
		return nil, options.Names.ValueError("uri", redact.Quote(redact.UnparsedURL(uri)), errors.New("expected SCHEME://…"))
	}
	configure, ok := backends[strings.ToLower(scheme)]
	if !ok {
		return nil, options.Names.ValueError("uri", redact.Quote(redact.UnparsedURL(uri)),
			fmt.Errorf("unknown scheme %s (expected file, git+file, git+http(s), git+ssh, s3, http or https)", redact.Quote(scheme)))
	}
	return configure(uri, options)
}
