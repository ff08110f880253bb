package meta4cmd_test

import (
	"os"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// One file element in the three formats every command reads: meta4,
// Metalink 3.0 and JSON. name is escaped for its format already.
func meta4Doc(name, inner string) string {
	return `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="` + name + `">` + inner + `</file></metalink>`
}

func metalink3Doc(name, inner string) string {
	return `<metalink xmlns="http://www.metalinker.org/" version="3.0"><files><file name="` + name + `">` + inner + `</file></files></metalink>`
}

func jsonDoc(name, inner string) string {
	if inner != "" {
		inner = "," + inner
	}
	return `{"files":[{"name":"` + name + `"` + inner + `}]}`
}

// readingCommands are every command that reads a document without
// changing it, and import-metalink, which reads a second one.
var readingCommands = [][]string{
	{"files"}, {"file-urls"}, {"file-info"}, {"info", "--format", "json"}, {"file-size"}, {"file-version"},
	{"file-hashes"}, {"checksums"},
}

var _ = Describe("documents RFC 5854 forbids", func() {
	DescribeTable("are refused by every command that reads one, with one line naming the culprit",
		func(doc, want string) {
			tool := newTool()
			Expect(os.WriteFile(at(tool, "bad.meta4"), []byte(doc), 0o644)).To(Succeed())
			for _, command := range readingCommands {
				r := tool.Run(append([]string{"--metalink", "bad.meta4"}, command...)...)
				Expect(r.FailedLine()).To(ContainSubstring(want), "meta4 %s", strings.Join(command, " "))
				Expect(r.Stdout).To(BeEmpty(), "meta4 %s", strings.Join(command, " "))
			}
			r := tool.Run("--metalink", "new.meta4", "import-metalink", "bad.meta4")
			Expect(r.FailedLine()).To(ContainSubstring(want))
			Expect(entries(tool.Dir)).To(ConsistOf("bad.meta4"), "import-metalink wrote nothing")
		},
		Entry("meta4: url priority 0", meta4Doc("a", `<url priority="0">https://x/a</url>`), `url 1: priority 0 is outside 1–999999`),
		Entry("JSON: url priority 1000000", jsonDoc("a", `"urls":[{"url":"https://x/a","priority":1000000}]`), `url 1: priority 1000000 is outside 1–999999`),
		Entry("meta4: metaurl priority 1000000", meta4Doc("a", `<metaurl mediatype="torrent" priority="1000000">https://x/t</metaurl>`), `metaurl 1: priority 1000000 is outside`),
		Entry("meta4: a metaurl name that climbs", meta4Doc("a", `<metaurl mediatype="torrent" name="../doughnuts">https://x/t</metaurl>`),
			`metaurl 1: unsafe file name "../doughnuts"`),
		Entry("JSON: a metaurl name that climbs", jsonDoc("a", `"metaurls":[{"url":"https://x/t","mediatype":"torrent","name":"../doughnuts"}]`),
			`metaurl 1: unsafe file name "../doughnuts"`),
		Entry("meta4: an empty metaurl name", meta4Doc("a", `<metaurl mediatype="torrent" name="">https://x/t</metaurl>`), `the name is empty`),
		Entry("3.0: a hash without a type", metalink3Doc("a", `<verification><hash>da39a3ee5e6b4b0d3255bfef95601890afd80709</hash></verification>`),
			`file "a": hash 1 has no type`),
		Entry("meta4: one hash type twice", meta4Doc("a", `<hash type="sha1">00</hash><hash type="sha-1">11</hash>`), `hash 2: a second "sha-1" hash`),
		Entry("meta4: a name with a line feed", meta4Doc("a&#10;b", ""), `contains the control or invisible character U+000A`),
		Entry("3.0: a name with a line feed", metalink3Doc("a&#10;b", ""), `contains the control or invisible character U+000A`),
		Entry("JSON: a name with a line feed", jsonDoc(`a\nb`, ""), `contains the control or invisible character U+000A`),
		Entry("meta4: a name with DEL", meta4Doc("a\x7fb", ""), `contains the control or invisible character U+007F`),
		Entry("JSON: a name with a right-to-left override", jsonDoc(`invoice\u202egpj.exe`, ""), `contains the control or invisible character U+202E`),
		Entry("3.0: a name of blanks", metalink3Doc("  ", ""), `a path segment begins or ends with white space`),
		Entry("JSON: a name with a trailing blank", jsonDoc(`a.tgz `, ""), `a path segment begins or ends with white space`),
		Entry("meta4: a name with a trailing dot", meta4Doc("a.tgz.", ""), `a path segment ends with a dot`),
	)

	DescribeTable("find a hash however its type was spelt",
		func(doc string) {
			tool := newTool()
			Expect(os.WriteFile(at(tool, "d.meta4"), []byte(doc), 0o644)).To(Succeed())
			Expect(tool.Succeed("--metalink", "d.meta4", "file-hash", "sha-1")).To(Equal("da39a3ee5e6b4b0d3255bfef95601890afd80709\n"))
			Expect(tool.Succeed("--metalink", "d.meta4", "checksums", "--type", "sha-256")).To(Equal(
				"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a\n"))
		},
		Entry("meta4", meta4Doc("a", `<hash type="sha1">da39a3ee5e6b4b0d3255bfef95601890afd80709</hash>`+
			`<hash type="SHA256">e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855</hash>`)),
		Entry("Metalink 3.0", metalink3Doc("a", `<verification><hash type="SHA1">da39a3ee5e6b4b0d3255bfef95601890afd80709</hash>`+
			`<hash type="sha256">e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855</hash></verification>`)),
		Entry("JSON", jsonDoc("a", `"hashes":[{"type":"Sha1","hash":"da39a3ee5e6b4b0d3255bfef95601890afd80709"},`+
			`{"type":"SHA-256","hash":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}]`)),
	)
})
