package verify

import (
	"crypto/sha256"
	"crypto/sha512"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"
	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// SigstoreIdentity is a certificate identity a keyless bundle may have: the
// OIDC issuer exactly, and the subject (the certificate's SAN, such as a
// workflow URL) exactly or by a regular expression.
type SigstoreIdentity struct {
	Issuer        string
	Subject       string
	SubjectRegexp string
}

// SigstoreTrust is the pinned trusted root (Fulcio, Rekor, CT logs and
// timestamp authorities) and who may sign: certificate identities for
// keyless bundles, public keys for keyed ones. Everything a bundle is
// checked against is here; nothing is fetched.
type SigstoreTrust struct {
	root       *root.TrustedRoot
	identities []sgverify.CertificateIdentity
	keys       []signature.Verifier
	options    []sgverify.VerifierOption
	scts       bool // certificates must carry SCTs: the root lists CT logs
}

// NewSigstoreTrust checks the whole configuration once: the trusted root's
// JSON (the trusted_root.json that cosign and gh use), the identities and
// the PEM public keys. It says which part is wrong by the library's field
// names (trusted_root, identities[i].subject_regexp, public_keys[i]).
func NewSigstoreTrust(trustedRoot []byte, identities []SigstoreIdentity, publicKeys []string) (*SigstoreTrust, error) {
	if len(strings.TrimSpace(string(trustedRoot))) == 0 {
		return nil, errors.New("trusted_root is required: the trusted root JSON that bundles are checked against")
	}
	if len(identities) == 0 && len(publicKeys) == 0 {
		return nil, errors.New("give identities, public_keys or both: who may sign")
	}
	tr, err := root.NewTrustedRootFromJSON(trustedRoot)
	if err != nil {
		return nil, fmt.Errorf("trusted_root: %w", err)
	}
	t := &SigstoreTrust{root: tr}
	for i, id := range identities {
		identity, err := newSigstoreIdentity(id)
		if err != nil {
			return nil, fmt.Errorf("identities[%d].%w", i, err)
		}
		t.identities = append(t.identities, identity)
	}
	for i, pem := range publicKeys {
		key, err := cryptoutils.UnmarshalPEMToPublicKey([]byte(pem))
		if err != nil {
			return nil, fmt.Errorf("public_keys[%d]: not a PEM public key: %w", i, err)
		}
		verifier, err := signature.LoadDefaultVerifier(key)
		if err != nil {
			return nil, fmt.Errorf("public_keys[%d]: %w", i, err)
		}
		t.keys = append(t.keys, verifier)
	}
	// Every bundle needs a time that a trusted party observed: a log entry
	// or a signed timestamp. Log entries and SCTs are required wherever the
	// root has logs to check them against; a root without them (GitHub's
	// own, for private repositories) relies on its timestamp authorities.
	t.options = []sgverify.VerifierOption{sgverify.WithObserverTimestamps(1)}
	if len(tr.RekorLogs()) > 0 {
		t.options = append(t.options, sgverify.WithTransparencyLog(1))
	}
	t.scts = len(tr.CTLogs()) > 0
	return t, nil
}

func newSigstoreIdentity(id SigstoreIdentity) (sgverify.CertificateIdentity, error) {
	switch {
	case id.Issuer == "":
		return sgverify.CertificateIdentity{}, errors.New("issuer is required")
	case id.Subject == "" && id.SubjectRegexp == "":
		return sgverify.CertificateIdentity{}, errors.New("subject: give subject or subject_regexp")
	case id.Subject != "" && id.SubjectRegexp != "":
		return sgverify.CertificateIdentity{}, errors.New("subject: give subject or subject_regexp, not both")
	}
	if id.SubjectRegexp != "" {
		if _, err := regexp.Compile(id.SubjectRegexp); err != nil {
			return sgverify.CertificateIdentity{}, fmt.Errorf("subject_regexp: %w", err)
		}
	}
	identity, err := sgverify.NewShortCertificateIdentity(id.Issuer, "", id.Subject, id.SubjectRegexp)
	if err != nil {
		return sgverify.CertificateIdentity{}, fmt.Errorf("subject: %w", err)
	}
	return identity, nil
}

type sigstoreSpec struct {
	trust  *SigstoreTrust
	bundle *bundle.Bundle
	kind   string // "signature" or "attestation"
	algo   Algorithm
	keyed  bool
}

// newSpec reads a bundle (its size bounded by the caller) and refuses one
// that no configured signer could have made.
func (t *SigstoreTrust) newSpec(text string) (*sigstoreSpec, error) {
	var b bundle.Bundle
	if err := b.UnmarshalJSON([]byte(text)); err != nil {
		return nil, fmt.Errorf("sigstore bundle cannot be read: %s", libraryText(err, 300))
	}
	spec := &sigstoreSpec{trust: t, bundle: &b, kind: "signature", algo: Algorithm{Name: "sha-256", New: sha256.New}}
	content, err := b.SignatureContent()
	if err != nil {
		return nil, fmt.Errorf("sigstore bundle: %w", err)
	}
	if message := content.MessageSignatureContent(); message != nil {
		switch message.DigestAlgorithm() {
		case "SHA2_256":
		case "SHA2_512":
			spec.algo = Algorithm{Name: "sha-512", New: sha512.New}
		default:
			return nil, fmt.Errorf("sigstore bundle signs a %s digest; only SHA2_256 and SHA2_512 are checked", redact.Quote(message.DigestAlgorithm()))
		}
	} else {
		spec.kind = "attestation"
	}
	material, err := b.VerificationContent()
	if err != nil {
		return nil, fmt.Errorf("sigstore bundle: %w", err)
	}
	spec.keyed = material.Certificate() == nil
	switch {
	case spec.keyed && len(t.keys) == 0:
		return nil, errors.New("sigstore bundle is signed with a key, but no sigstore public_keys are configured")
	case !spec.keyed && len(t.identities) == 0:
		return nil, errors.New("sigstore bundle is signed with a certificate, but no sigstore identities are configured")
	}
	return spec, nil
}

func (s *sigstoreSpec) algorithm() Algorithm { return s.algo }

// verify checks, offline and against the pinned root only, the log
// inclusion proofs and timestamps, the certificate chain and identity (or
// the key), and that the bundle signs this digest: a message signature over
// it, or an attestation with it among its subjects.
func (s *sigstoreSpec) verify(digest []byte) (string, error) {
	artifact := sgverify.WithArtifactDigest(strings.ReplaceAll(s.algo.Name, "-", ""), digest)
	if s.keyed {
		return s.verifyKeyed(artifact)
	}
	var policy []sgverify.PolicyOption
	for _, identity := range s.trust.identities {
		policy = append(policy, sgverify.WithCertificateIdentity(identity))
	}
	result, err := s.run(s.trust.root, sgverify.NewPolicy(artifact, policy...))
	if err != nil {
		return "", err
	}
	var by, issuer string
	if cert := result.Signature.Certificate; cert != nil {
		by, issuer = cert.SubjectAlternativeName, cert.Issuer
	}
	return fmt.Sprintf("sigstore %s by %s (issuer %s%s) ok", s.kind, by, issuer, s.logIndex()), nil
}

// verifyKeyed tries each configured key: a bundle's key hint is free text,
// not a way to find the key.
func (s *sigstoreSpec) verifyKeyed(artifact sgverify.ArtifactPolicyOption) (string, error) {
	var err error
	for i, key := range s.trust.keys {
		material := root.TrustedMaterialCollection{s.trust.root, root.NewTrustedPublicKeyMaterial(
			func(string) (root.TimeConstrainedVerifier, error) {
				return root.NewExpiringKey(key, time.Time{}, time.Time{}), nil
			})}
		if _, err = s.run(material, sgverify.NewPolicy(artifact, sgverify.WithKey())); err == nil {
			return fmt.Sprintf("sigstore %s by public key %d (%s) ok", s.kind, i+1, s.logIndex()[2:]), nil
		}
	}
	return "", err
}

func (s *sigstoreSpec) run(material root.TrustedMaterial, policy sgverify.PolicyBuilder) (*sgverify.VerificationResult, error) {
	options := s.trust.options
	if s.trust.scts && !s.keyed {
		options = append(slices.Clip(options), sgverify.WithSignedCertificateTimestamps(1))
	}
	verifier, err := sgverify.NewVerifier(material, options...)
	if err != nil {
		return nil, fmt.Errorf("sigstore %s: %w", s.kind, err)
	}
	result, err := verifier.Verify(s.bundle, policy)
	if err != nil {
		return nil, fmt.Errorf("sigstore %s does not verify: %s", s.kind, libraryText(err, 400))
	}
	return result, nil
}

// logIndex is ", log index N" for a bundle with a log entry.
func (s *sigstoreSpec) logIndex() string {
	entries, err := s.bundle.TlogEntries()
	if err != nil || len(entries) == 0 {
		return ", signed timestamp only"
	}
	return fmt.Sprintf(", log index %d", entries[0].LogIndex())
}

// libraryText is sigstore-go's error as part of one line of bounded length:
// it may quote a hostile bundle's contents.
func libraryText(err error, max int) string {
	return redact.Excerpt(strings.Join(strings.Fields(err.Error()), " "), max)
}
