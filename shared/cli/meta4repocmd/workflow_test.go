package meta4repocmd_test

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/readme"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// readmePath is the project's README, from this package's directory.
const readmePath = "../../../README.md"

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
			filetree.Write(filepath.Join(dir, "build", name), strings.Repeat(name+"\n", 20000))
		}
		bin := toolsOnPath()

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

		Expect(filetree.Read(filepath.Join(dir, "downloads", "app-linux-amd64"))).To(Equal(strings.Repeat("app-linux-amd64\n", 20000)))
		Expect(filetree.Read(filepath.Join(s3.Dir, "releases", "releases", "v1.2.3", "app-darwin-arm64"))).To(
			Equal(strings.Repeat("app-darwin-arm64\n", 20000)))

		// The release-notes loop after it, with the script's $xmlpath.
		loop := readmeScript("for file in $( meta4 files --metalink=$xmlpath ); do")
		notes := exec.Command("bash", "-euo", "pipefail", "-c", "{ "+loop+"} | (cd build && sha256sum -c -)")
		notes.Dir, notes.Env = dir, append(script.Env, "xmlpath=build/v1.2.3.meta4")
		out, err = notes.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(Equal("app-darwin-arm64: OK\napp-linux-amd64: OK\n"))

		stored := parse(repo.Show(GinkgoT(), "v1.2.3.meta4"))
		Expect(stored.Files).To(HaveLen(2))
		Expect(stored.Files[0].URLs[0].URL).To(Equal("s3://" + s3.Host + "/releases/releases/v1.2.3/app-darwin-arm64"))
		Expect(stored.Published).NotTo(BeNil())
	})
})

var _ = Describe("the README's known_hosts example", func() {
	It("reads git over ssh with the variable, then file:// with it still set, and downloads, as written", func() {
		content := strings.Repeat("nginx bytes\n", 1000)
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(content)) }))
		DeferCleanup(site.Close)
		doc := fmt.Sprintf(`{"files":[{"name":"nginx.tgz","version":"1.11.13","size":%d,"hashes":[{"type":"sha-256","hash":"%x"}],"urls":[{"url":%q}]}]}`,
			len(content), sha256.Sum256([]byte(content)), site.URL+"/nginx.tgz")

		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "acme/mirrors.git")
		repo.WriteFiles(GinkgoT(), "nginx", map[string]string{"nginx/v1.11.13.meta4": doc, "nginx/v1.11.2.meta4": strings.ReplaceAll(doc, "1.11.13", "1.11.2")})
		key := gitserver.NewKey(GinkgoT())
		server := gitserver.StartSSH(GinkgoT(), root, key.Public)
		home, local, dir := GinkgoT().TempDir(), GinkgoT().TempDir(), GinkgoT().TempDir()
		filetree.Write(filepath.Join(home, ".ssh", "id_ed25519"), key.PrivatePEM)
		filetree.Write(filepath.Join(home, ".ssh", "known_hosts"), server.KnownHosts()+"\n")
		filetree.Write(filepath.Join(local, "v1.11.13.meta4"), doc)

		// Only the endpoints change: github.com's repository and /srv become local ones.
		example := strings.NewReplacer(
			"git+ssh://git@github.com:acme/mirrors.git", "git+ssh://git@"+server.Addr()+"/"+repo.Name,
			"file:///srv/nginx-metalinks", "file://"+local,
		).Replace(readmeScript("export META4_REPO_KNOWN_HOSTS_FILE="))
		script := exec.Command("bash", "-euo", "pipefail", "-c", example)
		script.Dir = dir
		script.Env = append(clitest.IsolatedEnv(), "HOME="+home, "PATH="+toolsOnPath()+":/usr/bin:/bin")
		out, err := script.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).To(HavePrefix("1.11.13\n1.11.2\n"))
		Expect(string(out)).NotTo(ContainSubstring("not checked"))
		Expect(filetree.Read(filepath.Join(dir, "nginx.tgz"))).To(Equal(content))
	})
})

// toolsOnPath is a directory holding meta4 and meta4-repo, for scripts.
func toolsOnPath() string {
	GinkgoHelper()
	bin := GinkgoT().TempDir()
	Expect(os.Symlink(binaries.Meta4, filepath.Join(bin, "meta4"))).To(Succeed())
	Expect(os.Symlink(binaries.Repo, filepath.Join(bin, "meta4-repo"))).To(Succeed())
	return bin
}
