package meta4repo_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/metalink-repository/clirun/clitest"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/readme"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// readmePath is the project's README, from this package's directory.
const readmePath = "../../README.md"

// readmeScript is the README's code block that starts with start, as written.
func readmeScript(start string) string {
	GinkgoHelper()
	script, err := readme.Find(readmePath, start)
	Expect(err).NotTo(HaveOccurred())
	return script
}

var _ = Describe("the README's release workflow", func() {
	It("creates the bucket, imports, uploads to S3, publishes to git over http, filters, shows and downloads, as written", func() {
		s3 := s3server.Start(GinkgoT())
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "acme/metalinks.git")
		server := gitserver.StartHTTP(GinkgoT(), root, gitUser, gitPassword)
		dir := GinkgoT().TempDir()
		for _, name := range []string{"app-linux-amd64", "app-darwin-arm64"} {
			writeFile(filepath.Join(dir, "build", name), strings.Repeat(name+"\n", 20000))
		}
		bin := GinkgoT().TempDir()
		Expect(os.Symlink(binaries.Meta4, filepath.Join(bin, "meta4"))).To(Succeed())
		Expect(os.Symlink(binaries.Repo, filepath.Join(bin, "meta4-repo"))).To(Succeed())

		script := exec.Command("bash", "-c", readmeScript("#!/usr/bin/env bash\n# release.sh:"))
		script.Dir = dir
		script.Env = append(clitest.IsolatedEnv(),
			"PATH="+bin+":/usr/bin:/bin",
			"s3_endpoint=http://"+s3.Host, "bucket_name=releases",
			"repo=git+"+strings.Replace(server.RepoURL(repo), "http://", "http://"+gitUser+"@", 1)+"#main",
			"META4_REPO_PASSWORD="+gitPassword,
			"AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3server.SecretKey,
		)
		out, err := script.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).NotTo(ContainSubstring(gitPassword))
		Expect(string(out)).NotTo(ContainSubstring(s3server.SecretKey))
		Expect(string(out)).To(ContainSubstring("\n1.2.3\n"))

		Expect(readFile(filepath.Join(dir, "downloads", "app-linux-amd64"))).To(Equal(strings.Repeat("app-linux-amd64\n", 20000)))
		Expect(readFile(filepath.Join(s3.Dir, "releases", "releases", "v1.2.3", "app-darwin-arm64"))).To(
			Equal(strings.Repeat("app-darwin-arm64\n", 20000)))
		stored := parse(repo.Show(GinkgoT(), "v1.2.3.meta4"))
		Expect(stored.Files).To(HaveLen(2))
		Expect(stored.Files[0].URLs[0].URL).To(Equal("s3://" + s3.Host + "/releases/releases/v1.2.3/app-darwin-arm64"))
		Expect(stored.Published).NotTo(BeNil())
	})
})
