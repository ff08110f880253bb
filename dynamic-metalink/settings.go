package dynamicmetalink

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/metalink-resources/metalink-resources/dynamic-metalink/script"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// DefaultScriptTimeout bounds a script when source.script_timeout is not set.
const DefaultScriptTimeout = 15 * time.Minute

// settings is a source whose every key has been checked, with the values
// that needed parsing already parsed; check, in and out all compile it, so a
// mistake in any key fails check already.
type settings struct {
	versionCheck string
	metalinkGet  string
	constraint   *versions.Constraint // nil allows every version
	constraintOf string               // source.version as written, for messages
	timeout      time.Duration
	get          getstep.Settings
}

// runner runs the scripts: within script_timeout, their stderr to log, and
// trusting ca_certs.
func (s settings) runner(log io.Writer) script.Runner {
	return script.Runner{Timeout: s.timeout, Stderr: log, CABundle: s.get.Network.CABundle}
}

// Secrets are all tagged in the request itself.
func (settings) Secrets() []string { return nil }

// compile checks the whole source once, at the edge; log takes its
// warnings and the network client's debug lines.
func (s Source) compile(log io.Writer) (settings, error) {
	if s.VersionCheck == "" {
		return settings{}, errors.New("source.version_check is required: a script that prints one version per line")
	}
	if s.MetalinkGet == "" {
		return settings{}, errors.New("source.metalink_get is required: a script that prints the metalink of $version")
	}
	cfg := settings{versionCheck: s.VersionCheck, metalinkGet: s.MetalinkGet, constraintOf: s.Version}
	var err error
	if cfg.constraint, err = parseConstraint(s.Version); err != nil {
		return settings{}, err
	}
	if cfg.timeout, err = parseTimeout(s.ScriptTimeout); err != nil {
		return settings{}, err
	}
	if cfg.get, err = getstep.Source.Compile(s.Source, log); err != nil {
		return settings{}, err
	}
	return cfg, nil
}

func parseConstraint(version string) (*versions.Constraint, error) {
	if version == "" {
		return nil, nil
	}
	constraint, err := versions.ParseConstraint(version)
	if err != nil {
		return nil, fmt.Errorf("source.version: %w", err)
	}
	return constraint, nil
}

func parseTimeout(text string) (time.Duration, error) {
	if text == "" {
		return DefaultScriptTimeout, nil
	}
	timeout, err := time.ParseDuration(text)
	if err != nil || timeout <= 0 {
		return 0, fmt.Errorf("source.script_timeout: %s is not a positive duration such as 90s or 15m", redact.Quote(text))
	}
	return timeout, nil
}

// allows reports whether source.version lets v through.
func (cfg settings) allows(v versions.Version) bool {
	return cfg.constraint == nil || cfg.constraint.Allows(v)
}

// permit rejects a requested version that source.version does not allow: the
// constraint may have changed since check found the version.
func (cfg settings) permit(version string) error {
	if version == "" {
		return errors.New("version.version is required")
	}
	if cfg.constraint == nil {
		return nil
	}
	v, err := versions.Parse(version)
	if err != nil {
		return fmt.Errorf("version %s cannot be checked against source.version %s: %w", redact.Quote(version), redact.Quote(cfg.constraintOf), err)
	}
	if !cfg.allows(v) {
		return fmt.Errorf("version %s is not allowed by source.version %s", redact.Quote(version), redact.Quote(cfg.constraintOf))
	}
	return nil
}
