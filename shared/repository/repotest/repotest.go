// Package repotest opens repositories in tests the way the resource does:
// configured from options written as a map, then opened.
package repotest

import (
	"context"
	"encoding/json"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// Configure is a backend's Configure function.
type Configure func(uri string, options *repository.Options) (repository.Opener, error)

// Open configures uri with options as source.options and opens it.
func Open(configure Configure, uri string, options map[string]any, env repository.Env) (repository.Repository, error) {
	opener, err := configure(uri, Options(options))
	if err != nil {
		return nil, err
	}
	return opener(context.Background(), env)
}

// Options are options as source.options.
func Options(options map[string]any) *repository.Options {
	var raw json.RawMessage
	if options != nil {
		var err error
		if raw, err = json.Marshal(options); err != nil {
			panic(err) // a test wrote options that are not JSON
		}
	}
	return &repository.Options{Layers: []repository.Layer{{Path: "source.options", JSON: raw}}, Names: field.Under("source")}
}
