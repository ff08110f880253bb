package metalinkrepository

import (
	"encoding/json"
	"fmt"

	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// optionLayer is one map of backend options as the author wrote it.
type optionLayer struct {
	path string          // "source.options", "params.options"
	json json.RawMessage // nil when not given
}

// gitOptions are a git repository's options as an author writes them:
// rebase may be a number or a string (a ((var)) gives a string).
type gitOptions struct {
	gitrepo.Options
	Rebase strictjson.Flexible `json:"rebase"`
}

// backendOptions decodes the layers, later ones over earlier ones (put's
// params.options over source.options), for target's backend: strictly, so
// that unknown keys and wrong types are errors naming the key's path, and
// a bad value is named where it was written.
func backendOptions(target backend.Target, layers []optionLayer) (backend.Options, error) {
	var options backend.Options
	switch target.Kind {
	case backend.Git:
		var git gitOptions
		err := decodeLayers(layers, &git, func(path string) error {
			if _, _, err := git.Rebase.Uint(); err != nil {
				return fmt.Errorf("%s: %w (a number of retries)", strictjson.Join(path, "rebase"), err)
			}
			return nil
		})
		options.Git = git.Options
		if n, ok, _ := git.Rebase.Uint(); ok {
			options.Git.Rebase = &n
		}
		return options, err
	case backend.S3:
		return options, decodeLayers(layers, &options.S3, nil)
	}
	if err := decodeLayers(layers, &struct{}{}, nil); err != nil {
		return options, fmt.Errorf("%w (%s repositories take no options)", err, target.Kind)
	}
	return options, nil
}

// decodeLayers decodes every layer into v. check, when given, reads after
// each layer a value that needs more than its JSON type checked, so that it
// names the layer a bad value was written in (params.options.x, not
// source.options.x).
func decodeLayers(layers []optionLayer, v any, check func(path string) error) error {
	for _, layer := range layers {
		if layer.json == nil {
			continue
		}
		if err := strictjson.Decode(layer.json, layer.path, v); err != nil {
			return err
		}
		if check != nil {
			if err := check(layer.path); err != nil {
				return err
			}
		}
	}
	return nil
}

// optionSecrets are the values of the fields tagged secret, for any
// backend, in any layer. It reads leniently, so that the values are hidden
// even when the uri or the options are wrong and an error comes before the
// backend is known.
func optionSecrets(layers []optionLayer) []string {
	var secrets []string
	for _, layer := range layers {
		for _, v := range []any{&gitOptions{}, &s3client.Options{}} {
			// Values of the wrong type are skipped; the others are filled in.
			_ = json.Unmarshal(layer.json, v)
			secrets = append(secrets, strictjson.Secrets(v)...)
		}
	}
	return secrets
}
