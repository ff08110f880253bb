package meta4ops_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// described is a file called name whose size and sha-256 are content's,
// served from a local copy.
func described(name, content string) metalink.File {
	GinkgoHelper()
	source := filepath.Join(GinkgoT().TempDir(), "source")
	filetree.Write(source, content)
	return metalink.File{
		Name: name, Size: uint64(len(content)),
		Hashes: []metalink.Hash{{Type: "sha-256", Hash: sha256Hex(content)}},
		URLs:   []metalink.URL{{URL: (&url.URL{Scheme: "file", Path: source}).String()}},
	}
}

var _ = Describe("transfers", func() {
	ctx := context.Background()
	get := download.Options{Verify: verify.Options{SkipSignature: true}}

	Describe("downloading", func() {
		It("writes a file into a directory under its own name, leaving no stage behind", func() {
			dir := GinkgoT().TempDir()
			Expect(meta4ops.Download(ctx, described("sub/app.tgz", "app"), dir+"/", get)).To(Succeed())
			Expect(filetree.Snapshot(dir)).To(Equal(map[string]string{"sub/": "", "sub/app.tgz": "app"}))
		})

		It("writes nothing through a symlink that leads out of the directory", func() {
			dir, outside := GinkgoT().TempDir(), GinkgoT().TempDir()
			Expect(os.Symlink(outside, filepath.Join(dir, "sub"))).To(Succeed())
			err := meta4ops.Download(ctx, described("sub/app.tgz", "app"), dir+"/", get)
			Expect(err).To(MatchError(ContainSubstring("is a symlink that leads outside")))
			Expect(filetree.Snapshot(outside)).To(BeEmpty())
		})

		It("leaves nothing when the bytes do not match", func() {
			dir := GinkgoT().TempDir()
			f := described("app.tgz", "app")
			f.Hashes[0].Hash = sha256Hex("other")
			Expect(meta4ops.Download(ctx, f, filepath.Join(dir, "out.tgz"), get)).To(HaveOccurred())
			Expect(filetree.Snapshot(dir)).To(BeEmpty())
		})
	})

	Describe("verifying", func() {
		var local string
		BeforeEach(func() {
			local = filepath.Join(GinkgoT().TempDir(), "app.tgz")
			filetree.Write(local, "app")
		})

		It("checks a local file against the document and reports what it checked", func() {
			report, err := meta4ops.Verify(ctx, described("app.tgz", "app"), local, get)
			Expect(err).NotTo(HaveOccurred())
			Expect(report).NotTo(BeEmpty())
		})

		It("fails on other bytes, naming the file", func() {
			_, err := meta4ops.Verify(ctx, described("app.tgz", "ppa"), local, get)
			Expect(err).To(MatchError(HavePrefix("verify app.tgz: ")))
		})

		It("refuses a file with nothing to check", func() {
			_, err := meta4ops.Verify(ctx, metalink.File{Name: "app.tgz"}, local, get)
			Expect(err).To(MatchError("nothing to verify: app.tgz has neither a size nor a hash to check"))
		})
	})

	Describe("uploading", func() {
		var (
			d        *meta4ops.Document
			local    string
			handlers *urlhandlers.Set
		)
		BeforeEach(func() {
			d = newDocument()
			local = filepath.Join(GinkgoT().TempDir(), "app.tgz")
			filetree.Write(local, "app")
			var err error
			handlers, err = urlhandlers.Compile("options", nil, network.Default())
			Expect(err).NotTo(HaveOccurred())
		})

		It("copies the file and records the copy's URL, with the size and hashes of a file that had none", func() {
			saved(d, metalink.Metalink{Files: []metalink.File{{Name: "app.tgz", URLs: []metalink.URL{{URL: "https://x/app.tgz"}}}}})
			dest := "file://" + filepath.Join(GinkgoT().TempDir(), "copy.tgz")
			Expect(meta4ops.Upload(ctx, d, local, dest, meta4ops.UploadOptions{Location: "de"}, handlers)).To(Succeed())
			f := written(d).Files[0]
			Expect(f.URLs).To(Equal([]metalink.URL{{URL: "https://x/app.tgz"}, {URL: dest, Location: "de"}}))
			Expect(f.Size).To(BeEquivalentTo(3))
			Expect(hashOf(f, "sha-256")).To(Equal(sha256Hex("app")))
			Expect(filetree.Read(filepath.Join(filepath.Dir(dest[len("file://"):]), "copy.tgz"))).To(Equal("app"))
		})

		It("refuses a destination it cannot write, in the caller's words", func() {
			opts := meta4ops.UploadOptions{Names: func(string) string { return "URI" }}
			Expect(meta4ops.Upload(ctx, d, local, "https://user:secret@x/app.tgz", opts, handlers)).To(MatchError(
				`URI "https://[redacted]@x/app.tgz": expected an s3://, file:// or ftp:// URL`))
		})
	})
})
