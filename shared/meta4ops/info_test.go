package meta4ops_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// everyField is a file with every field of the model set.
func everyField() metalink.File {
	return metalink.File{
		Name: "dir/a b.tgz", Size: 6, Version: "1.2", Copyright: "(c) Acme", Description: "first line\nsecond line",
		Identity: "acme", Languages: []string{"en", "de"}, Logo: "https://acme.example/logo.png", OSes: []string{"linux"},
		Publisher: &metalink.Publisher{Name: "Acme Inc", URL: "https://acme.example/"},
		Hashes:    []metalink.Hash{{Type: "sha-256", Hash: "ABCD"}, {Type: "md5", Hash: "ef01"}},
		URLs: []metalink.URL{
			{URL: "https://none.example/a"},
			{URL: "https://two.example/a", Priority: new(uint(2))},
			{URL: "https://one.example/a", Priority: new(uint(1)), Location: "de"},
			{URL: "https://two-again.example/a", Priority: new(uint(2))},
		},
		MetaURLs: []metalink.MetaURL{
			{URL: "https://acme.example/a.torrent", MediaType: "torrent", Name: "a b.tgz", Priority: new(uint(3))},
			{URL: "https://acme.example/b.torrent", MediaType: "torrent"},
		},
		Pieces: []metalink.Pieces{{Type: "sha-1", Length: 4, Hashes: []string{"p1", "p2"}}},
		Signatures: []metalink.Signature{
			{MediaType: "application/pgp-signature", Signature: "-----BEGIN PGP SIGNATURE-----"},
			{MediaType: "application/x-minisign", Signature: "untrusted comment: x"},
		},
	}
}

func rendered(answer meta4ops.Answer, format meta4ops.Format) string {
	GinkgoHelper()
	text, err := meta4ops.Render(answer, format)
	Expect(err).NotTo(HaveOccurred())
	return text
}

var _ = Describe("what a file says", func() {
	It("is every field, the URLs in the order downloads try them and only the signature's media type", func() {
		info := meta4ops.DescribeFile(everyField())
		Expect(info.Hashes).To(Equal(map[string]string{"sha-256": "abcd", "md5": "ef01"}))
		Expect(info.URLs).To(Equal([]metalink.URL{
			{URL: "https://one.example/a", Priority: new(uint(1)), Location: "de"},
			{URL: "https://two.example/a", Priority: new(uint(2))},
			{URL: "https://two-again.example/a", Priority: new(uint(2))},
			{URL: "https://none.example/a"},
		}))
		Expect(info.Signatures).To(Equal([]meta4ops.SignatureInfo{{MediaType: "application/pgp-signature"}, {MediaType: "application/x-minisign"}}))
	})

	It("is one line per value in text, with placeholders for a URL's missing priority and location", func() {
		Expect(rendered(meta4ops.DescribeFile(everyField()), meta4ops.Text)).To(Equal(`name: dir/a b.tgz
size: 6
version: 1.2
copyright: (c) Acme
description: first line
description: second line
identity: acme
language: en
language: de
logo: https://acme.example/logo.png
os: linux
publisher: Acme Inc
publisher-url: https://acme.example/
hash: md5 ef01
hash: sha-256 abcd
url: 1 de https://one.example/a
url: 2 - https://two.example/a
url: 2 - https://two-again.example/a
url: - - https://none.example/a
metaurl: 3 torrent https://acme.example/a.torrent a b.tgz
metaurl: - torrent https://acme.example/b.torrent
pieces: sha-1 4
piece: sha-1 p1
piece: sha-1 p2
signature: application/pgp-signature
signature: application/x-minisign`))
	})

	It("is JSON with hashes by type and no signature text", func() {
		Expect(rendered(meta4ops.DescribeFile(everyField()), meta4ops.JSON)).To(MatchJSON(`{
			"name": "dir/a b.tgz", "size": 6, "version": "1.2", "copyright": "(c) Acme",
			"description": "first line\nsecond line", "identity": "acme", "languages": ["en", "de"],
			"logo": "https://acme.example/logo.png", "oses": ["linux"],
			"publisher": {"name": "Acme Inc", "url": "https://acme.example/"},
			"hashes": {"sha-256": "abcd", "md5": "ef01"},
			"urls": [
				{"url": "https://one.example/a", "priority": 1, "location": "de"},
				{"url": "https://two.example/a", "priority": 2},
				{"url": "https://two-again.example/a", "priority": 2},
				{"url": "https://none.example/a"}
			],
			"metaurls": [
				{"url": "https://acme.example/a.torrent", "mediatype": "torrent", "name": "a b.tgz", "priority": 3},
				{"url": "https://acme.example/b.torrent", "mediatype": "torrent"}
			],
			"pieces": [{"type": "sha-1", "length": 4, "hashes": ["p1", "p2"]}],
			"signatures": [{"mediatype": "application/pgp-signature"}, {"mediatype": "application/x-minisign"}]
		}`))
	})

	It("leaves out every value the file does not have, a size of 0 included", func() {
		bare := meta4ops.DescribeFile(metalink.File{Name: "a"})
		Expect(rendered(bare, meta4ops.Text)).To(Equal("name: a"))
		Expect(rendered(bare, meta4ops.JSON)).To(Equal("{\n  \"name\": \"a\"\n}"))
		Expect(meta4ops.SizeText(0)).To(BeEmpty())
		Expect(meta4ops.SizeText(6)).To(Equal("6"))
	})

	It("gives a hash spelt in any common way, nothing for one it lacks, and refuses a type that is none", func() {
		f := everyField()
		for _, spelling := range []string{"sha-256", "sha256", "SHA-256", " SHA256 "} {
			Expect(meta4ops.FileHash(f, spelling)).To(Equal("abcd"), spelling)
		}
		Expect(meta4ops.FileHash(f, "sha-1")).To(BeEmpty())
		_, err := meta4ops.FileHash(f, "crc32")
		Expect(err).To(MatchError(HavePrefix(`unknown hash type "crc32"`)))
		Expect(meta4ops.HashLines(f)).To(Equal([]string{"sha-256 abcd", "md5 ef01"}))
	})

	It("lists its URLs in document order, and [] in JSON when it has none", func() {
		urls := meta4ops.FileURLs(everyField())
		Expect(rendered(urls, meta4ops.Text)).To(Equal(
			"https://none.example/a\nhttps://two.example/a\nhttps://one.example/a\nhttps://two-again.example/a"))
		Expect(rendered(urls, meta4ops.JSON)).To(MatchJSON(`[
			{"url": "https://none.example/a"},
			{"url": "https://two.example/a", "priority": 2},
			{"url": "https://one.example/a", "priority": 1, "location": "de"},
			{"url": "https://two-again.example/a", "priority": 2}
		]`))
		none := meta4ops.FileURLs(metalink.File{Name: "a"})
		Expect(rendered(none, meta4ops.Text)).To(BeEmpty())
		Expect(rendered(none, meta4ops.JSON)).To(Equal("[]"))
	})

	It("prints URLs with & and < as they are", func() {
		urls := meta4ops.FileURLs(metalink.File{URLs: []metalink.URL{{URL: "https://x/?a=1&b=<2>"}}})
		Expect(rendered(urls, meta4ops.JSON)).To(ContainSubstring(`"https://x/?a=1&b=<2>"`))
	})
})

