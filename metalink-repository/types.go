// Package metalinkrepository implements the check, in and out commands of the
// metalink-repository Concourse resource: versions are the metalink documents
// (*.meta4) found in a repository (a directory, a git repository, an S3
// bucket or an HTTP index).
package metalinkrepository

import (
	"encoding/json"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// Source is the resource's source configuration as a pipeline author writes it.
type Source struct {
	URI                       string               `json:"uri"`
	Options                   map[string]any       `json:"options,omitempty"`
	SkipHashVerification      bool                 `json:"skip_hash_verification,omitempty"`
	SkipSignatureVerification bool                 `json:"skip_signature_verification,omitempty"`
	SignatureTrustStore       string               `json:"signature_trust_store,omitempty"`
	URLHandlers               []urlhandlers.Config `json:"url_handlers,omitempty"`
	MirrorFiles               []MirrorFile         `json:"mirror_files,omitempty"`
	IncludeFiles              []string             `json:"include_files,omitempty"`
	ExcludeFiles              []string             `json:"exclude_files,omitempty"`
	Version                   string               `json:"version,omitempty"`
	// Filters are single-key maps such as {"fileversion": "^1"} or
	// {"repositorypath": "stable/*"}; they stay raw here so that a bad entry
	// is reported with its index rather than as a JSON decoding error.
	Filters []map[string]json.RawMessage `json:"filters,omitempty"`
}

// MirrorFile is one mirror_files entry: where out uploads each file of a
// metalink, and how the new URL is recorded.
type MirrorFile struct {
	Destination string             `json:"destination"`
	Location    string             `json:"location,omitempty"`
	Priority    concourse.Flexible `json:"priority,omitempty"`
	URL         string             `json:"url,omitempty"`
	// Env is the original resource's legacy way to give S3 credentials
	// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ROLE_ARN); out turns it
	// into an url_handlers entry. Use url_handlers instead.
	Env map[string]string `json:"env,omitempty"`
}

// CheckRequest is what Concourse sends to check; Version is nil on the
// first check.
type CheckRequest struct {
	Source  Source             `json:"source"`
	Version *concourse.Version `json:"version"`
}

// InRequest is what Concourse sends to in.
type InRequest struct {
	Source  Source            `json:"source"`
	Version concourse.Version `json:"version"`
	Params  InParams          `json:"params"`
}

// InParams are the get step's params.
type InParams = getstep.Params

// OutRequest is what Concourse sends to out.
type OutRequest struct {
	Source Source    `json:"source"`
	Params OutParams `json:"params"`
}

// OutParams are the put step's params. Paths and globs are relative to the
// build's directory (out's argument).
type OutParams struct {
	// Metalink is a glob matching exactly one metalink (XML or JSON) to publish.
	Metalink string `json:"metalink,omitempty"`
	// Files are globs; every match becomes a file of a generated metalink.
	Files []string `json:"files,omitempty"`
	// Version is the file holding the version of generated files.
	Version string `json:"version,omitempty"`
	// Rename is a text/template over {{.Version}} naming the stored metalink.
	Rename string `json:"rename,omitempty"`
	// RenameFromFile is a file holding the Rename template.
	RenameFromFile string `json:"rename_from_file,omitempty"`
	// Options are merged over source.options for this put.
	Options map[string]any `json:"options,omitempty"`
}
