package cli

import (
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/smallfile"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// maxTrustFile bounds each file of keys, signers or Sigstore policy. Real
// ones are kilobytes; the resources take theirs inside a request bounded to
// the same 16 MiB, which is the request limit, not the document one.
const maxTrustFile = 16 << 20

// TrustFlags are the files that say whose signatures a command accepts, one
// flag per kind, as the resources' source keys of the same names.
type TrustFlags struct {
	pgp, minisign, ssh, sigstore string
}

// Register adds --signature-trust-store, --minisign-public-keys,
// --ssh-allowed-signers and --sigstore to flags.
func (t *TrustFlags) Register(flags *pflag.FlagSet) {
	flags.StringVar(&t.pgp, "signature-trust-store", "", "file of ASCII-armored OpenPGP public keys that signatures are checked against")
	flags.StringVar(&t.minisign, "minisign-public-keys", "", "file of minisign public keys, one a line (.pub files may be concatenated)")
	flags.StringVar(&t.ssh, "ssh-allowed-signers", "", "allowed_signers file (ssh-keygen(1)) that SSH signatures are checked against")
	flags.StringVar(&t.sigstore, "sigstore", "", `JSON file {"trusted_root": OBJECT or FILE, "identities": [{"issuer", "subject" or "subject_regexp"}], "public_keys": [PEM]} that Sigstore bundles are checked against`)
}

// Given reports whether any trust flag was given.
func (t *TrustFlags) Given() bool {
	return t.pgp != "" || t.minisign != "" || t.ssh != "" || t.sigstore != ""
}

// Trust reads the files given (- is stdin, for one of them) and compiles
// them once, naming a field by names.
func (t *TrustFlags) Trust(stdin io.Reader, names field.Names) (verify.Trust, error) {
	var config verify.TrustConfig
	for _, part := range []struct {
		flag, path string
		into       *string
	}{
		{"--signature-trust-store", t.pgp, &config.PGP},
		{"--minisign-public-keys", t.minisign, &config.Minisign},
		{"--ssh-allowed-signers", t.ssh, &config.SSHAllowedSigners},
	} {
		if part.path == "" {
			continue
		}
		data, _, err := smallfile.Read(part.path, stdin, maxTrustFile)
		if err != nil {
			return verify.Trust{}, fmt.Errorf("%s: %w", part.flag, err)
		}
		*part.into = string(data)
	}
	if t.sigstore != "" {
		sigstore, err := readSigstore(t.sigstore, stdin)
		if err != nil {
			return verify.Trust{}, fmt.Errorf("--sigstore %s: %w", t.sigstore, err)
		}
		config.Sigstore = sigstore
	}
	return config.Compile(names)
}

// readSigstore decodes the --sigstore file strictly, as source.sigstore is.
func readSigstore(path string, stdin io.Reader) (*verify.SigstoreConfig, error) {
	data, _, err := smallfile.Read(path, stdin, maxTrustFile)
	if err != nil {
		return nil, err
	}
	var policy verify.SigstorePolicy
	if err := strictjson.Decode(data, "", &policy); err != nil {
		return nil, err
	}
	return policy.Config()
}
