package metalink

import (
	"fmt"
	"slices"
	"strings"
)

// Media types of the signatures a file may carry. Minisign and SSH have no
// registered type; ours are what the README documents.
const (
	SignaturePGP      = "application/pgp-signature"
	SignatureSigstore = "application/vnd.dev.sigstore.bundle.v0.3+json"
	SignatureMinisign = "application/x-minisign"
	SignatureSSH      = "application/x-ssh-signature"
)

// SignatureKind is the family a signature's media type belongs to.
type SignatureKind string

const (
	KindPGP      SignatureKind = "pgp"
	KindSigstore SignatureKind = "sigstore"
	KindMinisign SignatureKind = "minisign"
	KindSSH      SignatureKind = "ssh"
)

// signatureTypes maps every accepted media type, spelled as normalType
// leaves it, to its kind. Sigstore bundles before v0.3 spell their version
// as a parameter.
var signatureTypes = map[string]SignatureKind{
	SignaturePGP:      KindPGP,
	SignatureSigstore: KindSigstore,
	"application/vnd.dev.sigstore.bundle+json;version=0.1": KindSigstore,
	"application/vnd.dev.sigstore.bundle+json;version=0.2": KindSigstore,
	"application/vnd.dev.sigstore.bundle+json;version=0.3": KindSigstore,
	SignatureMinisign: KindMinisign,
	SignatureSSH:      KindSSH,
}

// normalType lower-cases a media type and drops the white space around its
// parts, as RFC 2045 lets writers put it.
func normalType(mediaType string) string {
	parts := strings.Split(strings.ToLower(mediaType), ";")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return strings.Join(parts, ";")
}

// Kind says which family s belongs to, or fails naming the media types that
// are known.
func (s Signature) Kind() (SignatureKind, error) {
	if kind, ok := signatureTypes[normalType(s.MediaType)]; ok {
		return kind, nil
	}
	return "", fmt.Errorf("unsupported signature type %s (supported: %s)", quote(s.MediaType), strings.Join(SignatureTypes(), ", "))
}

// SignatureTypes lists the accepted media types, sorted.
func SignatureTypes() []string {
	types := make([]string, 0, len(signatureTypes))
	for t := range signatureTypes {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// AddSignature adds s after f's signatures unless f has it already.
func (f *File) AddSignature(s Signature) {
	for _, have := range f.Signatures {
		if normalType(have.MediaType) == normalType(s.MediaType) && have.Signature == s.Signature {
			return
		}
	}
	f.Signatures = append(f.Signatures, s)
}
