package meta4repocmd_test

import (
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
)

var _ = Describe("what meta4-repo refuses", func() {
	It("refuses, in show and filter, a document that in would refuse", func() {
		uri := fileRepo(map[string]string{"v1.0.0.meta4": "1.0.0"})
		filetree.Write(filepath.Join(strings.TrimPrefix(uri, "file://"), "v2.0.0.meta4"),
			`{"files":[{"name":"../../escaped","version":"2.0.0","size":4,"urls":[{"url":"https://dl.example.com/x"}]}]}`)
		want := `"v2.0.0.meta4": unsafe file name "../../escaped": contains a ".." segment`
		tool := repoTool()
		Expect(tool.Fail("show", "-f", "fileversion:2.0.0", uri)).To(Equal("meta4-repo show: " + want))
		Expect(tool.Fail("filter", uri)).To(Equal("meta4-repo filter: " + want))
		Expect(tool.Succeed("filter", "--format=version", "-f", "fileversion:1.0.0", uri)).To(Equal("1.0.0\n"))
	})

	It("refuses a file:// repository that does not exist", func() {
		missing := "file://" + filepath.Join(GinkgoT().TempDir(), "missing-dir")
		Expect(repoTool().Fail("filter", missing)).To(MatchRegexp(`^meta4-repo filter: file:///.*/missing-dir: /.*/missing-dir does not exist$`))
		Expect(repoTool().Fail("show", missing)).To(HaveSuffix("/missing-dir does not exist"))
	})

	It("reads file:// with an ssh-only variable set, and names the variable a bad value came from", func() {
		uri := fileRepo(map[string]string{"v1.0.0.meta4": "1.0.0"})
		tool := repoTool("META4_REPO_KNOWN_HOSTS_FILE=no-such-known-hosts")
		Expect(tool.Succeed("filter", "--format=version", uri)).To(Equal("1.0.0\n"))
		Expect(tool.Fail("filter", "git+file:///nowhere")).To(HavePrefix(
			"meta4-repo filter: $META4_REPO_KNOWN_HOSTS_FILE: "))
		Expect(tool.Fail("filter", "--known-hosts-file", "also-missing", "git+file:///nowhere")).To(HavePrefix(
			"meta4-repo filter: --known-hosts-file: "))
	})
})
