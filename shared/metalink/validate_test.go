package metalink_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

var _ = Describe("ValidateName", func() {
	DescribeTable("allows names that stay inside the destination",
		func(name string) {
			Expect(metalink.ValidateName(name)).To(Succeed())
		},
		Entry("a plain name", "go1.10.3.linux-amd64.tar.gz"),
		Entry("a name in sub-directories", "sub/dir/file"),
		Entry("a dot file", ".hidden"),
		Entry("dots inside a segment", "a..b/c...d"),
		Entry("a colon after the first character", "ab:c"),
		Entry("unicode", "données/été.txt"),
	)

	DescribeTable("rejects names that could escape the destination or mean something else elsewhere",
		func(name, message string) {
			Expect(metalink.ValidateName(name)).To(MatchError(message))
		},
		Entry("empty", "", `unsafe file name "": it is empty`),
		Entry("absolute", "/x", `unsafe file name "/x": is an absolute path`),
		Entry("absolute into /etc", "/etc/passwd", `unsafe file name "/etc/passwd": is an absolute path`),
		Entry("a leading ..", "../x", `unsafe file name "../x": contains a ".." segment`),
		Entry("a .. in the middle", "a/../../x", `unsafe file name "a/../../x": contains a ".." segment`),
		Entry("only ..", "..", `unsafe file name "..": contains a ".." segment`),
		Entry("a trailing ..", "a/..", `unsafe file name "a/..": contains a ".." segment`),
		Entry("a leading ./", "./x", `unsafe file name "./x": contains a "." segment`),
		Entry("only .", ".", `unsafe file name ".": contains a "." segment`),
		Entry("an empty segment", "a//b", `unsafe file name "a//b": contains an empty path segment`),
		Entry("a trailing slash", "dir/", `unsafe file name "dir/": contains an empty path segment`),
		Entry("a backslash", `..\x`, `unsafe file name "..\\x": contains a backslash`),
		Entry("a NUL byte", "a\x00b", `unsafe file name "a\x00b": contains the control or invisible character U+0000`),
		Entry("a drive letter", "C:", `unsafe file name "C:": starts with a Windows drive letter`),
		Entry("a drive-relative path", "c:evil", `unsafe file name "c:evil": starts with a Windows drive letter`),
		Entry("a drive path with slashes", "D:/x", `unsafe file name "D:/x": starts with a Windows drive letter`),
	)
})

