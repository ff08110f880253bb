// Package metalinkrepository implements the check, in and out commands of the
// metalink-repository Concourse resource: versions are the metalink documents
// (*.meta4) found in a repository (a directory, a git repository, an S3
// bucket or an HTTP index).
package metalinkrepository

import (
	"encoding/json"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// Source is the resource's source configuration as a pipeline author writes it.
type Source struct {
	URI string `json:"uri"`
	// Options are the backend's (git, s3): decoded strictly once the uri
	// says which backend it is.
	Options     json.RawMessage `json:"options,omitempty"`
	MirrorFiles []MirrorFile    `json:"mirror_files,omitempty"`
	Version     string          `json:"version,omitempty"`
	Filters     []Filter        `json:"filters,omitempty"`
	// The download keys: include_files, exclude_files, url_handlers,
	// the signature trust (signature_trust_store, minisign_public_keys,
	// ssh_allowed_signers, sigstore) and the skip_* flags.
	getstep.Source
	// Records are the defaults of every put's params.
	Records
}

// Records say what a file is and why it is mirrored, in RFC 5854's own
// elements; out writes them on every file it publishes.
type Records struct {
	Description string              `json:"description,omitempty"`
	License     *metalink.License   `json:"license,omitempty"`
	Publisher   *metalink.Publisher `json:"publisher,omitempty"`
	Identity    string              `json:"identity,omitempty"`
}

// Filter is one source.filters entry: exactly one of its keys.
type Filter struct {
	FileVersion    *string `json:"fileversion,omitempty"`
	RepositoryPath *string `json:"repositorypath,omitempty"`
}

// MirrorFile is one mirror_files entry: where out uploads each file of a
// metalink, and how the new URL is recorded.
type MirrorFile struct {
	Destination string              `json:"destination"`
	Location    string              `json:"location,omitempty"`
	Priority    strictjson.Flexible `json:"priority,omitempty"`
	URL         string              `json:"url,omitempty"`
	// Env is the original resource's legacy way to give S3 credentials;
	// out turns it into an url_handlers entry. Use url_handlers instead.
	Env *LegacyEnv `json:"env,omitempty"`
}

// LegacyEnv are the environment variables mirror_files[].env takes.
type LegacyEnv struct {
	AccessKeyID     string `json:"AWS_ACCESS_KEY_ID" secret:"true"`
	SecretAccessKey string `json:"AWS_SECRET_ACCESS_KEY" secret:"true"`
	RoleARN         string `json:"AWS_ROLE_ARN"`
}

// CheckRequest is what Concourse sends to check.
type CheckRequest = concourse.CheckRequest[Source]

// InRequest is what Concourse sends to in.
type InRequest = getstep.InRequest[Source]

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
	// Options are laid over source.options for this put.
	Options json.RawMessage `json:"options,omitempty"`
	// AllowChangedBytes publishes a version whose files have other bytes
	// than the same version already published, with a warning.
	AllowChangedBytes bool `json:"allow_changed_bytes,omitempty"`
	// Records, laid over source's.
	Records
}
