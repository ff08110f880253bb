package metalink_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

// The three formats of one file element: meta4, Metalink 3.0 and JSON.
// Each builder takes the file's name as XML attribute text (already
// escaped) or as a JSON string (already escaped) and the inner markup.
func inMeta4(name, inner string) []byte {
	return []byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="` + name + `">` + inner + `</file></metalink>`)
}

func inMetalink3(name, inner string) []byte {
	return []byte(`<metalink xmlns="http://www.metalinker.org/" version="3.0"><files><file name="` + name + `">` + inner + `</file></files></metalink>`)
}

func inJSON(name, inner string) []byte {
	if inner != "" {
		inner = "," + inner
	}
	return []byte(`{"files":[{"name":"` + name + `"` + inner + `}]}`)
}

// readDocument is what every reader does: parse, then the document rule.
func readDocument(data []byte) (metalink.Metalink, error) {
	m, err := metalink.Parse(data)
	if err == nil {
		err = metalink.CheckDocument(m)
	}
	return m, err
}

var _ = Describe("what RFC 5854 forbids, refused in every format", func() {
	DescribeTable("refuses the document with one line naming the culprit",
		func(data []byte, want string) {
			_, err := readDocument(data)
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
		},
		// Priorities: 1 to 999999 (4.2.16.2, 4.2.8.1).
		Entry("meta4: url priority 0", inMeta4("a", `<url priority="0">https://x/a</url>`), `file "a": url 1: priority 0 is outside 1–999999`),
		Entry("meta4: url priority 1000000", inMeta4("a", `<url priority="1000000">https://x/a</url>`), `url 1: priority 1000000 is outside 1–999999`),
		Entry("meta4: metaurl priority 0", inMeta4("a", `<metaurl mediatype="torrent" priority="0">https://x/a.torrent</metaurl>`), `metaurl 1: priority 0 is outside`),
		Entry("meta4: metaurl priority 1000000", inMeta4("a", `<metaurl mediatype="torrent" priority="1000000">https://x/a.torrent</metaurl>`), `metaurl 1: priority 1000000 is outside`),
		Entry("JSON: url priority 0", inJSON("a", `"urls":[{"url":"https://x/a","priority":0}]`), `url 1: priority 0 is outside`),
		Entry("JSON: url priority 1000000", inJSON("a", `"urls":[{"url":"https://x/a","priority":1000000}]`), `url 1: priority 1000000 is outside`),
		Entry("JSON: metaurl priority 1000000", inJSON("a", `"metaurls":[{"url":"https://x/a.torrent","mediatype":"torrent","priority":1000000}]`), `metaurl 1: priority 1000000 is outside`),
		// Metaurl names (4.2.8.3).
		Entry("meta4: a metaurl name that climbs", inMeta4("a", `<metaurl mediatype="torrent" name="../doughnuts">https://x/a.torrent</metaurl>`),
			`metaurl 1: unsafe file name "../doughnuts": contains a ".." segment`),
		Entry("meta4: an empty metaurl name", inMeta4("a", `<metaurl mediatype="torrent" name="">https://x/a.torrent</metaurl>`),
			`metaurl "https://x/a.torrent": the name is empty`),
		Entry("meta4: an absolute metaurl name", inMeta4("a", `<metaurl mediatype="torrent" name="/etc/a">https://x/a.torrent</metaurl>`),
			`metaurl 1: unsafe file name "/etc/a": is an absolute path`),
		Entry("JSON: a metaurl name that climbs", inJSON("a", `"metaurls":[{"url":"https://x/a.torrent","mediatype":"torrent","name":"../doughnuts"}]`),
			`metaurl 1: unsafe file name "../doughnuts"`),
		Entry("JSON: a metaurl name with a line feed", inJSON("a", `"metaurls":[{"url":"https://x/a.torrent","mediatype":"torrent","name":"a\nb"}]`),
			`metaurl 1: unsafe file name "a\nb": contains the control or invisible character U+000A`),
		// A 3.0 hash without a type is not a sha1 guess.
		Entry("3.0: a hash without a type", inMetalink3("a", `<verification><hash>da39a3ee5e6b4b0d3255bfef95601890afd80709</hash></verification>`),
			`file "a": hash 1 has no type`),
		Entry("3.0: pieces without a type", inMetalink3("a", `<size>1</size><verification><pieces length="1"><hash>00</hash></pieces></verification>`),
			`file "a": pieces 1: no hash type`),
		// One type, however spelt, once.
		Entry("meta4: sha1 and sha-1", inMeta4("a", `<hash type="sha1">00</hash><hash type="sha-1">11</hash>`), `file "a": hash 2: a second "sha-1" hash`),
		Entry("3.0: SHA256 and sha-256", inMetalink3("a", `<verification><hash type="SHA256">00</hash><hash type="sha-256">11</hash></verification>`),
			`hash 2: a second "sha-256" hash`),
		Entry("JSON: sha256 and SHA-256", inJSON("a", `"hashes":[{"type":"sha256","hash":"00"},{"type":"SHA-256","hash":"11"}]`),
			`hash 2: a second "sha-256" hash`),
	)

	// Names, in every format: control and invisible characters, line and
	// paragraph separators, and what Windows strips from a segment.
	badNames := []struct{ what, xml, json, want string }{
		{"a line feed", "a&#10;b", `a\nb`, "contains the control or invisible character U+000A"},
		{"a carriage return", "a&#13;b", `a\rb`, "contains the control or invisible character U+000D"},
		{"a tab", "a&#9;b", `a\tb`, "contains the control or invisible character U+0009"},
		{"DEL", "a\x7fb", `a\u007fb`, "contains the control or invisible character U+007F"},
		{"a C1 control (NEL)", "a\u0085b", `a\u0085b`, "contains the control or invisible character U+0085"},
		{"a right-to-left override", "a\u202etxt.exe", `a\u202etxt.exe`, "contains the control or invisible character U+202E"},
		{"a zero-width space", "a\u200bb", `a\u200bb`, "contains the control or invisible character U+200B"},
		{"a line separator", "a\u2028b", `a\u2028b`, "contains the control or invisible character U+2028"},
		{"only blanks", "   ", `   `, "a path segment begins or ends with white space"},
		{"a trailing blank", "a.tgz ", `a.tgz `, "a path segment begins or ends with white space"},
		{"a leading blank", " a.tgz", ` a.tgz`, "a path segment begins or ends with white space"},
		{"a no-break space at the end", "a.tgz\u00a0", `a.tgz\u00a0`, "a path segment begins or ends with white space"},
		{"a directory ending in a blank", "dir /a.tgz", `dir /a.tgz`, "a path segment begins or ends with white space"},
		{"a trailing dot", "a.tgz.", `a.tgz.`, "a path segment ends with a dot"},
	}
	for _, bad := range badNames {
		for format, data := range map[string][]byte{
			"meta4": inMeta4(bad.xml, ""), "Metalink 3.0": inMetalink3(bad.xml, ""), "JSON": inJSON(bad.json, ""),
		} {
			It("refuses a file name with "+bad.what+" in "+format, func() {
				_, err := readDocument(data)
				Expect(err).To(MatchError(ContainSubstring("unsafe file name")))
				Expect(err).To(MatchError(ContainSubstring(bad.want)))
				Expect(err.Error()).NotTo(ContainSubstring("\n"))
			})
		}
	}

	It("accepts names with blanks and dots inside, and letters of any script", func() {
		for _, name := range []string{"go 1.21/go1.21.linux-amd64.tar.gz", "a.b.c", "été/日本語.txt", ".hidden"} {
			_, err := readDocument(inJSON(name, ""))
			Expect(err).NotTo(HaveOccurred(), name)
		}
	})

	DescribeTable("accepts the edges of the priority range",
		func(data []byte) {
			_, err := readDocument(data)
			Expect(err).NotTo(HaveOccurred())
		},
		Entry("meta4: 1 and 999999", inMeta4("a", `<url priority="1">https://x/a</url><metaurl mediatype="torrent" priority="999999" name="a">https://x/a.torrent</metaurl>`)),
		Entry("JSON: 999999 and 1", inJSON("a", `"urls":[{"url":"https://x/a","priority":999999}],"metaurls":[{"url":"https://x/t","mediatype":"torrent","priority":1}]`)),
	)

	DescribeTable("HashType spells a type by its IANA name",
		func(spelt, want string) { Expect(metalink.HashType(spelt)).To(Equal(want)) },
		Entry("sha1", "sha1", "sha-1"),
		Entry("SHA256", "SHA256", "sha-256"),
		Entry("Sha-512 with space around", " Sha-512 ", "sha-512"),
		Entry("sha224", "sha224", "sha-224"),
		Entry("MD5", "MD5", "md5"),
		Entry("sha3-256, a name of its own", "SHA3-256", "sha3-256"),
		Entry("shake256", "shake256", "shake256"),
		Entry("sha alone", "sha", "sha"),
	)

	DescribeTable("spells every hash and pieces type by its IANA name, once, when it reads",
		func(data []byte) {
			m, err := readDocument(data)
			Expect(err).NotTo(HaveOccurred())
			Expect(m.Files[0].Hashes).To(Equal([]metalink.Hash{{Type: "sha-1", Hash: "00"}, {Type: "sha-256", Hash: "11"}, {Type: "md5", Hash: "22"}}))
			Expect(m.Files[0].Pieces[0].Type).To(Equal("sha-256"))
			Expect(m.Files[0].HashIndex("sha-1")).To(Equal(0), "found by its IANA name")
		},
		Entry("meta4", inMeta4("a", `<hash type="sha1">00</hash><hash type="SHA-256">11</hash><hash type=" MD5 ">22</hash><pieces type="SHA256" length="1"><hash>00</hash></pieces><size>1</size>`)),
		Entry("Metalink 3.0", inMetalink3("a", `<size>1</size><verification><hash type="SHA1">00</hash><hash type="sha256">11</hash><hash type="md5">22</hash><pieces type="sha256" length="1"><hash>00</hash></pieces></verification>`)),
		Entry("JSON", inJSON("a", `"size":1,"hashes":[{"type":"Sha1","hash":"00"},{"type":"sha-256","hash":"11"},{"type":"MD5","hash":"22"}],"pieces":[{"type":"sha256","length":1,"hashes":["00"]}]`)),
	)

	It("keeps every field through a write and a read, in both formats it writes", func() {
		full := fullDocument()
		full.Files[0].MetaURLs = append(full.Files[0].MetaURLs, metalink.MetaURL{MediaType: "torrent", URL: "https://x/b.torrent", Priority: fixtures.Priority(999999)})
		asXML, err := metalink.MarshalXML(full)
		Expect(err).NotTo(HaveOccurred())
		asJSON, err := metalink.MarshalJSON(full)
		Expect(err).NotTo(HaveOccurred())
		for _, written := range [][]byte{asXML, asJSON} {
			again, err := readDocument(written)
			Expect(err).NotTo(HaveOccurred())
			Expect(again).To(Equal(full))
		}
		Expect(string(asXML)).To(ContainSubstring(`<metaurl priority="999999" mediatype="torrent">https://x/b.torrent</metaurl>`),
			"no name attribute for a metaurl without a name")
	})
})
