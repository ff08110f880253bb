package meta4repocmd_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/cli/clitest"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/hostileserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/planted"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/tlsca"
)

// served is a meta4-repo serve process and the URL it listens on.
type served struct {
	clitest.Started
	URL string
}

var listening = regexp.MustCompile(`serve: listening on (https?://\S+)`)

// startServe runs meta4-repo serve on a free port of 127.0.0.1 and waits
// until it listens.
func startServe(tool clitest.Tool, args ...string) served {
	GinkgoHelper()
	started := tool.Start(append([]string{"serve", "--listen", "127.0.0.1:0", "--cache", GinkgoT().TempDir()}, args...)...)
	var url string
	Eventually(func() string {
		if m := listening.FindStringSubmatch(started.Stderr()); m != nil {
			url = m[1]
		}
		return url
	}).ShouldNot(BeEmpty())
	return served{Started: started, URL: url}
}

// stop sends SIGTERM and expects exit 0.
func (s served) stop() clitest.Result {
	GinkgoHelper()
	s.Signal(syscall.SIGTERM)
	r := s.Wait()
	Expect(r.Code).To(Equal(0), r.Stderr)
	return r
}

// countingSite serves files by path over http and counts the GETs.
func countingSite(files map[string][]byte) (*httptest.Server, *atomic.Int32) {
	var gets atomic.Int32
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.Method == http.MethodGet {
			gets.Add(1)
		}
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
	}))
	DeferCleanup(site.Close)
	return site, &gets
}

