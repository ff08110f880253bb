// Package repotest opens repositories in tests the way the resource does:
// configured with its names of the fields, then opened.
package repotest

import (
	"context"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// Names are the resource's names of a backend's fields: source.uri,
// source.options.private_key…
var Names = field.Under("source")

// Open returns a function that opens, in env, what a backend's Configure
// returned, so that a test configures and opens in one expression:
//
//	repo, err := repotest.Open(env)(gitrepo.Configure(uri, options, repotest.Names))
func Open(env repository.Env) func(repository.Opener, error) (repository.Repository, error) {
	return func(opener repository.Opener, err error) (repository.Repository, error) {
		if err != nil {
			return nil, err
		}
		return opener(context.Background(), env)
	}
}
