package metalinkrepository

import (
	"errors"
	"fmt"
	"strings"
	"text/template"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/metalink-resources/metalink-resources/shared/selection"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// secretOptions are the source.options keys whose values must never be printed.
var secretOptions = []string{"private_key", "private_key_passphrase", "password", "access_key", "secret_key", "session_token"}

// settings is a validated source: everything the commands use, parsed once.
type settings struct {
	entries    entryFilter
	files      selection.Filter
	router     transfer.Router
	trustStore openpgp.EntityList
}

// compile validates every key of the source (and the get step's extra
// include_files) in one place, naming the key at fault.
func (s Source) compile(paramsInclude []string) (settings, error) {
	if strings.TrimSpace(s.URI) == "" {
		return settings{}, errors.New("source.uri is required")
	}
	entries, err := newEntryFilter(s.Version, s.Filters)
	if err != nil {
		return settings{}, err
	}
	router, err := urlhandlers.Router(s.URLHandlers)
	if err != nil {
		// The error starts with "url_handlers[i]".
		return settings{}, fmt.Errorf("source.%w", err)
	}
	for i, mirror := range s.MirrorFiles {
		if err := mirror.validate(); err != nil {
			return settings{}, fmt.Errorf("source.mirror_files[%d]: %w", i, err)
		}
	}
	files := selection.Filter{Include: s.IncludeFiles, Exclude: s.ExcludeFiles, ParamsInclude: paramsInclude}
	if err := files.Validate(); err != nil {
		return settings{}, err
	}
	trustStore, err := s.parseTrustStore()
	if err != nil {
		return settings{}, err
	}
	return settings{entries: entries, files: files, router: router, trustStore: trustStore}, nil
}

func (s Source) parseTrustStore() (openpgp.EntityList, error) {
	if strings.TrimSpace(s.SignatureTrustStore) == "" {
		return nil, nil
	}
	// The error already says it is about the signature trust store.
	return verify.ParseTrustStore(s.SignatureTrustStore)
}

// secrets lists every value of the source that must be redacted from output.
func (s Source) secrets() []string {
	secrets := optionSecrets(s.Options)
	for _, mirror := range s.MirrorFiles {
		for _, value := range mirror.Env {
			secrets = append(secrets, value)
		}
	}
	return append(secrets, urlhandlers.Secrets(s.URLHandlers)...)
}

// optionSecrets lists the values of the secret keys of repository options.
func optionSecrets(options map[string]any) []string {
	var secrets []string
	for _, key := range secretOptions {
		if value, ok := options[key].(string); ok && value != "" {
			secrets = append(secrets, value)
		}
	}
	return secrets
}

func (m MirrorFile) validate() error {
	if strings.TrimSpace(m.Destination) == "" {
		return errors.New("destination is required")
	}
	if _, err := template.New("destination").Parse(m.Destination); err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	if _, err := template.New("url").Parse(m.URL); err != nil {
		return fmt.Errorf("url: %w", err)
	}
	if _, _, err := m.Priority.Uint(); err != nil {
		return fmt.Errorf("priority: %w", err)
	}
	return nil
}