// serveDoc is a meta4 document of one file with its sha-256 and URLs.
func serveDoc(name, version string, data []byte, urls ...string) string {
	sum := sha256.Sum256(data)
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<metalink xmlns="urn:ietf:params:xml:ns:metalink"><file name=%q><version>%s</version><size>%d</size><hash type="sha-256">%x</hash>`,
		name, version, len(data), sum)
	for _, u := range urls {
		fmt.Fprintf(&b, "<url>%s</url>", u)
	}
	b.WriteString("</file></metalink>\n")
	return b.String()
}

func sha256Of(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// run runs a client command in dir and returns its combined output.
func run(dir, name string, args ...string) string {
	GinkgoHelper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	Expect(err).NotTo(HaveOccurred(), "%s %s: %s", name, strings.Join(args, " "), out)
	return string(out)
}

var _ = Describe("meta4-repo serve", func() {
	Describe("repositories on git over http, S3 and file, mirrors on http and S3, real clients", Ordered, func() {
		var (
			server                    served
			gitData, s3Data, fileData []byte
			s3Srv                     *s3server.Server
			site                      *httptest.Server
			gets                      *atomic.Int32
			repo                      *gitserver.Repo
			client                    string
		)

		BeforeAll(func() {
			gitData, s3Data, fileData = fixtures.RandomBytes(200_000, 1), fixtures.RandomBytes(150_000, 2), fixtures.RandomBytes(120_000, 3)
			site, gets = countingSite(map[string][]byte{"/releases/tool-1.0.tgz": gitData, "/lib.zip": fileData})
			s3Srv = s3server.Start(GinkgoT(), "metalinks", "mirror")
			Expect(s3Srv.Put(context.Background(), "mirror", "data/lib-2.0.tar", s3Data)).To(Succeed())

			root := GinkgoT().TempDir()
			repo = gitserver.NewRepo(GinkgoT(), root, "acme/metalinks.git")
			repo.WriteFiles(GinkgoT(), "tool 1.0", map[string]string{"tool/v1.0.meta4": serveDoc("tool-1.0.tgz", "1.0", gitData, site.URL+"/releases/tool-1.0.tgz")})
			gitSrv := gitserver.StartHTTP(GinkgoT(), root, gitUser, gitPassword)
			Expect(s3Srv.Put(context.Background(), "metalinks", "prod/lib/v2.0.meta4",
				[]byte(serveDoc("lib-2.0.tar", "2.0", s3Data, s3Srv.URL("mirror", "data/lib-2.0.tar"))))).To(Succeed())
			fileDir := GinkgoT().TempDir()
			filetree.Write(filepath.Join(fileDir, "v3.meta4"), serveDoc("lib.zip", "3", fileData, site.URL+"/lib.zip"))

			tool := repoTool("META4_REPO_PASSWORD="+gitPassword,
				"AWS_ACCESS_KEY_ID="+s3server.AccessKey, "AWS_SECRET_ACCESS_KEY="+s3server.SecretKey, "AWS_REGION="+s3server.Region)
			server = startServe(tool, "--username", gitUser, "--disable-ssl",
				"git+"+gitSrv.RepoURL(repo)+"#main", "s3://"+s3Srv.Host+"/metalinks/prod", "file://"+fileDir)
			client = GinkgoT().TempDir()
		})

		AfterAll(func() {
			r := server.stop()
			Expect(r.Stderr).NotTo(ContainSubstring(gitPassword))
			Expect(r.Stderr).NotTo(ContainSubstring(s3server.SecretKey))
			Expect(r.Stderr).To(ContainSubstring("serve: stopped"))
		})

		It("serves a file of each repository by hash with curl, fetching each once", func() {
			for _, data := range [][]byte{gitData, s3Data, fileData} {
				out := filepath.Join(client, "by-hash")
				run(client, "curl", "-fsS", "-o", out, server.URL+"/sha256/"+sha256Of(data))
				Expect(os.ReadFile(out)).To(Equal(data))
			}
			Expect(gets.Load()).To(BeEquivalentTo(2))
		})

		It("answers curl's HEAD, -r, -C - and If-None-Match", func() {
			path := server.URL + "/" + strings.TrimPrefix(site.URL, "http://") + "/releases/tool-1.0.tgz"
			head := run(client, "curl", "-fsSI", path)
			Expect(head).To(ContainSubstring("Content-Length: 200000"))
			Expect(head).To(ContainSubstring(`Etag: "` + sha256Of(gitData) + `"`))
			Expect(head).To(ContainSubstring("; rel=duplicate; pri=1"))
			Expect(head).NotTo(ContainSubstring(gitPassword))

			part := filepath.Join(client, "part")
			run(client, "curl", "-fsS", "-r", "1000-1999", "-o", part, path)
			Expect(os.ReadFile(part)).To(Equal(gitData[1000:2000]))

			resumed := filepath.Join(client, "resumed")
			Expect(os.WriteFile(resumed, gitData[:50_000], 0o644)).To(Succeed())
			run(client, "curl", "-fsS", "-C", "-", "-o", resumed, path)
			Expect(os.ReadFile(resumed)).To(Equal(gitData))

			status := run(client, "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H", `If-None-Match: "`+sha256Of(gitData)+`"`, path)
			Expect(status).To(Equal("304"))
		})

		It("serves wget by name and Buildroot's PKG/FILE", func() {
			run(client, "wget", "-q", "-O", "lib.tar", server.URL+"/name/lib/lib-2.0.tar")
			Expect(os.ReadFile(filepath.Join(client, "lib.tar"))).To(Equal(s3Data))
		})

		It("gives aria2c the .meta4, and aria2c a URL with Link duplicates", func() {
			dir := GinkgoT().TempDir()
			run(dir, "curl", "-fsS", "-o", "tool.meta4", server.URL+"/name/tool-1.0.tgz.meta4")
			run(dir, "aria2c", "-q", "--allow-overwrite=true", "-M", "tool.meta4")
			Expect(os.ReadFile(filepath.Join(dir, "tool-1.0.tgz"))).To(Equal(gitData))

			other := GinkgoT().TempDir()
			run(other, "aria2c", "-q", "-o", "lib.zip", server.URL+"/name/lib.zip")
			Expect(os.ReadFile(filepath.Join(other, "lib.zip"))).To(Equal(fileData))
		})

		It("has aria2c fetch parts from the Link duplicates of a cached file, not from the server alone", func() {
			data := fixtures.RandomBytes(8<<20, 9)
			var aria2Gets atomic.Int32
			upstream := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.UserAgent(), "aria2") && r.Method == http.MethodGet {
					aria2Gets.Add(1)
				}
				http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
			}))
			// aria2c opens one connection per host name (-x 1), whatever
			// the port: the duplicate needs an address of its own.
			ln, err := net.Listen("tcp", "127.0.0.2:0")
			Expect(err).NotTo(HaveOccurred())
			upstream.Listener = ln
			upstream.Start()
			DeferCleanup(upstream.Close)
			dir := GinkgoT().TempDir()
			filetree.Write(filepath.Join(dir, "repo", "v1.meta4"), serveDoc("big.bin", "1", data, upstream.URL+"/big.bin"))
			mirror := startServe(repoTool().In(dir), "file://"+filepath.Join(dir, "repo"))
			run(dir, "curl", "-fsS", "-o", "/dev/null", mirror.URL+"/name/big.bin") // now cached
			Expect(aria2Gets.Load()).To(BeZero())

			// Paced, so that the file is not all through loopback before the
			// second connection, to the duplicate, asks for its part.
			run(dir, "aria2c", "-q", "-s", "4", "-x", "1", "-k", "1M", "--max-overall-download-limit=4M", "-o", "big.bin", mirror.URL+"/name/big.bin")
			Expect(os.ReadFile(filepath.Join(dir, "big.bin"))).To(Equal(data))
			Expect(aria2Gets.Load()).To(BeNumerically(">", 0), "aria2c took a part from the upstream its Link header names")
			mirror.stop()
		})

		It("refuses traversal and encoded slashes, and unknown names, with one line", func() {
			for target, want := range map[string]string{
				"/name/../../etc/passwd":  "400",
				"/name/lib%2F..%2Fpasswd": "400",
				"/sha256/xyz":             "400",
				"/name/nothing.tgz":       "404",
			} {
				Expect(run(client, "curl", "-sS", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", server.URL+target)).To(Equal(want), target)
			}
		})
	})

	It("picks up a newly published version on SIGHUP, and exits 0 on SIGTERM", func() {
		first, second := fixtures.RandomBytes(10_000, 4), fixtures.RandomBytes(10_000, 5)
		site, _ := countingSite(map[string][]byte{"/a-1.tgz": first, "/a-2.tgz": second})
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "m.git")
		repo.WriteFiles(GinkgoT(), "1", map[string]string{"v1.meta4": serveDoc("a-1.tgz", "1", first, site.URL+"/a-1.tgz")})
		server := startServe(repoTool(), "--refresh", "1h", "git+"+repo.FileURL())
		get := func(path string) int {
			resp, err := http.Get(server.URL + path)
			Expect(err).NotTo(HaveOccurred())
			_, _ = io.Copy(io.Discard, resp.Body)
			_ = resp.Body.Close()
			return resp.StatusCode
		}
		Expect(get("/name/a-1.tgz")).To(Equal(http.StatusOK))
		Expect(get("/name/a-2.tgz")).To(Equal(http.StatusNotFound))

		repo.WriteFiles(GinkgoT(), "2", map[string]string{"v2.meta4": serveDoc("a-2.tgz", "2", second, site.URL+"/a-2.tgz")})
		server.Signal(syscall.SIGHUP)
		Eventually(func() int { return get("/name/a-2.tgz") }).Should(Equal(http.StatusOK))
		server.stop()
	})

	It("serves HTTPS with --tls-cert and --tls-key", func() {
		data := fixtures.RandomBytes(5_000, 6)
		site, _ := countingSite(map[string][]byte{"/x.bin": data})
		dir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(dir, "repo", "v1.meta4"), serveDoc("x.bin", "1", data, site.URL+"/x.bin"))
		ca := tlsca.New(GinkgoT(), "serve test CA")
		cert := ca.ServerCertificate(GinkgoT(), "127.0.0.1")
		filetree.Write(filepath.Join(dir, "cert.pem"), string(tlsca.CertificatePEM(cert)))
		filetree.Write(filepath.Join(dir, "key.pem"), string(tlsca.KeyPEM(GinkgoT(), cert)))
		filetree.Write(filepath.Join(dir, "ca.pem"), ca.PEM)
		server := startServe(repoTool().In(dir), "--tls-cert", "cert.pem", "--tls-key", "key.pem", "file://"+filepath.Join(dir, "repo"))
		Expect(server.URL).To(HavePrefix("https://"))
		run(dir, "curl", "-fsS", "--cacert", "ca.pem", "-o", "got", server.URL+"/name/x.bin")
		Expect(os.ReadFile(filepath.Join(dir, "got"))).To(Equal(data))
		server.stop()
	})

	It("serves from a read-only http index that meta4-repo filter --format=xml wrote", func() {
		data := fixtures.RandomBytes(70_000, 11)
		site, gets := countingSite(map[string][]byte{"/dl/cli-4.2.tgz": data})
		dir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(dir, "repo", "cli", "v4.2.meta4"), serveDoc("cli-4.2.tgz", "4.2", data, site.URL+"/dl/cli-4.2.tgz"))
		index := repoTool().Succeed("filter", "--format=xml", "file://"+filepath.Join(dir, "repo"))
		indexSite := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			_, _ = io.WriteString(w, index)
		}))
		DeferCleanup(indexSite.Close)

		server := startServe(repoTool(), indexSite.URL+"/metalinks/index.xml")
		run(dir, "curl", "-fsS", "-o", "by-name", server.URL+"/name/cli-4.2.tgz")
		Expect(os.ReadFile(filepath.Join(dir, "by-name"))).To(Equal(data))
		run(dir, "curl", "-fsS", "-o", "by-hash", server.URL+"/sha256/"+sha256Of(data))
		Expect(os.ReadFile(filepath.Join(dir, "by-hash"))).To(Equal(data))
		Expect(gets.Load()).To(BeEquivalentTo(1))
		Expect(run(dir, "curl", "-fsS", server.URL+"/index.json")).To(ContainSubstring(`"path":"cli/v4.2.meta4"`))
		server.stop()
	})

	It("serves a renewed certificate after SIGHUP, and keeps the one in use when the new pair is broken", func() {
		dir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(dir, "repo", "README"), "no metalinks yet")
		ca := tlsca.New(GinkgoT(), "serve test CA")
		writePair := func(cert tls.Certificate) {
			filetree.Write(filepath.Join(dir, "cert.pem"), string(tlsca.CertificatePEM(cert)))
			filetree.Write(filepath.Join(dir, "key.pem"), string(tlsca.KeyPEM(GinkgoT(), cert)))
		}
		first, renewed := ca.ServerCertificate(GinkgoT(), "127.0.0.1"), ca.ServerCertificate(GinkgoT(), "127.0.0.1")
		writePair(first)
		server := startServe(repoTool().In(dir), "--tls-cert", "cert.pem", "--tls-key", "key.pem", "file://"+filepath.Join(dir, "repo"))
		roots := x509.NewCertPool()
		Expect(roots.AppendCertsFromPEM([]byte(ca.PEM))).To(BeTrue())
		servedSerial := func() string {
			conn, err := tls.Dial("tcp", strings.TrimPrefix(server.URL, "https://"), &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12})
			Expect(err).NotTo(HaveOccurred())
			defer func() { _ = conn.Close() }()
			return conn.ConnectionState().PeerCertificates[0].SerialNumber.String()
		}
		serialOf := func(cert tls.Certificate) string {
			parsed, err := x509.ParseCertificate(cert.Certificate[0])
			Expect(err).NotTo(HaveOccurred())
			return parsed.SerialNumber.String()
		}
		Expect(servedSerial()).To(Equal(serialOf(first)))

		writePair(renewed)
		server.Signal(syscall.SIGHUP)
		Eventually(servedSerial).Should(Equal(serialOf(renewed)))

		filetree.Write(filepath.Join(dir, "key.pem"), "not a key")
		server.Signal(syscall.SIGHUP)
		Eventually(server.Stderr).Should(ContainSubstring("(keeping the certificate in use)"))
		Expect(servedSerial()).To(Equal(serialOf(renewed)))
		server.stop()
	})

	DescribeTable("refuses bad input with one line",
		func(code int, want string, args ...string) {
			dir := GinkgoT().TempDir()
			r := repoTool().Run(append([]string{"serve", "--cache", dir}, args...)...)
			Expect(r.Code).To(Equal(code), r.Stderr)
			Expect(r.Stderr).To(ContainSubstring(want))
		},
		Entry("an unparsable --listen", 1, "meta4-repo serve: --listen \"8080\": expected HOST:PORT", "--listen", "8080", "file:///tmp"),
		Entry("--tls-cert without --tls-key", 1, "meta4-repo serve: --tls-cert: needs --tls-key beside it", "--tls-cert", "c.pem", "file:///tmp"),
		Entry("a --refresh of zero", 2, "--refresh 0s: must be positive", "--refresh", "0", "file:///tmp"),
		Entry("a bad --cache-max", 2, "--cache-max:", "--cache-max", "lots", "file:///tmp"),
		Entry("no URI", 2, "serve", "--listen", ":0"),
		Entry("an unknown flag", 2, "unknown flag: --lisen", "--lisen", ":0", "file:///tmp"),
		Entry("a flag for no repository given", 1, "--region applies to none of the repositories", "--region", "eu-west-1", "file:///tmp"),
		Entry("an unknown scheme", 1, "unknown scheme", "ftp://example.com/x"),
	)
})

var _ = Describe("build tools pointed at meta4-repo serve as the README says, the upstream down", func() {
	var (
		data     []byte
		server   served
		mirror   *httptest.Server
		gets     *atomic.Int32
		hostPort string
	)

	// The file's upstream is a name that never resolves; the repository
	// also lists the mirror that serve fetches from.
	const upstream = "https://upstream.invalid/dl/app-1.0.tgz"

	BeforeEach(func() {
		data = fixtures.RandomBytes(60_000, 11)
		mirror, gets = countingSite(map[string][]byte{"/app-1.0.tgz": data})
		repoDir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(repoDir, "v1.0.meta4"), serveDoc("app-1.0.tgz", "1.0", data, upstream, mirror.URL+"/app-1.0.tgz"))
		server = startServe(repoTool(), "file://"+repoDir)
		hostPort = strings.TrimPrefix(server.URL, "http://")
	})

	// fromReadme is the README's block that starts with start, aimed at this server.
	fromReadme := func(start string) string {
		return strings.ReplaceAll(readmeScript(start), "mirror.example.com:8080", hostPort)
	}

	It("feeds Bazel's http_file through the downloader config", func() {
		if _, err := exec.LookPath("bazel"); err != nil {
			Skip("bazel is not installed (Debian's bazel-bootstrap)")
		}
		dir, root := GinkgoT().TempDir(), GinkgoT().TempDir()
		filetree.Write(filepath.Join(dir, "mirror.cfg"), fromReadme("rewrite (.*) "))
		filetree.Write(filepath.Join(dir, "ws", "BUILD"), "")
		filetree.Write(filepath.Join(dir, "ws", "WORKSPACE"), fmt.Sprintf(`load("@bazel_tools//tools/build_defs/repo:http.bzl", "http_file")
http_file(name = "app", urls = [%q], sha256 = %q, downloaded_file_path = "app-1.0.tgz")
`, upstream, sha256Of(data)))
		// --batch: no Bazel server outlives the spec.
		bazel := exec.Command("bazel", "--batch", "--nohome_rc", "--output_user_root="+root,
			"fetch", "--experimental_downloader_config="+filepath.Join(dir, "mirror.cfg"), "@app//file")
		bazel.Dir, bazel.Env = filepath.Join(dir, "ws"), clitest.IsolatedEnv()
		out, err := bazel.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		fetched, err := filepath.Glob(filepath.Join(root, "*", "external", "app", "file", "app-1.0.tgz"))
		Expect(err).NotTo(HaveOccurred())
		Expect(fetched).To(HaveLen(1), string(out))
		Expect(os.ReadFile(fetched[0])).To(Equal(data))
		Expect(server.Stderr()).To(ContainSubstring("GET /upstream.invalid/dl/app-1.0.tgz 200"))
		Expect(gets.Load()).To(BeEquivalentTo(1))
	})

	It("feeds Nix's fetchurl through hashed-mirrors", func() {
		if _, err := exec.LookPath("nix-build"); err != nil {
			Skip("nix-build is not installed (Debian's nix-bin)")
		}
		dir := GinkgoT().TempDir()
		conf := fromReadme("hashed-mirrors = ")
		// A store of the spec's own (a chroot store), no substituters, no build users: nothing of the machine's.
		filetree.Write(filepath.Join(dir, "etc", "nix.conf"), conf+"substituters =\nbuild-users-group =\nsandbox = false\n")
		nix := exec.Command("nix-build", "--store", filepath.Join(dir, "root"), "--no-out-link", "-E",
			fmt.Sprintf("import <nix/fetchurl.nix> { url = %q; sha256 = %q; }", upstream, sha256Of(data)))
		nix.Env = append(clitest.IsolatedEnv(), "NIX_CONF_DIR="+filepath.Join(dir, "etc"), "XDG_CACHE_HOME="+filepath.Join(dir, "cache"))
		out, err := nix.CombinedOutput()
		Expect(err).NotTo(HaveOccurred(), string(out))
		storePath := strings.TrimSpace(string(out[bytes.LastIndex(bytes.TrimSpace(out), []byte("\n"))+1:]))
		Expect(storePath).To(HavePrefix("/nix/store/"))
		Expect(os.ReadFile(filepath.Join(dir, "root", storePath))).To(Equal(data))
		Expect(server.Stderr()).To(ContainSubstring("GET /sha256/" + sha256Of(data) + " 200"))
	})

	It("answers the README's Buildroot site and its curl and wget lines", func() {
		site := strings.Trim(strings.TrimPrefix(fromReadme(`BR2_PRIMARY_SITE="`), `BR2_PRIMARY_SITE=`), "\"\n")
		dir := GinkgoT().TempDir()
		// Buildroot asks SITE/PKG/FILE first.
		run(dir, "curl", "-fsS", "-o", "br.tgz", site+"/app/app-1.0.tgz")
		Expect(os.ReadFile(filepath.Join(dir, "br.tgz"))).To(Equal(data))

		// The README's file: the mirror first, so that GitHub is never asked.
		gh := fixtures.RandomBytes(30_000, 12)
		ghMirror, _ := countingSite(map[string][]byte{"/gh.tgz": gh})
		repoDir := GinkgoT().TempDir()
		filetree.Write(filepath.Join(repoDir, "gh.meta4"), serveDoc("gh_2.40.0_linux_amd64.tar.gz", "2.40.0", gh,
			ghMirror.URL+"/gh.tgz", "https://github.com/cli/cli/releases/download/v2.40.0/gh_2.40.0_linux_amd64.tar.gz"))
		ghServer := startServe(repoTool(), "file://"+repoDir)
		lines := strings.NewReplacer("mirror.example.com:8080", strings.TrimPrefix(ghServer.URL, "http://"), "8f2a…e1b4", sha256Of(gh)).
			Replace(readmeScript("curl -fsSLO http://mirror.example.com:8080/"))
		run(dir, "bash", "-euo", "pipefail", "-c", lines)
		Expect(os.ReadFile(filepath.Join(dir, "gh_2.40.0_linux_amd64.tar.gz"))).To(Equal(gh))
		Expect(os.ReadFile(filepath.Join(dir, sha256Of(gh)))).To(Equal(gh))
	})
})

