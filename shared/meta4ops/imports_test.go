package meta4ops_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

var _ = Describe("importing", func() {
	var (
		d   *meta4ops.Document
		ctx = context.Background()
	)
	BeforeEach(func() { d = newDocument() })

	Describe("a local file", func() {
		var local string
		BeforeEach(func() {
			local = filepath.Join(GinkgoT().TempDir(), "app.tgz")
			filetree.Write(local, "app bytes")
		})

		It("records its size and every hash, under its base name", func() {
			opts := meta4ops.ImportFileOptions{Hashes: meta4ops.DefaultHashes(), Version: "1.0"}
			Expect(meta4ops.ImportFile(ctx, d, local, opts, download.Options{})).To(Succeed())
			f := written(d).Files[0]
			Expect(f.Name).To(Equal("app.tgz"))
			Expect(f.Size).To(BeEquivalentTo(len("app bytes")))
			Expect(f.Version).To(Equal("1.0"))
			Expect(f.Hashes).To(HaveLen(4))
			Expect(hashOf(f, "sha-256")).To(Equal(sha256Hex("app bytes")))
		})

		It("updates a file the document has only when told to merge, naming that option", func() {
			saved(d, metalink.Metalink{Files: []metalink.File{{Name: "app.tgz", Size: 1, URLs: []metalink.URL{{URL: "https://x/app.tgz"}}}}})
			opts := meta4ops.ImportFileOptions{Hashes: meta4ops.DefaultHashes()[:1], Names: flagNames}
			Expect(meta4ops.ImportFile(ctx, d, local, opts, download.Options{})).To(MatchError(
				d.Path + ` already has a file "app.tgz" (--merge updates it)`))
			opts.Merge = true
			Expect(meta4ops.ImportFile(ctx, d, local, opts, download.Options{})).To(Succeed())
			f := written(d).Files[0]
			Expect(f.Size).To(BeEquivalentTo(len("app bytes")))
			Expect(f.URLs).To(HaveLen(1))
		})

		It("skips the document itself with a warning", func() {
			saved(d, metalink.Metalink{})
			before := filetree.Read(d.Path)
			log := gbytes.NewBuffer()
			Expect(meta4ops.ImportFile(ctx, d, d.Path, meta4ops.ImportFileOptions{Log: log}, download.Options{})).To(Succeed())
			Expect(log).To(gbytes.Say("warning: skipping .*: it is the metalink document itself"))
			Expect(filetree.Read(d.Path)).To(Equal(before))
		})
	})

	Describe("a URL", func() {
		var server *httptest.Server
		BeforeEach(func() {
			server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte("served bytes"))
			}))
			DeferCleanup(server.Close)
		})

		It("downloads it once and records its size, hashes and the URL", func() {
			Expect(meta4ops.ImportURL(ctx, d, server.URL+"/dl/tool.tgz", meta4ops.ImportURLOptions{}, download.Options{})).To(Succeed())
			f := written(d).Files[0]
			Expect(f.Name).To(Equal("tool.tgz"))
			Expect(f.Size).To(BeEquivalentTo(len("served bytes")))
			Expect(hashOf(f, "sha-256")).To(Equal(sha256Hex("served bytes")))
			Expect(f.URLs).To(Equal([]metalink.URL{{URL: server.URL + "/dl/tool.tgz"}}))
		})

		It("asks for a name when the URL names no file, in the caller's words", func() {
			opts := meta4ops.ImportURLOptions{Names: flagNames}
			Expect(meta4ops.ImportURL(ctx, d, server.URL+"/", opts, download.Options{})).To(MatchError(
				"URL " + server.URL + "/ names no file: give one with --name"))
		})
	})

	Describe("a checksum file", func() {
		sums := sha256Hex("a") + "  dir/a b.tgz\n"

		It("adds each file at the prefix, its name escaped", func() {
			opts := meta4ops.ImportChecksumsOptions{URLPrefix: "https://x/r/", Stdin: strings.NewReader(sums)}
			Expect(meta4ops.ImportChecksums(d, "-", opts)).To(Succeed())
			f := written(d).Files[0]
			Expect(f.Name).To(Equal("dir/a b.tgz"))
			Expect(f.URLs).To(Equal([]metalink.URL{{URL: "https://x/r/dir/a%20b.tgz"}}))
			Expect(f.Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: sha256Hex("a")}}))
		})

		It("refuses a prefix that is not an absolute URL, naming the option", func() {
			opts := meta4ops.ImportChecksumsOptions{URLPrefix: "x/r", Names: func(string) string { return "--url-prefix" }}
			Expect(meta4ops.ImportChecksums(d, "-", opts)).To(MatchError(`--url-prefix "x/r" is not an absolute URL`))
		})
	})

	Describe("another metalink", func() {
		other := `{"files":[{"name":"a.tgz","size":2,"urls":[{"url":"https://x/a.tgz"}]}]}`

		BeforeEach(func() {
			saved(d, metalink.Metalink{Files: []metalink.File{{Name: "a.tgz", Size: 1, URLs: []metalink.URL{{URL: "https://y/a.tgz"}}}}})
		})

		It("replaces a file the document has only when told to merge", func() {
			opts := meta4ops.ImportMetalinkOptions{Names: flagNames}
			Expect(meta4ops.ImportMetalink(d, "other.json", []byte(other), opts)).To(MatchError(
				d.Path + ` already has a file "a.tgz" (--merge replaces it)`))
			opts.Merge = true
			Expect(meta4ops.ImportMetalink(d, "other.json", []byte(other), opts)).To(Succeed())
			Expect(written(d).Files[0].Size).To(BeEquivalentTo(2))
		})

		It("names the source of a document it cannot read", func() {
			Expect(meta4ops.ImportMetalink(d, "other.json", []byte("{"), meta4ops.ImportMetalinkOptions{})).To(MatchError(HavePrefix("other.json: ")))
		})
	})
})
