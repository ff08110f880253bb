package meta4cmd

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// algorithms resolves a list of hash types, in the order given.
func algorithms(types []string) ([]verify.Algorithm, error) {
	algos := make([]verify.Algorithm, 0, len(types))
	for _, typ := range types {
		algo, err := checksums.Algorithm(typ)
		if err != nil {
			return nil, err
		}
		algos = append(algos, algo)
	}
	return algos, nil
}

// digestOf checks that digest is hex of algo's length and lower-cases it.
func digestOf(algo verify.Algorithm, digest string) (string, error) {
	digest = strings.ToLower(strings.TrimSpace(digest))
	if raw, err := hex.DecodeString(digest); err != nil || len(raw) != algo.New().Size() {
		return "", fmt.Errorf("%s hash %s is not %d hex digits", algo.Name, redact.Quote(digest), algo.New().Size()*2)
	}
	return digest, nil
}

// hashIndex is the index of f's hash of type typ, or -1.
func hashIndex(f *metalink.File, typ string) int {
	for i, h := range f.Hashes {
		if strings.EqualFold(strings.TrimSpace(h.Type), typ) {
			return i
		}
	}
	return -1
}

// setHash replaces f's hash of h's type, or adds h.
func setHash(f *metalink.File, h metalink.Hash) {
	if i := hashIndex(f, h.Type); i >= 0 {
		f.Hashes[i] = h
		return
	}
	f.Hashes = append(f.Hashes, h)
}

// addFacts records what an importer learnt about f's bytes (size 0: not
// known). A fact that contradicts one the document holds is an error, not a
// replacement: two sources disagreeing about a file is worth stopping for.
func addFacts(f *metalink.File, size uint64, hashes []metalink.Hash) error {
	if size > 0 {
		if f.Size != 0 && f.Size != size {
			return fmt.Errorf("%s: the document says %d bytes, the source %d", f.Name, f.Size, size)
		}
		f.Size = size
	}
	for _, h := range hashes {
		if i := hashIndex(f, h.Type); i >= 0 && !strings.EqualFold(strings.TrimSpace(f.Hashes[i].Hash), h.Hash) {
			return fmt.Errorf("%s: the document's %s is %s, the source's %s", f.Name, h.Type, f.Hashes[i].Hash, h.Hash)
		}
		setHash(f, h)
	}
	return nil
}

// setURL adds u as the last URL of f; an entry of the same URL goes first,
// so that u's priority and location replace its own.
func setURL(f *metalink.File, u metalink.URL) {
	removeURL(f, u.URL)
	f.URLs = append(f.URLs, u)
}

// addURL adds u unless f lists its URL already.
func addURL(f *metalink.File, u metalink.URL) {
	for _, have := range f.URLs {
		if have.URL == u.URL {
			return
		}
	}
	f.URLs = append(f.URLs, u)
}

// removeURL drops every entry of rawURL and reports whether there was one.
func removeURL(f *metalink.File, rawURL string) bool {
	kept := f.URLs[:0]
	for _, u := range f.URLs {
		if u.URL != rawURL {
			kept = append(kept, u)
		}
	}
	removed := len(kept) < len(f.URLs)
	f.URLs = kept
	if len(f.URLs) == 0 {
		f.URLs = nil
	}
	return removed
}
