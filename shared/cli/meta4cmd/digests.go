package meta4cmd

import (
	"context"
	"io"
	"net/url"
	"path/filepath"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// digestSink hashes and counts the bytes of one pass over a file. It is
// the download.Sink of the importers: a file is read once, by the
// resources' download code with its retries, resumption and progress
// lines, and every hash is computed beside the transfer.
type digestSink struct {
	digests *verify.Digests
	count   byteCount
}

func newDigestSink(algos []verify.Algorithm) *digestSink {
	return &digestSink{digests: verify.NewDigests(algos)}
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

// result is the size and the digests, once the pass is over.
func (s *digestSink) result() (uint64, []metalink.Hash) {
	return uint64(s.count), s.digests.Sums()
}

type byteCount uint64

func (c *byteCount) Write(p []byte) (int, error) {
	*c += byteCount(len(p))
	return len(p), nil
}

// describe reads rawURL once and returns its size and its digests of
// algos. size, when not 0, is the size it must have.
func (a *app) describe(ctx context.Context, name, rawURL string, size uint64, algos []verify.Algorithm) (uint64, []metalink.Hash, error) {
	f := metalink.File{Name: name, Size: size, URLs: []metalink.URL{{URL: rawURL}}}
	sink := newDigestSink(algos)
	// Nothing to verify: these bytes are what the new hashes will describe.
	opts, err := a.downloadOptions(verify.Options{SkipHash: true, SkipSignature: true})
	if err != nil {
		return 0, nil, err
	}
	if _, err := download.Stream(ctx, f, sink, opts); err != nil {
		return 0, nil, err
	}
	got, hashes := sink.result()
	return got, hashes, nil
}

// fileURL is the file:// URL of a local path.
func fileURL(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String(), nil
}
