package fanout_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"sync/atomic"
	"testing/iotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/fanout"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

// gate is a consumer that blocks every write until released, counting bytes.
type gate struct {
	open    chan struct{}
	written atomic.Int64
}

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	g.written.Add(int64(len(p)))
	return len(p), nil
}

// countingReader counts what was read from it.
type countingReader struct {
	r    io.Reader
	read atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read.Add(int64(n))
	return n, err
}

// zeros never ends and ignores contexts, like a huge local file.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after <= 0 {
		return 0, errors.New("disk full")
	}
	w.after -= len(p)
	return len(p), nil
}

var _ = Describe("Fanout", func() {
	It("gives every consumer every byte in order, reading the source once", func() {
		data := fixtures.RandomBytes(3*fanout.ChunkSize+12345, 7)
		var a, b bytes.Buffer
		hash := sha256.New()
		source := &countingReader{r: iotest.HalfReader(bytes.NewReader(data))}
		f := fanout.New(context.Background(), &a, &b, hash)
		Expect(f.CopyFrom(source, nil)).To(Succeed())
		Expect(f.Close()).To(Succeed())
		Expect(a.Bytes()).To(Equal(data))
		Expect(b.Bytes()).To(Equal(data))
		want := sha256.Sum256(data)
		Expect(hash.Sum(nil)).To(Equal(want[:]))
		Expect(source.read.Load()).To(Equal(int64(len(data))))
		Expect(f.Fed()).To(Equal(int64(len(data))))
	})

	It("carries on from the next source where the previous one stopped", func() {
		data := fixtures.RandomBytes(2*fanout.ChunkSize+99, 7)
		var out bytes.Buffer
		var counted int64
		f := fanout.New(context.Background(), &out)
		Expect(f.CopyFrom(bytes.NewReader(data[:1000]), func(n int64) { counted += n })).To(Succeed())
		Expect(f.Fed()).To(Equal(int64(1000)))
		Expect(f.CopyFrom(bytes.NewReader(data[f.Fed():]), func(n int64) { counted += n })).To(Succeed())
		Expect(f.Close()).To(Succeed())
		Expect(out.Bytes()).To(Equal(data))
		Expect(counted).To(Equal(int64(len(data))))
	})

	It("never reads more than its buffers ahead of the slowest consumer", func() {
		data := fixtures.RandomBytes(40*fanout.ChunkSize, 7)
		slow := &gate{open: make(chan struct{})}
		source := &countingReader{r: bytes.NewReader(data)}
		f := fanout.New(context.Background(), io.Discard, slow)
		done := make(chan error, 1)
		go func() { done <- f.CopyFrom(source, nil) }()
		Eventually(source.read.Load).Should(BeNumerically(">=", int64(fanout.Chunks*fanout.ChunkSize)))
		Consistently(source.read.Load, "200ms").Should(BeNumerically("<=", int64(fanout.Chunks*fanout.ChunkSize)))
		close(slow.open)
		Eventually(done).Should(Receive(BeNil()))
		Expect(f.Close()).To(Succeed())
		Expect(slow.written.Load()).To(Equal(int64(len(data))))
	})

	It("stops at the first failing consumer, cancels its context and reports that consumer's error", func() {
		data := fixtures.RandomBytes(20*fanout.ChunkSize, 7)
		var healthy bytes.Buffer
		f := fanout.New(context.Background(), &healthy, &failingWriter{after: 2 * fanout.ChunkSize})
		err := f.CopyFrom(bytes.NewReader(data), nil)
		Expect(err).To(MatchError("disk full"))
		Expect(f.Context().Err()).To(HaveOccurred())
		Expect(f.Close()).To(MatchError("disk full"))
		Expect(healthy.Len()).To(BeNumerically("<", len(data)))
	})

	It("stops reading soon after a consumer fails, even from a source that ignores the context", func() {
		f := fanout.New(context.Background(), io.Discard, &failingWriter{after: 3 * fanout.ChunkSize})
		Expect(f.CopyFrom(zeros{}, nil)).To(MatchError("disk full"))
		Expect(f.Close()).To(MatchError("disk full"))
		Expect(f.Fed()).To(BeNumerically("<=", (3+fanout.Chunks+1)*fanout.ChunkSize), "no more than the pool beyond the failure")
	})

	It("gives up when its parent context ends", func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		f := fanout.New(ctx, io.Discard)
		Expect(f.CopyFrom(zeros{}, nil)).To(MatchError(context.Canceled))
		Expect(f.Close()).To(Succeed())
	})

	It("returns the source's error when the source fails", func() {
		f := fanout.New(context.Background(), io.Discard)
		broken := io.MultiReader(bytes.NewReader(fixtures.RandomBytes(100, 7)), iotest.ErrReader(errors.New("connection reset")))
		Expect(f.CopyFrom(broken, nil)).To(MatchError("connection reset"))
		Expect(f.Fed()).To(Equal(int64(100)))
		Expect(f.Close()).To(Succeed())
	})

	It("counts the bytes of a source even without consumers", func() {
		f := fanout.New(context.Background())
		Expect(f.CopyFrom(bytes.NewReader(fixtures.RandomBytes(3*fanout.ChunkSize, 7)), nil)).To(Succeed())
		Expect(f.Close()).To(Succeed())
		Expect(f.Fed()).To(Equal(int64(3 * fanout.ChunkSize)))
	})
})
