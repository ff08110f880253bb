// Package verify checks size, whole-file hashes, piece hashes and OpenPGP
// detached signatures of a file in one pass over its bytes as they stream.
package verify

import (
	"errors"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// ParseTrustStore reads ASCII-armored public keys (one or more blocks).
func ParseTrustStore(armored string) (openpgp.EntityList, error) {
	return nil, errors.New("verify: ParseTrustStore not implemented")
}

// Options say what to verify.
type Options struct {
	SkipHash      bool
	SkipSignature bool
	TrustStore    openpgp.EntityList
}
