package integration_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/forwardproxy"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/tlsca"
)

// networkRepos numbers the repositories these specs make, so that specs
// running in parallel never share one.
var networkRepos atomic.Int64

// tlsWorld is every kind of server the resource talks to, over TLS with a
// certificate of a private CA that no system trusts.
type tlsWorld struct {
	ca        *tlsca.CA
	downloads string // https://127.0.0.1:PORT of the download site
	s3        *s3server.TLSFront
	git       *gitserver.HTTPServer
	prefix    string // of this spec's objects in the mirror bucket
}

func startTLSWorld() *tlsWorld {
	t := GinkgoT()
	ca := tlsca.New(t, "metalink test CA")
	cert := ca.ServerCertificate(t)
	return &tlsWorld{
		ca:        ca,
		downloads: ca.StartServer(t, http.HandlerFunc(serveDownload)).URL,
		s3:        s3server.StartTLS(t, world.s3, cert),
		git:       gitserver.StartHTTPS(t, world.gitRoot, gitUser, gitPassword, cert),
		prefix:    fmt.Sprintf("net-%d-%d/", GinkgoParallelProcess(), networkRepos.Add(1)),
	}
}

// fileRepository stores docs in a new file:// repository.
func fileRepository(docs ...document) string {
	root := GinkgoT().TempDir()
	for _, doc := range docs {
		Expect(os.WriteFile(filepath.Join(root, doc.path), []byte(marshal(doc.metalink)), 0o644)).To(Succeed())
	}
	return "file://" + filepath.ToSlash(root)
}

// s3Object stores content in the mirror bucket under the spec's prefix
// and returns its key.
func (w *tlsWorld) s3Object(name, content string) string {
	key := w.prefix + name
	Expect(world.s3.Put(context.Background(), mirrorBucket, key, []byte(content))).To(Succeed())
	return key
}

// gitRepository is a new repository with docs on the git server, and its
// git+https:// uri with credentials, on host (127.0.0.1 or a made-up
// name the proxy resolves).
func (w *tlsWorld) gitRepository(host string, docs ...document) string {
	repo := newGitRepo(fmt.Sprintf("net/%d-%d.git", GinkgoParallelProcess(), networkRepos.Add(1)), gitTree("", docs))
	return fmt.Sprintf("git+https://%s:%s@%s/%s", gitUser, gitPassword, onHost(w.git.URL, host), repo.Name)
}

// onHost is the host:port of rawURL with its host replaced.
func onHost(rawURL, host string) string {
	u, err := url.Parse(rawURL)
	Expect(err).NotTo(HaveOccurred())
	return host + ":" + u.Port()
}

// s3Handler is a url_handlers entry with the root credentials for the
// TLS front, however its host is spelled.
func s3TLSHandler() map[string]any {
	return map[string]any{"type": "s3", "options": map[string]any{"access_key": s3server.AccessKey, "secret_key": s3server.SecretKey}}
}

func getRequest(source map[string]any, version string) map[string]any {
	return map[string]any{"source": source, "version": map[string]string{"version": version}}
}

func expectLastLine(got result, command string, want ...string) {
	Expect(got.code).To(Equal(1), "stdout: %s\nstderr: %s", got.stdout, got.stderr)
	lines := got.lines()
	Expect(lines).NotTo(BeEmpty())
	last := lines[len(lines)-1]
	Expect(last).To(HavePrefix(command + ": "))
	for _, part := range want {
		Expect(last).To(ContainSubstring(part))
	}
}

const unknownAuthority = "certificate signed by unknown authority"

