package verify

import (
	"encoding/hex"
	"hash"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// Digests computes a file's digests of several algorithms over one pass of
// its bytes: what a mirror records of a file it copies and what the tools
// record of a file they import.
type Digests struct {
	algos  []Algorithm
	hashes []hash.Hash
}

// NewDigests starts the digests of algos, listed in that order.
func NewDigests(algos []Algorithm) *Digests {
	d := &Digests{algos: algos}
	for _, algo := range algos {
		d.hashes = append(d.hashes, algo.New())
	}
	return d
}

// Writers are one writer per hash, so that a fanout runs them side by side.
func (d *Digests) Writers() []io.Writer {
	writers := make([]io.Writer, len(d.hashes))
	for i, h := range d.hashes {
		writers[i] = h
	}
	return writers
}

// Reset starts over, for a file read again from byte zero.
func (d *Digests) Reset() {
	for _, h := range d.hashes {
		h.Reset()
	}
}

// Sums lists the hex digests as metalink hashes, once every writer is done.
func (d *Digests) Sums() []metalink.Hash {
	hashes := make([]metalink.Hash, len(d.hashes))
	for i, h := range d.hashes {
		hashes[i] = metalink.Hash{Type: d.algos[i].Name, Hash: hex.EncodeToString(h.Sum(nil))}
	}
	return hashes
}
