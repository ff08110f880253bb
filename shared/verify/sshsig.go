package verify

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/crypto/ssh"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// SSH signatures are OpenSSH's SSHSIG format (PROTOCOL.sshsig), made by
// ssh-keygen -Y sign: an armored blob holding the public key, a namespace
// and a signature over a digest of the file.
const (
	sshArmorBegin = "-----BEGIN SSH SIGNATURE-----"
	sshArmorEnd   = "-----END SSH SIGNATURE-----"
	sshMagic      = "SSHSIG"
	// sshDefaultNamespace is what a signer without a namespaces= option may
	// sign in: ssh-keygen's own name for signatures of files.
	sshDefaultNamespace = "file"
)

// AllowedSigner is one line of an allowed_signers file (ssh-keygen(1),
// ALLOWED SIGNERS): who, with which key, in which namespaces.
type AllowedSigner struct {
	Principals string
	Key        ssh.PublicKey
	Namespaces []string // empty: sshDefaultNamespace only
}

// ParseAllowedSigners reads the allowed_signers format: "principals
// [options] keytype base64-key [comment]" per line, # comments and blank
// lines ignored. The namespaces="…" option is honoured; cert-authority,
// valid-after and valid-before are refused rather than ignored, since
// ignoring them would trust more than the file says.
func ParseAllowedSigners(text string) ([]AllowedSigner, error) {
	var signers []AllowedSigner
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		signer, err := parseAllowedSigner(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		signers = append(signers, signer)
	}
	if len(signers) == 0 {
		return nil, errors.New("no allowed signer found")
	}
	return signers, nil
}

func parseAllowedSigner(line string) (AllowedSigner, error) {
	principals, rest, ok := strings.Cut(line, " ")
	if !ok {
		return AllowedSigner{}, errors.New("expected principals, then a key")
	}
	signer := AllowedSigner{Principals: principals}
	rest = strings.TrimSpace(rest)
	// Options, when there are any, come before the key type.
	if keyType, _, _ := strings.Cut(rest, " "); !isKeyType(keyType) {
		options, after, err := cutOptions(rest)
		if err != nil {
			return AllowedSigner{}, err
		}
		if err := signer.applyOptions(options); err != nil {
			return AllowedSigner{}, err
		}
		rest = after
	}
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(rest))
	if err != nil {
		return AllowedSigner{}, fmt.Errorf("key: %w", err)
	}
	signer.Key = key
	return signer, nil
}

// isKeyType tells a key type (ssh-ed25519, ecdsa-sha2-nistp256,
// sk-ssh-ed25519@openssh.com, …) from options.
func isKeyType(word string) bool {
	for _, prefix := range []string{"ssh-", "ecdsa-", "sk-"} {
		if strings.HasPrefix(word, prefix) {
			return true
		}
	}
	return false
}

// cutOptions splits off the comma-separated options, which may quote
// values holding spaces or commas.
func cutOptions(s string) ([]string, string, error) {
	var options []string
	var current strings.Builder
	quoted := false
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ',' && !quoted:
			options = append(options, current.String())
			current.Reset()
			continue
		case r == ' ' && !quoted:
			return append(options, current.String()), strings.TrimSpace(s[i:]), nil
		}
		current.WriteRune(r)
	}
	return nil, "", errors.New("options are not followed by a key")
}

func (a *AllowedSigner) applyOptions(options []string) error {
	for _, option := range options {
		name, value, _ := strings.Cut(option, "=")
		switch strings.ToLower(name) {
		case "namespaces":
			for _, ns := range strings.Split(strings.Trim(value, `"`), ",") {
				if ns = strings.TrimSpace(ns); ns != "" {
					a.Namespaces = append(a.Namespaces, ns)
				}
			}
		case "cert-authority", "valid-after", "valid-before":
			return fmt.Errorf("option %s is not supported", name)
		default:
			return fmt.Errorf("unknown option %s", redact.Quote(name))
		}
	}
	return nil
}

func (a AllowedSigner) allows(namespace string) bool {
	if len(a.Namespaces) == 0 {
		return namespace == sshDefaultNamespace
	}
	return slices.Contains(a.Namespaces, namespace)
}

