package verify

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/smallfile"
)

// SigstorePolicy is the JSON form of a SigstoreConfig, the same wherever it
// is written: a resource's source.sigstore and the tools' --sigstore file.
type SigstorePolicy struct {
	// TrustedRoot is the trusted root itself (a JSON object, or a string
	// holding its JSON) or a string naming a file that holds it.
	TrustedRoot json.RawMessage          `json:"trusted_root,omitempty"`
	Identities  []SigstoreIdentityPolicy `json:"identities,omitempty"`
	PublicKeys  []string                 `json:"public_keys,omitempty"`
}

// SigstoreIdentityPolicy is one entry of identities.
type SigstoreIdentityPolicy struct {
	Issuer        string `json:"issuer"`
	Subject       string `json:"subject,omitempty"`
	SubjectRegexp string `json:"subject_regexp,omitempty"`
}

// maxTrustedRoot bounds a trusted_root file; Sigstore's public-good root is
// about ten kilobytes.
const maxTrustedRoot = 4 << 20

// Config resolves the trusted root, reading the file it names, into the
// typed configuration. A nil policy is none.
func (p *SigstorePolicy) Config() (*SigstoreConfig, error) {
	if p == nil {
		return nil, nil
	}
	root, err := p.trustedRoot()
	if err != nil {
		return nil, errors.New("trusted_root: " + err.Error())
	}
	c := &SigstoreConfig{TrustedRoot: root, PublicKeys: p.PublicKeys}
	for _, id := range p.Identities {
		c.Identities = append(c.Identities, SigstoreIdentity(id))
	}
	return c, nil
}

func (p *SigstorePolicy) trustedRoot() ([]byte, error) {
	raw := bytes.TrimSpace(p.TrustedRoot)
	if len(raw) == 0 || raw[0] != '"' {
		return raw, nil // an object, or nothing: NewSigstoreTrust says what is wrong
	}
	var text string
	if err := json.Unmarshal(raw, &text); err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	if text == "" || strings.HasPrefix(text, "{") {
		return []byte(text), nil
	}
	data, _, err := smallfile.Read(text, nil, maxTrustedRoot)
	if err != nil {
		return nil, errors.New("neither the trusted root's JSON nor a file that holds it: " + err.Error())
	}
	return data, nil
}
