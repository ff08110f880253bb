package meta4cmd_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

// The formats a hostile document comes in.
const (
	formatMeta4     = "meta4"
	formatMetalink3 = "metalink3"
	formatJSON      = "json"
)

var documentFormats = []string{formatMeta4, formatMetalink3, formatJSON}

// describedAs is a file called name whose size and sha-256 are content's,
// served at urls: a document valid in everything but, perhaps, its name.
func describedAs(name, content string, urls ...string) metalink.File {
	f := metalink.File{Name: name, Size: uint64(len(content)), Hashes: []metalink.Hash{{Type: "sha-256", Hash: sha256Hex(content)}}}
	for _, u := range urls {
		f.URLs = append(f.URLs, metalink.URL{URL: u})
	}
	return f
}

// encoded writes files as a document of format, without validating them.
func encoded(format string, files ...metalink.File) string {
	GinkgoHelper()
	doc := metalink.Metalink{Files: files}
	switch format {
	case formatMeta4:
		data, err := metalink.MarshalXML(doc)
		Expect(err).NotTo(HaveOccurred())
		return string(data)
	case formatJSON:
		data, err := metalink.MarshalJSON(doc)
		Expect(err).NotTo(HaveOccurred())
		return string(data)
	}
	var b strings.Builder
	b.WriteString(`<metalink version="3.0" xmlns="http://www.metalinker.org/"><files>`)
	for _, f := range files {
		fmt.Fprintf(&b, `<file name="%s"><size>%d</size><verification>`, escaped(f.Name), f.Size)
		for _, h := range f.Hashes {
			fmt.Fprintf(&b, `<hash type="%s">%s</hash>`, escaped(h.Type), escaped(h.Hash))
		}
		b.WriteString(`</verification><resources>`)
		for _, u := range f.URLs {
			fmt.Fprintf(&b, `<url>%s</url>`, escaped(u.URL))
		}
		b.WriteString(`</resources></file>`)
	}
	b.WriteString(`</files></metalink>`)
	return b.String()
}

