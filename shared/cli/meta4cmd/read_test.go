package meta4cmd_test

import (
	"encoding/json"
	"os/exec"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

// fullDocument sets every field RFC 5854 gives a document and its file.
const fullDocument = `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink">
  <generator>acme-release/2.0</generator>
  <origin dynamic="true">https://acme.example/app.meta4</origin>
  <published>2009-05-15T12:23:23Z</published>
  <updated>2010-01-02T03:04:05+01:00</updated>
  <file name="app dir/app.tgz">
    <size>6</size>
    <version>1.2.3</version>
    <copyright>(c) Acme</copyright>
    <description>An app.
Its second line.</description>
    <identity>app</identity>
    <language>en</language>
    <language>de</language>
    <logo>https://acme.example/logo.png</logo>
    <os>linux-amd64</os>
    <publisher name="Acme Inc" url="https://acme.example/"/>
    <hash type="sha-256">` + sha256Hello + `</hash>
    <hash type="md5">b1946ac92492d2347c6235b4d2611184</hash>
    <url priority="2">https://two.example/app.tgz</url>
    <url>https://none.example/app.tgz</url>
    <url location="de" priority="1">https://one.example/app.tgz</url>
    <metaurl mediatype="torrent" priority="3" name="app dir/app.tgz">https://acme.example/app.torrent</metaurl>
    <pieces type="sha-1" length="4">
      <hash>36e3b4cda8f1c6e6c9b1e9e4e1b1f1d1c1b1a191</hash>
      <hash>a8b1ae5e2c1b1d1e1f1a1b1c1d1e1f1a1b1c1d1e</hash>
    </pieces>
    <signature mediatype="application/pgp-signature">-----BEGIN PGP SIGNATURE-----
abc
-----END PGP SIGNATURE-----</signature>
  </file>
</metalink>
`

// fullFileText is what file-info prints of fullDocument's file.
const fullFileText = `name: app dir/app.tgz
size: 6
version: 1.2.3
copyright: (c) Acme
description: An app.
description: Its second line.
identity: app
language: en
language: de
logo: https://acme.example/logo.png
os: linux-amd64
publisher: Acme Inc
publisher-url: https://acme.example/
hash: md5 b1946ac92492d2347c6235b4d2611184
hash: sha-256 ` + sha256Hello + `
url: 1 de https://one.example/app.tgz
url: 2 - https://two.example/app.tgz
url: - - https://none.example/app.tgz
metaurl: 3 torrent https://acme.example/app.torrent app dir/app.tgz
pieces: sha-1 4
piece: sha-1 36e3b4cda8f1c6e6c9b1e9e4e1b1f1d1c1b1a191
piece: sha-1 a8b1ae5e2c1b1d1e1f1a1b1c1d1e1f1a1b1c1d1e
signature: application/pgp-signature
`

var _ = Describe("meta4 reading every field", func() {
	var tool clitest.Tool
	BeforeEach(func() {
		tool = newTool()
		filetree.Write(at(tool, "metalink.meta4"), fullDocument)
	})

	It("prints everything about the file, one line per value", func() {
		Expect(tool.Succeed("file-info")).To(Equal(fullFileText))
		Expect(tool.Succeed("file-info", "--format", "text")).To(Equal(fullFileText))
		Expect(tool.Succeed("file-size")).To(Equal("6\n"))
	})

	It("prints everything about the file as JSON that reads back as the document's fields", func() {
		var info meta4ops.FileInfo
		Expect(json.Unmarshal([]byte(tool.Succeed("file-info", "--format", "json")), &info)).To(Succeed())
		f := document(at(tool, "metalink.meta4")).Files[0]
		Expect(info).To(Equal(meta4ops.FileInfo{
			Name: f.Name, Size: f.Size, Version: f.Version, Copyright: f.Copyright, Description: f.Description,
			Identity: f.Identity, Languages: f.Languages, Logo: f.Logo, OSes: f.OSes, Publisher: f.Publisher,
			Hashes:   map[string]string{"sha-256": sha256Hello, "md5": "b1946ac92492d2347c6235b4d2611184"},
			URLs:     []metalink.URL{f.URLs[2], f.URLs[0], f.URLs[1]}, // priority 1, 2, then none
			MetaURLs: f.MetaURLs, Pieces: f.Pieces, Signatures: []meta4ops.SignatureInfo{{MediaType: "application/pgp-signature"}},
		}))
		Expect(info.Description).To(Equal("An app.\nIts second line."))
	})

	It("prints the whole document, its files as file-info prints them", func() {
		Expect(tool.Succeed("info")).To(Equal("generator: acme-release/2.0\norigin: https://acme.example/app.meta4\norigin-dynamic: true\n" +
			"published: 2009-05-15T12:23:23Z\nupdated: 2010-01-02T03:04:05+01:00\n\n" + fullFileText))
		var info struct {
			meta4ops.DocumentInfo
			Files []json.RawMessage `json:"files"`
		}
		Expect(json.Unmarshal([]byte(tool.Succeed("info", "--format", "json")), &info)).To(Succeed())
		Expect(info.Generator).To(Equal("acme-release/2.0"))
		Expect(info.Origin).To(Equal(&meta4ops.OriginInfo{URL: "https://acme.example/app.meta4", Dynamic: true}))
		Expect(info.Published.Format("2006-01-02T15:04:05Z07:00")).To(Equal("2009-05-15T12:23:23Z"))
		Expect(info.Updated.Format("2006-01-02T15:04:05Z07:00")).To(Equal("2010-01-02T03:04:05+01:00"))
		Expect(info.Files).To(HaveLen(1))
		Expect(string(info.Files[0])).To(MatchJSON(tool.Succeed("file-info", "--format", "json")))
	})

	It("prints the URLs in the same order as text and as JSON, the document's", func() {
		Expect(tool.Succeed("file-urls")).To(Equal("https://two.example/app.tgz\nhttps://none.example/app.tgz\nhttps://one.example/app.tgz\n"))
		Expect(tool.Succeed("file-urls", "--format", "json")).To(MatchJSON(`[
			{"url": "https://two.example/app.tgz", "priority": 2},
			{"url": "https://none.example/app.tgz"},
			{"url": "https://one.example/app.tgz", "priority": 1, "location": "de"}
		]`))
	})
})

var _ = Describe("meta4 reading values a document does not have", func() {
	var tool clitest.Tool
	BeforeEach(func() {
		tool = newTool()
		tool.Succeed("add-file", "a")
	})

	It("prints nothing and exits 0", func() {
		for _, args := range [][]string{{"file-version"}, {"file-size"}, {"file-hash", "sha-256"}, {"file-hashes"}, {"file-urls"}} {
			Expect(tool.Succeed(args...)).To(BeEmpty(), "%v", args)
		}
		Expect(tool.Succeed("file-urls", "--format", "json")).To(Equal("[]\n"))
		Expect(tool.Succeed("file-info")).To(Equal("name: a\n"))
		Expect(tool.Succeed("file-info", "--format", "json")).To(MatchJSON(`{"name": "a"}`))
		Expect(tool.Succeed("info")).To(Equal("name: a\n"))
		Expect(tool.Succeed("info", "--format", "json")).To(MatchJSON(`{"files": [{"name": "a"}]}`))
	})

	It("lets a script under set -e give its own default", func() {
		script := exec.Command("bash", "-c", `set -e; v=$("$0" file-version); echo "${v:-unknown}"`, tool.Path)
		script.Dir, script.Env = tool.Dir, tool.Env
		out, err := script.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(Equal("unknown\n"))
	})

	It("still refuses a hash type that is none", func() {
		Expect(tool.Fail("file-hash", "crc32")).To(HavePrefix(`meta4 file-hash: unknown hash type "crc32" (expected `))
	})
})

var _ = Describe("meta4 reading URLs with userinfo", func() {
	It("prints [redacted] for it in every format", func() {
		tool := newTool()
		tool.Succeed("add-file", "a")
		tool.Succeed("file-set-url", "https://user:s3cr3t-pass@mirror.example/a")
		tool.Succeed("set-origin", "https://user:s3cr3t-pass@mirror.example/a.meta4")
		for _, args := range [][]string{{"file-info"}, {"file-info", "--format=json"}, {"info"}, {"info", "--format=json"}, {"file-urls", "--format=json"}} {
			out := tool.Succeed(args...)
			Expect(out).To(ContainSubstring("https://[redacted]@mirror.example/a"), "%v", args)
			Expect(out).NotTo(ContainSubstring("s3cr3t-pass"), "%v", args)
		}
	})
})
