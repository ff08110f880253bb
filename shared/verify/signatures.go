package verify

import (
	"fmt"
	"hash"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// MaxSignatureSize bounds one signature's text, checked before it is parsed.
// A GitHub attestation bundle, the largest honest kind, is tens of
// kilobytes; a megabyte-sized one is an attack on the parser.
const MaxSignatureSize = 256 << 10

// Trust is what signatures are checked against, one part per kind. A part
// left empty trusts nobody: a signature of that kind then fails the file.
// Build it once (ParseTrustStore, ParseMinisignKeys, ParseAllowedSigners,
// NewSigstoreTrust) and pass it down.
type Trust struct {
	PGP      openpgp.EntityList
	Minisign []MinisignKey
	SSH      []AllowedSigner
	Sigstore *SigstoreTrust
}

// digestVerifier is a signature over a digest of the file rather than over
// its bytes: it names the digest and checks the signature once the pass has
// computed it.
type digestVerifier interface {
	algorithm() Algorithm
	verify(digest []byte) (report string, err error)
}

// signatureSpecs are a file's signatures: OpenPGP ones read the bytes
// themselves, the others share one hash per digest they sign.
type signatureSpecs struct {
	pgp     []*pgpSpec
	digests []digestVerifier
}

// newSignatureSpecs rejects, before any byte moves, a signature that can
// never verify: of an unknown type, too large, malformed, or of a kind that
// no trust is configured for.
func newSignatureSpecs(f metalink.File, opts Options) (signatureSpecs, error) {
	var specs signatureSpecs
	for i, sig := range f.Signatures {
		if err := specs.add(f.Name, sig, opts); err != nil {
			if len(f.Signatures) > 1 {
				return signatureSpecs{}, fmt.Errorf("signature %d of %d: %w", i+1, len(f.Signatures), err)
			}
			return signatureSpecs{}, err
		}
	}
	return specs, nil
}

func (s *signatureSpecs) add(name string, sig metalink.Signature, opts Options) error {
	skip := opts.Names.Of("skip_signature_verification")
	kind, err := sig.Kind()
	if err != nil {
		return fmt.Errorf("%w; set %s to ignore it", err, skip)
	}
	if len(sig.Signature) > MaxSignatureSize {
		return fmt.Errorf("%s signature of %d bytes is larger than %d, refused unread", kind, len(sig.Signature), MaxSignatureSize)
	}
	untrusted := func(setting string) error {
		return fmt.Errorf("the file has a %s signature but no %s is configured; configure it or set %s",
			kind, opts.Names.Of(setting), skip)
	}
	trust := opts.Trust
	var verifier digestVerifier
	switch kind {
	case metalink.KindPGP:
		if len(trust.PGP) == 0 {
			return untrusted("signature_trust_store")
		}
		spec, err := newPGPSpec(sig, trust.PGP)
		if err != nil {
			return err
		}
		s.pgp = append(s.pgp, spec)
		return nil
	case metalink.KindMinisign:
		if len(trust.Minisign) == 0 {
			return untrusted("minisign_public_keys")
		}
		verifier, err = newMinisignSpec(name, sig.Signature, trust.Minisign)
	case metalink.KindSSH:
		if len(trust.SSH) == 0 {
			return untrusted("ssh_allowed_signers")
		}
		verifier, err = newSSHSpec(sig.Signature, trust.SSH)
	case metalink.KindSigstore:
		if trust.Sigstore == nil {
			return untrusted("sigstore")
		}
		verifier, err = trust.Sigstore.newSpec(sig.Signature)
	}
	if err != nil {
		return err
	}
	s.digests = append(s.digests, verifier)
	return nil
}

// start gives the checks of one pass: one per OpenPGP signature and one per
// digest that the other signatures need, however many need it.
func (s signatureSpecs) start() []check {
	var checks []check
	for _, spec := range s.pgp {
		checks = append(checks, spec.start())
	}
	if len(s.digests) == 0 {
		return checks
	}
	groups := map[string]*digestCheck{}
	for _, v := range s.digests {
		algo := v.algorithm()
		group := groups[algo.Name]
		if group == nil {
			group = &digestCheck{hash: algo.New()}
			groups[algo.Name] = group
			checks = append(checks, group)
		}
		group.verifiers = append(group.verifiers, v)
	}
	return checks
}

// digestCheck computes one digest of the file in the pass and gives it to
// every signature over that digest.
type digestCheck struct {
	hash      hash.Hash
	verifiers []digestVerifier
}

func (c *digestCheck) Write(p []byte) (int, error) { return c.hash.Write(p) }

func (c *digestCheck) verdict() ([]string, error) {
	digest := c.hash.Sum(nil)
	var report []string
	for _, v := range c.verifiers {
		line, err := v.verify(digest)
		if err != nil {
			return nil, err
		}
		report = append(report, line)
	}
	return report, nil
}
