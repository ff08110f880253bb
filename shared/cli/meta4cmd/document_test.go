package meta4cmd_test

import (
	"os"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli"
	"github.com/metalink-resources/metalink-resources/shared/cli/meta4cmd"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

const sha256Hello = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03" // "hello\n"

var _ = Describe("meta4 documents", func() {
	It("creates an empty meta4 XML document, and refuses to create one that exists", func() {
		tool := newTool()
		tool.Succeed("create")
		Expect(filetree.Read(at(tool, "metalink.meta4"))).To(Equal(
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\"></metalink>\n"))
		Expect(tool.Fail("create")).To(Equal("meta4 create: metalink.meta4 already exists"))
		Expect(entries(tool.Dir)).To(ConsistOf("metalink.meta4"))
	})

	It("sets the document's dates and origin", func() {
		tool := newTool()
		tool.Succeed("create", "--metalink", "x.meta4")
		tool.Succeed("set-published", "--metalink=x.meta4", "2009-05-15T12:23:23Z")
		tool.Succeed("set-updated", "--metalink-file=x.meta4", "2010-01-02T03:04:05+01:00")
		tool.Succeed("set-origin", "--metalink=x.meta4", "--dynamic", "https://example.com/x.meta4")
		doc := document(at(tool, "x.meta4"))
		Expect(doc.Published.Equal(time.Date(2009, 5, 15, 12, 23, 23, 0, time.UTC))).To(BeTrue())
		Expect(doc.Updated.Equal(time.Date(2010, 1, 2, 2, 4, 5, 0, time.UTC))).To(BeTrue())
		Expect(doc.Origin).To(Equal(&metalink.Origin{Dynamic: true, URL: "https://example.com/x.meta4"}))
		Expect(tool.Fail("set-published", "--metalink=x.meta4", "yesterday")).To(Equal(
			`meta4 set-published: TIME "yesterday" is not an RFC 3339 time such as 2009-05-15T12:23:23Z`))
	})

	It("adds, lists and removes files, refusing unsafe and repeated names", func() {
		tool := newTool()
		tool.Succeed("add-file", "b.tgz") // a missing document starts empty
		tool.Succeed("add-file", "dir/a.tgz")
		Expect(tool.Succeed("files")).To(Equal("b.tgz\ndir/a.tgz\n"))
		Expect(tool.Fail("add-file", "../x")).To(Equal(`meta4 add-file: unsafe file name "../x": contains a ".." segment`))
		Expect(tool.Fail("add-file", "b.tgz")).To(Equal(`meta4 add-file: metalink.meta4 already has a file "b.tgz"`))
		tool.Succeed("remove-file", "b.tgz")
		Expect(tool.Succeed("files")).To(Equal("dir/a.tgz\n"))
		Expect(tool.Fail("remove-file", "b.tgz")).To(Equal(`meta4 remove-file: metalink.meta4 has no file "b.tgz"`))
	})

	It("works on the only file without --file, and asks for --file when there are several", func() {
		tool := newTool()
		tool.Succeed("add-file", "a")
		tool.Succeed("file-set-version", "1.0.0")
		Expect(tool.Succeed("file-version")).To(Equal("1.0.0\n"))
		tool.Succeed("add-file", "b")
		Expect(tool.Fail("file-version")).To(Equal("meta4 file-version: metalink.meta4 has 2 files: name one with --file"))
		Expect(tool.Succeed("file-version", "--file", "b")).To(BeEmpty()) // b has no version
		Expect(tool.Fail("file-version", "--file", "c")).To(Equal(`meta4 file-version: metalink.meta4 has no file "c"`))
	})

	It("sets and prints hashes, size, version and URLs", func() {
		tool := newTool()
		tool.Succeed("add-file", "a.tgz")
		tool.Succeed("file-set-hash", "SHA-256", strings.ToUpper(sha256Hello))
		tool.Succeed("file-set-hash", "md5", "b1946ac92492d2347c6235b4d2611184")
		tool.Succeed("file-set-size", "6")
		tool.Succeed("file-set-url", "--priority", "2", "https://b.example/a.tgz")
		tool.Succeed("file-set-url", "--location", "de", "--priority", "1", "https://a.example/a.tgz")
		tool.Succeed("file-set-url", "--priority", "3", "https://b.example/a.tgz") // moves, with the new priority
		Expect(tool.Succeed("file-hash", "sha-256")).To(Equal(sha256Hello + "\n"))
		Expect(tool.Succeed("file-hashes")).To(Equal("sha-256 " + sha256Hello + "\nmd5 b1946ac92492d2347c6235b4d2611184\n"))
		Expect(tool.Succeed("file-urls")).To(Equal("https://a.example/a.tgz\nhttps://b.example/a.tgz\n"))
		f := document(at(tool, "metalink.meta4")).Files[0]
		Expect(f.Size).To(BeEquivalentTo(6))
		Expect(f.URLs[0].Location).To(Equal("de"))
		Expect(*f.URLs[1].Priority).To(BeEquivalentTo(3))
		tool.Succeed("file-remove-url", "https://a.example/a.tgz")
		Expect(tool.Succeed("file-urls")).To(Equal("https://b.example/a.tgz\n"))

		Expect(tool.Succeed("file-hash", "sha-1")).To(BeEmpty()) // a.tgz has no sha-1 hash
		Expect(tool.Fail("file-set-hash", "sha-256", "abc")).To(Equal(`meta4 file-set-hash: sha-256 hash "abc" is not 64 hex digits`))
		Expect(tool.Fail("file-set-hash", "crc32", "abc")).To(Equal(`meta4 file-set-hash: unknown hash type "crc32" (expected sha-512, sha-256, sha-1, md5)`))
		Expect(tool.Fail("file-set-size", "big")).To(Equal(`meta4 file-set-size: size "big" is not a number of bytes`))
		Expect(tool.Fail("file-set-url", "--priority", "1000000", "https://c.example/")).To(Equal(
			"meta4 file-set-url: --priority 1000000 is outside 1–999999"))
		Expect(tool.Fail("file-remove-url", "https://nowhere/")).To(Equal("meta4 file-remove-url: a.tgz has no URL https://nowhere/"))
	})

	It("records what the files are and why they are kept, and prints it back", func() {
		tool := newTool()
		tool.Succeed("add-file", "a.tgz")
		tool.Succeed("add-file", "b.tgz")
		tool.Succeed("set-description", "the Go toolchain our builds use")
		tool.Succeed("--file", "a.tgz", "file-set-identity", "go")
		tool.Succeed("--file", "a.tgz", "file-set-license", "--url", "https://go.dev/LICENSE", "BSD-3-Clause")
		tool.Succeed("--file", "a.tgz", "file-set-publisher", "The Go Authors")

		Expect(tool.Succeed("--file", "b.tgz", "file-description")).To(Equal("the Go toolchain our builds use\n"))
		Expect(tool.Succeed("--file", "a.tgz", "file-identity")).To(Equal("go\n"))
		Expect(tool.Succeed("--file", "a.tgz", "file-license")).To(Equal("BSD-3-Clause\nhttps://go.dev/LICENSE\n"))
		Expect(tool.Succeed("--file", "a.tgz", "file-publisher")).To(Equal("The Go Authors\n"))
		Expect(tool.Succeed("--file", "b.tgz", "file-license")).To(BeEmpty())
		Expect(tool.Succeed("--file", "a.tgz", "file-info")).To(ContainSubstring("license: BSD-3-Clause\nlicense-url: https://go.dev/LICENSE\n"))
		Expect(document(at(tool, "metalink.meta4")).Files[0].License).To(Equal(&metalink.License{Name: "BSD-3-Clause", URL: "https://go.dev/LICENSE"}))

		Expect(tool.Fail("--file", "a.tgz", "file-set-license", "--url", "javascript:alert(1)", "MIT")).To(Equal(
			`meta4 file-set-license: --url "javascript:alert(1)" is not an http(s) URL`))
		Expect(tool.Fail("--file", "a.tgz", "file-set-publisher", " ")).To(Equal("meta4 file-set-publisher: NAME is required"))
		Expect(tool.Fail("set-description", strings.Repeat("x", 4097))).To(Equal("meta4 set-description: description: 4097 bytes, at most 4096"))
		Expect(tool.Fail("--file", "a.tgz", "file-set-identity", "bell\a")).To(Equal("meta4 file-set-identity: identity: contains U+0007, which XML cannot carry"))
	})

	It("sets a signature from a file or from stdin", func() {
		tool := newTool()
		tool.Succeed("add-file", "a")
		filetree.Write(at(tool, "a.asc"), "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n")
		tool.Succeed("file-set-signature", "application/pgp-signature", "a.asc")
		Expect(document(at(tool, "metalink.meta4")).Files[0].Signatures[0].Signature).To(ContainSubstring("abc"))
		r := tool.RunStdin("-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n",
			"file-set-signature", "application/pgp-signature", "-")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(document(at(tool, "metalink.meta4")).Files[0].Signatures).To(Equal([]metalink.Signature{{
			MediaType: "application/pgp-signature", Signature: "-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n",
		}}))
	})

	It("adds signatures of every kind with --add, once each, and refuses an unknown media type", func() {
		tool := newTool()
		tool.Succeed("add-file", "a")
		filetree.Write(at(tool, "a.asc"), "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n")
		filetree.Write(at(tool, "a.minisig"), "untrusted comment: x\nRWQ\n")
		filetree.Write(at(tool, "a.sigstore.json"), `{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}`)
		tool.Succeed("file-set-signature", "application/pgp-signature", "a.asc")
		tool.Succeed("file-set-signature", "--add", "application/x-minisign", "a.minisig")
		tool.Succeed("file-set-signature", "--add", "application/vnd.dev.sigstore.bundle.v0.3+json", "a.sigstore.json")
		tool.Succeed("file-set-signature", "--add", "application/x-minisign", "a.minisig")
		var types []string
		for _, sig := range document(at(tool, "metalink.meta4")).Files[0].Signatures {
			types = append(types, sig.MediaType)
		}
		Expect(types).To(Equal([]string{"application/pgp-signature", "application/x-minisign", "application/vnd.dev.sigstore.bundle.v0.3+json"}))
		Expect(tool.Fail("file-set-signature", "application/pkcs7-signature", "a.asc")).To(HavePrefix(
			`meta4 file-set-signature: unsupported signature type "application/pkcs7-signature" (supported: `))
	})

	It("reads JSON and writes meta4 XML", func() {
		tool := newTool()
		filetree.Write(at(tool, "m.json"), `{"files":[{"name":"a","version":"1.0","urls":[{"url":"https://x/a"}]}]}`)
		tool.Succeed("--metalink", "m.json", "file-set-size", "3")
		Expect(filetree.Read(at(tool, "m.json"))).To(HavePrefix("<?xml"))
		Expect(document(at(tool, "m.json")).Files[0]).To(Equal(metalink.File{
			Name: "a", Version: "1.0", Size: 3, URLs: []metalink.URL{{URL: "https://x/a"}},
		}))
	})

	It("leaves the document as it was when a command fails", func() {
		tool := newTool()
		filetree.Write(at(tool, "metalink.meta4"), `{"files":[{"name":"a","size":100,"pieces":[{"type":"sha-256","length":50,"hashes":["`+
			sha256Hello+`","`+sha256Hello+`"]}]}]}`)
		before := filetree.Read(at(tool, "metalink.meta4"))
		// 300 bytes in pieces of 50 need 6 piece hashes: the result would be invalid.
		Expect(tool.Fail("file-set-size", "300")).To(Equal(
			"meta4 file-set-size: metalink.meta4 would be invalid: file \"a\": pieces 1: 300 bytes in pieces of 50 need 6 hashes, found 2"))
		Expect(filetree.Read(at(tool, "metalink.meta4"))).To(Equal(before))
		Expect(entries(tool.Dir)).To(ConsistOf("metalink.meta4"))
	})

	It("leaves the document as it was when it cannot write beside it", func() {
		if os.Geteuid() == 0 {
			Skip("root writes into read-only directories")
		}
		tool := newTool()
		tool.Succeed("add-file", "a")
		before := filetree.Read(at(tool, "metalink.meta4"))
		Expect(os.Chmod(tool.Dir, 0o555)).To(Succeed())
		DeferCleanup(os.Chmod, tool.Dir, os.FileMode(0o755))
		Expect(tool.Fail("file-set-size", "3")).To(HavePrefix("meta4 file-set-size: write metalink.meta4: "))
		Expect(filetree.Read(at(tool, "metalink.meta4"))).To(Equal(before))
	})

	It("says which document is missing", func() {
		Expect(newTool().Fail("files")).To(Equal("meta4 files: metalink.meta4 does not exist (make it with meta4 create)"))
	})

	It("prints hash lines that sha256sum -c accepts, with a warning for files without that hash", func() {
		tool := newTool()
		filetree.Write(at(tool, "a"), "hello\n")
		tool.Succeed("import-file", "a")
		tool.Succeed("add-file", "b")
		r := tool.Run("checksums")
		Expect(r.Code).To(Equal(0))
		Expect(r.Stdout).To(Equal(sha256Hello + "  a\n"))
		Expect(r.Stderr).To(ContainSubstring("warning: b has no sha-256 hash\n"))
		Expect(tool.Succeed("checksums", "--type", "md5")).To(Equal("b1946ac92492d2347c6235b4d2611184  a\n"))
	})
})

var _ = Describe("meta4 usage", func() {
	It("answers --help on every command, on stdout, with exit 0", func() {
		root, _ := meta4cmd.New(cli.Streams{Stdout: GinkgoWriter, Stderr: GinkgoWriter, Getenv: os.Getenv})
		tool := newTool()
		Expect(tool.Succeed("--help")).To(ContainSubstring("Usage:"))
		for _, cmd := range root.Commands() {
			Expect(tool.Succeed(cmd.Name(), "--help")).To(ContainSubstring("Usage:\n  meta4 "+cmd.Name()), cmd.Name())
		}
	})

	DescribeTable("exits 2 with one error line and the command's usage when called wrongly",
		func(args []string, line string) {
			r := newTool().Run(args...)
			Expect(r.Code).To(Equal(2))
			Expect(r.Stdout).To(BeEmpty())
			Expect(strings.SplitN(r.Stderr, "\n", 2)[0]).To(Equal(line))
			Expect(r.Stderr).To(ContainSubstring("\nUsage:\n"))
		},
		Entry("too few arguments", []string{"file-hash"}, "meta4 file-hash: accepts 1 arg(s), received 0"),
		Entry("too many arguments", []string{"files", "x"}, "meta4 files: accepts 0 arg(s), received 1"),
		Entry("an unknown flag", []string{"files", "--colour"}, "meta4 files: unknown flag: --colour"),
		Entry("an unknown format", []string{"file-info", "--format", "yaml"}, `meta4 file-info: invalid argument "yaml" for "--format" flag: expected text or json`),
		Entry("an unknown command", []string{"fils"}, `meta4: unknown command "fils" for "meta4"`),
		Entry("no command", []string{}, "meta4: a command is required"),
		Entry("a missing required flag", []string{"import-checksums", "SHA256SUMS"}, "meta4 import-checksums: --url-prefix is required"),
	)

	It("prints its version", func() {
		Expect(newTool().Succeed("version")).To(HavePrefix("meta4 "))
	})
})