// sshSigBlob is the armored blob's wire form.
type sshSigBlob struct {
	Magic         [6]byte
	Version       uint32
	PublicKey     []byte
	Namespace     string
	Reserved      string
	HashAlgorithm string
	Signature     []byte
}

// sshSignedData is what the key signs: the digest with the namespace.
type sshSignedData struct {
	Magic         [6]byte
	Namespace     string
	Reserved      string
	HashAlgorithm string
	Hash          []byte
}

type sshSpec struct {
	blob   sshSigBlob
	sig    *ssh.Signature
	signer AllowedSigner
	algo   Algorithm
}

func newSSHSpec(text string, trust []AllowedSigner) (*sshSpec, error) {
	blob, err := decodeSSHSignature(text)
	if err != nil {
		return nil, fmt.Errorf("ssh signature cannot be read: %w", err)
	}
	spec := &sshSpec{blob: blob}
	switch blob.HashAlgorithm {
	case "sha256":
		spec.algo = Algorithm{Name: "sha-256", New: sha256.New}
	case "sha512":
		spec.algo = Algorithm{Name: "sha-512", New: sha512.New}
	default:
		return nil, fmt.Errorf("ssh signature uses hash %s; only sha256 and sha512 are", redact.Quote(blob.HashAlgorithm))
	}
	key, err := ssh.ParsePublicKey(blob.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("ssh signature cannot be read: its key: %w", err)
	}
	spec.sig = new(ssh.Signature)
	if err := ssh.Unmarshal(blob.Signature, spec.sig); err != nil {
		return nil, fmt.Errorf("ssh signature cannot be read: %w", err)
	}
	fingerprint := ssh.FingerprintSHA256(key)
	known := false
	for _, signer := range trust {
		if !bytes.Equal(signer.Key.Marshal(), key.Marshal()) {
			continue
		}
		known = true
		if signer.allows(blob.Namespace) {
			spec.signer = signer
			return spec, nil
		}
	}
	if known {
		return nil, fmt.Errorf("ssh signature by %s is in namespace %s, which its allowed_signers entry does not allow (without namespaces=, only %q)",
			fingerprint, redact.Quote(blob.Namespace), sshDefaultNamespace)
	}
	return nil, fmt.Errorf("ssh signature is by key %s, which is not among the ssh allowed signers", fingerprint)
}

// decodeSSHSignature reads the armor and the blob inside it.
func decodeSSHSignature(text string) (sshSigBlob, error) {
	body, ok := strings.CutPrefix(strings.TrimSpace(text), sshArmorBegin)
	if !ok {
		return sshSigBlob{}, errors.New("it does not start with " + sshArmorBegin)
	}
	body, ok = strings.CutSuffix(body, sshArmorEnd)
	if !ok {
		return sshSigBlob{}, errors.New("it does not end with " + sshArmorEnd)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(body), ""))
	if err != nil {
		return sshSigBlob{}, fmt.Errorf("base64: %w", err)
	}
	var blob sshSigBlob
	if err := ssh.Unmarshal(raw, &blob); err != nil {
		return sshSigBlob{}, err
	}
	if string(blob.Magic[:]) != sshMagic || blob.Version != 1 {
		return sshSigBlob{}, errors.New("not an SSHSIG version 1 signature")
	}
	return blob, nil
}

func (s *sshSpec) algorithm() Algorithm { return s.algo }

func (s *sshSpec) verify(digest []byte) (string, error) {
	signed := ssh.Marshal(sshSignedData{
		Magic: s.blob.Magic, Namespace: s.blob.Namespace, Reserved: s.blob.Reserved,
		HashAlgorithm: s.blob.HashAlgorithm, Hash: digest,
	})
	fingerprint := ssh.FingerprintSHA256(s.signer.Key)
	if err := s.signer.Key.Verify(signed, s.sig); err != nil {
		return "", fmt.Errorf("ssh signature by %s (%s) does not match the file", s.signer.Principals, fingerprint)
	}
	return fmt.Sprintf("ssh signature by %s (%s, namespace %s) ok", s.signer.Principals, fingerprint, s.blob.Namespace), nil
}
