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
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// workflow is the README's worked example of both tools, the seed's
// workflow: $bucket, $repo and $s3_flags come from the environment.
const workflow = `set -euo pipefail
version=1.2.3
xmlpath=build/v$version.meta4

meta4 create --metalink="$xmlpath"
meta4 set-published --metalink="$xmlpath" "$( date -u +%Y-%m-%dT%H:%M:%SZ )"
for file in $( find build -maxdepth 1 -type f -not -name '*.meta4' | cut -d/ -f2 | sort ); do
  meta4 import-file --metalink="$xmlpath" --file="$file" --version="$version" "build/$file"
  meta4 file-upload $s3_flags --metalink="$xmlpath" --file="$file" "build/$file" "$bucket/releases/v$version/$file"
done

meta4-repo put "$repo" "$xmlpath"
meta4-repo filter --format=version -n8 "$repo"

mkdir -p downloads && cd downloads
meta4-repo show --filter fileversion:$version "$repo" > metalink.meta4
meta4 file-download $s3_flags --file=app-linux-amd64 app-linux-amd64
`

var _ = Describe("the seed's workflow", func() {
	It("creates, imports, uploads to S3, publishes to git over http, filters, shows and downloads", func() {
		s3 := s3server.Start(GinkgoT(), "releases")
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

		script := exec.Command("bash", "-c", workflow)
		script.Dir = dir
		script.Env = append(clitest.IsolatedEnv(),
			"PATH="+bin+":/usr/bin:/bin",
			"bucket=s3://"+s3.Host+"/releases", "s3_flags=--disable-ssl",
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