var _ = Describe("network options", func() {
	var w *tlsWorld

	BeforeEach(func() {
		w = startTLSWorld()
	})

	Describe("an https download from a server of a private CA", func() {
		var source map[string]any
		var fileURL string

		BeforeEach(func() {
			fileURL = w.downloads + "/files/app-1.0.0.tgz"
			doc := document{"v1.0.0.meta4", release("1.0.0", described("app-1.0.0.tgz", downloadable["app-1.0.0.tgz"], metalink.URL{URL: fileURL}))}
			source = map[string]any{"uri": fileRepository(doc)}
		})

		It("is refused without ca_certs, naming the URL", func() {
			got := run(bin.In, getRequest(source, "1.0.0"), GinkgoT().TempDir())
			expectLastLine(got, "in", fileURL, unknownAuthority)
		})

		It("is accepted with the CA in ca_certs", func() {
			source["ca_certs"] = []string{w.ca.PEM}
			dest := GinkgoT().TempDir()
			got := run(bin.In, getRequest(source, "1.0.0"), dest)
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(os.ReadFile(filepath.Join(dest, "app-1.0.0.tgz"))).To(Equal([]byte(downloadable["app-1.0.0.tgz"])))
			Expect(got.stderr).NotTo(ContainSubstring("warning"))
		})

		It("is accepted with skip_ssl_verification, which warns once", func() {
			source["skip_ssl_verification"] = true
			got := run(bin.In, getRequest(source, "1.0.0"), GinkgoT().TempDir())
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(strings.Count(got.stderr, "warning: source.skip_ssl_verification is on")).To(Equal(1), got.stderr)
		})

		It("is checked by check, which refuses a bad ca_certs before any work", func() {
			source["ca_certs"] = []string{w.ca.PEM, "not a certificate"}
			expectLastLine(run(bin.Check, map[string]any{"source": source}), "check", "source.ca_certs[1]: not a PEM certificate")
		})
	})

	Describe("S3 behind TLS with a private CA", func() {
		It("refuses an s3 repository without ca_certs and lists it with them", func() {
			w.s3Object("v1.0.0.meta4", marshal(release("1.0.0", described("app-1.0.0.tgz", "x"))))
			source := map[string]any{"uri": w.s3.URL(mirrorBucket, w.prefix), "options": w.s3.Options()}
			expectLastLine(run(bin.Check, map[string]any{"source": source}), "check", w.s3.Host, unknownAuthority)

			source["ca_certs"] = []string{w.ca.PEM}
			got := run(bin.Check, map[string]any{"source": source})
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(printedVersions(got)).To(Equal([]string{"1.0.0"}))
		})

		It("downloads an s3:// URL with ca_certs only", func() {
			key := w.s3Object(mirroredName, mirroredContent)
			doc := document{"v1.10.0.meta4", release("1.10.0", described(mirroredName, mirroredContent, metalink.URL{URL: w.s3.URL(mirrorBucket, key)}))}
			source := map[string]any{"uri": fileRepository(doc), "url_handlers": []any{s3TLSHandler()}}
			expectLastLine(run(bin.In, getRequest(source, "1.10.0"), GinkgoT().TempDir()), "in", unknownAuthority)

			source["ca_certs"] = []string{w.ca.PEM}
			dest := GinkgoT().TempDir()
			got := run(bin.In, getRequest(source, "1.10.0"), dest)
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(os.ReadFile(filepath.Join(dest, mirroredName))).To(Equal([]byte(mirroredContent)))
			expectNoSecret(got)
		})
	})

	Describe("an S3 mirror_files destination behind TLS with a private CA", func() {
		It("is refused without ca_certs and written with them", func() {
			repo, bucket, build := newOutRepo(), newOutBucket(), newOutBuild()
			build.write("dist/app.tgz", []byte("app 4.0.0 over TLS"))
			build.write("version", []byte("4.0.0"))
			source := map[string]any{
				"uri":          repo.httpURI(),
				"url_handlers": []any{s3TLSHandler()},
				"mirror_files": []map[string]any{{"destination": w.s3.URL(string(bucket), "{{.Version}}/{{.Name}}")}},
			}
			request := map[string]any{"source": source, "params": map[string]any{"files": []string{"dist/*"}, "version": "version"}}
			expectLastLine(run(bin.Out, request, string(build)), "out", w.s3.Host, unknownAuthority)
			_, _, stored := bucket.object("4.0.0/app.tgz")
			Expect(stored).To(BeFalse())

			source["ca_certs"] = []string{w.ca.PEM}
			got := run(bin.Out, request, string(build))
			Expect(got.code).To(Equal(0), got.stderr)
			content, _, stored := bucket.object("4.0.0/app.tgz")
			Expect(stored).To(BeTrue())
			Expect(string(content)).To(Equal("app 4.0.0 over TLS"))
			expectNoSecret(got)
		})
	})

	Describe("git over https with a private CA", func() {
		It("refuses the repository without ca_certs and lists it with them", func() {
			uri := w.gitRepository("127.0.0.1", document{"v1.0.0.meta4", release("1.0.0", described("app-1.0.0.tgz", "x"))})
			source := map[string]any{"uri": uri}
			got := run(bin.Check, map[string]any{"source": source})
			expectLastLine(got, "check", unknownAuthority)
			expectNoSecret(got)

			source["ca_certs"], source["debug"] = []string{w.ca.PEM}, true
			got = run(bin.Check, map[string]any{"source": source})
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(printedVersions(got)).To(Equal([]string{"1.0.0"}))
			Expect(got.stderr).To(MatchRegexp(`(?m)^debug: GET https://\S+/info/refs\?service=git-upload-pack: 200, \d+ bytes, \S+$`))
			Expect(got.stderr).To(MatchRegexp(`(?m)^debug: POST https://\S+/git-upload-pack: 200, \d+ bytes, \S+$`))
			expectNoSecret(got)
		})
	})

	Describe("an https repository index with a private CA", func() {
		It("is refused without ca_certs and read with them", func() {
			index := repositoryIndex([]document{{"v1.0.0.meta4", release("1.0.0", described("app-1.0.0.tgz", "x"))}})
			server := w.ca.StartServer(GinkgoT(), http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
				rw.Header().Set("Content-Type", "application/xml")
				_, _ = rw.Write([]byte(index))
			}))
			source := map[string]any{"uri": server.URL + "/index.xml"}
			expectLastLine(run(bin.Check, map[string]any{"source": source}), "check", server.URL+"/index.xml", unknownAuthority)

			source["ca_certs"] = []string{w.ca.PEM}
			got := run(bin.Check, map[string]any{"source": source})
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(printedVersions(got)).To(Equal([]string{"1.0.0"}))
		})
	})

	Describe("proxies from the environment", func() {
		var (
			proxy *forwardproxy.Proxy
			env   []string
		)

		BeforeEach(func() {
			proxy = forwardproxy.Start(GinkgoT())
			env = []string{"HTTPS_PROXY=" + proxy.URL, "HTTP_PROXY=" + proxy.URL, "NO_PROXY=bypass.example.test",
				"https_proxy=", "http_proxy=", "no_proxy="}
		})

		It("carry the http downloads, S3 and git over https", func() {
			downloads := onHost(world.downloads.URL, "downloads.example.test")
			s3Host := onHost("https://"+w.s3.Host, "s3.example.test")
			key := w.s3Object(mirroredName, mirroredContent)
			doc := document{"v1.10.0.meta4", release("1.10.0",
				described("app-1.0.0.tgz", downloadable["app-1.0.0.tgz"], metalink.URL{URL: "http://" + downloads + "/files/app-1.0.0.tgz"}),
				described(mirroredName, mirroredContent, metalink.URL{URL: "s3://" + s3Host + "/" + mirrorBucket + "/" + key}),
			)}
			gitHost := onHost(w.git.URL, "git.example.test")
			source := map[string]any{
				"uri": w.gitRepository("git.example.test", doc), "ca_certs": []string{w.ca.PEM},
				"url_handlers": []any{s3TLSHandler()},
			}

			check := runWithEnv(env, bin.Check, map[string]any{"source": source})
			Expect(check.code).To(Equal(0), check.stderr)
			Expect(printedVersions(check)).To(Equal([]string{"1.10.0"}))
			Expect(proxy.Requests(gitHost)).To(BeNumerically(">", 0))

			dest := GinkgoT().TempDir()
			got := runWithEnv(env, bin.In, getRequest(source, "1.10.0"), dest)
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(os.ReadFile(filepath.Join(dest, "app-1.0.0.tgz"))).To(Equal([]byte(downloadable["app-1.0.0.tgz"])))
			Expect(os.ReadFile(filepath.Join(dest, mirroredName))).To(Equal([]byte(mirroredContent)))
			Expect(proxy.Requests(downloads)).To(Equal(1))
			Expect(proxy.Requests(s3Host)).To(BeNumerically(">", 0))
			expectNoSecret(got)
		})

		It("leave the hosts of NO_PROXY alone", func() {
			bypass := onHost(world.downloads.URL, "bypass.example.test")
			proxied := onHost(world.downloads.URL, "downloads.example.test")
			doc := document{"v1.0.0.meta4", release("1.0.0", described("app-1.0.0.tgz", downloadable["app-1.0.0.tgz"],
				metalink.URL{URL: "http://" + bypass + "/files/app-1.0.0.tgz", Priority: fixtures.Priority(1)},
				metalink.URL{URL: "http://" + proxied + "/files/app-1.0.0.tgz", Priority: fixtures.Priority(2)},
			))}
			got := runWithEnv(env, bin.In, getRequest(map[string]any{"uri": fileRepository(doc)}, "1.0.0"), GinkgoT().TempDir())
			Expect(got.code).To(Equal(0), got.stderr)
			// Asked for directly, the made-up name does not resolve.
			Expect(got.stderr).To(ContainSubstring("bypass.example.test"))
			Expect(proxy.Requests(bypass)).To(Equal(0))
			Expect(proxy.Requests(proxied)).To(Equal(1))
		})
	})

	Describe("debug: true", func() {
		It("logs every request without a secret", func() {
			const password = "planted-url-password"
			downloads := strings.TrimPrefix(world.downloads.URL, "http://")
			doc := document{"v1.10.0.meta4", release("1.10.0",
				described("app-1.0.0.tgz", downloadable["app-1.0.0.tgz"], metalink.URL{URL: "http://ci:" + password + "@" + downloads + "/files/app-1.0.0.tgz"}),
				described(mirroredName, mirroredContent, metalink.URL{URL: world.s3.URL(mirrorBucket, w.s3Object(mirroredName, mirroredContent))}),
			)}
			source := map[string]any{"uri": fileRepository(doc), "debug": true, "url_handlers": []any{world.s3Handler(s3server.SecretKey)}}
			got := run(bin.In, getRequest(source, "1.10.0"), GinkgoT().TempDir())
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(got.lines()).To(ContainElement(MatchRegexp(
				`^debug: GET http://\[redacted\]@`+downloads+`/files/app-1\.0\.0\.tgz: 200, %d bytes, \S+$`, len(downloadable["app-1.0.0.tgz"]))))
			Expect(got.lines()).To(ContainElement(MatchRegexp(
				`^debug: GET http://`+world.s3.Host+`/`+mirrorBucket+`/`+w.prefix+`app-1\.10\.0\.tgz(\?\S*)?: 200, %d bytes, \S+$`, len(mirroredContent))))
			Expect(got.stderr).NotTo(ContainSubstring(password))
			Expect(got.stderr).NotTo(ContainSubstring("Authorization"))
			Expect(got.stderr).NotTo(ContainSubstring(s3server.AccessKey))
			expectNoSecret(got)
		})
	})
})