func escaped(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// isMissing reports whether nothing exists at path, not even a dangling link.
func isMissing(path string) bool {
	_, err := os.Lstat(path)
	return os.IsNotExist(err)
}

var _ = Describe("file-download's destination", func() {
	var (
		downloads *httptest.Server
		tool      clitest.Tool
	)

	BeforeEach(func() {
		downloads = startDownloads()
		tool = newTool()
	})

	// document writes x.meta4 describing releaseFile as name, in format.
	document := func(format, name string) {
		filetree.Write(at(tool, "x.meta4"), encoded(format, describedAs(name, releaseFile, downloads.URL+"/files/app.tgz")))
	}

	for _, format := range documentFormats {
		It("refuses a "+format+" document whose file name climbs out of the destination, writing nothing", func() {
			document(format, "../../trav-escaped")
			Expect(os.MkdirAll(at(tool, "dest/sub"), 0o755)).To(Succeed())
			line := tool.Fail("--metalink=x.meta4", "file-download", "dest/sub/")
			Expect(line).To(Equal(`meta4 file-download: x.meta4: unsafe file name "../../trav-escaped": contains a ".." segment`))
			Expect(isMissing(at(tool, "trav-escaped"))).To(BeTrue())
			Expect(entries(at(tool, "dest/sub"))).To(BeEmpty())
		})
	}

	It("refuses a symlink in the destination that leads out of it, writing nothing", func() {
		document(formatMeta4, "link/app.tgz")
		outside := GinkgoT().TempDir()
		Expect(os.MkdirAll(at(tool, "dest"), 0o755)).To(Succeed())
		Expect(os.Symlink(outside, at(tool, "dest/link"))).To(Succeed())
		Expect(tool.Fail("--metalink=x.meta4", "file-download", "dest")).To(Equal(
			"meta4 file-download: dest/link is a symlink that leads outside dest"))
		Expect(entries(outside)).To(BeEmpty())
		Expect(entries(at(tool, "dest"))).To(ConsistOf("link"))
	})

	It("refuses the file's own name when it is a symlink that leads out of the destination", func() {
		document(formatMeta4, "app.tgz")
		outside := filepath.Join(GinkgoT().TempDir(), "victim")
		filetree.Write(outside, "keep me")
		Expect(os.MkdirAll(at(tool, "dest"), 0o755)).To(Succeed())
		Expect(os.Symlink(outside, at(tool, "dest/app.tgz"))).To(Succeed())
		Expect(tool.Fail("--metalink=x.meta4", "file-download", "dest/")).To(Equal(
			"meta4 file-download: dest/app.tgz is a symlink that leads outside dest/"))
		Expect(filetree.Read(outside)).To(Equal("keep me"))
	})

	It("follows a symlink that stays inside the destination", func() {
		document(formatMeta4, "link/app.tgz")
		Expect(os.MkdirAll(at(tool, "dest/real"), 0o755)).To(Succeed())
		Expect(os.Symlink("real", at(tool, "dest/link"))).To(Succeed())
		tool.Succeed("--metalink=x.meta4", "file-download", "dest")
		Expect(filetree.Read(at(tool, "dest/real/app.tgz"))).To(Equal(releaseFile))
	})

	It("refuses a directory PATH that is a file, and a file where the name needs a directory", func() {
		document(formatMeta4, "sub/app.tgz")
		filetree.Write(at(tool, "plain"), "a file")
		Expect(tool.Fail("--metalink=x.meta4", "file-download", "plain/")).To(Equal(
			"meta4 file-download: plain/ is a file, not a directory"))
		filetree.Write(at(tool, "dest/sub"), "a file")
		Expect(tool.Fail("--metalink=x.meta4", "file-download", "dest")).To(Equal(
			"meta4 file-download: dest/sub is a file, not a directory"))
		Expect(filetree.Read(at(tool, "plain"))).To(Equal("a file"))
		Expect(entries(at(tool, "dest"))).To(ConsistOf("sub"))
	})

	It("creates a PATH ending in / as a directory and downloads into it, subdirectories included", func() {
		document(formatMeta4, "sub/app.tgz")
		tool.Succeed("--metalink=x.meta4", "file-download", "out/")
		Expect(filetree.Read(at(tool, "out/sub/app.tgz"))).To(Equal(releaseFile))
		Expect(entries(at(tool, "out"))).To(ConsistOf("sub"))
	})
})

var _ = Describe("reading what a document says", func() {
	It("prints URLs without their userinfo", func() {
		tool := newTool()
		tool.Succeed("add-file", "app.tgz")
		tool.Succeed("file-set-url", "https://user:s3cr3t-pass@mirror.example/app.tgz")
		Expect(tool.Succeed("file-urls")).To(Equal("https://[redacted]@mirror.example/app.tgz\n"))
	})

	It("prints a hash spelt in any common way, and names an unknown hash type", func() {
		tool := newTool()
		filetree.Write(at(tool, "metalink.meta4"), encoded(formatMeta4, describedAs("app.tgz", releaseFile, "https://mirror.example/app.tgz")))
		sum := sha256.Sum256([]byte(releaseFile))
		for _, spelling := range []string{"sha-256", "sha256", "SHA-256", "SHA256", " sha-256 "} {
			Expect(tool.Succeed("file-hash", spelling)).To(Equal(hex.EncodeToString(sum[:])+"\n"), spelling)
		}
		Expect(tool.Succeed("file-hash", "sha1")).To(BeEmpty()) // app.tgz has no sha-1 hash
		Expect(tool.Fail("file-hash", "crc32")).To(HavePrefix(`meta4 file-hash: unknown hash type "crc32" (expected `))
		Expect(tool.Succeed("checksums", "--type", "SHA256")).To(HavePrefix(hex.EncodeToString(sum[:])))
		filetree.Write(at(tool, "SHA256SUMS"), hex.EncodeToString(sum[:])+"  other.tgz\n")
		tool.Succeed("--metalink=other.meta4", "import-checksums", "--type", "SHA256", "--url-prefix", "https://mirror.example/", "SHA256SUMS")
		Expect(tool.Succeed("--metalink=other.meta4", "file-hash", "sha256")).To(Equal(hex.EncodeToString(sum[:]) + "\n"))
	})
})
