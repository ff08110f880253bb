// Package httprepo is a metalink repository backend.
package httprepo

import (
	"context"
	"errors"

	"github.com/metalink-resources/metalink-resources/metalink-repository/repository"
)

// Open validates uri and options (unknown option keys are errors) and returns the repository.
func Open(ctx context.Context, uri string, options map[string]any, env repository.Env) (repository.Repository, error) {
	return nil, errors.New("httprepo: not implemented")
}
