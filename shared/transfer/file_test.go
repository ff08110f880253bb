package transfer_test

import (
	"os"
	"path/filepath"

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
		Entry("a directory", func() string { return "file://" + filepath.Dir(path) }, "is not a regular file"),
	)
})
