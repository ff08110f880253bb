package mirror

import (
	// md5 and sha-1 are weak, but metalink clients that know nothing
	// stronger still look for them; the original resource wrote all four.
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

type algorithm struct {
	name string
	new  func() hash.Hash
}

// algorithms are the hashes a generated metalink carries, in the order it
// lists them.
func algorithms() []algorithm {
	return []algorithm{
		{name: "sha-512", new: sha512.New},
		{name: "sha-256", new: sha256.New},
		{name: "sha-1", new: sha1.New},
		{name: "md5", new: md5.New},
	}
}

// digests computes every algorithm over one pass of a file's bytes.
type digests struct {
	algos  []algorithm
	hashes []hash.Hash
}

func newDigests() *digests {
	d := &digests{algos: algorithms()}
	for _, algo := range d.algos {
		d.hashes = append(d.hashes, algo.new())
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
		hashes[i] = metalink.Hash{Type: d.algos[i].name, Hash: hex.EncodeToString(h.Sum(nil))}
	}
	return hashes
}

// strongest is the strongest supported hash f carries, for deciding whether
// an existing copy is the same file; ok is false when f carries none.
func strongest(f metalink.File) (metalink.Hash, bool) {
	data := File{File: f}
	for _, algo := range algorithms() {
		if digest := data.digest(algo.name); digest != "" {
			return metalink.Hash{Type: algo.name, Hash: digest}, true
		}
	}
	return metalink.Hash{}, false
}

// hashFile computes the hashType digest of an existing local copy.
func hashFile(r io.Reader, hashType string) (string, error) {
	for _, algo := range algorithms() {
		if algo.name != hashType {
			continue
		}
		h := algo.new()
		if _, err := io.Copy(h, r); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
	return "", nil
}
