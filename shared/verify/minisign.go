package verify

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"path"
	"strings"

	"aead.dev/minisign"
	"golang.org/x/crypto/blake2b"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// blake2b512 is the digest minisign signs ("prehashed", minisign's default
// since 0.8). It is not a metalink hash type, so it is not in Algorithms.
var blake2b512 = Algorithm{Name: "blake2b-512", New: func() hash.Hash {
	h, _ := blake2b.New512(nil) // fails only for a key longer than 64 bytes
	return h
}}

// MinisignKey is a trusted minisign public key.
type MinisignKey struct {
	key minisign.PublicKey
	raw ed25519.PublicKey
}

// ID is the key id as minisign prints it.
func (k MinisignKey) ID() string { return fmt.Sprintf("%016X", k.key.ID()) }

// ParseMinisignKeys reads minisign public keys, one a line: the base64 key
// as minisign -G prints it, or its whole .pub file (an "untrusted comment:"
// line before each key is allowed). Blank lines are ignored.
func ParseMinisignKeys(text string) ([]MinisignKey, error) {
	var keys []MinisignKey
	for i, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "untrusted comment:") {
			continue
		}
		var key minisign.PublicKey
		if err := key.UnmarshalText([]byte(line)); err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		// The library keeps the Ed25519 key to itself; its text form is
		// algorithm (2 bytes), key id (8) and the key (32).
		encoded, err := base64.StdEncoding.DecodeString(key.String())
		if err != nil || len(encoded) != 10+ed25519.PublicKeySize {
			return nil, fmt.Errorf("line %d: minisign: invalid public key", i+1)
		}
		keys = append(keys, MinisignKey{key: key, raw: ed25519.PublicKey(encoded[10:])})
	}
	if len(keys) == 0 {
		return nil, errors.New("no minisign public key found")
	}
	return keys, nil
}

type minisignSpec struct {
	name string // the file's base name, which the trusted comment must give
	sig  minisign.Signature
	key  MinisignKey
}

func newMinisignSpec(name, text string, trust []MinisignKey) (*minisignSpec, error) {
	var sig minisign.Signature
	// The library wants exactly four lines; a trailing line break is usual.
	if err := sig.UnmarshalText([]byte(strings.TrimRight(text, "\r\n"))); err != nil {
		return nil, fmt.Errorf("minisign signature cannot be read: %w", err)
	}
	if sig.Algorithm != minisign.HashEdDSA {
		return nil, errors.New("minisign signature is a legacy one over the whole file, not over its BLAKE2b-512 digest; only prehashed signatures (minisign's default) are verified")
	}
	for _, key := range trust {
		if key.key.ID() == sig.KeyID {
			return &minisignSpec{name: path.Base(name), sig: sig, key: key}, nil
		}
	}
	return nil, fmt.Errorf("minisign signature is by key %016X, which is not among the trusted minisign public keys", sig.KeyID)
}

func (s *minisignSpec) algorithm() Algorithm { return blake2b512 }

// verify checks the signature over the digest, then the trusted comment's
// signature, and only then reads the comment: it must name this file, or a
// mirror could serve an older signed release under this name.
func (s *minisignSpec) verify(digest []byte) (string, error) {
	id := s.key.ID()
	if !ed25519.Verify(s.key.raw, digest, s.sig.Signature[:]) {
		return "", fmt.Errorf("minisign signature by key %s does not match the file", id)
	}
	global := append(s.sig.Signature[:], s.sig.TrustedComment...)
	if !ed25519.Verify(s.key.raw, global, s.sig.CommentSignature[:]) {
		return "", fmt.Errorf("minisign signature by key %s has a trusted comment that the key did not sign", id)
	}
	signed, ok := commentFile(s.sig.TrustedComment)
	switch {
	case !ok:
		return "", fmt.Errorf("minisign signature by key %s has a trusted comment that names no file (%s), so it cannot prove it signs %s",
			id, redact.Quote(s.sig.TrustedComment), redact.Quote(s.name))
	case signed != s.name:
		return "", fmt.Errorf("minisign signature by key %s is for file %s, not %s: a signature of another file (an older release served under this name?)",
			id, redact.Quote(signed), redact.Quote(s.name))
	}
	return fmt.Sprintf("minisign signature by key %s (trusted comment %s) ok", id, redact.Quote(s.sig.TrustedComment)), nil
}

// commentFile is the file a trusted comment names: minisign writes
// "timestamp:T\tfile:NAME\thashed".
func commentFile(comment string) (string, bool) {
	for _, part := range strings.Split(comment, "\t") {
		if name, ok := strings.CutPrefix(part, "file:"); ok {
			return name, true
		}
	}
	return "", false
}
