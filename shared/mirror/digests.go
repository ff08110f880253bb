package mirror

import (
	"encoding/hex"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// newDigests computes every hash verify knows over one pass of a file's
// bytes, strongest first. md5 and sha-1 are weak, but metalink clients that
// know nothing stronger still look for them, and the original resource wrote all four.
func newDigests() *verify.Digests {
	return verify.NewDigests(verify.Algorithms())
}

// strongest is the strongest supported hash f carries, for deciding whether
// an existing copy is the same file; ok is false when f carries none.
func strongest(f metalink.File) (metalink.Hash, bool) {
	data := File{File: f}
	for _, algo := range verify.Algorithms() {
		if digest := data.digest(algo.Name); digest != "" {
			return metalink.Hash{Type: algo.Name, Hash: digest}, true
		}
	}
	return metalink.Hash{}, false
}

// hashFile computes the hashType digest of an existing local copy.
func hashFile(r io.Reader, hashType string) (string, error) {
	for _, algo := range verify.Algorithms() {
		if algo.Name != hashType {
			continue
		}
		h := algo.New()
		if _, err := io.Copy(h, r); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	return "", nil
}
