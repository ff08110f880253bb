// Package sigstoretest is an offline Sigstore for tests: sigstore-go's
// virtual Fulcio, Rekor and timestamp authority, their trusted root as the
// JSON that cosign and gh pin, and bundles as the JSON they write.
package sigstoretest

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"time"

	protobundle "github.com/sigstore/protobuf-specs/gen/pb-go/bundle/v1"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protodsse "github.com/sigstore/protobuf-specs/gen/pb-go/dsse"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/testing/ca"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
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

// TrustedRoot is the deployment's trusted_root.json: its Fulcio, timestamp
// authority and, withLog, its Rekor log (GitHub's own root, for private
// repositories, has none). The virtual certificates carry no SCTs, so the
// root lists no CT log.
func (s *Sigstore) TrustedRoot(withLog bool) (string, error) {
	logs := map[string]*root.TransparencyLog{}
	if withLog {
		// The virtual log's ID is its hex text; the JSON holds the raw key id.
		for id, log := range s.virtual.RekorLogs() {
			raw, err := hex.DecodeString(id)
			if err != nil {
				return "", err
			}
			fixed := *log
			fixed.ID = raw
			logs[id] = &fixed
		}
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, s.virtual.FulcioCertificateAuthorities(), nil,
		s.virtual.TimestampingAuthorities(), logs)
	if err != nil {
		return "", err
	}
	text, err := tr.MarshalJSON()
	return string(text), err
}

// SignBlob is what cosign sign-blob --bundle writes with a timestamp
// authority and no log: a message signature over data's sha256 by subject,
// with a signed timestamp, in a v0.3 bundle.
func (s *Sigstore) SignBlob(subject string, data []byte) (string, error) {
	leaf, key, err := s.virtual.GenerateLeafCert(subject, Issuer)
	if err != nil {
		return "", err
	}
	digest := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, key.(*ecdsa.PrivateKey), digest[:])
	if err != nil {
		return "", err
	}
	timestamp, err := s.virtual.TimestampResponse(sig)
	if err != nil {
		return "", err
	}
	pb := newBundle(leaf, [][]byte{timestamp})
	return messageSignatureJSON(pb, digest[:], sig)
}

// SignBlobWithKey is what cosign sign-blob --key --bundle writes with a
// timestamp authority: a message signature by key, whose bundle names the
// key by a hint only.
func (s *Sigstore) SignBlobWithKey(key *ecdsa.PrivateKey, data []byte) (string, error) {
	digest := sha256.Sum256(data)
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	timestamp, err := s.virtual.TimestampResponse(sig)
	if err != nil {
		return "", err
	}
	pb := newBundle(nil, [][]byte{timestamp})
	pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_PublicKey{PublicKey: &protocommon.PublicKeyIdentifier{Hint: "release key"}}
	return messageSignatureJSON(pb, digest[:], sig)
}

func messageSignatureJSON(pb *protobundle.Bundle, digest, sig []byte) (string, error) {
	pb.Content = &protobundle.Bundle_MessageSignature{MessageSignature: &protocommon.MessageSignature{
		MessageDigest: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: digest},
		Signature:     sig,
	}}
	text, err := protojson.Marshal(pb)
	return string(text), err
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
	return attestationJSON(entity)
}

// newBundle is a v0.3 bundle's verification material: the leaf
// certificate (none for a keyed bundle) and signed timestamps.
func newBundle(leaf *x509.Certificate, timestamps [][]byte) *protobundle.Bundle {
	pb := &protobundle.Bundle{
		MediaType: "application/vnd.dev.sigstore.bundle.v0.3+json",
		VerificationMaterial: &protobundle.VerificationMaterial{
			TimestampVerificationData: &protobundle.TimestampVerificationData{},
		},
	}
	if leaf != nil {
		pb.VerificationMaterial.Content = &protobundle.VerificationMaterial_Certificate{
			Certificate: &protocommon.X509Certificate{RawBytes: leaf.Raw},
		}
	}
	for _, ts := range timestamps {
		pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps = append(
			pb.VerificationMaterial.TimestampVerificationData.Rfc3161Timestamps, &protocommon.RFC3161SignedTimestamp{SignedTimestamp: ts})
	}
	return pb
}

// attestationJSON writes a virtual attestation as the bundle JSON that
// GitHub serves. The virtual log entry lacks its kind, which the JSON has.
func attestationJSON(entity *ca.TestEntity) (string, error) {
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
	pb := newBundle(material.Certificate(), timestamps)
	for _, entry := range entries {
		tle := proto.Clone(entry.TransparencyLogEntry()).(*protorekor.TransparencyLogEntry)
		tle.KindVersion = &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"}
		pb.VerificationMaterial.TlogEntries = append(pb.VerificationMaterial.TlogEntries, tle)
	}
	raw := content.EnvelopeContent().RawEnvelope()
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
	text, err := protojson.Marshal(pb)
	return string(text), err
}
