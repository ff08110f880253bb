package serve_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/serve"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/filetree"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/throttle"
)

var _ = Describe("serve", func() {
	var (
		repoDir string
		up      *mirror
		app     file
		server  *running
	)

	BeforeEach(func() {
		repoDir = GinkgoT().TempDir()
		data := fixtures.RandomBytes(300_000, 7)
		up = startMirror(map[string][]byte{"/dl/app-1.0.tgz": data})
		app = file{name: "app-1.0.tgz", version: "1.0", data: data, urls: []string{up.url("/dl/app-1.0.tgz")}}
		writeDoc(repoDir, "app/v1.0.meta4", app)
	})

	JustBeforeEach(func() {
		server = startServer(serve.Options{Sources: []serve.Source{fileSource(repoDir)}})
	})

	Describe("the layouts", func() {
		It("serves the file by each of its hashes, in either case, by its URL and by its name, fetched once", func() {
			host := strings.TrimPrefix(up.URL, "http://")
			paths := []string{"/sha256/" + sha256Hex(app.data), "/sha256/" + strings.ToUpper(sha256Hex(app.data)), "/" + host + "/dl/app-1.0.tgz",
				"/name/app-1.0.tgz", "/name/app/app-1.0.tgz"}
			for _, h := range hashes(app.data) {
				paths = append(paths, "/"+strings.ReplaceAll(h.Type, "-", "")+"/"+h.Hash)
			}
			for _, p := range paths {
				resp, body := server.get(p)
				Expect(resp.StatusCode).To(Equal(http.StatusOK), p+": "+body)
				Expect([]byte(body)).To(Equal(app.data), p)
			}
			Expect(up.count("/dl/app-1.0.tgz")).To(Equal(1))
			Expect(cacheFiles(server.Cache)).To(Equal([]string{"sha-256-" + sha256Hex(app.data)}))
		})

		It("says what the bytes are and where else they are in its headers", func() {
			resp, _ := server.get("/name/app-1.0.tgz")
			sum := sha256.Sum256(app.data)
			h := resp.Header
			Expect(h.Get("Content-Length")).To(Equal("300000"))
			Expect(h.Get("Accept-Ranges")).To(Equal("bytes"))
			Expect(h.Get("ETag")).To(Equal(`"` + sha256Hex(app.data) + `"`))
			Expect(h.Get("Cache-Control")).To(Equal("public, max-age=31536000, immutable"))
			Expect(h.Get("Digest")).To(ContainSubstring("SHA-256=" + base64.StdEncoding.EncodeToString(sum[:])))
			Expect(h.Get("Repr-Digest")).To(ContainSubstring("sha-256=:" + base64.StdEncoding.EncodeToString(sum[:]) + ":"))
			Expect(h.Values("Link")).To(ConsistOf(
				"<"+up.url("/dl/app-1.0.tgz")+">; rel=duplicate; pri=1",
				"<"+server.URL+"/sha256/"+sha256Hex(app.data)+`.meta4>; rel=describedby; type="application/metalink4+xml"`))
		})

		Context("with URLs that carry credentials", func() {
			BeforeEach(func() {
				withUser := strings.Replace(up.url("/dl/app-1.0.tgz"), "http://", "http://reader:hunter2-password@", 1)
				app.urls = []string{withUser, up.url("/dl/app-1.0.tgz") + "?X-Amz-Signature=feedface0123", up.url("/dl/app-1.0.tgz")}
				writeDoc(repoDir, "app/v1.0.meta4", app)
			})

			It("never shows them to a client, in headers or metalinks", func() {
				resp, _ := server.get("/name/app-1.0.tgz")
				Expect(resp.StatusCode).To(Equal(http.StatusOK))
				resp2, meta4 := server.get("/name/app-1.0.tgz.meta4")
				Expect(resp2.StatusCode).To(Equal(http.StatusOK))
				index, _ := server.get("/index.json")
				for _, text := range []string{fmt.Sprint(resp.Header), fmt.Sprint(index.Header), meta4, server.Log.String()} {
					Expect(text).NotTo(ContainSubstring("hunter2"))
					Expect(text).NotTo(ContainSubstring("feedface"))
				}
				Expect(resp.Header.Values("Link")).To(ContainElement("<" + up.url("/dl/app-1.0.tgz") + ">; rel=duplicate; pri=1"))
			})
		})

		It("answers a one-file metalink, this server first, then the file's URLs", func() {
			resp, body := server.get("/name/app-1.0.tgz.meta4")
			Expect(resp.StatusCode).To(Equal(http.StatusOK), body)
			Expect(resp.Header.Get("Content-Type")).To(Equal("application/metalink4+xml"))
			doc, err := metalink.Parse([]byte(body))
			Expect(err).NotTo(HaveOccurred())
			Expect(doc.Files).To(HaveLen(1))
			f := doc.Files[0]
			Expect(f.Name).To(Equal("app-1.0.tgz"))
			Expect(f.Size).To(BeEquivalentTo(len(app.data)))
			Expect(f.Hashes).To(ContainElement(metalink.Hash{Type: "sha-256", Hash: sha256Hex(app.data)}))
			Expect(metalink.ByPriority(f.URLs)[0].URL).To(Equal(server.URL + "/sha256/" + sha256Hex(app.data)))
			Expect(metalink.ByPriority(f.URLs)[1].URL).To(Equal(up.url("/dl/app-1.0.tgz")))

			for _, p := range []string{"/sha256/" + sha256Hex(app.data) + ".meta4", "/" + strings.TrimPrefix(up.URL, "http://") + "/dl/app-1.0.tgz.meta4"} {
				resp, other := server.get(p)
				Expect(resp.StatusCode).To(Equal(http.StatusOK), p)
				Expect(other).To(Equal(body), p)
			}
			Expect(up.count("/dl/app-1.0.tgz")).To(Equal(0), "a metalink needs no download")
		})

		It("lists every file with its paths in index.json", func() {
			resp, body := server.get("/index.json")
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			var index struct {
				Files []struct {
					Name, Version, Repository, Path string
					Size                            int
					Hashes                          map[string]string
					Paths                           []string
				}
			}
			Expect(json.Unmarshal([]byte(body), &index)).To(Succeed())
			Expect(index.Files).To(HaveLen(1))
			f := index.Files[0]
			Expect(f.Name).To(Equal("app-1.0.tgz"))
			Expect(f.Version).To(Equal("1.0"))
			Expect(f.Size).To(Equal(300000))
			Expect(f.Repository).To(Equal("file://" + repoDir))
			Expect(f.Path).To(Equal("app/v1.0.meta4"))
			Expect(f.Hashes).To(HaveKeyWithValue("sha-256", sha256Hex(app.data)))
			Expect(f.Paths).To(ContainElements("/sha256/"+sha256Hex(app.data), "/name/app-1.0.tgz", "/sha256/"+sha256Hex(app.data)+".meta4"))
			for _, p := range f.Paths {
				resp, _ := server.do(http.MethodHead, p)
				Expect(resp.StatusCode).To(Equal(http.StatusOK), p)
			}
		})
	})

	Describe("conditional and partial requests", func() {
		It("answers Range with 206 and the bytes, If-None-Match with 304, HEAD with the headers alone", func() {
			resp, body := server.get("/name/app-1.0.tgz", "Range", "bytes=100-199")
			Expect(resp.StatusCode).To(Equal(http.StatusPartialContent))
			Expect([]byte(body)).To(Equal(app.data[100:200]))
			resp, body = server.get("/name/app-1.0.tgz", "If-None-Match", `"`+sha256Hex(app.data)+`"`)
			Expect(resp.StatusCode).To(Equal(http.StatusNotModified))
			Expect(body).To(BeEmpty())
			resp, body = server.do(http.MethodHead, "/name/app-1.0.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect(resp.Header.Get("Content-Length")).To(Equal("300000"))
			Expect(body).To(BeEmpty())
		})
	})

	Describe("refusals", func() {
		It("answers 404 with one line for an unknown hash, URL or name", func() {
			for _, p := range []string{"/sha256/" + strings.Repeat("ab", 32), "/example.com/app.tgz", "/name/other.tgz", "/name/x/other.tgz"} {
				resp, body := server.get(p)
				Expect(resp.StatusCode).To(Equal(http.StatusNotFound), p)
				Expect(strings.Count(body, "\n")).To(Equal(1), body)
			}
			Expect(up.count("/dl/app-1.0.tgz")).To(Equal(0))
		})

		DescribeTable("answers 400 with one line for what could mean something else",
			func(target string) {
				req, err := http.NewRequest(http.MethodGet, server.URL, nil)
				Expect(err).NotTo(HaveOccurred())
				req.URL.Opaque = target // sent as written, no cleaning
				resp, err := http.DefaultClient.Do(req)
				Expect(err).NotTo(HaveOccurred())
				defer func() { _ = resp.Body.Close() }()
				Expect(resp.StatusCode).To(Equal(http.StatusBadRequest), target)
			},
			Entry("bad hex", "/sha256/"+strings.Repeat("zz", 32)),
			Entry("a short hash", "/sha256/abcd"),
			Entry("a dot-dot segment", "/name/../etc/passwd"),
			Entry("a dot segment", "/name/./app-1.0.tgz"),
			Entry("an empty segment", "/name//app-1.0.tgz"),
			Entry("an encoded slash", "/name/app%2Fapp-1.0.tgz"),
			Entry("an encoded lower-case slash", "/name/app%2fapp-1.0.tgz"),
			Entry("an encoded backslash", "/name/app%5Capp-1.0.tgz"),
			Entry("an encoded NUL", "/name/app-1.0.tgz%00"),
			Entry("an over-long path", "/name/"+strings.Repeat("a", 3000)),
		)

		It("answers 409 naming both versions when two contents claim one name", func() {
			other := file{name: "app-1.0.tgz", version: "1.0-rebuilt", data: []byte("other bytes"), urls: []string{up.url("/dl/other")}}
			writeDoc(repoDir, "app/v1.0-rebuilt.meta4", other)
			server.Server.Reload(context.Background())
			resp, body := server.get("/name/app-1.0.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusConflict))
			Expect(body).To(ContainSubstring("app-1.0.tgz 1.0 (app/v1.0.meta4"))
			Expect(body).To(ContainSubstring("app-1.0.tgz 1.0-rebuilt (app/v1.0-rebuilt.meta4"))
			Expect(strings.Count(body, "\n")).To(Equal(1))
			resp, _ = server.get("/sha256/" + sha256Hex(app.data))
			Expect(resp.StatusCode).To(Equal(http.StatusOK), "its hash still names one content")
		})

		It("refuses other methods", func() {
			resp, _ := server.do(http.MethodPost, "/name/app-1.0.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))
		})
	})

	Describe("the verified cache", func() {
		It("answers 502 naming the file when every URL sends corrupt bytes, keeps nothing, and fetches again on the next request", func() {
			up.setCorrupt(true)
			resp, body := server.get("/name/app-1.0.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusBadGateway))
			Expect(body).To(ContainSubstring("app-1.0.tgz"))
			Expect(body).To(ContainSubstring("mismatch"))
			Expect(strings.Count(body, "\n")).To(Equal(1), body)
			Expect(cacheFiles(server.Cache)).To(BeEmpty())

			up.setCorrupt(false)
			before := up.count("/dl/app-1.0.tgz")
			resp, body = server.get("/name/app-1.0.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect([]byte(body)).To(Equal(app.data))
			Expect(up.count("/dl/app-1.0.tgz")).To(Equal(before + 1))
		})

		Context("with a mirror down before one that is up", func() {
			BeforeEach(func() {
				down := startMirror(nil)
				down.Close()
				app.urls = []string{down.url("/dl/app-1.0.tgz"), up.url("/dl/app-1.0.tgz")}
				app.version = "1.0"
				writeDoc(repoDir, "app/v1.0.meta4", app)
			})

			It("serves it from the one that is up", func() {
				resp, body := server.get("/name/app-1.0.tgz")
				Expect(resp.StatusCode).To(Equal(http.StatusOK), body)
				Expect([]byte(body)).To(Equal(app.data))
			})
		})

		It("fetches a cold file once for 64 clients asking at once, and gives each the right bytes", func() {
			release := up.hold()
			var wg sync.WaitGroup
			bodies := make([][]byte, 64)
			codes := make([]int, 64)
			for i := range 64 {
				wg.Go(func() {
					defer GinkgoRecover()
					resp, body := server.get("/sha256/" + sha256Hex(app.data))
					codes[i], bodies[i] = resp.StatusCode, []byte(body)
				})
			}
			Eventually(func() int { return up.count("/dl/app-1.0.tgz") }).Should(Equal(1))
			release()
			wg.Wait()
			for i := range 64 {
				Expect(codes[i]).To(Equal(http.StatusOK))
				Expect(bytes.Equal(bodies[i], app.data)).To(BeTrue(), "client %d", i)
			}
			Expect(up.count("/dl/app-1.0.tgz")).To(Equal(1))
			Expect(strings.Count(server.Log.String(), " miss\n")).To(Equal(1))
		})

		It("keeps the fetches of different cold files within one budget per upstream host: no 503 from a mirror that refuses beyond 6", func() {
			var files []file
			served := map[string]func() io.ReadSeeker{}
			for i := range 10 {
				data := fixtures.RandomBytes(100_000, byte(20+i))
				path := fmt.Sprintf("/dl/lib-%d.tgz", i)
				served[path] = func() io.ReadSeeker { return bytes.NewReader(data) }
				files = append(files, file{name: fmt.Sprintf("lib-%d.tgz", i), version: "2.0", data: data})
			}
			strict, err := throttle.Start(throttle.Config{Addr: "127.0.0.1", Also: served, Rate: 10 << 20,
				Delay: 200 * time.Millisecond, MaxConcurrent: download.DefaultPerHost, RetryAfter: 1})
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(strict.Close)
			for i := range files {
				files[i].urls = []string{fmt.Sprintf("%s/dl/lib-%d.tgz", strict.URL, i)}
			}
			writeDoc(repoDir, "lib/v2.0.meta4", files...)
			server.Server.Reload(context.Background())

			var wg sync.WaitGroup
			for _, f := range files {
				wg.Go(func() {
					defer GinkgoRecover()
					resp, body := server.get("/name/" + f.name)
					Expect(resp.StatusCode).To(Equal(http.StatusOK), body)
					Expect(bytes.Equal([]byte(body), f.data)).To(BeTrue(), f.name)
				})
			}
			wg.Wait()
			Expect(strict.Refused()).To(BeZero())
			Expect(strict.Peak()).To(BeNumerically("<=", download.DefaultPerHost))
		})

		It("logs one line per request: method, path, status, bytes, duration and the cache's answer", func() {
			server.get("/name/app-1.0.tgz?X-Amz-Signature=secret")
			server.get("/name/app-1.0.tgz")
			Expect(server.Log.String()).To(MatchRegexp(`(?m)^GET /name/app-1\.0\.tgz 200 300000 \S+ miss$`))
			Expect(server.Log.String()).To(MatchRegexp(`(?m)^GET /name/app-1\.0\.tgz 200 300000 \S+ hit$`))
			Expect(server.Log.String()).NotTo(ContainSubstring("secret"))
		})
	})

	Describe("refreshing", func() {
		It("serves a version published since, and keeps the last good state of a repository that fails", func() {
			next := file{name: "app-1.1.tgz", version: "1.1", data: []byte("one point one"), urls: []string{up.url("/dl/app-1.1.tgz")}}
			up.mu.Lock()
			up.files["/dl/app-1.1.tgz"] = next.data
			up.mu.Unlock()
			writeDoc(repoDir, "app/v1.1.meta4", next)
			resp, _ := server.get("/name/app-1.1.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
			server.Server.Reload(context.Background())
			resp, body := server.get("/name/app-1.1.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
			Expect(body).To(Equal("one point one"))

			filetree.Write(filepath.Join(repoDir, "app", "broken.meta4"), "<not a metalink")
			server.Server.Reload(context.Background())
			Expect(server.Log.String()).To(ContainSubstring("broken.meta4"))
			Expect(server.Log.String()).To(ContainSubstring("serving its last good state: 2 documents"))
			resp, _ = server.get("/name/app-1.0.tgz")
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
		})
	})

	Describe("stopping", func() {
		It("lets a request in flight finish, then Serve returns nil", func() {
			release := up.hold()
			result := make(chan []byte, 1)
			go func() {
				defer GinkgoRecover()
				_, body := server.get("/name/app-1.0.tgz")
				result <- []byte(body)
			}()
			Eventually(func() int { return up.count("/dl/app-1.0.tgz") }).Should(Equal(1))
			stopped := make(chan error, 1)
			go func() { stopped <- server.Stop() }()
			Consistently(stopped).ShouldNot(Receive())
			release()
			Eventually(result).Should(Receive(Equal(app.data)))
			Eventually(stopped).Should(Receive(BeNil()))
		})
	})
})

var _ = Describe("signatures", func() {
	var (
		data      []byte
		up        *mirror
		repoDir   string
		signer    *openpgp.Entity
		signature string
	)

	BeforeEach(func() {
		data = fixtures.RandomBytes(50_000, 9)
		up = startMirror(map[string][]byte{"/s.bin": data})
		repoDir = GinkgoT().TempDir()
		var err error
		signer, err = openpgp.NewEntity("Release Team", "", "release@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
		Expect(err).NotTo(HaveOccurred())
		var armored bytes.Buffer
		Expect(openpgp.ArmoredDetachSign(&armored, signer, bytes.NewReader(data), nil)).To(Succeed())
		signature = armored.String()
		writeDoc(repoDir, "v1.meta4", file{name: "s.bin", version: "1", data: data, urls: []string{up.url("/s.bin")}, signature: signature})
	})

	serveWith := func(trusted *openpgp.Entity) *running {
		opts := serve.Options{Sources: []serve.Source{fileSource(repoDir)}}
		opts.Download.Verify.Trust.PGP = openpgp.EntityList{trusted}
		return startServer(opts)
	}

	It("serves a file signed by a key of the trust store", func() {
		server := serveWith(signer)
		resp, body := server.get("/name/s.bin")
		Expect(resp.StatusCode).To(Equal(http.StatusOK), body)
		Expect([]byte(body)).To(Equal(data))
	})

	It("answers 502 for a file signed by another key, and keeps nothing", func() {
		other, err := openpgp.NewEntity("Someone Else", "", "else@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
		Expect(err).NotTo(HaveOccurred())
		server := serveWith(other)
		resp, body := server.get("/name/s.bin")
		Expect(resp.StatusCode).To(Equal(http.StatusBadGateway))
		Expect(body).To(ContainSubstring("s.bin"))
		Expect(body).To(ContainSubstring("signature"))
		Expect(cacheFiles(server.Cache)).To(BeEmpty())
	})
})

var _ = Describe("a cache left by an earlier run", func() {
	It("removes a half-written fetch at start, keeps verified files, and fetches the file again", func() {
		data := fixtures.RandomBytes(100_000, 3)
		up := startMirror(map[string][]byte{"/f.bin": data})
		repoDir, cache := GinkgoT().TempDir(), GinkgoT().TempDir()
		writeDoc(repoDir, "v1.meta4", file{name: "f.bin", version: "1", data: data, urls: []string{up.url("/f.bin")}})
		half := filepath.Join(cache, ".fetch-sha-256-"+sha256Hex(data)+"-123")
		filetree.Write(half, string(data[:5000]))
		kept := "sha-256-" + strings.Repeat("0", 64)
		filetree.Write(filepath.Join(cache, kept), "an earlier file")

		server := startServer(serve.Options{Sources: []serve.Source{fileSource(repoDir)}, CacheDir: cache})
		Expect(half).NotTo(BeAnExistingFile())
		resp, body := server.get("/name/f.bin")
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect([]byte(body)).To(Equal(data))
		Expect(up.count("/f.bin")).To(Equal(1))
		Expect(cacheFiles(cache)).To(ConsistOf(kept, "sha-256-"+sha256Hex(data)))
	})
})

var _ = Describe("--cache-max", func() {
	It("evicts the least recently used files beyond the limit", func() {
		files := map[string][]byte{}
		var docs []file
		repoDir := GinkgoT().TempDir()
		for i := range 3 {
			data := fixtures.RandomBytes(40_000, byte(i))
			files[fmt.Sprintf("/%d.bin", i)] = data
			docs = append(docs, file{name: fmt.Sprintf("%d.bin", i), version: "1", data: data})
		}
		up := startMirror(files)
		for i := range docs {
			docs[i].urls = []string{up.url("/" + docs[i].name)}
		}
		writeDoc(repoDir, "v1.meta4", docs...)
		server := startServer(serve.Options{Sources: []serve.Source{fileSource(repoDir)}, CacheMax: 100_000})
		for _, name := range []string{"0.bin", "1.bin", "0.bin", "2.bin"} {
			resp, _ := server.get("/name/" + name)
			Expect(resp.StatusCode).To(Equal(http.StatusOK))
		}
		Expect(cacheFiles(server.Cache)).To(ConsistOf("sha-256-"+sha256Hex(docs[0].data), "sha-256-"+sha256Hex(docs[2].data)))
	})
})

var _ = Describe("Options.Validate", func() {
	DescribeTable("names the field that is wrong",
		func(edit func(*serve.Options), want string) {
			opts := serve.Options{Sources: []serve.Source{{Name: "x"}}, CacheDir: os.TempDir()}
			edit(&opts)
			Expect(opts.Validate()).To(MatchError(want))
		},
		Entry("no repositories", func(o *serve.Options) { o.Sources = nil }, "sources is required"),
		Entry("no cache", func(o *serve.Options) { o.CacheDir = "" }, "cache_dir is required"),
		Entry("a bad address", func(o *serve.Options) { o.Listen = "8080" }, `listen "8080": expected HOST:PORT, e.g. 127.0.0.1:8080 or :8080`),
		Entry("a negative refresh", func(o *serve.Options) { o.Refresh = -1 }, "refresh: must be positive"),
		Entry("a certificate without its key", func(o *serve.Options) { o.TLSCert = "c.pem" }, "tls_cert: needs tls_key beside it"),
		Entry("a public URL that is not one", func(o *serve.Options) { o.PublicURL = "mirror:80" }, `public_url "mirror:80": expected http(s)://HOST[:PORT][/PATH]`),
	)

	It("fills the defaults", func() {
		opts := serve.Options{Sources: []serve.Source{{Name: "x"}}, CacheDir: os.TempDir()}
		Expect(opts.Validate()).To(Succeed())
		Expect(opts.Listen).To(Equal("127.0.0.1:8080"))
		Expect(opts.Refresh).To(Equal(serve.DefaultRefresh))
	})
})
