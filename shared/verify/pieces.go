package verify

import (
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

type piecesSpec struct {
	algo     Algorithm
	length   uint64
	expected []string
}

// strongestPieces picks the strongest supported set of piece hashes; nil if
// none. size (0: unknown) must be covered exactly by the pieces.
func strongestPieces(sets []metalink.Pieces, size uint64) (*piecesSpec, error) {
	best := strongest(len(sets), func(i int) string { return sets[i].Type })
	if best < 0 {
		return nil, nil
	}
	algo, _, _ := rank(sets[best].Type)
	return newPiecesSpec(algo, sets[best], size)
}

func newPiecesSpec(algo Algorithm, set metalink.Pieces, size uint64) (*piecesSpec, error) {
	if set.Length == 0 {
		return nil, fmt.Errorf("%s pieces have no length", algo.Name)
	}
	if len(set.Hashes) == 0 {
		return nil, fmt.Errorf("%s pieces list no hash", algo.Name)
	}
	if size > 0 {
		if want := (size + set.Length - 1) / set.Length; uint64(len(set.Hashes)) != want {
			return nil, fmt.Errorf("%d %s pieces of %d bytes do not cover the size %d (%d pieces would)",
				len(set.Hashes), algo.Name, set.Length, size, want)
		}
	}
	spec := &piecesSpec{algo: algo, length: set.Length, expected: make([]string, len(set.Hashes))}
	for i, digest := range set.Hashes {
		normal, err := normalHex(algo, digest)
		if err != nil {
			return nil, fmt.Errorf("piece %d: %w", i, err)
		}
		spec.expected[i] = normal
	}
	return spec, nil
}

func (s *piecesSpec) start() check {
	return &piecesCheck{spec: s, hash: s.algo.New()}
}

// piecesCheck hashes each piece as its bytes arrive and fails on the first
// wrong piece, so that a corrupt mirror is abandoned early.
type piecesCheck struct {
	spec   *piecesSpec
	hash   hash.Hash
	index  int    // the piece being hashed
	filled uint64 // bytes of it hashed so far
	err    error
}

func (c *piecesCheck) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 && c.err == nil {
		if c.index >= len(c.spec.expected) {
			c.err = fmt.Errorf("more bytes than the %d %s pieces of %d bytes cover", len(c.spec.expected), c.spec.algo.Name, c.spec.length)
			break
		}
		take := uint64(len(p))
		if room := c.spec.length - c.filled; take > room {
			take = room
		}
		c.hash.Write(p[:take])
		c.filled += take
		written += int(take)
		p = p[take:]
		if c.filled == c.spec.length {
			c.closePiece()
		}
	}
	return written, c.err
}

func (c *piecesCheck) closePiece() {
	got := hex.EncodeToString(c.hash.Sum(nil))
	if want := c.spec.expected[c.index]; got != want {
		c.err = fmt.Errorf("%s piece %d mismatch: expected %s, got %s", c.spec.algo.Name, c.index, want, got)
	}
	c.hash.Reset()
	c.index++
	c.filled = 0
}

func (c *piecesCheck) verdict() ([]string, error) {
	if c.err == nil && c.filled > 0 {
		c.closePiece()
	}
	if c.err != nil {
		return nil, c.err
	}
	if c.index != len(c.spec.expected) {
		return nil, fmt.Errorf("file ended after %d of %d %s pieces", c.index, len(c.spec.expected), c.spec.algo.Name)
	}
	return []string{fmt.Sprintf("%d %s pieces ok", c.index, c.spec.algo.Name)}, nil
}

// Pieces checks piece hashes for a caller that holds each piece's bytes,
// in any order: a segmented download checks a piece before any of its bytes
// reach the whole-file hash, so that a bad piece names the mirror that sent
// it and can be fetched again from another one.
type Pieces struct {
	spec   *piecesSpec
	ok     []bool // by index: the piece passed
	passed int
}

// Length is the byte length of every piece but the last.
func (p *Pieces) Length() int64 { return int64(p.spec.length) }

// Check hashes parts, together the bytes of piece index, and fails when they
// do not match. A piece may be checked again (fetched again from another
// mirror); it counts once.
func (p *Pieces) Check(index int, parts ...[]byte) error {
	if index < 0 || index >= len(p.spec.expected) {
		return fmt.Errorf("no %s piece %d: the file has %d", p.spec.algo.Name, index, len(p.spec.expected))
	}
	h := p.spec.algo.New()
	for _, part := range parts {
		h.Write(part)
	}
	if got, want := hex.EncodeToString(h.Sum(nil)), p.spec.expected[index]; got != want {
		return fmt.Errorf("%s piece %d mismatch: expected %s, got %s", p.spec.algo.Name, index, want, got)
	}
	if p.ok == nil {
		p.ok = make([]bool, len(p.spec.expected))
	}
	if !p.ok[index] {
		p.ok[index] = true
		p.passed++
	}
	return nil
}

// Write is never called (Writers leaves Pieces out): the caller hands
// pieces to Check, not a stream.
func (p *Pieces) Write(b []byte) (int, error) { return len(b), nil }

func (p *Pieces) verdict() ([]string, error) {
	if p.passed != len(p.spec.expected) {
		return nil, fmt.Errorf("%d of %d %s pieces verified", p.passed, len(p.spec.expected), p.spec.algo.Name)
	}
	return []string{fmt.Sprintf("%d %s pieces ok", p.passed, p.spec.algo.Name)}, nil
}
