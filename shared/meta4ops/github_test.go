package meta4ops_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/meta4ops"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/selection"
)

var _ = Describe("importing a GitHub release", func() {
	var (
		d        *meta4ops.Document
		server   *httptest.Server
		github   *meta4ops.GitHubClient
		mu       sync.Mutex
		auths    []string // Authorization headers, API requests and downloads alike
		ctx      = context.Background()
		linuxSum = sha256Hex("linux")
		// repoStatus is how the API answers for the repository itself.
		repoStatus int
	)

	BeforeEach(func() {
		d, auths = newDocument(), nil
		mux := http.NewServeMux()
		mux.HandleFunc("GET /repos/acme/tool/releases/tags/v1.2", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			auths = append(auths, r.Header.Get("Authorization"))
			mu.Unlock()
			_ = json.NewEncoder(w).Encode(map[string]any{"tag_name": "v1.2", "published_at": "2026-01-02T03:04:05Z", "assets": []map[string]any{
				{"name": "tool-linux.tgz", "size": 5, "browser_download_url": server.URL + "/dl/linux", "digest": "sha256:" + linuxSum},
				{"name": "tool-darwin.tgz", "size": 6, "browser_download_url": server.URL + "/dl/darwin"},
			}})
		})
		repoStatus = http.StatusOK
		mux.HandleFunc("GET /repos/acme/tool", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(repoStatus)
			_ = json.NewEncoder(w).Encode(map[string]any{"owner": map[string]any{"login": "acme", "html_url": "https://github.com/acme"},
				"license": map[string]any{"spdx_id": "Apache-2.0", "name": "Apache License 2.0"}})
		})
		mux.HandleFunc("GET /dl/darwin", func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			auths = append(auths, r.Header.Get("Authorization"))
			mu.Unlock()
			_, _ = w.Write([]byte("darwin"))
		})
		server = httptest.NewServer(mux)
		DeferCleanup(server.Close)
		env := map[string]string{"GITHUB_API_URL": server.URL, "GITHUB_TOKEN": "secret"}
		github = meta4ops.NewGitHubClient(func(k string) string { return env[k] }, http.DefaultTransport)
	})

	It("records GitHub's digests, and hashes an asset without one while it downloads", func() {
		log := gbytes.NewBuffer()
		opts := meta4ops.ImportGitHubReleaseOptions{Log: log}
		Expect(meta4ops.ImportGitHubRelease(ctx, d, "acme/tool", "v1.2", opts, github, download.Options{})).To(Succeed())
		doc := written(d)
		Expect(doc.Published).NotTo(BeNil())
		Expect(doc.Files).To(HaveLen(2))
		linux, darwin := doc.Files[0], doc.Files[1]
		Expect(linux.Hashes).To(Equal([]metalink.Hash{{Type: "sha-256", Hash: linuxSum}}))
		Expect(linux.Version).To(Equal("1.2"))
		Expect(darwin.Size).To(BeEquivalentTo(6))
		Expect(hashOf(darwin, "sha-256")).To(Equal(sha256Hex("darwin")))
		Expect(log).To(gbytes.Say("tool-darwin.tgz: no digest from GitHub, downloading it to hash it"))
		Expect(auths).To(Equal([]string{"Bearer secret", ""}), "the token goes to the API only")
	})

	It("records the repository's owner as the publisher and its licence on every file", func() {
		Expect(meta4ops.ImportGitHubRelease(ctx, d, "acme/tool", "v1.2", meta4ops.ImportGitHubReleaseOptions{}, github, download.Options{})).To(Succeed())
		for _, f := range written(d).Files {
			Expect(f.Publisher).To(Equal(&metalink.Publisher{Name: "acme", URL: "https://github.com/acme"}))
			Expect(f.License).To(Equal(&metalink.License{Name: "Apache-2.0"}))
		}
	})

	It("imports without records, and says so, when the API does not describe the repository", func() {
		repoStatus = http.StatusForbidden
		log := gbytes.NewBuffer()
		Expect(meta4ops.ImportGitHubRelease(ctx, d, "acme/tool", "v1.2", meta4ops.ImportGitHubReleaseOptions{Log: log}, github, download.Options{})).To(Succeed())
		Expect(log).To(gbytes.Say(`warning: no publisher or licence recorded: get repository acme/tool: GitHub API answered 403 Forbidden\n`))
		Expect(written(d).Files[0].Publisher).To(BeNil())
	})

	It("fails on an asset without a digest when told not to download, naming that option", func() {
		opts := meta4ops.ImportGitHubReleaseOptions{NoDownload: true, Names: flagNames}
		Expect(meta4ops.ImportGitHubRelease(ctx, d, "acme/tool", "v1.2", opts, github, download.Options{})).To(MatchError(
			"asset tool-darwin.tgz has no digest (and --no_download forbids hashing it)"))
	})

	It("says which options selected no asset", func() {
		opts := meta4ops.ImportGitHubReleaseOptions{Assets: selection.Filter{Include: []string{"*.zip"}}, Names: flagNames}
		Expect(meta4ops.ImportGitHubRelease(ctx, d, "acme/tool", "v1.2", opts, github, download.Options{})).To(MatchError(
			"release v1.2 of acme/tool has no asset that --include and --exclude select (2 assets)"))
	})

	It("refuses what is not OWNER/REPO before asking", func() {
		err := meta4ops.ImportGitHubRelease(ctx, d, "acme", "v1.2", meta4ops.ImportGitHubReleaseOptions{}, github, download.Options{})
		Expect(err).To(MatchError(`"acme" is not OWNER/REPO`))
		Expect(auths).To(BeEmpty())
	})
})
