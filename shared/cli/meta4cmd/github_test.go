package meta4cmd_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

const githubToken = "ghp_0123456789abcdefSECRET"

// fakeGitHub answers the REST API's release by tag, as GitHub does, and
// serves the assets' bytes at their browser_download_url.
type fakeGitHub struct {
	server *httptest.Server
	assets map[string]string // name => content

	mu    sync.Mutex
	auths []string // Authorization headers of API requests
	downs []string // Authorization headers of downloads
}

func startFakeGitHub() *fakeGitHub {
	g := &fakeGitHub{assets: map[string]string{
		"tool-linux-amd64.tgz":  "linux bytes",
		"tool-darwin-arm64.tgz": "darwin bytes",
		"checksums.txt":         "old checksums",
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /repos/acme/tool/releases/tags/{tag}", g.release)
	mux.HandleFunc("GET /download/{name}", func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		g.downs = append(g.downs, r.Header.Get("Authorization"))
		g.mu.Unlock()
		_, _ = w.Write([]byte(g.assets[r.PathValue("name")]))
	})
	// Unstarted, so that g.server is set before a handler reads it.
	g.server = httptest.NewUnstartedServer(mux)
	g.server.Start()
	DeferCleanup(g.server.Close)
	return g
}

// authorizations are the Authorization headers of the API requests and of
// the downloads so far.
func (g *fakeGitHub) authorizations() (api, downloads []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.auths...), append([]string(nil), g.downs...)
}

