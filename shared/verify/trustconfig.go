package verify

import (
	"fmt"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
)

// TrustConfig is the trust of every kind as a front end reads it, before
// it is parsed: Compile checks it all once and builds the Trust that every
// file's Plan is checked against. Its fields are named, in messages, by
// the names given to Compile: signature_trust_store, minisign_public_keys,
// ssh_allowed_signers and sigstore.
type TrustConfig struct {
	PGP               string // ASCII-armored OpenPGP public keys
	Minisign          string // minisign public keys, one a line
	SSHAllowedSigners string // an allowed_signers file
	Sigstore          *SigstoreConfig
}

// SigstoreConfig is the pinned trusted root JSON and who may sign.
type SigstoreConfig struct {
	TrustedRoot []byte
	Identities  []SigstoreIdentity
	PublicKeys  []string // PEM
}

// Compile parses every part that is set; a blank one trusts nobody.
func (c TrustConfig) Compile(names field.Names) (Trust, error) {
	var trust Trust
	var err error
	if strings.TrimSpace(c.PGP) != "" {
		if trust.PGP, err = ParseTrustStore(c.PGP); err != nil {
			return Trust{}, fmt.Errorf("%s: %w", names.Of("signature_trust_store"), err)
		}
	}
	if strings.TrimSpace(c.Minisign) != "" {
		if trust.Minisign, err = ParseMinisignKeys(c.Minisign); err != nil {
			return Trust{}, fmt.Errorf("%s: %w", names.Of("minisign_public_keys"), err)
		}
	}
	if strings.TrimSpace(c.SSHAllowedSigners) != "" {
		if trust.SSH, err = ParseAllowedSigners(c.SSHAllowedSigners); err != nil {
			return Trust{}, fmt.Errorf("%s: %w", names.Of("ssh_allowed_signers"), err)
		}
	}
	if c.Sigstore != nil {
		s := c.Sigstore
		if trust.Sigstore, err = NewSigstoreTrust(s.TrustedRoot, s.Identities, s.PublicKeys); err != nil {
			return Trust{}, fmt.Errorf("%s.%w", names.Of("sigstore"), err)
		}
	}
	return trust, nil
}
