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
	"sync"

	"github.com/klauspost/cpuid/v2"

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

// preferred lists the supported hash types in the order they are chosen:
// sha-256 and sha-512 are both strong, so the faster of the two on this CPU
// comes first (sha-256 with the SHA extensions is about 3 times as fast as
// sha-512); md5 and sha-1 only when neither is given.
func preferred() []Algorithm {
	algos := Algorithms()
	if sha256IsFaster() {
		algos[0], algos[1] = algos[1], algos[0]
	}
	return algos
}

// sha256IsFaster says whether this CPU has SHA-256 instructions that Go's
// crypto/sha256 uses (the SHA extensions on x86, which need SSSE3 and
// SSE4.1 beside them; SHA2 on arm64). Without them sha-512, working on 64-bit
// words, is the faster of the two. It is decided by the CPU's features, not
// timed, so that every run on a machine chooses alike; tests replace it.
var sha256IsFaster = sync.OnceValue(func() bool {
	return cpuid.CPU.Supports(cpuid.SHA, cpuid.SSSE3, cpuid.SSE4) || cpuid.CPU.Supports(cpuid.SHA2)
})

// rank returns the Algorithm named typ and its place among the preferred
// ones (0 first).
func rank(typ string) (Algorithm, int, bool) {
	typ = strings.ToLower(strings.TrimSpace(typ))
	for i, algo := range preferred() {
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
	passed   string // the other strong hash given, left for being slower here
}

// strongestHash picks the preferred supported whole-file hash; nil if none.
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
	return &hashSpec{algo: algo, expected: expected, passed: slowerStrongHash(algo, hashes)}, nil
}

// slowerStrongHash names the other of sha-256 and sha-512 when hashes give
// both, so the report can say why the chosen one was checked.
func slowerStrongHash(chosen Algorithm, hashes []metalink.Hash) string {
	strong := preferred()[:2]
	if chosen.Name != strong[0].Name {
		return ""
	}
	for _, h := range hashes {
		if other, _, ok := rank(h.Type); ok && other.Name == strong[1].Name {
			return other.Name
		}
	}
	return ""
}

// strongest returns the index of the first of n entries whose type is
// preferred, or -1 when no type is supported.
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

func (c *hashCheck) verdict() ([]string, error) {
	got := hex.EncodeToString(c.hash.Sum(nil))
	if got != c.spec.expected {
		return nil, fmt.Errorf("%s mismatch: expected %s, got %s", c.spec.algo.Name, c.spec.expected, got)
	}
	if c.spec.passed != "" {
		return []string{fmt.Sprintf("%s ok (chosen over %s, which is slower on this CPU)", c.spec.algo.Name, c.spec.passed)}, nil
	}
	return []string{c.spec.algo.Name + " ok"}, nil
}
