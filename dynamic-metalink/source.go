// Package dynamicmetalink implements the check, in and out commands of the
// dynamic-metalink resource: versions come from the version_check script and
// the metalink of a version from the metalink_get script.
package dynamicmetalink

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/selection"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// DefaultScriptTimeout bounds a script when source.script_timeout is not set.
const DefaultScriptTimeout = 15 * time.Minute

// Source is the resource's `source` block as a pipeline author writes it.
type Source struct {
	VersionCheck              string               `json:"version_check"`
	MetalinkGet               string               `json:"metalink_get"`
	SignatureTrustStore       string               `json:"signature_trust_store,omitempty"`
	SkipHashVerification      bool                 `json:"skip_hash_verification,omitempty"`
	SkipSignatureVerification bool                 `json:"skip_signature_verification,omitempty"`
	IncludeFiles              []string             `json:"include_files,omitempty"`
	ExcludeFiles              []string             `json:"exclude_files,omitempty"`
	Version                   string               `json:"version,omitempty"`
	ScriptTimeout             string               `json:"script_timeout,omitempty"`
	URLHandlers               []urlhandlers.Config `json:"url_handlers,omitempty"`
}

// CheckRequest is what Concourse sends to check; Version is nil on the first check.
type CheckRequest struct {
	Source  Source             `json:"source"`
	Version *concourse.Version `json:"version"`
}

// CheckResponse is what check answers: oldest first, never null.
type CheckResponse []concourse.Version

// InRequest is what Concourse sends to in.
type InRequest struct {
	Source  Source            `json:"source"`
	Version concourse.Version `json:"version"`
	Params  InParams          `json:"params"`
}

// InParams are the `params` of a get step.
type InParams = getstep.Params

// request is what check and in decode: each carries a source.
type request interface {
	source() Source
}

func (r *CheckRequest) source() Source { return r.Source }
func (r *InRequest) source() Source    { return r.Source }

// readRequest decodes stdin into req strictly, hides the secrets its source
// names from everything logged from now on, and validates the source.
func readRequest(stdin io.Reader, console *console, req request) (settings, error) {
	if err := concourse.Decode(stdin, req); err != nil {
		return settings{}, fmt.Errorf("request: %w", err)
	}
	src := req.source()
	console.redact(urlhandlers.Secrets(src.URLHandlers))
	return src.validate()
}

// settings is a source whose every key has been checked, with the values
// that needed parsing already parsed.
type settings struct {
	Source
	constraint *versions.Constraint // nil allows every version
	timeout    time.Duration
	trustStore openpgp.EntityList
}

// validate checks the whole source once, at the edge, so that a mistake in
// any key is reported by check already and not only by the first get.
func (s Source) validate() (settings, error) {
	cfg := settings{Source: s, timeout: DefaultScriptTimeout}
	steps := []func(*settings) error{
		requireScripts, parseConstraint, parseTimeout, parseTrustStore, checkPatterns, checkURLHandlers,
	}
	for _, step := range steps {
		if err := step(&cfg); err != nil {
			return cfg, err
		}
	}
	return cfg, nil
}

func requireScripts(cfg *settings) error {
	if cfg.VersionCheck == "" {
		return errors.New("source.version_check is required: a script that prints one version per line")
	}
	if cfg.MetalinkGet == "" {
		return errors.New("source.metalink_get is required: a script that prints the metalink of $version")
	}
	return nil
}

func parseConstraint(cfg *settings) error {
	if cfg.Version == "" {
		return nil
	}
	constraint, err := versions.ParseConstraint(cfg.Version)
	if err != nil {
		return fmt.Errorf("source.version: %w", err)
	}
	cfg.constraint = constraint
	return nil
}

func parseTimeout(cfg *settings) error {
	if cfg.ScriptTimeout == "" {
		return nil
	}
	timeout, err := time.ParseDuration(cfg.ScriptTimeout)
	if err != nil || timeout <= 0 {
		return fmt.Errorf("source.script_timeout: %q is not a positive duration such as 90s or 15m", cfg.ScriptTimeout)
	}
	cfg.timeout = timeout
	return nil
}

func parseTrustStore(cfg *settings) error {
	if cfg.SignatureTrustStore == "" {
		return nil
	}
	trustStore, err := verify.ParseTrustStore(cfg.SignatureTrustStore)
	if err != nil {
		return fmt.Errorf("source.signature_trust_store: %w", err)
	}
	cfg.trustStore = trustStore
	return nil
}

// checkPatterns checks the source's globs; the errors of selection and
// urlhandlers name the key within source ("include_files[1]: …").
func checkPatterns(cfg *settings) error {
	if err := (selection.Filter{Include: cfg.IncludeFiles, Exclude: cfg.ExcludeFiles}).Validate(); err != nil {
		return fmt.Errorf("source.%w", err)
	}
	return nil
}

func checkURLHandlers(cfg *settings) error {
	if err := urlhandlers.Validate(cfg.URLHandlers); err != nil {
		return fmt.Errorf("source.%w", err)
	}
	return nil
}

// allows reports whether source.version lets v through.
func (cfg settings) allows(v versions.Version) bool {
	return cfg.constraint == nil || cfg.constraint.Allows(v)
}

// permit rejects a requested version that source.version does not allow: the
// constraint may have changed since check found the version.
func (cfg settings) permit(version string) error {
	if version == "" {
		return errors.New("the request names no version to get")
	}
	if cfg.constraint == nil {
		return nil
	}
	v, err := versions.Parse(version)
	if err != nil {
		return fmt.Errorf("version %q cannot be checked against source.version %q: %w", version, cfg.Version, err)
	}
	if !cfg.allows(v) {
		return fmt.Errorf("version %q is not allowed by source.version %q", version, cfg.Version)
	}
	return nil
}

// verifyOptions says what in verifies.
func (cfg settings) verifyOptions() verify.Options {
	return verify.Options{
		SkipHash:      cfg.SkipHashVerification,
		SkipSignature: cfg.SkipSignatureVerification,
		TrustStore:    cfg.trustStore,
	}
}