var _ = Describe("meta4-repo serve before a hostile mirror", Ordered, func() {
	var (
		server served
		cache  string
		site   *hostileserver.Server
	)
	behaviours := []struct{ behaviour, want string }{
		{"corrupt", "sha-256 mismatch"},
		{"html", "size mismatch"},
		{"longer", "size mismatch"},
		{"shorter", "size mismatch"},
		{"gzip", "size mismatch"},
		{"range", "the server sent bytes from 100 on"},
		{"loop", "redirect"},
		{"tofile", "file:///etc/passwd"},
		{"404", "404"},
	}

	BeforeAll(func() {
		// A file of its own for each behaviour: files of the same bytes are
		// one content, fetched from all their URLs.
		files := map[string][]byte{}
		for i, b := range behaviours {
			files[b.behaviour+".tgz"] = fixtures.RandomBytes(40_000, byte(20+i))
		}
		site = hostileserver.Start(GinkgoT(), files)
		repoDir := GinkgoT().TempDir()
		for _, b := range behaviours {
			// The password in each URL's userinfo must never show.
			url := strings.Replace(site.FileURL(b.behaviour, b.behaviour+".tgz"), "http://", "http://user:"+planted.Password+"@", 1)
			filetree.Write(filepath.Join(repoDir, b.behaviour, "v1.meta4"), serveDoc(b.behaviour+".tgz", "1", files[b.behaviour+".tgz"], url))
		}
		cache = GinkgoT().TempDir()
		server = startServe(repoTool(), "--cache", cache, "file://"+repoDir)
	})

	AfterAll(func() {
		r := server.stop()
		Expect(r.Stderr).NotTo(ContainSubstring(planted.Password))
	})

	for _, b := range behaviours {
		It(fmt.Sprintf("answers 502 with one line for a %s mirror, keeps nothing and shows no password", b.behaviour), func() {
			resp, err := http.Get(server.URL + "/name/" + b.behaviour + ".tgz")
			Expect(err).NotTo(HaveOccurred())
			body, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.StatusCode).To(Equal(http.StatusBadGateway), string(body))
			Expect(string(body)).To(ContainSubstring(b.want))
			Expect(strings.Count(string(body), "\n")).To(Equal(1), string(body))
			Expect(string(body)).NotTo(ContainSubstring(planted.Password))
			Expect(fmt.Sprint(resp.Header)).NotTo(ContainSubstring(planted.Password))
			Expect(os.ReadDir(cache)).To(BeEmpty())
		})
	}
})