var _ = Describe("what a document says", func() {
	published := time.Date(2009, 5, 15, 12, 23, 23, 0, time.UTC)
	updated := time.Date(2010, 1, 2, 3, 4, 5, 0, time.FixedZone("", 3600))
	doc := metalink.Metalink{
		Generator: "meta4/1.0", Origin: &metalink.Origin{URL: "https://acme.example/a.meta4"},
		Published: &published, Updated: &updated,
		Files: []metalink.File{{Name: "a", Version: "1"}, {Name: "b"}},
	}

	It("is its own lines, then each file's, a block each", func() {
		Expect(rendered(meta4ops.DescribeDocument(doc), meta4ops.Text)).To(Equal(`generator: meta4/1.0
origin: https://acme.example/a.meta4
origin-dynamic: false
published: 2009-05-15T12:23:23Z
updated: 2010-01-02T03:04:05+01:00

name: a
version: 1

name: b`))
	})

	It("is JSON with RFC 3339 times, whether the origin is dynamic, and each file as file-info has it", func() {
		Expect(rendered(meta4ops.DescribeDocument(doc), meta4ops.JSON)).To(MatchJSON(`{
			"generator": "meta4/1.0",
			"origin": {"url": "https://acme.example/a.meta4", "dynamic": false},
			"published": "2009-05-15T12:23:23Z", "updated": "2010-01-02T03:04:05+01:00",
			"files": [{"name": "a", "version": "1"}, {"name": "b"}]
		}`))
	})

	It("is nothing in text and an empty file list in JSON when it has nothing", func() {
		empty := meta4ops.DescribeDocument(metalink.Metalink{})
		Expect(rendered(empty, meta4ops.Text)).To(BeEmpty())
		Expect(rendered(empty, meta4ops.JSON)).To(MatchJSON(`{"files": []}`))
		Expect(rendered(meta4ops.DescribeDocument(metalink.Metalink{Files: []metalink.File{{Name: "a"}}}), meta4ops.Text)).To(Equal("name: a"))
	})
})

var _ = Describe("the formats", func() {
	It("are text and json, and nothing else", func() {
		Expect(meta4ops.ParseFormat("text")).To(Equal(meta4ops.Text))
		Expect(meta4ops.ParseFormat("json")).To(Equal(meta4ops.JSON))
		_, err := meta4ops.ParseFormat("JSON")
		Expect(err).To(MatchError("expected text or json"))
		_, err = meta4ops.Render(meta4ops.FileURLs(metalink.File{}), "yaml")
		Expect(err).To(MatchError(`unknown format "yaml"`))
	})
})
