package meta4ops

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// DefaultHashes are the hash types an import computes unless told
// otherwise: every type downloads verify, weakest first.
func DefaultHashes() []verify.Algorithm {
	algos := verify.Algorithms()
	slices.Reverse(algos)
	return algos
}

// Digest is the hash of algo whose digest is text: hex of algo's length,
// lower-cased, as the document stores it.
func Digest(algo verify.Algorithm, text string) (metalink.Hash, error) {
	digest := strings.ToLower(strings.TrimSpace(text))
	if raw, err := hex.DecodeString(digest); err != nil || len(raw) != algo.New().Size() {
		return metalink.Hash{}, fmt.Errorf("%s hash %s is not %d hex digits", algo.Name, redact.Quote(digest), algo.New().Size()*2)
	}
	return metalink.Hash{Type: algo.Name, Hash: digest}, nil
}

// digestSink hashes and counts the bytes of one pass over a file. It is
// the download.Sink of the importers: a file is read once, by the
// resources' download code with its retries, resumption and progress
// lines, and every hash is computed beside the transfer.
type digestSink struct {
	digests *verify.Digests
	count   byteCount
}

// Rewind starts over, for a source read again from byte zero.
func (s *digestSink) Rewind() error {
	s.digests.Reset()
	s.count = 0
	return nil
}

// Writers are one per hash and the counter, each fed in its own goroutine.
func (s *digestSink) Writers() []io.Writer {
	return append([]io.Writer{&s.count}, s.digests.Writers()...)
}

type byteCount uint64

func (c *byteCount) Write(p []byte) (int, error) {
	*c += byteCount(len(p))
	return len(p), nil
}

// describe reads rawURL once with get and returns its size and its digests
// of algos. size, when not 0, is the size it must have.
func describe(ctx context.Context, name, rawURL string, size uint64, algos []verify.Algorithm, get download.Options) (uint64, []metalink.Hash, error) {
	f := metalink.File{Name: name, Size: size, URLs: []metalink.URL{{URL: rawURL}}}
	sink := &digestSink{digests: verify.NewDigests(algos)}
	// Nothing to verify: these bytes are what the new hashes will describe.
	get.Verify = verify.Options{SkipHash: true, SkipSignature: true}
	if _, err := download.Stream(ctx, f, sink, get); err != nil {
		return 0, nil, err
	}
	return uint64(sink.count), sink.digests.Sums(), nil
}

// fileURL is the file:// URL of a local path.
func fileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}
