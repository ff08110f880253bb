package e2e_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/metalink-resources/metalink-resources/ci/e2e"
)

const module = "github.com/metalink-resources/metalink-resources/"

func build(pkg string) string {
	GinkgoHelper()
	path, err := gexec.Build(module + pkg)
	Expect(err).NotTo(HaveOccurred())
	return path
}

var _ = Describe("the whole loop", func() {
	It("takes a release from upstream through a mirror and a git repository to a download that works with upstream gone", func(ctx SpecContext) {
		DeferCleanup(gexec.CleanupBuildArtifacts)
		binaries := e2e.Binaries{
			DynamicCheck:    build("dynamic-metalink/cmd/check"),
			DynamicIn:       build("dynamic-metalink/cmd/in"),
			RepositoryCheck: build("metalink-repository/cmd/check"),
			RepositoryIn:    build("metalink-repository/cmd/in"),
			RepositoryOut:   build("metalink-repository/cmd/out"),
		}
		log := gbytes.NewBuffer()
		workDir := GinkgoT().TempDir()
		err := e2e.Run(ctx, e2e.Config{Binaries: binaries, WorkDir: workDir, Log: io.MultiWriter(log, GinkgoWriter)})
		Expect(err).NotTo(HaveOccurred())
		Expect(log).To(gbytes.Say(`\| app-1.1.0.tgz: copied to s3://`))
		Expect(log).To(gbytes.Say(`step 5/7: stop the upstream download site`))
		Expect(log).To(gbytes.Say(`step 7/7: metalink-repository in`))
		Expect(log).To(gbytes.Say(`identical to the upstream release`))
		mirrored, err := os.ReadDir(filepath.Join(workDir, "mirror"))
		Expect(err).NotTo(HaveOccurred())
		Expect(mirrored).To(HaveLen(1), "one copy in the directory mirror, named by its sha-256")
		Expect(strings.Count(string(log.Contents()), "e2e-git-password")).To(BeZero(), "the git password was printed")
	}, SpecTimeout(5*time.Minute))
})
