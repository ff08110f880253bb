package verify

import (
	// md5 and sha-1 are weak, but older metalinks carry nothing else; they
	// are checked only when no stronger hash is given.
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"hash"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// Algorithm is a hash type a metalink may name (IANA names, RFC 5854).
type Algorithm struct {
	Name string
	New  func() hash.Hash
}

// Algorithms lists the supported hash types, strongest first.
func Algorithms() []Algorithm {
	return []Algorithm{
		{Name: "sha-512", New: sha512.New},
		{Name: "sha-256", New: sha256.New},
		{Name: "sha-1", New: sha1.New},
		{Name: "md5", New: md5.New},
	}
}

func supportedNames() []string {
	var names []string
	for _, algo := range Algorithms() {
		names = append(names, algo.Name)
	}
	return names
}

// rank returns the Algorithm named typ and its strength (0 strongest).
func rank(typ string) (Algorithm, int, bool) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	for i, algo := range Algorithms() {
		if algo.Name == typ {
			return algo, i, true
		}
	}
	return Algorithm{}, 0, false
}

// normalHex trims and lower-cases a digest and checks its length and digits.
func normalHex(algo Algorithm, digest string) (string, error) {
	digest = strings.ToLower(strings.TrimSpace(digest))
	want := algo.New().Size() * 2
	if _, err := hex.DecodeString(digest); err != nil || len(digest) != want {
		return "", fmt.Errorf("%s hash %q is not %d hex digits", algo.Name, digest, want)
	}
	return digest, nil
}

type hashSpec struct {
	algo     Algorithm
	expected string
}

// strongestHash picks the strongest supported whole-file hash; nil if none.
// Only the chosen digest must be well formed: the others are never used.
func strongestHash(hashes []metalink.Hash) (*hashSpec, error) {
	best := strongest(len(hashes), func(i int) string { return hashes[i].Type })
	if best < 0 {
		return nil, nil
	}
	algo, _, _ := rank(hashes[best].Type)
	expected, err := normalHex(algo, hashes[best].Hash)
	if err != nil {
		return nil, err
	}
	return &hashSpec{algo: algo, expected: expected}, nil
}

// strongest returns the index of the first of n entries whose type ranks
// highest, or -1 when no type is supported.
func strongest(n int, typeOf func(i int) string) int {
	best, bestRank := -1, 0
	for i := range n {
		if _, r, ok := rank(typeOf(i)); ok && (best < 0 || r < bestRank) {
			best, bestRank = i, r
		}
	}
	return best
}

func (s *hashSpec) start() check {
	return &hashCheck{spec: s, hash: s.algo.New()}
}

type hashCheck struct {
	spec *hashSpec
	hash hash.Hash
}

func (c *hashCheck) Write(p []byte) (int, error) { return c.hash.Write(p) }

func (c *hashCheck) verdict() (string, error) {
	got := hex.EncodeToString(c.hash.Sum(nil))
	if got != c.spec.expected {
		return "", fmt.Errorf("%s mismatch: expected %s, got %s", c.spec.algo.Name, c.spec.expected, got)
	}
	return c.spec.algo.Name + " ok", nil
}
