// Package repository is the database of the metalink-repository resource: a
// place that holds *.meta4 documents. Backends live in sub-packages; each
// validates its URI and options first (Configure) and connects only when
// opened, so that every command refuses a bad source before any work.
package repository

import (
	"context"
	"encoding/json"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// Entry is one metalink document found in a repository.
type Entry struct {
	Path     string // relative to the repository path, slash separated, e.g. "sub/v1.0.0.meta4"
	Metalink metalink.Metalink
}

// Repository lists and stores metalink documents.
type Repository interface {
	// List returns every *.meta4 document under the repository path, recursively.
	// An unparsable document is an error that names its path.
	List(ctx context.Context) ([]Entry, error)
	// CheckPut says whether Put could store a document under name, touching
	// nothing: out asks before it copies any file to a mirror.
	CheckPut(name string) error
	// Put stores a document. Storing identical content again is a
	// successful no-op.
	Put(ctx context.Context, doc Document) error
}

// Document is a metalink to store.
type Document struct {
	Name string // relative to the repository path, may contain "/"
	Data []byte
	// Summary says what changed, for a backend that records it (a git
	// commit message), e.g. "golang.org: v1.21.1 (3 files)".
	Summary string
}

// Env is what a backend may use from its surroundings.
type Env struct {
	TempDir string          // cache and scratch space ($TMPDIR)
	Stderr  io.Writer       // warnings and progress
	Network *network.Client // every request a backend sends; nil: network.Default()
}

// Client is env's network client, the default one when none is given.
func (e Env) Client() *network.Client {
	if e.Network == nil {
		return network.Default()
	}
	return e.Network
}

// Opener connects to a repository whose URI and options are valid.
type Opener func(ctx context.Context, env Env) (Repository, error)

// Layer is one map of options as the author wrote it, and its key path.
type Layer struct {
	Path string          // "source.options", "params.options"
	JSON json.RawMessage // nil when not given
}

// Options are a repository's option layers, later ones over earlier ones
// (put's params.options over source.options), and the front end's names of
// the fields: "uri", "options" and each option by its JSON key.
type Options struct {
	Layers []Layer
	Names  field.Names
}

// Secrets lists the values of the fields tagged secret in any of types (the
// typed options of every backend) found in any layer. It reads leniently,
// so that the values are hidden even when the uri or the options are wrong
// and an error comes before the backend is known.
func (o *Options) Secrets(types ...func() any) []string {
	var secrets []string
	for _, layer := range o.Layers {
		for _, newOptions := range types {
			v := newOptions()
			// Values of the wrong type are skipped; the others are filled in.
			_ = json.Unmarshal(layer.JSON, v)
			secrets = append(secrets, strictjson.Secrets(v)...)
		}
	}
	return secrets
}

// LayerChecker is typed options with values that need more than their
// JSON type checked; path is the layer just decoded ("params.options").
type LayerChecker interface {
	CheckLayer(path string) error
}

// Decode decodes every layer into v, a backend's typed options, strictly:
// unknown keys and wrong types are errors naming the key's path.
func (o *Options) Decode(v any) error {
	for _, layer := range o.Layers {
		if layer.JSON == nil {
			continue
		}
		if err := strictjson.Decode(layer.JSON, layer.Path, v); err != nil {
			return err
		}
		// Checked layer by layer, so that a bad value is named where it was
		// written (params.options.x, not source.options.x).
		if checker, ok := v.(LayerChecker); ok {
			if err := checker.CheckLayer(layer.Path); err != nil {
				return err
			}
		}
	}
	return nil
}