var _ = Describe("Validate", func() {
	It("accepts a complete document", func() {
		Expect(fullDocument().Validate()).To(Succeed())
	})

	DescribeTable("rejects a document that cannot be used, naming the file and the problem",
		func(m metalink.Metalink, message string) {
			Expect(m.Validate()).To(MatchError(message))
		},
		Entry("no files", metalink.Metalink{}, "metalink has no files"),
		Entry("an unsafe name", oneFile(metalink.File{Name: "../x"}), `unsafe file name "../x": contains a ".." segment`),
		Entry("a duplicate name", metalink.Metalink{Files: []metalink.File{{Name: "a"}, {Name: "b"}, {Name: "a"}}}, `duplicate file name "a"`),
		Entry("a file where another needs a directory", metalink.Metalink{Files: []metalink.File{{Name: "a/b/c"}, {Name: "a/b"}}},
			`file name "a/b/c" needs "a/b" to be a directory, but it is also a file`),
		Entry("an empty url", oneFile(metalink.File{Name: "a", URLs: []metalink.URL{{URL: "https://x/a"}, {Location: "de"}}}), `file "a": url 2 is empty`),
		Entry("a metaurl without a mediatype", oneFile(metalink.File{Name: "a", MetaURLs: []metalink.MetaURL{{URL: "https://x/a.torrent"}}}),
			`file "a": metaurl 1: needs both a url and a mediatype`),
		Entry("a hash without a type", oneFile(metalink.File{Name: "a", Hashes: []metalink.Hash{{Hash: "00"}}}), `file "a": hash 1 needs both a type and a value`),
		Entry("a hash without a value", oneFile(metalink.File{Name: "a", Hashes: []metalink.Hash{{Type: "sha-256"}}}), `file "a": hash 1 needs both a type and a value`),
		Entry("pieces without a type", oneFile(metalink.File{Name: "a", Pieces: []metalink.Pieces{{Length: 1, Hashes: []string{"00"}}}}), `file "a": pieces 1: no hash type`),
		Entry("pieces of length 0", oneFile(metalink.File{Name: "a", Pieces: []metalink.Pieces{{Type: "sha-1", Hashes: []string{"00"}}}}),
			`file "a": pieces 1: length must be greater than 0`),
		Entry("pieces without hashes", oneFile(metalink.File{Name: "a", Pieces: []metalink.Pieces{{Type: "sha-1", Length: 4}}}), `file "a": pieces 1: no piece hashes`),
		Entry("pieces with an empty hash", oneFile(metalink.File{Name: "a", Pieces: []metalink.Pieces{{Type: "sha-1", Length: 4, Hashes: []string{"00", ""}}}}),
			`file "a": pieces 1: a piece hash is empty`),
		Entry("too few pieces for the size", oneFile(metalink.File{Name: "a", Size: 9, Pieces: []metalink.Pieces{{Type: "sha-1", Length: 4, Hashes: []string{"00", "11"}}}}),
			`file "a": pieces 1: 9 bytes in pieces of 4 need 3 hashes, found 2`),
		Entry("too many pieces for the size", oneFile(metalink.File{Name: "a", Size: 8, Pieces: []metalink.Pieces{{Type: "sha-1", Length: 4, Hashes: []string{"0", "1", "2"}}}}),
			`file "a": pieces 1: 8 bytes in pieces of 4 need 2 hashes, found 3`),
		Entry("a publisher without a name", oneFile(metalink.File{Name: "a", Publisher: &metalink.Publisher{URL: "https://x/"}}), `file "a": publisher has no name`),
		Entry("a signature without a mediatype", oneFile(metalink.File{Name: "a", Signatures: []metalink.Signature{{Signature: "sig"}}}),
			`file "a": signature 1 needs both a mediatype and the signature text`),
		Entry("a control character in a description", oneFile(metalink.File{Name: "a", Description: "x\x1by"}),
			`file "a": description: contains U+001B, which XML cannot carry`),
		Entry("invalid UTF-8 in a url", oneFile(metalink.File{Name: "a", URLs: []metalink.URL{{URL: "https://x/\xff"}}}), `file "a": url: is not valid UTF-8`),
		Entry("U+FFFE in the generator", metalink.Metalink{Files: []metalink.File{{Name: "a"}}, Generator: "\uFFFE"}, `generator: contains U+FFFE, which XML cannot carry`),
	)

	It("keeps its error to one short line when it quotes two long names", func() {
		name := strings.Repeat("\u00e9", 300)
		err := metalink.Metalink{Files: []metalink.File{{Name: "d" + name}, {Name: "d" + name + "/b"}}}.Validate()
		Expect(err).To(MatchError(HavePrefix("file name \"d\u00e9\u00e9")))
		Expect(strings.Count(err.Error(), "…")).To(Equal(2), "each name is cut")
		Expect(len(err.Error())).To(BeNumerically("<=", 1000))
	})

	It("accepts pieces that exactly cover the size", func() {
		Expect(oneFile(metalink.File{Name: "a", Size: 8, Pieces: []metalink.Pieces{{Type: "sha-1", Length: 4, Hashes: []string{"0", "1"}}}}).Validate()).To(Succeed())
	})

	It("accepts pieces when the size is unknown", func() {
		Expect(oneFile(metalink.File{Name: "a", Pieces: []metalink.Pieces{{Type: "sha-1", Length: 4, Hashes: []string{"0", "1", "2"}}}}).Validate()).To(Succeed())
	})
})

func oneFile(f metalink.File) metalink.Metalink {
	return metalink.Metalink{Files: []metalink.File{f}}
}
