package publish_test

import (
	"bytes"
	"errors"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/repository/publish"
)

// names say the fields as a tool would: the document by its file.
func names(f string) string {
	return map[string]string{"metalink": "doc.json", "name": "--name"}[f]
}

const (
	releaseJSON = `{"files":[{"name":"app.tgz","version":"1.2.0","size":4,"urls":[{"url":"https://dl.example.com/app.tgz"}]}]}`
	releaseXML  = `<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name="app.tgz"><version>1.2.0</version>` +
		`<size>4</size><url>https://dl.example.com/app.tgz</url></file></metalink>`
)

var _ = Describe("Prepare", func() {
	It("reads JSON and XML alike into the document to store", func() {
		var log bytes.Buffer
		fromJSON, err := publish.Prepare([]byte(releaseJSON), "stable/v1.2.0.meta4", names, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(fromJSON.Files).To(HaveLen(1))
		Expect(fromJSON.Files[0].Version).To(Equal("1.2.0"))
		fromXML, err := publish.Prepare([]byte(releaseXML), "v1.2.0.meta4", names, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(fromXML).To(Equal(fromJSON))
		Expect(log.String()).To(BeEmpty())
	})

	It("stores a name List will not show, with a warning", func() {
		var log bytes.Buffer
		_, err := publish.Prepare([]byte(releaseJSON), "v1.2.0.json", names, &log)
		Expect(err).NotTo(HaveOccurred())
		Expect(log.String()).To(Equal("warning: v1.2.0.json is stored, but only names ending in .meta4 are listed\n"))

		_, err = publish.Prepare([]byte(releaseJSON), "v1.2.0.json", names, nil)
		Expect(err).NotTo(HaveOccurred(), "without a log")
	})

	DescribeTable("refuses what out refuses, naming the field by the caller's names, and warns of nothing",
		func(data, name, fieldName, text string) {
			var log bytes.Buffer
			doc, err := publish.Prepare([]byte(data), name, names, &log)
			Expect(err).To(MatchError(text))
			var fieldErr *field.Error
			Expect(errors.As(err, &fieldErr)).To(BeTrue())
			Expect(fieldErr.Field).To(Equal(fieldName))
			Expect(doc).To(Equal(metalink.Metalink{}))
			Expect(log.String()).To(BeEmpty())
		},
		Entry("an empty document", "", "v.meta4", "metalink",
			"doc.json: not a metalink (expected JSON or XML): the document is empty"),
		Entry("a document without files", `{"files":[]}`, "v.meta4", "metalink", "doc.json: metalink has no files"),
		Entry("a first file without a version", `{"files":[{"name":"a"}]}`, "v.txt", "metalink",
			`doc.json: its first file "a" has no version, which is the version check reports`),
		Entry("a first file whose version check could never report", `{"files":[{"name":"a","version":"latest"}]}`, "v.meta4",
			"metalink", `doc.json: its first file "a": invalid version "latest": invalid semantic version, so check could never report it`),
		Entry("a file in would not write", `{"files":[{"name":"../a","version":"1.0.0"}]}`, "v.meta4", "metalink",
			`doc.json: unsafe file name "../a": contains a ".." segment`),
		Entry("a name that leaves the repository", releaseJSON, "../v1.2.0.meta4", "name",
			`--name: unsafe file name "../v1.2.0.meta4": contains a ".." segment`),
		Entry("an absolute name", releaseJSON, "/v1.2.0.meta4", "name",
			`--name: unsafe file name "/v1.2.0.meta4": is an absolute path`),
		Entry("a name among the resource's records", releaseJSON, ".resource/v1.2.0.meta4", "name",
			`--name: ".resource/v1.2.0.meta4": .resource/ is reserved for the resource's own records`),
	)
})

var _ = Describe("CheckUnchanged", func() {
	published := []repository.Entry{{Path: "v1.0.0.meta4", Metalink: metalink.Metalink{Files: []metalink.File{
		{Name: "a.tgz", Version: "1.0.0", Size: 3, Hashes: []metalink.Hash{{Type: "sha-256", Hash: "AB"}}},
	}}}}
	doc := func(f metalink.File) metalink.Metalink {
		f.Version = "1.0.0"
		return metalink.Metalink{Files: []metalink.File{f}}
	}

	DescribeTable("compares what both descriptions know of a file of the same name",
		func(name string, now metalink.File, want string) {
			err := publish.CheckUnchanged(published, name, doc(now))
			if want == "" {
				Expect(err).NotTo(HaveOccurred())
				return
			}
			Expect(err).To(MatchError(want))
		},
		Entry("the same hash in another case", "v1.0.0.meta4", metalink.File{Name: "a.tgz", Size: 3, Hashes: []metalink.Hash{{Type: "SHA256", Hash: "ab"}}}, ""),
		Entry("another size", "x.meta4", metalink.File{Name: "a.tgz", Size: 4}, `upstream changed "a.tgz" since it was mirrored as version 1.0.0: size was 3 bytes, now 4`),
		Entry("another hash", "x.meta4", metalink.File{Name: "a.tgz", Hashes: []metalink.Hash{{Type: "sha-256", Hash: "ac"}}}, `upstream changed "a.tgz" since it was mirrored as version 1.0.0: sha-256 was AB, now ac`),
		Entry("a malformed hash, left to the hash checks", "x.meta4", metalink.File{Name: "a.tgz", Hashes: []metalink.Hash{{Type: "sha-256", Hash: "abcd"}}}, ""),
		Entry("only another hash type", "x.meta4", metalink.File{Name: "a.tgz", Hashes: []metalink.Hash{{Type: "sha-512", Hash: "ff"}}}, ""),
		Entry("another file", "x.meta4", metalink.File{Name: "b.tgz", Size: 9}, ""),
	)

	It("passes another version under another name", func() {
		other := doc(metalink.File{Name: "a.tgz", Size: 9})
		other.Files[0].Version = "1.0.1"
		Expect(publish.CheckUnchanged(published, "v1.0.1.meta4", other)).To(Succeed())
	})
})
