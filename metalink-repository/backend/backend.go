// Package backend picks the repository backend for a source URI by its scheme.
package backend

import (
	"context"
	"fmt"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/redact"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
	"github.com/metalink-resources/metalink-resources/metalink-repository/repository/filerepo"
	"github.com/metalink-resources/metalink-resources/metalink-repository/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/metalink-repository/repository/httprepo"
	"github.com/metalink-resources/metalink-resources/metalink-repository/repository/s3repo"
)

type opener func(context.Context, string, map[string]any, repository.Env) (repository.Repository, error)

var openers = map[string]opener{
	"file":      filerepo.Open,
	"git":       gitrepo.Open,
	"git+file":  gitrepo.Open,
	"git+http":  gitrepo.Open,
	"git+https": gitrepo.Open,
	"git+ssh":   gitrepo.Open,
	"s3":        s3repo.Open,
	"http":      httprepo.Open,
	"https":     httprepo.Open,
}

// Open returns the repository for uri.
func Open(ctx context.Context, uri string, options map[string]any, env repository.Env) (repository.Repository, error) {
	scheme, _, found := strings.Cut(uri, "://")
	if !found || scheme == "" {
		return nil, fmt.Errorf("uri %q: expected SCHEME://…", redact.UnparsedURL(uri))
	}
	open, ok := openers[strings.ToLower(scheme)]
	if !ok {
		return nil, fmt.Errorf("uri %q: unknown scheme %q (expected file, git+file, git+http(s), git+ssh, s3, http or https)", redact.UnparsedURL(uri), scheme)
	}
	return open(ctx, uri, options, env)
}