func (g *fakeGitHub) release(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.auths = append(g.auths, r.Header.Get("Authorization"))
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch r.PathValue("tag") {
	case "v1.4.0":
		g.answerRelease(w)
	case "limited":
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC).Unix(), 10))
		w.WriteHeader(http.StatusForbidden)
		// A server that echoes what it got: the token must still not show.
		_, _ = w.Write([]byte(`{"message":"API rate limit exceeded for ` + r.Header.Get("Authorization") + `"}`))
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"message":"Not Found","documentation_url":"https://docs.github.com/rest"}`))
	}
}

func (g *fakeGitHub) answerRelease(w http.ResponseWriter) {
	asset := func(name string, digest bool) map[string]any {
		a := map[string]any{
			"name": name, "size": len(g.assets[name]), "content_type": "application/gzip", "state": "uploaded",
			"browser_download_url": g.server.URL + "/download/" + name, "digest": nil,
		}
		if digest {
			a["digest"] = "sha256:" + sha256Hex(g.assets[name])
		}
		return a
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"tag_name": "v1.4.0", "name": "Tool 1.4.0", "draft": false, "published_at": "2024-03-01T10:00:00Z",
		"assets": []any{asset("tool-linux-amd64.tgz", true), asset("tool-darwin-arm64.tgz", false), asset("checksums.txt", true)},
	})
}

var _ = Describe("import-github-release", func() {
	var github *fakeGitHub

	BeforeEach(func() { github = startFakeGitHub() })

	tool := func(env ...string) clitest.Tool {
		return newTool(append([]string{"GITHUB_API_URL=" + github.server.URL, "GITHUB_TOKEN=" + githubToken}, env...)...)
	}

	It("adds one file per asset: size, URL, the digest as sha-256, an asset without one hashed while it streams", func() {
		t := tool()
		t.Succeed("import-github-release", "--exclude", "*.txt", "acme/tool", "v1.4.0")
		doc := document(at(t, "metalink.meta4"))
		Expect(doc.Files).To(Equal([]metalink.File{
			{Name: "tool-linux-amd64.tgz", Version: "1.4.0", Size: 11,
				Hashes: []metalink.Hash{{Type: "sha-256", Hash: sha256Hex("linux bytes")}},
				URLs:   []metalink.URL{{URL: github.server.URL + "/download/tool-linux-amd64.tgz"}}},
			{Name: "tool-darwin-arm64.tgz", Version: "1.4.0", Size: 12, Hashes: allHashes("darwin bytes"),
				URLs: []metalink.URL{{URL: github.server.URL + "/download/tool-darwin-arm64.tgz"}}},
		}))
		Expect(doc.Published.Equal(time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC))).To(BeTrue())
		api, downloads := github.authorizations()
		Expect(api).To(ConsistOf("Bearer " + githubToken))
		Expect(downloads).To(ConsistOf(""), "the token never goes to a download URL")
	})

	It("selects with --include, takes --version, and with --no-download refuses an asset without a digest", func() {
		t := tool()
		t.Succeed("import-github-release", "--include", "*linux*", "--version", "1.4", "acme/tool", "v1.4.0")
		Expect(t.Succeed("files")).To(Equal("tool-linux-amd64.tgz\n"))
		Expect(t.Succeed("file-version")).To(Equal("1.4\n"))
		Expect(t.Fail("import-github-release", "--no-download", "--include", "*darwin*", "acme/tool", "v1.4.0")).To(Equal(
			"meta4 import-github-release: asset tool-darwin-arm64.tgz has no digest (and --no-download forbids hashing it)"))
		Expect(t.Succeed("files")).To(Equal("tool-linux-amd64.tgz\n"))
		Expect(t.Fail("import-github-release", "--include", "*.zip", "acme/tool", "v1.4.0")).To(Equal(
			"meta4 import-github-release: release v1.4.0 of acme/tool has no asset that --include and --exclude select (3 assets)"))
		Expect(t.Fail("import-github-release", "--include", "*.tgz", "--exclude", "[a-", "acme/tool", "v1.4.0")).To(Equal(
			`meta4 import-github-release: --exclude[0]: bad pattern "[a-": syntax error in pattern`))
	})

	It("names a tag that has no release", func() {
		Expect(tool().Fail("import-github-release", "acme/tool", "v9.9.9")).To(Equal(
			"meta4 import-github-release: no release v9.9.9 of acme/tool at " + github.server.URL + " (404 Not Found)"))
	})

	It("says when the rate limit resets, without printing the token", func() {
		r := tool().Run("import-github-release", "acme/tool", "limited")
		line := r.FailedLine()
		Expect(line).To(Equal(`meta4 import-github-release: GitHub API rate limit exceeded (the limit resets at 2030-01-02T03:04:05Z): "API rate limit exceeded for Bearer [redacted]"`))
		Expect(r.Stderr + r.Stdout).NotTo(ContainSubstring(githubToken))
		anonymous := newTool("GITHUB_API_URL="+github.server.URL).Fail("import-github-release", "acme/tool", "limited")
		Expect(anonymous).To(ContainSubstring("(the limit resets at 2030-01-02T03:04:05Z); set GITHUB_TOKEN for a higher limit"))
	})

	It("works as a metalink_get script, printing the release's metalink on stdout", func() {
		t := tool("version=1.4.0", "PATH="+filepath.Dir(binary)+":/usr/bin:/bin")
		script := exec.Command("bash", "-euo", "pipefail", "-c", `
			meta4 import-github-release --metalink=release.meta4 --include '*_linux_*' --include '*-linux-*' acme/tool "v$version"
			cat release.meta4`)
		script.Dir, script.Env = t.Dir, t.Env
		var stdout, stderr strings.Builder
		script.Stdout, script.Stderr = &stdout, &stderr
		Expect(script.Run()).To(Succeed(), stderr.String())
		doc, err := metalink.Parse([]byte(stdout.String()))
		Expect(err).NotTo(HaveOccurred())
		Expect(doc.Validate()).To(Succeed())
		Expect(doc.Files).To(HaveLen(1))
		Expect(doc.Files[0].Version).To(Equal("1.4.0"))
	})

	It("refuses what is not OWNER/REPO", func() {
		Expect(tool().Fail("import-github-release", "acme", "v1")).To(Equal(`meta4 import-github-release: "acme" is not OWNER/REPO`))
	})
})
