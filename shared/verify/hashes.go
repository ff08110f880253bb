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

// algorithm is a hash type a metalink may name (IANA names, RFC 5854).
type algorithm struct {
	name string
	new  func() hash.Hash
}

// strongestFirst lists the supported hash types, strongest first.
func strongestFirst() []algorithm {
	return []algorithm{
		{name: "sha-512", new: sha512.New},
		{name: "sha-256", new: sha256.New},
		{name: "sha-1", new: sha1.New},
		{name: "md5", new: md5.New},
	}
}

func supportedNames() []string {
	var names []string
	for _, algo := range strongestFirst() {
		names = append(names, algo.name)
	}
	return names
}

// rank returns the algorithm named typ and its strength (0 strongest).
func rank(typ string) (algorithm, int, bool) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	for i, algo := range strongestFirst() {
		if algo.name == typ {
			return algo, i, true
		}
	}
	return algorithm{}, 0, false
}

// normalHex trims and lower-cases a digest and checks its length and digits.
func normalHex(algo algorithm, digest string) (string, error) {
	digest = strings.ToLower(strings.TrimSpace(digest))
	want := algo.new().Size() * 2
	if _, err := hex.DecodeString(digest); err != nil || len(digest) != want {
		return "", fmt.Errorf("%s hash %q is not %d hex digits", algo.name, digest, want)
	}
	return digest, nil
}

type hashSpec struct {
	algo     algorithm
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
	return &hashCheck{spec: s, hash: s.algo.new()}
}

type hashCheck struct {
	spec *hashSpec
	hash hash.Hash
}

func (c *hashCheck) Write(p []byte) (int, error) { return c.hash.Write(p) }

func (c *hashCheck) verdict() (string, error) {
	got := hex.EncodeToString(c.hash.Sum(nil))
	if got != c.spec.expected {
		return "", fmt.Errorf("%s mismatch: expected %s, got %s", c.spec.algo.name, c.spec.expected, got)
	}
	return c.spec.algo.name + " ok", nil
}
