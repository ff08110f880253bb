package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/metalink-resources/metalink-resources/shared/smallfile"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// maxTrustStore bounds the keyring --signature-trust-store reads. Real ones
// are kilobytes; the resources take theirs inside a request bounded to the
// same 16 MiB, which is the request limit, not the document one.
const maxTrustStore = 16 << 20

// ReadTrustStore reads the --signature-trust-store file at path (- for
// stdin): armored public keys, none when it is blank.
func ReadTrustStore(path string, stdin io.Reader) (openpgp.EntityList, error) {
	data, _, err := smallfile.Read(path, stdin, maxTrustStore)
	if err != nil {
		return nil, fmt.Errorf("--signature-trust-store: %w", err)
	}
	if strings.TrimSpace(string(data)) == "" {
		return nil, nil
	}
	keys, err := verify.ParseTrustStore(string(data))
	if err != nil {
		return nil, fmt.Errorf("--signature-trust-store %s: %w", path, err)
	}
	return keys, nil
}
