// Package sigstoretest is an offline Sigstore for tests: sigstore-go's
// virtual Fulcio, Rekor and timestamp authority, their trusted root as the
// JSON that cosign and gh pin, and bundles as the JSON they write.
package sigstoretest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"google.golang.org/protobuf/encoding/protojson"
)

// Issuer is the OIDC issuer the tests' certificates name.
const Issuer = "https://token.actions.githubusercontent.com"

// Sigstore is one virtual deployment.
type Sigstore struct {
	virtual *ca.VirtualSigstore
}

// New starts a deployment with fresh keys.
func New() (*Sigstore, error) {
	virtual, err := ca.NewVirtualSigstore()
	if err != nil {
		return nil, err
	}
	return &Sigstore{virtual: virtual}, nil
}

// TrustedRoot is the deployment's trusted_root.json: its Fulcio, Rekor and
// timestamp authority. The virtual certificates carry no SCTs, so the root
// lists no CT log.
func (s *Sigstore) TrustedRoot() (string, error) {
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, s.virtual.FulcioCertificateAuthorities(), nil,
		s.virtual.TimestampingAuthorities(), s.virtual.RekorLogs())
	if err != nil {
		return "", err
	}
	text, err := tr.MarshalJSON()
	return string(text), err
}

// SignBlob is what cosign sign-blob --bundle writes: a message signature
// over data by subject, in a v0.1 bundle (its log entry has an inclusion
// promise, no proof), with a signed timestamp.
func (s *Sigstore) SignBlob(subject string, data []byte) (string, error) {
	entity, err := s.virtual.SignWithVersion(subject, Issuer, data, "v0.1")
	if err != nil {
		return "", err
	}
	return bundleJSON(entity, "application/vnd.dev.sigstore.bundle+json;version=0.1")
}

// Attest is what actions/attest-build-provenance stores: an in-toto
// statement naming name and data's sha256, in a DSSE envelope signed by
// subject, in a v0.3 bundle whose log entry has an inclusion proof.
func (s *Sigstore) Attest(subject, name string, data []byte) (string, error) {
	digest := sha256.Sum256(data)
	statement, err := json.Marshal(map[string]any{
		"_type":         "https://in-toto.io/Statement/v1",
		"subject":       []any{map[string]any{"name": name, "digest": map[string]string{"sha256": hex.EncodeToString(digest[:])}}},
		"predicateType": "https://slsa.dev/provenance/v1",
		"predicate":     map[string]any{"buildDefinition": map[string]any{"buildType": "https://actions.github.io/buildtypes/workflow/v1"}},
	})
	if err != nil {
		return "", err
	}
	// As the virtual Attest does, but with an inclusion proof, which a v0.3
	// bundle must have: the leaf certificate is valid from now on.
	entity, err := s.virtual.AttestAtTime(subject, Issuer, statement, time.Now().Add(5*time.Minute), true)
	if err != nil {
		return "", err
	}
	return bundleJSON(entity, "application/vnd.dev.sigstore.bundle.v0.3+json")
}

// bundleJSON writes a test entity as the bundle JSON that cosign writes.
func bundleJSON(entity *ca.TestEntity, mediaType string) (string, error) {
	material, err := entity.VerificationContent()
	if err != nil {
		return "", err
	}
	timestamps, err := entity.Timestamps()
	if err != nil {
		return "", err
	}
	entries, err := entity.TlogEntries()
	if err != nil {
		return "", err
	}
	content, err := entity.SignatureContent()
	if err != nil {
		return "", err
	}
	pb := &protobundle.Bundle{
		MediaType: mediaType,
		VerificationMaterial: &protobundle.VerificationMaterial{
			Content: &protobundle.VerificationMaterial_Certificate{
				Certificate: &protocommon.X509Certificate{RawBytes: material.Certificate().Raw},
			},
			TimestampVerificationData: &protobundle.TimestampVerificationData{},
		},
	}
	for _, ts := range timestamps {
		pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps = append(
			pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps, &protocommon.RFC3161SignedTimestamp{SignedTimestamp: ts})
	}
	for _, entry := range entries {
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, entry.TransparencyLogEntry())
	}
	if envelope := content.EnvelopeContent(); envelope != nil {
		raw := envelope.RawEnvelope()
		payload, err := base64.StdEncoding.DecodeString(raw.Payload)
		if err != nil {
			return "", err
		}
		env := &protodsse.Envelope{Payload: payload, PayloadType: raw.PayloadType}
		for _, sig := range raw.Signatures {
			decoded, err := base64.StdEncoding.DecodeString(sig.Sig)
			if err != nil {
				return "", err
			}
			env.Signatures = append(env.Signatures, &protodsse.Signature{Sig: decoded, Keyid: sig.KeyID})
		}
		pb.Content = &protobundle.Bundle_DsseEnvelope{DsseEnvelope: env}
	} else {
		message := content.MessageSignatureContent()
		if message.DigestAlgorithm() != "SHA2_256" {
			return "", fmt.Errorf("unexpected digest algorithm %s", message.DigestAlgorithm())
		}
		pb.Content = &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
			MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: message.Digest()},
			Signature:     message.Signature(),
		}}
	}
	text, err := protojson.Marshal(pb)
	return string(text), err
}
