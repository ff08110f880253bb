package meta4cmd_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/patience"
)

func TestMeta4(t *testing.T) {
	RegisterFailHandler(Fail)
	patience.Apply()
	RunSpecs(t, "meta4 (built binary)")
}

// binary is the built meta4; repoBinary the built meta4-repo, which the
// hostile corpus drives too.
var binary, repoBinary string

var _ = SynchronizedBeforeSuite(func() []byte {
	const cmd = "github.com/metalink-resources/metalink-resources/shared/cmd/"
	return []byte(clitest.Build(cmd+"meta4") + "\n" + clitest.Build(cmd+"meta4-repo"))
}, func(paths []byte) {
	binary, repoBinary, _ = strings.Cut(string(paths), "\n")
})

var _ = SynchronizedAfterSuite(func() {}, gexec.CleanupBuildArtifacts)

// newTool is meta4 running in a fresh directory.
func newTool(env ...string) clitest.Tool {
	return clitest.New(binary, GinkgoT().TempDir(), env...)
}

// at is a path inside the tool's directory.
func at(t clitest.Tool, name string) string { return filepath.Join(t.Dir, name) }

// document parses the metalink at path.
func document(path string) metalink.Metalink {
	GinkgoHelper()
	doc, err := metalink.Parse([]byte(filetree.Read(path)))
	Expect(err).NotTo(HaveOccurred())
	return doc
}

// entries lists a directory's names.
func entries(dir string) []string {
	GinkgoHelper()
	list, err := os.ReadDir(dir)
	Expect(err).NotTo(HaveOccurred())
	names := make([]string, 0, len(list))
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}
