// Package repository is the database of the metalink-repository resource: a
// place that holds *.meta4 documents. Backends live in sub-packages.
package repository

import (
	"context"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
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
	// Put stores data under name (relative, may contain "/"). Storing identical
	// content again is a successful no-op.
	Put(ctx context.Context, name string, data []byte) error
}

// Env is what a backend may use from its surroundings.
type Env struct {
	TempDir string    // cache and scratch space ($TMPDIR)
	Stderr  io.Writer // warnings and progress
}
