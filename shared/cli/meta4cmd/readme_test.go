package meta4cmd_test

import (
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
	"github.com/metalink-resources/metalink-resources/shared/testsupport/readme"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

var _ = Describe("the README's GitHub mirror script", func() {
	It("imports the release, downloads, uploads and publishes each file, as written", func() {
		archive := strings.Repeat("gh linux amd64\n", 3000)
		mux := http.NewServeMux()
		var api *httptest.Server
		mux.HandleFunc("GET /repos/cli/cli/releases/tags/v2.50.0", func(w http.ResponseWriter, _ *http.Request) {
			asset := `{"name":%q,"size":%d,"browser_download_url":%q,"digest":"sha256:%s"}`
			_, _ = fmt.Fprintf(w, `{"tag_name":"v2.50.0","published_at":"2024-05-29T10:00:00Z","assets":[`+asset+`,`+asset+`]}`,
				"gh_2.50.0_linux_amd64.tar.gz", len(archive), api.URL+"/download/linux", sha256Hex(archive),
				"gh_2.50.0_macOS_arm64.zip", 3, api.URL+"/download/mac", sha256Hex("mac"))
		})
		mux.HandleFunc("GET /download/linux", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(archive)) })
		api = httptest.NewServer(mux)
		DeferCleanup(api.Close)
		s3 := s3server.Start(GinkgoT(), "acme-mirror")
		repo, dir := GinkgoT().TempDir(), GinkgoT().TempDir()
		bin := GinkgoT().TempDir()
		Expect(os.Symlink(binary, filepath.Join(bin, "meta4"))).To(Succeed())
		Expect(os.Symlink(repoBinary, filepath.Join(bin, "meta4-repo"))).To(Succeed())

		script, err := readme.Find("../../../README.md", "# mirror-gh.sh VERSION:")
		Expect(err).NotTo(HaveOccurred())
		run := exec.Command("bash", "-c", script, "mirror-gh.sh", "2.50.0")
		run.Dir = dir
		run.Env = append(clitest.IsolatedEnv(), "PATH="+bin+":/usr/bin:/bin", "GITHUB_API_URL="+api.URL,
			"mirror=s3://"+s3.Host+"/acme-mirror", "repo=file://"+repo, "s3_flags=--disable-ssl",
			"AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3server.SecretKey)
		out, err := run.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		Expect(string(out)).NotTo(ContainSubstring(s3server.SecretKey))

		Expect(filetree.Read(filepath.Join(s3.Dir, "acme-mirror", "github.com", "cli", "cli", "2.50.0", "gh_2.50.0_linux_amd64.tar.gz"))).To(Equal(archive))
		stored := document(filepath.Join(repo, "v2.50.0.meta4"))
		Expect(stored.Files).To(HaveLen(1))
		Expect(stored.Files[0].URLs).To(HaveLen(2))
		Expect(stored.Files[0].Version).To(Equal("2.50.0"))
	})
})
