package mirror

import (
	"encoding/hex"
	"hash"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// digests computes every hash verify knows over one pass of a file's bytes,
// strongest first. md5 and sha-1 are weak, but metalink clients that know
// nothing stronger still look for them, and the original resource wrote all four.
type digests struct {
	algos  []verify.Algorithm
	hashes []hash.Hash
}

func newDigests() *digests {
	d := &digests{algos: verify.Algorithms()}
	for _, algo := range d.algos {
		d.hashes = append(d.hashes, algo.New())
	}
	return d
}

// writers are one writer per hash, so that a fanout runs them side by side.
func (d *digests) writers() []io.Writer {
	writers := make([]io.Writer, len(d.hashes))
	for i, h := range d.hashes {
		writers[i] = h
	}
	return writers
}

// result lists the digests, once every writer is done.
func (d *digests) result() []metalink.Hash {
	hashes := make([]metalink.Hash, len(d.hashes))
	for i, h := range d.hashes {
		hashes[i] = metalink.Hash{Type: d.algos[i].Name, Hash: hex.EncodeToString(h.Sum(nil))}
	}
	return hashes
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
