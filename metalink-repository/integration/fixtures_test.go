package integration_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
)

// downloadable is the content of every release file the download site serves.
var downloadable = map[string]string{
	"app-0.9.0.tgz":      "app 0.9.0, long-term support",
	"app-1.0.0.tgz":      "app 1.0.0",
	"app-1.2.0.tgz":      "app 1.2.0, found behind a dead first URL",
	"notes-1.2.0.txt":    "release notes of 1.2.0",
	"app-2.0.0-rc.1.tgz": "app 2.0.0-rc.1",
}

// The one release file that exists only in the S3 mirror bucket.
const (
	mirroredName    = "app-1.10.0.tgz"
	mirroredContent = "app 1.10.0, mirrored to S3 and readable with credentials only"
)

// document is one metalink at a path inside a repository.
type document struct {
	path     string
	metalink metalink.Metalink
}

// releases is what every backend is seeded with: a few versions, a
// prerelease and two channels in sub-directories.
func (s *servers) releases() []document {
	return []document{
		{"v1.0.0.meta4", release("1.0.0", s.downloaded("app-1.0.0.tgz"))},
		{"v1.2.0.meta4", release("1.2.0", s.behindDeadURL("app-1.2.0.tgz"), s.downloaded("notes-1.2.0.txt"))},
		{"v1.10.0.meta4", release("1.10.0", s.mirrored())},
		{"rc/v2.0.0-rc.1.meta4", release("2.0.0-rc.1", s.downloaded("app-2.0.0-rc.1.tgz"))},
		{"lts/v0.9.0.meta4", release("0.9.0", s.downloaded("app-0.9.0.tgz"))},
	}
}

func release(version string, files ...metalink.File) metalink.Metalink {
	for i := range files {
		files[i].Version = version
	}
	return metalink.Metalink{Files: files}
}

// downloaded describes a file of the download site.
func (s *servers) downloaded(name string) metalink.File {
	return described(name, downloadable[name], metalink.URL{URL: s.downloads.URL + "/files/" + name})
}

// behindDeadURL describes a file whose preferred URL, first in the document
// too, answers 404; only the second one works.
func (s *servers) behindDeadURL(name string) metalink.File {
	return described(name, downloadable[name],
		metalink.URL{URL: s.downloads.URL + "/gone/" + name, Priority: fixtures.Priority(1)},
		metalink.URL{URL: s.downloads.URL + "/files/" + name, Priority: fixtures.Priority(2)},
	)
}

// mirrored describes the file stored in the S3 mirror bucket, which is
// stored there on first use.
func (s *servers) mirrored() metalink.File {
	Expect(s.s3.Put(context.Background(), mirrorBucket, "releases/"+mirroredName, []byte(mirroredContent))).To(Succeed())
	return described(mirroredName, mirroredContent, metalink.URL{URL: s.s3.URL(mirrorBucket, "releases/"+mirroredName)})
}

func described(name, content string, urls ...metalink.URL) metalink.File {
	sum := sha256.Sum256([]byte(content))
	return metalink.File{
		Name:   name,
		Size:   uint64(len(content)),
		Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}},
		URLs:   urls,
	}
}

func marshal(m metalink.Metalink) string {
	data, err := metalink.MarshalXML(m)
	Expect(err).NotTo(HaveOccurred())
	return string(data)
}
