package metalinkrepository

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/repository/entryfilter"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// settings is a compiled source: everything the commands use, validated and
// built once. check, in and out all compile the whole source, so a mistake
// that would fail out fails check already.
type settings struct {
	repository repository.Opener
	entries    entryfilter.Filter
	get        getstep.Settings
	mirror     *mirror.Plan
	secrets    []string // found in the option maps
}

// Secrets are the values of the backend options that must never be printed.
func (s settings) Secrets() []string { return s.secrets }

// compile validates every key of the source; paramsOptions are put's
// params.options, laid over source.options. log takes the warnings and the
// network client's debug lines.
func (s Source) compile(paramsOptions json.RawMessage, log io.Writer) (settings, error) {
	layers := []optionLayer{{path: "source.options", json: s.Options}, {path: "params.options", json: paramsOptions}}
	cfg := settings{secrets: optionSecrets(layers)}
	var err error
	if cfg.repository, err = configureRepository(s.URI, layers); err != nil {
		return cfg, err
	}
	if cfg.entries, err = newEntryFilter(s.Version, s.Filters); err != nil {
		return cfg, err
	}
	if cfg.get, err = getstep.Source.Compile(s.Source, log); err != nil {
		return cfg, err
	}
	if cfg.mirror, err = s.mirrorPlan(cfg.get.Handlers); err != nil {
		return cfg, err
	}
	return cfg, s.checkRecords("source")
}

// configureRepository validates the uri and the options of its backend.
func configureRepository(uri string, layers []optionLayer) (repository.Opener, error) {
	names := field.Under("source")
	target, err := backend.Parse(uri, names)
	if err != nil {
		return nil, err
	}
	options, err := backendOptions(target, layers)
	if err != nil {
		return nil, err
	}
	return target.Configure(options, names)
}

// mirrorPlan compiles mirror_files. The credentials of the legacy
// mirror_files[].env join the url_handlers after the configured ones, for
// out alone, as in the original.
func (s Source) mirrorPlan(downloads *urlhandlers.Set) (*mirror.Plan, error) {
	handlers := downloads.Clone()
	targets := make([]mirror.Target, len(s.MirrorFiles))
	for i, m := range s.MirrorFiles {
		key := strictjson.Index("source.mirror_files", i)
		target, err := m.target(key)
		if err != nil {
			return nil, err
		}
		targets[i] = target
		if m.Env == nil {
			continue
		}
		legacy := urlhandlers.Config{Type: "s3", Options: s3client.Options{
			AccessKey: m.Env.AccessKeyID, SecretKey: m.Env.SecretAccessKey, RoleARN: m.Env.RoleARN,
		}}
		if err := handlers.Add(key+".env", legacy); err != nil {
			return nil, err
		}
	}
	return mirror.Compile(targets, mirrorFileKeys, handlers)
}

func (m MirrorFile) target(key string) (mirror.Target, error) {
	if strings.TrimSpace(m.Destination) == "" {
		return mirror.Target{}, fmt.Errorf("%s.destination is required", key)
	}
	target := mirror.Target{Destination: m.Destination, URL: m.URL, Location: m.Location}
	n, ok, err := m.Priority.Uint()
	if err != nil {
		return mirror.Target{}, fmt.Errorf("%s.priority: %w", key, err)
	}
	if ok {
		target.Priority = &n
	}
	return target, nil
}

// resolveRelativeURI makes file://./rel and git+file://./rel relative to the
// build's directory rather than to the working directory.
func resolveRelativeURI(uri, dir string) string {
	for _, scheme := range []string{"file://", "git+file://"} {
		rest, found := strings.CutPrefix(uri, scheme+".")
		if found && (rest == "" || strings.HasPrefix(rest, "/")) {
			return scheme + filepath.ToSlash(dir) + rest
		}
	}
	return uri
}

var errNoVersion = errors.New("version.version is required")

// mirrorFileKeys name the fields of a mirror_files entry by its key path.
func mirrorFileKeys(i int) field.Names { return field.Under(fmt.Sprintf("source.mirror_files[%d]", i)) }
