package meta4cmd_test

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

// allHashes are the four digests of content, in import-file's order.
func allHashes(content string) []metalink.Hash {
	m, s1, s256, s512 := md5.Sum([]byte(content)), sha1.Sum([]byte(content)), sha256.Sum256([]byte(content)), sha512.Sum512([]byte(content))
	return []metalink.Hash{
		{Type: "md5", Hash: hex.EncodeToString(m[:])},
		{Type: "sha-1", Hash: hex.EncodeToString(s1[:])},
		{Type: "sha-256", Hash: hex.EncodeToString(s256[:])},
		{Type: "sha-512", Hash: hex.EncodeToString(s512[:])},
	}
}

func sha256Hex(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

var _ = Describe("import-file", func() {
	It("adds the file's size and four hashes under its base name", func() {
		tool := newTool()
		content := strings.Repeat("release bytes ", 100000)
		filetree.Write(at(tool, "build/app.tgz"), content)
		tool.Succeed("import-file", "--version", "1.2.3", "build/app.tgz")
		Expect(document(at(tool, "metalink.meta4")).Files).To(Equal([]metalink.File{{
			Name: "app.tgz", Version: "1.2.3", Size: uint64(len(content)), Hashes: allHashes(content),
		}}))
	})

	It("computes only the hashes asked for, names the file --file, and refuses it twice without --merge", func() {
		tool := newTool()
		filetree.Write(at(tool, "a.bin"), "one")
		tool.Succeed("import-file", "--file", "renamed.bin", "--hash", "sha-256", "a.bin")
		f := document(at(tool, "metalink.meta4")).Files[0]
		Expect(f.Name).To(Equal("renamed.bin"))
		Expect(f.Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: sha256Hex("one")}}))
		Expect(tool.Fail("import-file", "--file", "renamed.bin", "a.bin")).To(Equal(
			`meta4 import-file: metalink.meta4 already has a file "renamed.bin" (--merge updates it)`))
		Expect(tool.Fail("import-file", "--hash", "crc32", "a.bin")).To(Equal(
			`meta4 import-file: unknown hash type "crc32" (expected sha-512, sha-256, sha-1, md5)`))
	})

	It("with --merge replaces the size and hashes and keeps the URLs", func() {
		tool := newTool()
		filetree.Write(at(tool, "a.bin"), "one")
		tool.Succeed("import-file", "a.bin")
		tool.Succeed("file-set-url", "https://example.com/a.bin")
		filetree.Write(at(tool, "a.bin"), "second")
		tool.Succeed("import-file", "--merge", "--version", "2", "a.bin")
		f := document(at(tool, "metalink.meta4")).Files[0]
		Expect(f.Size).To(BeEquivalentTo(6))
		Expect(f.Hashes).To(Equal(allHashes("second")))
		Expect(f.Version).To(Equal("2"))
		Expect(f.URLs).To(Equal([]metalink.URL{{URL: "https://example.com/a.bin"}}))
	})

	It("refuses what is not a regular file", func() {
		tool := newTool()
		Expect(tool.Fail("import-file", ".")).To(Equal("meta4 import-file: . is not a regular file"))
	})
})

var _ = Describe("import-metalink", func() {
	It("adds the files of another document, JSON or XML, and replaces them only with --merge", func() {
		tool := newTool()
		tool.Succeed("add-file", "a")
		filetree.Write(at(tool, "other.json"), `{"files":[{"name":"b","version":"1"},{"name":"c"}]}`)
		tool.Succeed("import-metalink", "other.json")
		Expect(tool.Succeed("files")).To(Equal("a\nb\nc\n"))
		filetree.Write(at(tool, "again.json"), `{"files":[{"name":"b","version":"2"}]}`)
		Expect(tool.Fail("import-metalink", "again.json")).To(Equal(
			`meta4 import-metalink: metalink.meta4 already has a file "b" (--merge replaces it)`))
		r := tool.RunStdin(filetree.Read(at(tool, "again.json")), "import-metalink", "--merge", "-")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(tool.Succeed("file-version", "--file", "b")).To(Equal("2\n"))
	})

	It("refuses a document with unsafe names", func() {
		tool := newTool()
		filetree.Write(at(tool, "bad.json"), `{"files":[{"name":"../b"}]}`)
		Expect(tool.Fail("import-metalink", "bad.json")).To(Equal(
			`meta4 import-metalink: bad.json: unsafe file name "../b": contains a ".." segment`))
	})
})

