package getstep

import (
	"context"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/selection"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// Source is the part of source both resources take for downloading: which
// files, with whose credentials, verified how. Each resource's Source embeds
// it, so its keys sit in source beside the resource's own.
type Source struct {
	IncludeFiles              []string               `json:"include_files,omitempty"`
	ExcludeFiles              []string               `json:"exclude_files,omitempty"`
	SignatureTrustStore       string                 `json:"signature_trust_store,omitempty"`
	MinisignPublicKeys        string                 `json:"minisign_public_keys,omitempty"`
	SSHAllowedSigners         string                 `json:"ssh_allowed_signers,omitempty"`
	Sigstore                  *verify.SigstorePolicy `json:"sigstore,omitempty"`
	SkipHashVerification      bool                   `json:"skip_hash_verification,omitempty"`
	SkipSignatureVerification bool                   `json:"skip_signature_verification,omitempty"`
	URLHandlers               []urlhandlers.Config   `json:"url_handlers,omitempty"`
	Download                  *DownloadConfig        `json:"download,omitempty"`
	// The network keys: ca_certs, skip_ssl_verification, debug.
	network.Config
}

// Params are the params of a get step, the same for both resources.
type Params struct {
	SkipDownload bool `json:"skip_download,omitempty"`
	// IncludeFiles narrows source.include_files further (both must match).
	IncludeFiles []string `json:"include_files,omitempty"`
	// Download overrides source.download key by key.
	Download *DownloadConfig `json:"download,omitempty"`
}

// InRequest is what Concourse sends to in, for a resource whose source is S.
type InRequest[S any] struct {
	Source  S                 `json:"source"`
	Version concourse.Version `json:"version"`
	Params  Params            `json:"params"`
}

// selectionKeys are the file selection's fields as a pipeline writes them.
func selectionKeys(field string) string {
	return map[string]string{"include": "source.include_files", "exclude": "source.exclude_files",
		"params_include": "params.include_files"}[field]
}

// Settings are a compiled Source: everything a download needs, built once.
type Settings struct {
	Files    selection.Filter
	Handlers *urlhandlers.Set
	Verify   verify.Options
	Segments download.Segments
	// Network carries every request the resource makes, downloads and
	// the resource's own (repository, mirrors, git).
	Network *network.Client
}

// Compile checks every download key of source, naming the key at fault, and
// builds the network client, whose warnings and debug lines go to log.
func (s Source) Compile(log io.Writer) (Settings, error) {
	files := selection.Filter{Include: s.IncludeFiles, Exclude: s.ExcludeFiles}
	if err := files.Validate(selectionKeys); err != nil {
		return Settings{}, err
	}
	client, err := s.Config.Compile("source", log)
	if err != nil {
		return Settings{}, err
	}
	handlers, err := urlhandlers.Compile("source.url_handlers", s.URLHandlers, client)
	if err != nil {
		return Settings{}, err
	}
	trust, err := s.trust()
	if err != nil {
		return Settings{}, err
	}
	var segments download.Segments
	if err := s.Download.apply("source.download", &segments); err != nil {
		return Settings{}, err
	}
	return Settings{
		Files:    files,
		Handlers: handlers,
		Verify: verify.Options{
			SkipHash:      s.SkipHashVerification,
			SkipSignature: s.SkipSignatureVerification,
			Trust:         trust,
		},
		Segments: segments,
		Network:  client,
	}, nil
}

// trust compiles the signature trust of every kind, once.
func (s Source) trust() (verify.Trust, error) {
	sigstore, err := s.Sigstore.Config()
	if err != nil {
		return verify.Trust{}, fmt.Errorf("source.sigstore.%w", err)
	}
	return verify.TrustConfig{
		PGP: s.SignatureTrustStore, Minisign: s.MinisignPublicKeys, SSHAllowedSigners: s.SSHAllowedSigners, Sigstore: sigstore,
	}.Compile(sourceKeys)
}

// sourceKeys say a verify field by its key in source.
func sourceKeys(field string) string { return "source." + field }

// WithParams narrows the file selection by the get step's include_files and
// lays params.download over source.download.
func (s Settings) WithParams(params Params) (Settings, error) {
	// source's own globs were validated by Compile.
	if err := (selection.Filter{ParamsInclude: params.IncludeFiles}).Validate(selectionKeys); err != nil {
		return Settings{}, err
	}
	s.Files.ParamsInclude = params.IncludeFiles
	if err := params.Download.apply("params.download", &s.Segments); err != nil {
		return Settings{}, err
	}
	return s, nil
}

// Get downloads what the settings select of doc, the metalink of version,
// into the step's directory and answers as in does.
func (s Settings) Get(ctx context.Context, env concourse.Env, doc metalink.Metalink, version concourse.Version, params Params) (concourse.Response, error) {
	metadata, err := Run(ctx, env.Dir, Request{
		Metalink:     doc,
		Version:      version.Version,
		Files:        s.Files,
		SkipDownload: params.SkipDownload,
		Download:     s.Download(env.Log),
	})
	if err != nil {
		return concourse.Response{}, err
	}
	return concourse.Response{Version: version, Metadata: metadata}, nil
}

// Download is how files are read and verified, logging to log.
func (s Settings) Download(log io.Writer) download.Options {
	return download.Options{Reader: s.Handlers.Router(), Verify: s.Verify, Progress: log, Report: log, Segments: s.Segments}
}
