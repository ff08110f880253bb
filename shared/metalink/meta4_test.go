package metalink_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

var _ = Describe("meta4 XML", func() {
	Describe("MarshalXML", func() {
		It("writes every field with a declaration, the RFC namespace, RFC order, two-space indent and a trailing newline", func() {
			written, err := metalink.MarshalXML(fullDocument())
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(Equal(string(readTestdata("full.meta4"))))
		})

		It("writes a file with nothing but a name as an empty element", func() {
			written, err := metalink.MarshalXML(metalink.Metalink{Files: []metalink.File{{Name: "z"}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(Equal(`<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <file name="z"></file>
</metalink>
`))
		})

		It("writes a size of 0, a static origin and missing dates by leaving them out", func() {
			written, err := metalink.MarshalXML(metalink.Metalink{
				Files:  []metalink.File{{Name: "z", Size: 0}},
				Origin: &metalink.Origin{URL: "https://example.com/z.meta4"},
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(ContainSubstring("<origin>https://example.com/z.meta4</origin>"))
			Expect(string(written)).NotTo(ContainSubstring("<size>"))
			Expect(string(written)).NotTo(ContainSubstring("dynamic="))
			Expect(string(written)).NotTo(ContainSubstring("<published>"))
		})

		It("keeps a priority of 0, which is not the same as no priority", func() {
			m := metalink.Metalink{Files: []metalink.File{{Name: "z", URLs: []metalink.URL{{Priority: fixtures.Priority(0), URL: "https://x/z"}}}}}
			written, err := metalink.MarshalXML(m)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(ContainSubstring(`<url priority="0">https://x/z</url>`))
			Expect(mustParse(written)).To(Equal(m))
		})

		It("writes the publisher as RFC 5854 attributes", func() {
			written, err := metalink.MarshalXML(metalink.Metalink{Files: []metalink.File{{
				Name: "z", Publisher: &metalink.Publisher{Name: "A & B", URL: "https://a.example/"},
			}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(ContainSubstring(`<publisher name="A &amp; B" url="https://a.example/"></publisher>`))
		})

		It("writes and reads the licence as RFC 5854 attributes, and in JSON", func() {
			m := metalink.Metalink{Files: []metalink.File{{Name: "z", License: &metalink.License{Name: "BSD-3-Clause", URL: "https://go.dev/LICENSE"}}}}
			written, err := metalink.MarshalXML(m)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(ContainSubstring(`<license name="BSD-3-Clause" url="https://go.dev/LICENSE"></license>`))
			Expect(mustParse(written)).To(Equal(m))
			Expect(mustParse([]byte(`{"files":[{"name":"z","license":{"name":"BSD-3-Clause","url":"https://go.dev/LICENSE"}}]}`))).To(Equal(m))
			Expect(mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="z"><license><name>BSD-3-Clause</name><url>https://go.dev/LICENSE</url></license></file></metalink>`))).To(Equal(m))
		})

		It("refuses a licence without a name", func() {
			m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="z"><license url="https://x/"/></file></metalink>`))
			Expect(m.Validate()).To(MatchError(ContainSubstring("license has no name")))
		})

		It("keeps carriage returns, tabs and markup characters in text intact", func() {
			m := metalink.Metalink{Files: []metalink.File{{
				Name:        "z",
				Description: "line 1\r\nline 2\tend <b>&amp;</b> ]]>",
				Signatures:  []metalink.Signature{{MediaType: "application/pgp-signature", Signature: "a\r\nb]]>c"}},
			}}}
			written, err := metalink.MarshalXML(m)
			Expect(err).NotTo(HaveOccurred())
			Expect(mustParse(written)).To(Equal(m))
		})

		It("refuses text that XML cannot carry instead of altering it", func() {
			_, err := metalink.MarshalXML(metalink.Metalink{Files: []metalink.File{{Name: "z", Description: "bell\a"}}})
			Expect(err).To(MatchError(`write metalink XML: file "z": description: contains U+0007, which XML cannot carry`))
		})

		It("refuses a date RFC 3339 cannot express", func() {
			tooLate := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
			_, err := metalink.MarshalXML(metalink.Metalink{Files: []metalink.File{{Name: "z"}}, Published: &tooLate})
			Expect(err).To(MatchError(ContainSubstring("write metalink XML: published: cannot write")))
		})
	})

	Describe("reading", func() {
		It("reads a document modelled on the RFC 5854 examples and drops extension markup", func() {
			m := mustParse(readTestdata("rfc-style.meta4"))
			Expect(m).To(Equal(metalink.Metalink{
				Published: mustTime("2009-05-15T12:23:23Z"),
				Files: []metalink.File{{
					Name:        "sample-2.3.iso",
					Size:        14471447,
					Identity:    "Sample Linux",
					Version:     "2.3",
					Languages:   []string{"en"},
					Description: "\n      Installation image of Sample Linux.\n    ",
					Hashes:      []metalink.Hash{{Type: "sha-256", Hash: "c2a3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90a1"}},
					URLs: []metalink.URL{
						{Location: "se", Priority: fixtures.Priority(1), URL: "ftp://ftp.example.se/sample-2.3.iso"},
						{Location: "fr", Priority: fixtures.Priority(1), URL: "http://mirror.example.fr/sample-2.3.iso"},
						{Priority: fixtures.Priority(3), URL: "https://example.org/sample-2.3.iso"},
					},
					MetaURLs: []metalink.MetaURL{{MediaType: "torrent", Priority: fixtures.Priority(2), URL: "https://example.org/sample-2.3.iso.torrent"}},
				}},
			}))
		})

		It("survives a round trip through the model byte for byte", func() {
			original := readTestdata("full.meta4")
			written, err := metalink.MarshalXML(mustParse(original))
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(Equal(string(original)))
		})

		It("reads a root with a namespace prefix", func() {
			m := mustParse([]byte(`<ml:metalink xmlns:ml="urn:ietf:params:xml:ns:metalink"><ml:file name="a"><ml:size>5</ml:size></ml:file></ml:metalink>`))
			Expect(m.Files).To(Equal([]metalink.File{{Name: "a", Size: 5}}))
		})

		It("never reads an element of another namespace as a metalink element", func() {
			m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink" xmlns:x="urn:x">
				<file name="a"><x:size>99</x:size><x:url>https://evil/</x:url><url x:priority="1">https://good/</url></file>
				<x:file name="b"/>
				<file xmlns="urn:other" name="c"/>
			</metalink>`))
			Expect(m.Files).To(Equal([]metalink.File{{Name: "a", URLs: []metalink.URL{{URL: "https://good/"}}}}))
		})

		It("stores hash values exactly as written", func() {
			m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><hash type="sha-256">ABCdef01</hash></file></metalink>`))
			Expect(m.Files[0].Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: "ABCdef01"}}))
		})

		It("allows white space around numbers and dates", func() {
			m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink">
				<file name="a"><size> 12 </size><url priority=" 3 ">u</url><pieces type="sha-1" length=" 6 "><hash>00</hash><hash>11</hash></pieces></file>
				<published>
					2010-05-01T12:15:02Z
				</published>
			</metalink>`))
			Expect(m.Files[0].Size).To(BeEquivalentTo(12))
			Expect(m.Files[0].URLs[0].Priority).To(Equal(fixtures.Priority(3)))
			Expect(m.Files[0].Pieces).To(Equal([]metalink.Pieces{{Type: "sha-1", Length: 6, Hashes: []string{"00", "11"}}}))
			Expect(m.Published).To(Equal(mustTime("2010-05-01T12:15:02Z")))
		})

		It("reads a signature written as CDATA", func() {
			m := mustParse([]byte("<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\"><file name=\"a\"><signature mediatype=\"application/pgp-signature\"><![CDATA[-----BEGIN PGP SIGNATURE-----\n<x>\n-----END PGP SIGNATURE-----]]></signature></file></metalink>"))
			Expect(m.Files[0].Signatures).To(Equal([]metalink.Signature{{
				MediaType: "application/pgp-signature",
				Signature: "-----BEGIN PGP SIGNATURE-----\n<x>\n-----END PGP SIGNATURE-----",
			}}))
		})

		DescribeTable("reads the origin's dynamic flag as an XML boolean",
			func(attribute string, dynamic bool) {
				m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"/><origin ` + attribute + `>https://x/a.meta4</origin></metalink>`))
				Expect(m.Origin).To(Equal(&metalink.Origin{Dynamic: dynamic, URL: "https://x/a.meta4"}))
			},
			Entry("true", `dynamic="true"`, true),
			Entry("1", `dynamic="1"`, true),
			Entry("false", `dynamic="false"`, false),
			Entry("0", `dynamic="0"`, false),
			Entry("absent", ``, false),
		)

		DescribeTable("reads the publisher in either form",
			func(element string, want metalink.Publisher) {
				m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a">` + element + `</file></metalink>`))
				Expect(m.Files[0].Publisher).To(Equal(&want))
			},
			Entry("RFC 5854 attributes", `<publisher name="Acme" url="https://acme.example/"/>`, metalink.Publisher{Name: "Acme", URL: "https://acme.example/"}),
			Entry("a name attribute alone", `<publisher name="Acme"/>`, metalink.Publisher{Name: "Acme"}),
			Entry("legacy child elements", `<publisher><name>Acme</name><url>https://acme.example/</url></publisher>`, metalink.Publisher{Name: "Acme", URL: "https://acme.example/"}),
			Entry("a legacy name child alone", `<publisher><name>Acme</name></publisher>`, metalink.Publisher{Name: "Acme"}),
			Entry("both forms, where the attributes win", `<publisher name="Attr" url="https://attr/"><name>Child</name><url>https://child/</url></publisher>`, metalink.Publisher{Name: "Attr", URL: "https://attr/"}),
		)

		It("writes a publisher read in the legacy form in the RFC form", func() {
			m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><publisher><name>Acme</name></publisher></file></metalink>`))
			written, err := metalink.MarshalXML(m)
			Expect(err).NotTo(HaveOccurred())
			Expect(string(written)).To(ContainSubstring(`<publisher name="Acme"></publisher>`))
			Expect(strings.Count(string(written), "Acme")).To(Equal(1))
		})

		It("reads several pieces elements, one per hash type", func() {
			m := mustParse([]byte(`<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="a"><size>3</size>
				<pieces type="sha-1" length="2"><hash>aa</hash><hash>bb</hash></pieces>
				<pieces type="sha-256" length="3"><hash>cc</hash></pieces>
			</file></metalink>`))
			Expect(m.Files[0].Pieces).To(Equal([]metalink.Pieces{
				{Type: "sha-1", Length: 2, Hashes: []string{"aa", "bb"}},
				{Type: "sha-256", Length: 3, Hashes: []string{"cc"}},
			}))
			Expect(m.Validate()).To(Succeed())
		})
	})
})