var _ = Describe("import-url", func() {
	var server *httptest.Server
	content := strings.Repeat("x", 300000)

	BeforeEach(func() {
		server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/dl/tool-1.0.tgz" {
				http.NotFound(w, r)
				return
			}
			_, _ = w.Write([]byte(content))
		}))
		DeferCleanup(server.Close)
	})

	It("downloads once and adds size, hashes and the URL", func() {
		tool := newTool()
		tool.Succeed("import-url", "--version", "1.0", server.URL+"/dl/tool-1.0.tgz")
		Expect(document(at(tool, "metalink.meta4")).Files).To(Equal([]metalink.File{{
			Name: "tool-1.0.tgz", Version: "1.0", Size: uint64(len(content)), Hashes: allHashes(content),
			URLs: []metalink.URL{{URL: server.URL + "/dl/tool-1.0.tgz"}},
		}}))
	})

	It("takes --name, and fails on a URL that does not answer 200", func() {
		tool := newTool()
		tool.Succeed("import-url", "--name", "tool.tgz", server.URL+"/dl/tool-1.0.tgz")
		Expect(tool.Succeed("files")).To(Equal("tool.tgz\n"))
		Expect(tool.Fail("import-url", server.URL+"/dl/missing.tgz")).To(HavePrefix(
			"meta4 import-url: download missing.tgz: " + server.URL + "/dl/missing.tgz: "))
		Expect(tool.Succeed("files")).To(Equal("tool.tgz\n"))
	})

	It("refuses a hash that contradicts the document's", func() {
		tool := newTool()
		tool.Succeed("add-file", "tool-1.0.tgz")
		tool.Succeed("file-set-hash", "sha-256", sha256Hello)
		Expect(tool.Fail("import-url", server.URL+"/dl/tool-1.0.tgz")).To(Equal(
			"meta4 import-url: tool-1.0.tgz: the document's sha-256 is " + sha256Hello + ", the source's " + sha256Hex(content)))
	})
})

var _ = Describe("import-checksums", func() {
	It("adds the files of a GNU checksum file at the URL prefix, the type from the digest length", func() {
		tool := newTool()
		filetree.Write(at(tool, "SHA256SUMS"), sha256Hex("a")+"  app-linux.tgz\n"+sha256Hex("b")+" *app darwin.tgz\n")
		tool.Succeed("import-checksums", "--version", "1.2.3", "--url-prefix", "https://dl.example.com/v1.2.3", "SHA256SUMS")
		Expect(document(at(tool, "metalink.meta4")).Files).To(Equal([]metalink.File{
			{Name: "app-linux.tgz", Version: "1.2.3", Hashes: []metalink.Hash{{Type: "sha-256", Hash: sha256Hex("a")}},
				URLs: []metalink.URL{{URL: "https://dl.example.com/v1.2.3/app-linux.tgz"}}},
			{Name: "app darwin.tgz", Version: "1.2.3", Hashes: []metalink.Hash{{Type: "sha-256", Hash: sha256Hex("b")}},
				URLs: []metalink.URL{{URL: "https://dl.example.com/v1.2.3/app%20darwin.tgz"}}},
		}))
	})

	It("adds BSD lines to the files it has, as another hash", func() {
		tool := newTool()
		filetree.Write(at(tool, "SHA256SUMS"), sha256Hex("a")+"  app.tgz\n")
		md5sum := allHashes("a")[0].Hash
		filetree.Write(at(tool, "MD5SUMS"), "MD5 (app.tgz) = "+md5sum+"\n")
		tool.Succeed("import-checksums", "--url-prefix", "https://dl.example.com/", "SHA256SUMS")
		tool.Succeed("import-checksums", "--type", "md5", "--url-prefix", "https://dl.example.com/", "MD5SUMS")
		f := document(at(tool, "metalink.meta4")).Files[0]
		Expect(f.Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: sha256Hex("a")}, {Type: "md5", Hash: md5sum}}))
		Expect(f.URLs).To(Equal([]metalink.URL{{URL: "https://dl.example.com/app.tgz"}}))
	})

	DescribeTable("refuses, leaving the document as it was",
		func(sums, line string) {
			tool := newTool()
			tool.Succeed("create")
			filetree.Write(at(tool, "SUMS"), sums)
			Expect(tool.Fail("import-checksums", "--url-prefix", "https://dl.example.com/", "SUMS")).To(Equal(line))
			Expect(tool.Succeed("files")).To(BeEmpty())
		},
		Entry("a parent-directory name", sha256Hex("a")+"  ../x\n",
			`meta4 import-checksums: SUMS: line 1: unsafe file name "../x": contains a ".." segment`),
		Entry("an absolute BSD name", "SHA256 (/etc/x) = "+sha256Hex("a")+"\n",
			`meta4 import-checksums: SUMS: line 1: unsafe file name "/etc/x": is an absolute path`),
		Entry("a line that is no checksum", "<html>\n",
			`meta4 import-checksums: SUMS: line 1: not a checksum line (expected HEX  NAME or TAG (NAME) = HEX): "<html>"`),
		Entry("an empty file", "\n# nothing\n", "meta4 import-checksums: SUMS holds no checksums"),
	)

	It("reads stdin for -", func() {
		tool := newTool()
		r := tool.RunStdin(sha256Hex("a")+"  a\n", "import-checksums", "--url-prefix", "https://x/", "-")
		Expect(r.Code).To(Equal(0), r.Stderr)
		Expect(tool.Succeed("checksums")).To(Equal(sha256Hex("a") + "  a\n"))
	})
})
