package metalink_test

import (
	"encoding/xml"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

const minimalMeta4 = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a.txt"><url>https://example.com/a.txt</url></file></metalink>`

const minimalJSON = `{"files":[{"name":"a.txt","urls":[{"url":"https://example.com/a.txt"}]}]}`

var _ = Describe("Parse", func() {
	Describe("detecting the format", func() {
		DescribeTable("reads the document whatever comes before its first character",
			func(input string) {
				m := mustParse([]byte(input))
				Expect(m.Files).To(HaveLen(1))
				Expect(m.Files[0].Name).To(Equal("a.txt"))
				Expect(m.Files[0].URLs).To(Equal([]metalink.URL{{URL: "https://example.com/a.txt"}}))
			},
			Entry("bare XML", minimalMeta4),
			Entry("XML after a UTF-8 BOM", "\uFEFF"+minimalMeta4),
			Entry("XML after white space", " \t\r\n"+minimalMeta4),
			Entry("XML after a BOM and white space", "\uFEFF\n\n"+minimalMeta4),
			Entry("XML with a declaration", `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+minimalMeta4),
			Entry("bare JSON", minimalJSON),
			Entry("JSON after white space", "\n  "+minimalJSON+"\n"),
			Entry("JSON after a UTF-8 BOM", "\uFEFF"+minimalJSON),
		)

		It("reads the same model from the XML and the JSON form of a document", func() {
			fromXML := mustParse(readTestdata("full.meta4"))
			fromJSON := mustParse(readTestdata("full.json"))
			Expect(fromXML).To(Equal(fullDocument()))
			Expect(fromJSON).To(Equal(fullDocument()))
		})

		It("quotes only the first 200 bytes of something that is not a metalink", func() {
			_, err := metalink.Parse([]byte(strings.Repeat("x", 1000)))
			Expect(err).To(MatchError(`not a metalink (expected JSON or XML): "` + strings.Repeat("x", 200) + `"…`))
		})
	})

	DescribeTable("rejects a bad document with an error that says what is wrong",
		func(input, message string) {
			_, err := metalink.Parse([]byte(input))
			Expect(err).To(HaveOccurred())
			Expect(err.Error()).To(ContainSubstring(message))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
		},
		Entry("an empty document", "", "not a metalink (expected JSON or XML): the document is empty"),
		Entry("only white space", " \n\t ", "the document is empty"),
		Entry("only a BOM", "\uFEFF", "the document is empty"),
		Entry("garbage", "hello world", `not a metalink (expected JSON or XML): "hello world"`),
		Entry("an error page", "404 Not Found", `"404 Not Found"`),
		Entry("a JSON array", `[{"files":[]}]`, `not a metalink (expected JSON or XML): "[{\"files\":[]}]"`),
		Entry("binary data", "\x00\x01\x02", `"\x00\x01\x02"`),

		Entry("XML in another namespace",
			`<metalink xmlns="urn:example"><file name="a"/></metalink>`,
			`metalink XML: root element <metalink> is in namespace "urn:example"; expected urn:ietf:params:xml:ns:metalink (RFC 5854) or http://www.metalinker.org/ (Metalink 3.0)`),
		Entry("XML without a namespace", `<metalink><file name="a"/></metalink>`, "root element <metalink> has no namespace"),
		Entry("XML with another root", `<rss version="2.0"/>`, "metalink XML: root element is <rss>, expected <metalink>"),
		Entry("an HTML page", `<!DOCTYPE html><html><body>Not Found</body></html>`, "root element is <html>"),
		Entry("truncated XML", minimalMeta4[:60], "metalink XML: XML syntax error on line 1: unexpected EOF"),
		Entry("XML with mismatched tags", `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"></metalink>`, "element <file> closed by </metalink>"),
		Entry("XML with only a comment", `<!-- nothing -->`, "metalink XML: no root element"),
		Entry("XML with text before the root", `<?xml version="1.0"?>text`+minimalMeta4, "text before the root element"),
		Entry("XML with two roots", minimalMeta4+minimalMeta4, "a second root element <metalink> after </metalink>"),
		Entry("XML with text after the root", minimalMeta4+"trailing", "text after </metalink>"),
		Entry("XML in a declared encoding other than UTF-8",
			`<?xml version="1.0" encoding="ISO-8859-1"?>`+minimalMeta4, `encoding "ISO-8859-1"`),
		Entry("an unknown entity", `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><generator>&bogus;</generator></metalink>`, "invalid character entity &bogus;"),
		Entry("a size that is not a number",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>12 bytes</size></file></metalink>`,
			`metalink XML: file "a": size "12 bytes" is not a whole number`),
		Entry("a negative size",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>-1</size></file></metalink>`,
			`size "-1" is not a whole number`),
		Entry("a size beyond 64 bits",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>18446744073709551616</size></file></metalink>`,
			`size "18446744073709551616" is too large`),
		Entry("a url priority that is not a number",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><url priority="high">https://x/a</url></file></metalink>`,
			`file "a": url "https://x/a": priority "high" is not a whole number`),
		Entry("a metaurl priority that is not a number",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><metaurl mediatype="torrent" priority="1.5">https://x/a.torrent</metaurl></file></metalink>`,
			`metaurl "https://x/a.torrent": priority "1.5" is not a whole number`),
		Entry("pieces without a length",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><pieces type="sha-1"><hash>00</hash></pieces></file></metalink>`,
			`file "a": pieces length "" is not a whole number`),
		Entry("a date without a time",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"/><published>2010-05-01</published></metalink>`,
			`metalink XML: published "2010-05-01" is not an RFC 3339 date-time`),
		Entry("an RFC 822 date in meta4",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"/><updated>Mon, 15 May 2006 00:00:01 GMT</updated></metalink>`,
			`updated "Mon, 15 May 2006 00:00:01 GMT" is not an RFC 3339 date-time`),
		Entry("an origin dynamic flag that is not a boolean",
			`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"/><origin dynamic="yes">https://x/</origin></metalink>`,
			`origin dynamic "yes" must be true or false`),

		Entry("two JSON documents, as jq prints for two inputs",
			minimalJSON+"\n"+minimalJSON, "metalink JSON: several documents: expected exactly one JSON object, found another after it"),
		Entry("a JSON object followed by an array", minimalJSON+"[]", "several documents"),
		Entry("text after the JSON object", minimalJSON+" done", `metalink JSON: unexpected text after the JSON object: "done"`),
		Entry("truncated JSON", minimalJSON[:30], "metalink JSON: the JSON ends early (truncated?)"),
		Entry("JSON with a syntax error", `{"files": [}`, "metalink JSON: invalid character '}' looking for beginning of value (at byte 12)"),
		Entry("a size given as a string", `{"files":[{"name":"a","size":"12"}]}`, "metalink JSON: files.size must be a whole number (0 or more), not string"),
		Entry("a negative priority", `{"files":[{"name":"a","urls":[{"url":"u","priority":-1}]}]}`, "files.urls.priority must be a whole number (0 or more), not number -1"),
		Entry("files given as an object", `{"files":{"name":"a"}}`, "files must be an array, not object"),
		Entry("urls given as a string", `{"files":[{"name":"a","urls":"https://x/a"}]}`, "files.urls must be an array, not string"),
		Entry("a name given as a number", `{"files":[{"name":1}]}`, "files.name must be a string, not number"),
		Entry("dynamic given as a string", `{"files":[],"origin":{"dynamic":"true","url":"u"}}`, "origin.dynamic must be true or false, not string"),
		Entry("a JSON date without a time", `{"files":[],"published":"2020-01-01"}`, `metalink JSON: published "2020-01-01" is not an RFC 3339 date-time`),
		Entry("a JSON date given as a number", `{"files":[],"updated":1589500000}`, "updated must be a string, not number"),
	)

	Describe("errors", func() {
		const rfc = `<metalink xmlns="urn:ietf:params:xml:ns:metalink">`

		DescribeTable("never show the password of a URL they quote",
			func(input, want string) {
				_, err := metalink.Parse([]byte(input))
				Expect(err).To(MatchError(want))
			},
			Entry("a url with a bad priority",
				rfc+`<file name="a"><url priority="high">https://mirror:hunter2pw@x.example/a</url></file></metalink>`,
				`metalink XML: file "a": url "https://[redacted]@x.example/a": priority "high" is not a whole number`),
			Entry("a metaurl with a bad priority",
				rfc+`<file name="a"><metaurl mediatype="torrent" priority="-1">https://u:hunter2pw@x.example/a.torrent</metaurl></file></metalink>`,
				`metalink XML: file "a": metaurl "https://[redacted]@x.example/a.torrent": priority "-1" is not a whole number`),
			Entry("a Metalink 3.0 url with a bad preference",
				`<metalink xmlns="http://www.metalinker.org/"><files><file name="a"><resources><url preference="high">https://u:hunter2pw@x.example/a</url></resources></file></files></metalink>`,
				`metalink XML: file "a": url "https://[redacted]@x.example/a": preference "high" is not a whole number`),
			Entry("text after a JSON object",
				minimalJSON+` https://u:hunter2pw@x.example/`,
				`metalink JSON: unexpected text after the JSON object: "https://[redacted]@x.example/"`),
		)

		It("hide a password before cutting a long value short, so that no half of it is left", func() {
			_, err := metalink.Parse([]byte(minimalJSON + ` https://u:` + strings.Repeat("p", 300) + `@x.example/`))
			Expect(err).To(MatchError(`metalink JSON: unexpected text after the JSON object: "https://[redacted]@x.example/"`))
		})

		It("quote a long file name in part", func() {
			_, err := metalink.Parse([]byte(rfc + `<file name="` + strings.Repeat("n", 5000) + `"><size>big</size></file></metalink>`))
			Expect(err).To(MatchError(`metalink XML: file "` + strings.Repeat("n", 200) + `"…: size "big" is not a whole number`))
		})

		It("stay on one short line whatever encoding/xml prints, and still unwrap to its error", func() {
			_, err := metalink.Parse([]byte(rfc + `<` + strings.Repeat("a", 5000) + `></b></metalink>`))
			Expect(err).To(MatchError(HavePrefix("metalink XML: XML syntax error on line 1: element <aaaa")))
			Expect(err.Error()).To(HaveSuffix("…"))
			Expect(len(err.Error())).To(BeNumerically("<=", 1000))
			var syntaxErr *xml.SyntaxError
			Expect(errors.As(err, &syntaxErr)).To(BeTrue())
		})

		It("stay short for a number of a megabyte", func() {
			_, err := metalink.Parse([]byte(`{"files":[{"name":"a","size":-` + strings.Repeat("9", 1<<20) + `}]}`))
			Expect(err).To(MatchError(HavePrefix("metalink JSON: files.size must be a whole number (0 or more), not number -999")))
			Expect(len(err.Error())).To(BeNumerically("<=", 1000))
		})
	})
})
