package metalink_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

func metalink3(files string) []byte {
	return []byte(`<metalink version="3.0" xmlns="http://www.metalinker.org/"><files>` + files + `</files></metalink>`)
}

var _ = Describe("Metalink 3.0", func() {
	It("reads a whole document into the RFC 5854 model", func() {
		m := mustParse(readTestdata("metalink3.metalink"))
		publisher := &metalink.Publisher{Name: "Example Project", URL: "https://example.org/"}
		Expect(m).To(Equal(metalink.Metalink{
			Generator: "Example Generator 1.2",
			Origin:    &metalink.Origin{Dynamic: true, URL: "https://example.org/sample.metalink"},
			Published: m.Published,
			Updated:   m.Updated,
			Files: []metalink.File{
				{
					Name:        "sample-3.1.tar.bz2",
					Description: "Shared description",
					Identity:    "Sample",
					Version:     "3.1",
					Publisher:   publisher,
					License:     &metalink.License{Name: "GPL"},
					Size:        2000000,
					OSes:        []string{"Linux-x86"},
					Languages:   []string{"en"},
					Hashes: []metalink.Hash{
						{Type: "md5", Hash: "0123456789abcdef0123456789abcdef"},
						{Type: "sha-1", Hash: "0123456789abcdef0123456789abcdef01234567"},
						{Type: "sha-256", Hash: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
						{Type: "sha-512", Hash: "ff"},
					},
					Pieces: []metalink.Pieces{{
						Type:   "sha-1",
						Length: 1048576,
						Hashes: []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
					}},
					Signatures: []metalink.Signature{{
						MediaType: "application/pgp-signature",
						Signature: "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----",
					}},
					URLs: []metalink.URL{
						{Location: "us", Priority: fixtures.Priority(1), URL: "ftp://ftp.example.org/sample-3.1.tar.bz2"},
						{Location: "de", Priority: fixtures.Priority(11), URL: "http://example.de/sample-3.1.tar.bz2"},
						{URL: "https://example.org/sample-3.1.tar.bz2"},
					},
					MetaURLs: []metalink.MetaURL{{Priority: fixtures.Priority(6), MediaType: "torrent", URL: "https://example.org/sample-3.1.tar.bz2.torrent"}},
				},
				{
					Name:        "sample-3.1.md",
					Description: "Shared description",
					Identity:    "Sample",
					Version:     "3.1.1",
					Publisher:   &metalink.Publisher{Name: "Docs Team"},
					License:     &metalink.License{Name: "GPL"},
					URLs:        []metalink.URL{{URL: "https://example.org/sample-3.1.md"}},
				},
			},
		}))
		Expect(m.Validate()).To(Succeed())
	})

	It("reads RFC 822 dates, including North American zone names", func() {
		m := mustParse(readTestdata("metalink3.metalink"))
		Expect(m.Published.Equal(time.Date(2006, 5, 15, 0, 0, 1, 0, time.UTC))).To(BeTrue(), "published %v", m.Published)
		Expect(m.Updated.Equal(time.Date(2006, 5, 16, 12, 30, 0, 0, time.UTC))).To(BeTrue(), "updated %v", m.Updated)
	})

	It("writes what it read as meta4", func() {
		written, err := metalink.MarshalXML(mustParse(readTestdata("metalink3.metalink")))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(written)).To(ContainSubstring(`<metalink xmlns="urn:ietf:params:xml:ns:metalink">`))
		Expect(string(written)).To(ContainSubstring(`<hash type="sha-256">`))
		Expect(string(written)).To(ContainSubstring(`<metaurl priority="6" mediatype="torrent">`))
		Expect(string(written)).To(ContainSubstring(`<published>2006-05-15T00:00:01Z</published>`))
	})

	DescribeTable("maps hash names to their IANA names",
		func(name, want string) {
			m := mustParse(metalink3(`<file name="a"><verification><hash ` + name + `>00</hash></verification></file>`))
			Expect(m.Files[0].Hashes).To(Equal([]metalink.Hash{{Type: want, Hash: "00"}}))
		},
		Entry("md5", `type="md5"`, "md5"),
		Entry("sha1", `type="sha1"`, "sha-1"),
		Entry("sha256", `type="sha256"`, "sha-256"),
		Entry("sha384", `type="sha384"`, "sha-384"),
		Entry("sha512", `type="sha512"`, "sha-512"),
		Entry("upper case SHA1", `type="SHA1"`, "sha-1"),
		Entry("an unknown name, unchanged", `type="tiger"`, "tiger"),
	)

	It("refuses a hash without a type, naming the file, rather than guess sha1", func() {
		_, err := metalink.Parse(metalink3(`<file name="a"><verification><hash>da39a3ee5e6b4b0d3255bfef95601890afd80709</hash></verification></file>`))
		Expect(err).To(MatchError(`metalink XML: file "a": hash 1 has no type`))
	})

	DescribeTable("maps a preference (higher is better) to a priority (lower is better)",
		func(preference string, want *uint) {
			m := mustParse(metalink3(`<file name="a"><resources><url ` + preference + `>https://x/a</url></resources></file>`))
			Expect(m.Files[0].URLs[0].Priority).To(Equal(want))
		},
		Entry("100, the best, to 1", `preference="100"`, fixtures.Priority(1)),
		Entry("50 to 51", `preference="50"`, fixtures.Priority(51)),
		Entry("1, the worst, to 100", `preference="1"`, fixtures.Priority(100)),
		Entry("0, below the range, to 100", `preference="0"`, fixtures.Priority(100)),
		Entry("250, above the range, to 1", `preference="250"`, fixtures.Priority(1)),
		Entry("no preference to no priority", ``, nil),
	)

	It("files a bittorrent resource as a torrent metaurl", func() {
		m := mustParse(metalink3(`<file name="a"><resources><url type="bittorrent" preference="10">https://x/a.torrent</url></resources></file>`))
		Expect(m.Files[0].URLs).To(BeEmpty())
		Expect(m.Files[0].MetaURLs).To(Equal([]metalink.MetaURL{{Priority: fixtures.Priority(91), MediaType: "torrent", URL: "https://x/a.torrent"}}))
	})

	It("takes piece hashes in document order when they are not numbered", func() {
		m := mustParse(metalink3(`<file name="a"><verification><pieces type="sha1" length="4"><hash>p0</hash><hash>p1</hash></pieces></verification></file>`))
		Expect(m.Files[0].Pieces).To(Equal([]metalink.Pieces{{Type: "sha-1", Length: 4, Hashes: []string{"p0", "p1"}}}))
	})

	It("keeps a non-PGP signature type as it is", func() {
		m := mustParse(metalink3(`<file name="a"><verification><signature type="application/x-other">sig</signature></verification></file>`))
		Expect(m.Files[0].Signatures).To(Equal([]metalink.Signature{{MediaType: "application/x-other", Signature: "sig"}}))
	})

	It("keeps every signature, in document order", func() {
		m := mustParse(metalink3(`<file name="a"><verification><signature type="pgp">one</signature><signature type="application/x-minisign">two</signature></verification></file>`))
		Expect(m.Files[0].Signatures).To(Equal([]metalink.Signature{
			{MediaType: "application/pgp-signature", Signature: "one"},
			{MediaType: "application/x-minisign", Signature: "two"},
		}))
	})

	It("keeps a file's own description over the document's", func() {
		m := mustParse([]byte(`<metalink xmlns="http://www.metalinker.org/"><description>doc</description><files><file name="a"><description>own</description></file><file name="b"/></files></metalink>`))
		Expect(m.Files[0].Description).To(Equal("own"))
		Expect(m.Files[1].Description).To(Equal("doc"))
	})

	It("marks an origin as static unless the document says dynamic", func() {
		m := mustParse([]byte(`<metalink xmlns="http://www.metalinker.org/" origin="https://x/a.metalink"><files><file name="a"/></files></metalink>`))
		Expect(m.Origin).To(Equal(&metalink.Origin{URL: "https://x/a.metalink"}))
	})

	DescribeTable("rejects a broken 3.0 document with an error that names the problem",
		func(files, message string) {
			_, err := metalink.Parse(metalink3(files))
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("a piece numbered beyond the list", `<file name="a"><verification><pieces type="sha1" length="4"><hash piece="5">x</hash></pieces></verification></file>`,
			`metalink XML: file "a": piece 5 of 1 pieces does not exist`),
		Entry("a piece listed twice", `<file name="a"><verification><pieces type="sha1" length="4"><hash piece="0">x</hash><hash piece="0">y</hash></pieces></verification></file>`,
			"piece 0 has two hashes"),
		Entry("a piece number that is not a number", `<file name="a"><verification><pieces type="sha1" length="4"><hash piece="first">x</hash></pieces></verification></file>`,
			`piece "first" is not a whole number`),
		Entry("a preference that is not a number", `<file name="a"><resources><url preference="high">https://x/a</url></resources></file>`,
			`url "https://x/a": preference "high" is not a whole number`),
		Entry("a size that is not a number", `<file name="a"><size>big</size></file>`, `size "big" is not a whole number`),
	)

	It("rejects a date it cannot read", func() {
		_, err := metalink.Parse([]byte(`<metalink xmlns="http://www.metalinker.org/" pubdate="yesterday"><files/></metalink>`))
		Expect(err).To(MatchError(`metalink XML: pubdate "yesterday" is not an RFC 822 date such as "Mon, 15 May 2006 00:00:01 GMT"`))
	})
})
