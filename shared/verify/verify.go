// Package verify checks size, whole-file hashes, piece hashes and signatures
// (OpenPGP, minisign, SSH, Sigstore bundles) of a file in one pass over its
// bytes as they stream.
//
// A Plan is built once per file from its metalink entry and rejects what can
// never verify (unknown hash types, a signature without trust configured for
// its kind) before any byte moves. Each pass over the bytes gets a fresh
// Checker from the Plan. Signatures other than OpenPGP sign a digest of the
// file: each digest they need is computed once, in the same pass as the rest.
// A Checker's Writers are independent, so a caller may feed each from its own
// goroutine and let hashing run beside the transfer.
package verify

import (
	"fmt"
	"io"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// Options say what to verify.
type Options struct {
	SkipHash      bool
	SkipSignature bool
	Trust         Trust
	// Names say the settings above in the front end's words, where a
	// message tells how to get past a check ("skip_hash_verification").
	Names field.Names
}

// Plan is what will be verified for one file.
type Plan struct {
	name       string
	size       uint64 // 0: not given
	hash       *hashSpec
	pieces     *piecesSpec
	signatures signatureSpecs
}

// NewPlan decides what to verify for f and rejects what cannot be verified.
func NewPlan(f metalink.File, opts Options) (*Plan, error) {
	plan := &Plan{name: f.Name, size: f.Size}
	if !opts.SkipHash {
		if err := plan.chooseHashes(f, opts.Names); err != nil {
			return nil, err
		}
	}
	if !opts.SkipSignature {
		specs, err := newSignatureSpecs(f, opts)
		if err != nil {
			return nil, err
		}
		plan.signatures = specs
	}
	return plan, nil
}

func (p *Plan) chooseHashes(f metalink.File, names field.Names) error {
	hash, err := strongestHash(f.Hashes)
	if err != nil {
		return err
	}
	pieces, err := strongestPieces(f.Pieces, f.Size)
	if err != nil {
		return err
	}
	if hash == nil && pieces == nil && (len(f.Hashes) > 0 || len(f.Pieces) > 0) {
		return fmt.Errorf("no supported hash type among %s (supported: %s); set %s to download it unverified",
			quotedTypes(f), strings.Join(supportedNames(), ", "), names.Of("skip_hash_verification"))
	}
	p.hash, p.pieces = hash, pieces
	return nil
}

// HasHash reports whether a whole-file hash or piece hashes will be checked.
// A file with no hash at all is allowed; the caller should warn about it.
func (p *Plan) HasHash() bool { return p.hash != nil || p.pieces != nil }

// Size returns the size the metalink gives, or -1 when it gives none.
func (p *Plan) Size() int64 {
	if p.size == 0 {
		return -1
	}
	return int64(p.size)
}

// CheckAnnouncedSize compares the size a server announces (-1: unknown)
// with the expected size, so a wrong mirror is left before any transfer.
func (p *Plan) CheckAnnouncedSize(announced int64) error {
	if p.size == 0 || announced < 0 || uint64(announced) == p.size {
		return nil
	}
	return fmt.Errorf("size mismatch: expected %d bytes, the server announced %d", p.size, announced)
}

// PieceLength is the length of the file's pieces, 0 when none are checked.
func (p *Plan) PieceLength() int64 {
	if p.pieces == nil {
		return 0
	}
	return int64(p.pieces.length)
}

// Start returns a fresh Checker for one pass over the file's bytes. Finish
// must be called on it, even when the pass is abandoned.
func (p *Plan) Start() *Checker {
	c := p.startWhole()
	if p.pieces != nil {
		c.checks = append(c.checks, p.pieces.start())
	}
	c.addSignature(p)
	return c
}

// StartOwnPieces is Start for a caller that checks the pieces itself through
// the returned Pieces (nil when the file has none); the Checker's Writers
// then leave pieces out, and Finish fails unless every piece passed.
func (p *Plan) StartOwnPieces() (*Checker, *Pieces) {
	c := p.startWhole()
	var own *Pieces
	if p.pieces != nil {
		own = &Pieces{spec: p.pieces}
		c.checks = append(c.checks, own)
	}
	c.addSignature(p)
	return c, own
}

// startWhole is a Checker with the size and whole-file hash checks.
func (p *Plan) startWhole() *Checker {
	c := &Checker{name: p.name}
	if p.size > 0 {
		c.checks = append(c.checks, &sizeCheck{expected: p.size})
	}
	if p.hash != nil {
		c.checks = append(c.checks, p.hash.start())
	}
	return c
}

func (c *Checker) addSignature(p *Plan) {
	c.checks = append(c.checks, p.signatures.start()...)
}

// check receives every byte of the file in order through Write, which fails
// as soon as the bytes are known to be wrong, and gives its verdict once all
// bytes were written: one report line, or several for a check that proves
// several things from one digest.
type check interface {
	io.Writer
	verdict() (report []string, err error)
}

// Checker verifies one pass over a file's bytes.
type Checker struct {
	name   string
	checks []check
}

// Writers returns one writer per independent check. Each must receive every
// byte of the file in order; different writers may run in different
// goroutines. A write error means the bytes are wrong: stop the transfer.
func (c *Checker) Writers() []io.Writer {
	var writers []io.Writer
	for _, chk := range c.checks {
		if _, own := chk.(*Pieces); !own {
			writers = append(writers, chk)
		}
	}
	return writers
}

// Finish gives the verdict once no writer is writing any more: report lines
// such as "go.tgz: sha-512 ok" when every check passed, else the first failure.
func (c *Checker) Finish() ([]string, error) {
	var report []string
	var errs []error
	for _, chk := range c.checks {
		lines, err := chk.verdict()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, line := range lines {
			report = append(report, c.name+": "+line)
		}
	}
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return report, nil
}

// sizeCheck counts bytes and fails as soon as there are too many.
type sizeCheck struct {
	expected uint64
	got      uint64
}

func (s *sizeCheck) Write(p []byte) (int, error) {
	s.got += uint64(len(p))
	if s.got > s.expected {
		return len(p), fmt.Errorf("size mismatch: expected %d bytes, got more", s.expected)
	}
	return len(p), nil
}

func (s *sizeCheck) verdict() ([]string, error) {
	if s.got != s.expected {
		return nil, fmt.Errorf("size mismatch: expected %d bytes, got %d", s.expected, s.got)
	}
	return []string{fmt.Sprintf("size %d bytes ok", s.expected)}, nil
}

func quotedTypes(f metalink.File) string {
	var types []string
	for _, h := range f.Hashes {
		types = append(types, fmt.Sprintf("%q", h.Type))
	}
	for _, p := range f.Pieces {
		types = append(types, fmt.Sprintf("%q (pieces)", p.Type))
	}
	return strings.Join(types, ", ")
}
