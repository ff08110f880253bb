package meta4repocmd_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/patience"
)

func TestMeta4Repo(t *testing.T) {
	RegisterFailHandler(Fail)
	patience.Apply()
	RunSpecs(t, "meta4-repo (built binaries)")
}

// binaries are the built meta4-repo and, for the README's workflows, meta4.
var binaries struct {
	Repo  string `json:"repo"`
	Meta4 string `json:"meta4"`
}

var _ = SynchronizedBeforeSuite(func() []byte {
	const cmd = "github.com/metalink-resources/metalink-resources/shared/cmd/"
	binaries.Repo, binaries.Meta4 = clitest.Build(cmd+"meta4-repo"), clitest.Build(cmd+"meta4")
	data, err := json.Marshal(binaries)
	Expect(err).NotTo(HaveOccurred())
	return data
}, func(data []byte) {
	Expect(json.Unmarshal(data, &binaries)).To(Succeed())
})

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)

// repoTool is meta4-repo running in a fresh directory.
func repoTool(env ...string) clitest.Tool {
	return clitest.New(binaries.Repo, GinkgoT().TempDir(), env...)
}

func parse(text string) metalink.Metalink {
	GinkgoHelper()
	doc, err := metalink.Parse([]byte(text))
	Expect(err).NotTo(HaveOccurred(), text)
	return doc
}

// meta4Doc is a one-file document of version, as JSON.
func meta4Doc(version string) string {
	return fmt.Sprintf(`{"files":[{"name":"app-%[1]s.tgz","version":%[1]q,"size":4,"urls":[{"url":"https://dl.example.com/app-%[1]s.tgz"}]}]}`, version)
}

// fileRepo writes documents (path => version) into a fresh directory and
// returns its file:// URI.
func fileRepo(docs map[string]string) string {
	GinkgoHelper()
	dir := GinkgoT().TempDir()
	for path, version := range docs {
		filetree.Write(filepath.Join(dir, path), meta4Doc(version))
	}
	return "file://" + dir
}
