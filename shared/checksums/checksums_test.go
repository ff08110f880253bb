package checksums_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
)

var (
	md5Hex    = strings.Repeat("a", 32)
	sha1Hex   = strings.Repeat("b", 40)
	sha256Hex = strings.Repeat("c", 64)
	sha512Hex = strings.Repeat("d", 128)
)

func parse(text, typ string) ([]checksums.Entry, error) {
	return checksums.Parse(strings.NewReader(text), typ)
}

var _ = Describe("Parse", func() {
	DescribeTable("reads",
		func(text, typ string, want []checksums.Entry) {
			entries, err := parse(text, typ)
			Expect(err).NotTo(HaveOccurred())
			Expect(entries).To(Equal(want))
		},
		Entry("GNU text mode", sha256Hex+"  app.tgz\n", "",
			[]checksums.Entry{{Name: "app.tgz", Type: "sha-256", Digest: sha256Hex, Line: 1}}),
		Entry("GNU binary mode", sha256Hex+" *app.tgz\n", "",
			[]checksums.Entry{{Name: "app.tgz", Type: "sha-256", Digest: sha256Hex, Line: 1}}),
		Entry("one space, as some tools write it", sha1Hex+" app.tgz", "",
			[]checksums.Entry{{Name: "app.tgz", Type: "sha-1", Digest: sha1Hex, Line: 1}}),
		Entry("BSD tags", "SHA256 (app.tgz) = "+sha256Hex+"\nMD5 (b (1).txt) = "+md5Hex+"\n", "",
			[]checksums.Entry{
				{Name: "app.tgz", Type: "sha-256", Digest: sha256Hex, Line: 1},
				{Name: "b (1).txt", Type: "md5", Digest: md5Hex, Line: 2},
			}),
		Entry("every length, CRLF, blank and comment lines", "# sums\r\n\r\n"+md5Hex+"  a\r\n"+sha512Hex+"  b\r\n", "",
			[]checksums.Entry{
				{Name: "a", Type: "md5", Digest: md5Hex, Line: 3},
				{Name: "b", Type: "sha-512", Digest: sha512Hex, Line: 4},
			}),
		Entry("upper-case hex, lower-cased", strings.ToUpper(sha256Hex)+"  a", "sha-256",
			[]checksums.Entry{{Name: "a", Type: "sha-256", Digest: sha256Hex, Line: 1}}),
		Entry("./ dropped, sub-directories kept", sha256Hex+"  ./a\n"+sha256Hex+"  dir/b\n", "",
			[]checksums.Entry{
				{Name: "a", Type: "sha-256", Digest: sha256Hex, Line: 1},
				{Name: "dir/b", Type: "sha-256", Digest: sha256Hex, Line: 2},
			}),
		Entry("the same line twice, once", sha256Hex+"  a\n"+sha256Hex+" *a\n", "",
			[]checksums.Entry{{Name: "a", Type: "sha-256", Digest: sha256Hex, Line: 1}}),
		Entry("an escaped name without escapes in it", `\`+sha256Hex+"  a", "",
			[]checksums.Entry{{Name: "a", Type: "sha-256", Digest: sha256Hex, Line: 1}}),
	)

	DescribeTable("refuses, naming the line",
		func(text, typ, want string) {
			_, err := parse(text, typ)
			Expect(err).To(MatchError(want))
		},
		Entry("a parent segment", sha256Hex+"  ../x\n", "",
			`line 1: unsafe file name "../x": contains a ".." segment`),
		Entry("an absolute name", "SHA256 (/etc/passwd) = "+sha256Hex, "",
			`line 1: unsafe file name "/etc/passwd": is an absolute path`),
		Entry("a backslash", sha256Hex+`  a\b`, "", `line 1: unsafe file name "a\\b": contains a backslash`),
		Entry("an escaped line break", `\`+sha256Hex+`  a\nb`, "", `line 1: unsafe file name "a\nb": contains a control character`),
		Entry("an empty name", sha256Hex+"  ", "", `line 1: unsafe file name "": it is empty`),
		Entry("text", "# ok\nhello world\n", "",
			`line 2: not a checksum line (expected HEX  NAME or TAG (NAME) = HEX): "hello world"`),
		Entry("a length of no known type", strings.Repeat("e", 56)+"  a", "",
			"line 1: a digest of 56 hex digits is of no known hash type (md5: 32, sha-1: 40, sha-256: 64, sha-512: 128)"),
		Entry("a digest of another type than asked", md5Hex+"  a", "sha-256", "line 1: a sha-256 digest has 64 hex digits, this one 32"),
		Entry("a BSD tag of another type than asked", "MD5 (a) = "+md5Hex, "sha-256", "line 1: the line is tagged md5, but sha-256 was asked for"),
		Entry("a BSD tag whose digest is too short", "SHA256 (a) = "+md5Hex, "", "line 1: a sha-256 digest has 64 hex digits, this one 32"),
		Entry("an unknown BSD tag", "SHA384 (a) = "+sha256Hex, "", `line 1: unknown hash tag "SHA384" (expected MD5, SHA1, SHA256 or SHA512)`),
		Entry("two different digests of one file", sha256Hex+"  a\n"+strings.Repeat("f", 64)+"  a\n", "",
			`line 2: a second, different sha-256 digest of "a" (the first is on line 1)`),
		Entry("an unknown type asked for", sha256Hex+"  a", "crc32", `unknown hash type "crc32" (expected sha-512, sha-256, sha-1, md5)`),
		Entry("a bad escape", `\`+sha256Hex+`  a\tb`, "", `line 1: unknown escape \t in an escaped name`),
		Entry("a backslash before a control byte", `\`+sha256Hex+"  a\\\rb", "", `line 1: unknown escape: a backslash before byte 0x0d in an escaped name`),
	)

	It("refuses a line longer than MaxLine", func() {
		_, err := parse(sha256Hex+"  "+strings.Repeat("a", checksums.MaxLine)+"\n", "")
		Expect(err).To(MatchError("line 1 is longer than 65536 bytes"))
	})

	It("quotes only an excerpt of a long unsafe name", func() {
		_, err := parse(sha256Hex+"  ../"+strings.Repeat("x", 5000), "")
		Expect(err).To(HaveOccurred())
		Expect(len(err.Error())).To(BeNumerically("<", 400))
		Expect(err.Error()).To(HaveSuffix(`…: contains a ".." segment`))
	})
})
