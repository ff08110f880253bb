// Package repository is a place that holds *.meta4 documents: the database
// of the metalink-repository resource and of meta4-repo. Backends live in
// sub-packages; each validates its URI and typed options first (Configure)
// and connects only when opened, so that every command refuses a bad source
// before any work.
package repository

import (
	"context"
	"io"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
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

// Stated is a Repository that names the state it holds (for git: the branch
// tip and sub-path) for the price of one question to the remote, so that a
// caller may keep what it derived from a listing while that state stays.
type Stated interface {
	Repository
	// State is the state a List would read now; "" when there is none to
	// name (an empty remote).
	State(ctx context.Context) (string, error)
	// ListState is List, and the state the entries were read at.
	ListState(ctx context.Context) ([]Entry, string, error)
}

// Document is a metalink to store.
type Document struct {
	Name string // relative to the repository path, may contain "/"
	Data []byte
	// Summary says what changed, for a backend that records it (a git
	// commit message), e.g. "golang.org: v1.21.1 (3 files)".
	Summary string
	// Trailers say where the put came from ("Mirrored-by": a build's URL):
	// a git commit message ends with them, an S3 object carries them as
	// metadata (x-amz-meta-mirrored-by).
	Trailers []Trailer
}

// Trailer is one "Key: value" fact about a put.
type Trailer struct {
	Key, Value string
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

// Historian is a Repository that remembers how each document came to be
// (git): the catalog shows a document's commits and the builds that made
// them.
type Historian interface {
	// History is, by Entry.Path, the changes of every document at the
	// tip, newest first.
	History(ctx context.Context) (map[string][]Change, error)
}

// Change is one recorded change of a document: a commit that wrote it.
type Change struct {
	ID       string // the commit
	Author   string // the author's name
	When     time.Time
	Summary  string    // the first line of the message
	Trailers []Trailer // what the put recorded about where it came from
}

// ParseTrailers reads the trailers a put wrote at the end of a message
// (see Document.Trailers): the lines of its last paragraph when every one
// of them is "Key: value".
func ParseTrailers(message string) []Trailer {
	paragraphs := strings.Split(strings.TrimSpace(message), "\n\n")
	if len(paragraphs) < 2 {
		return nil
	}
	var trailers []Trailer
	for line := range strings.SplitSeq(paragraphs[len(paragraphs)-1], "\n") {
		key, value, ok := strings.Cut(line, ": ")
		if !ok || !isTrailerKey(key) {
			return nil
		}
		trailers = append(trailers, Trailer{Key: key, Value: strings.TrimSpace(value)})
	}
	return trailers
}

// isTrailerKey is git's idea of a trailer's key: letters, digits and
// dashes.
func isTrailerKey(key string) bool {
	if key == "" {
		return false
	}
	return !strings.ContainsFunc(key, func(c rune) bool {
		return c != '-' && (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z')
	})
}
