package integration_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
)

var _ = Describe("check's memo on a git repository", func() {
	var (
		repo   *gitserver.Repo
		source map[string]any
		tmpDir string // one check container's $TMPDIR, kept between checks
	)

	BeforeEach(func() {
		repo = newGitRepo(fmt.Sprintf("memo/%d.git", GinkgoParallelProcess()), gitTree("", []document{
			{"v1.0.0.meta4", release("1.0.0", described("app-1.0.0.tgz", "one"))},
			{"v1.2.0.meta4", release("1.2.0", described("app-1.2.0.tgz", "two"))},
			{"nightly.meta4", metalink.Metalink{Files: []metalink.File{{Name: "app-nightly.tgz"}}}},
		}))
		DeferCleanup(os.RemoveAll, repo.Path)
		address := strings.TrimPrefix(world.gitHTTP.URL, "http://")
		source = map[string]any{"uri": fmt.Sprintf("git+http://%s:%s@%s/%s", gitUser, gitPassword, address, repo.Name)}
		tmpDir = GinkgoT().TempDir()
	})

	check := func(source map[string]any, version any) result {
		return runWithEnv([]string{"TMPDIR=" + tmpDir}, bin.Check, map[string]any{"source": source, "version": version})
	}

	It("answers a check that finds the branch where it was from its memo alone: one ref advertisement, no fetch, no clone needed", func() {
		first := check(source, map[string]string{"version": "1.0.0"})
		Expect(first.code).To(Equal(0), first.stderr)
		Expect(printedVersions(first)).To(Equal([]string{"1.0.0", "1.2.0"}))
		// Without the memo, the next check would have to fetch the branch
		// again into a new clone.
		Expect(os.RemoveAll(filepath.Join(tmpDir, "metalink-repository-git"))).To(Succeed())
		fetches, refLists := world.gitHTTP.UploadPackRequests(), world.gitHTTP.RefListRequests()

		again := check(source, map[string]string{"version": "1.0.0"})
		Expect(again.code).To(Equal(0), again.stderr)
		Expect(again.stdout).To(MatchJSON(first.stdout))
		Expect(world.gitHTTP.UploadPackRequests()).To(Equal(fetches))
		Expect(world.gitHTTP.RefListRequests()).To(Equal(refLists + 1))
		Expect(again.stderr).To(ContainSubstring("skipping nightly.meta4"), "the memo says again what the listing said")
	})

	It("lists again once the branch moved, and finds the new version", func() {
		Expect(printedVersions(check(source, map[string]string{"version": "1.2.0"}))).To(Equal([]string{"1.2.0"}))
		repo.WriteFiles(GinkgoT(), "publish 1.3.0", map[string]string{"v1.3.0.meta4": marshal(release("1.3.0", described("app-1.3.0.tgz", "three")))})
		Expect(printedVersions(check(source, map[string]string{"version": "1.2.0"}))).To(Equal([]string{"1.2.0", "1.3.0"}))
	})

	It("answers another current version, or another source, afresh", func() {
		Expect(printedVersions(check(source, nil))).To(Equal([]string{"1.2.0"}))
		Expect(printedVersions(check(source, map[string]string{"version": "1.0.0"}))).To(Equal([]string{"1.0.0", "1.2.0"}))
		source["version"] = "< 1.1"
		Expect(printedVersions(check(source, nil))).To(Equal([]string{"1.0.0"}))
	})

	It("keeps no secret of the source in its memo", func() {
		Expect(check(source, nil).code).To(Equal(0))
		memos, err := filepath.Glob(filepath.Join(tmpDir, "metalink-repository-check-v1", "*"))
		Expect(err).NotTo(HaveOccurred())
		Expect(memos).To(HaveLen(1))
		Expect(memos[0]).NotTo(ContainSubstring(gitPassword))
		data, err := os.ReadFile(memos[0])
		Expect(err).NotTo(HaveOccurred())
		Expect(string(data)).NotTo(ContainSubstring(gitPassword))
	})
})
