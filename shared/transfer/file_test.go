package transfer_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

var _ = Describe("the file handler", func() {
	var path string

	BeforeEach(func() {
		path = filepath.Join(GinkgoT().TempDir(), "go.tgz")
		Expect(os.WriteFile(path, content, 0o644)).To(Succeed())
	})

	It("handles file URLs only", func() {
		Expect(transfer.NewFile().Handles("file:///tmp/x")).To(BeTrue())
		Expect(transfer.NewFile().Handles("http://example.com/x")).To(BeFalse())
	})

	It("reads a local file from an offset and reports its size", func(ctx SpecContext) {
		body, size, err := transfer.NewFile().Open(ctx, "file://"+path, 100)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(len(content))))
		Expect(readAll(body)).To(Equal(content[100:]))
	})

	It("accepts localhost as the host", func(ctx SpecContext) {
		body, _, err := transfer.NewFile().Open(ctx, "file://localhost"+path, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(readAll(body)).To(Equal(content))
	})

	DescribeTable("refuses URLs that do not name a local file",
		func(ctx SpecContext, rawURL func() string, message string) {
			_, _, err := transfer.NewFile().Open(ctx, rawURL(), 0)
			Expect(err).To(MatchError(ContainSubstring(message)))
			Expect(transfer.IsTransient(err)).To(BeFalse())
		},
		Entry("a remote host", func() string { return "file://example.com/etc/passwd" }, `file URL host "example.com" is not supported`),
		Entry("a relative path", func() string { return "file:relative/x" }, "file URL has no absolute path"),
		Entry("a missing file", func() string { return "file://" + path + ".missing" }, "no such file or directory"),
		Entry("a directory", func() string { return "file://" + filepath.Dir(path) }, "is not a regular file (a directory)"),
	)

	It("ends reading when the context is cancelled, and that is not transient", func(ctx SpecContext) {
		readCtx, cancel := context.WithCancel(ctx)
		body, _, err := transfer.NewFile().Open(readCtx, "file://"+path, 0)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(body.Close)
		Expect(io.ReadFull(body, make([]byte, 100))).To(Equal(100))
		cancel()
		_, err = body.Read(make([]byte, 100))
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "%v", err)
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	Describe("a named pipe", func() {
		var fifo string

		BeforeEach(func() {
			fifo = filepath.Join(GinkgoT().TempDir(), "pipe")
			Expect(syscall.Mkfifo(fifo, 0o600)).To(Succeed())
		})

		It("is refused at once, without waiting for a writer", func(ctx SpecContext) {
			// Should an open wait for a writer after all, this one lets it go.
			DeferCleanup(releaseReaders, fifo)
			failed := make(chan error, 1)
			go func() {
				body, _, err := transfer.NewFile().Open(ctx, "file://"+fifo, 0)
				if body != nil {
					_ = body.Close() // only a broken handler opens it; err says so
				}
				failed <- err
			}()
			var err error
			Eventually(failed).WithTimeout(time.Second).Should(Receive(&err))
			Expect(err).To(MatchError(fifo + " is not a regular file (a named pipe)"))
			Expect(transfer.IsTransient(err)).To(BeFalse())
		})
	})

	// A read of a regular file on a hung NFS mount blocks in the kernel, and
	// closing the file does not end it. A blocking descriptor of a named pipe
	// nobody writes to behaves just so.
	Describe("a read that blocks in the kernel", func() {
		var blocked *os.File

		BeforeEach(func() {
			fifo := filepath.Join(GinkgoT().TempDir(), "hung")
			Expect(syscall.Mkfifo(fifo, 0o600)).To(Succeed())
			// Read-write, so that the open does not wait for a writer and a
			// read waits for data instead of ending at EOF; a blocking
			// descriptor, so that Go cannot poll it.
			fd, err := syscall.Open(fifo, syscall.O_RDWR|syscall.O_CLOEXEC, 0)
			Expect(err).NotTo(HaveOccurred())
			blocked = os.NewFile(uintptr(fd), fifo)
			// The read left behind returns once a byte arrives.
			DeferCleanup(releaseReaders, fifo)
		})

		read := func(body io.ReadCloser) chan error {
			failed := make(chan error, 1)
			go func() {
				_, err := body.Read(make([]byte, 100))
				failed <- err
			}()
			return failed
		}

		It("ends when the context is cancelled, promptly", func(ctx SpecContext) {
			readCtx, cancel := context.WithCancel(ctx)
			body := transfer.WatchOpenFile(readCtx, blocked, time.Hour)
			failed := read(body)
			Consistently(failed, 50*time.Millisecond).ShouldNot(Receive())
			cancel()
			var err error
			Eventually(failed).WithTimeout(time.Second).Should(Receive(&err))
			Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "%v", err)
			Expect(transfer.IsTransient(err)).To(BeFalse())
			closed := make(chan error, 1)
			go func() { closed <- body.Close() }()
			Eventually(closed).WithTimeout(time.Second).Should(Receive(BeNil()))
		})

		It("gives up after the stall timeout, as a transient error", func(ctx SpecContext) {
			body := transfer.WatchOpenFile(ctx, blocked, 100*time.Millisecond)
			DeferCleanup(body.Close)
			var err error
			Eventually(read(body)).WithTimeout(time.Second).Should(Receive(&err))
			Expect(err).To(MatchError("no data received for 100ms"))
			Expect(transfer.IsTransient(err)).To(BeTrue())
			_, err = body.Read(make([]byte, 1))
			Expect(err).To(MatchError("no data received for 100ms"), "a body left behind stays failed")
		})
	})
})

// releaseReaders writes a byte into the named pipe at path, ending an open or
// a read that waits on it, if any.
func releaseReaders(path string) {
	fd, err := syscall.Open(path, syscall.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return // ENXIO: no reader is left
	}
	_, _ = syscall.Write(fd, []byte{0}) // a full pipe has a reader already woken
	_ = syscall.Close(fd)               // a pipe has nothing to flush
}
