package getstep_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/getstep"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/selection"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

var _ = Describe("Run", func() {
	var (
		src  string
		dest string
		log  *bytes.Buffer
	)

	BeforeEach(func() {
		src = GinkgoT().TempDir()
		dest = filepath.Join(GinkgoT().TempDir(), "dest")
		log = &bytes.Buffer{}
	})

	// servedFile puts content in the source directory and describes it as a
	// metalink file with a file:// URL, its size and its sha-256.
	servedFile := func(name, content string) metalink.File {
		path := filepath.Join(src, strings.ReplaceAll(name, "/", "_"))
		Expect(os.WriteFile(path, []byte(content), 0o644)).To(Succeed())
		sum := sha256.Sum256([]byte(content))
		return metalink.File{
			Name:   name,
			Size:   uint64(len(content)),
			Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}},
			URLs:   []metalink.URL{{URL: "file://" + path}},
		}
	}

	request := func(files ...metalink.File) getstep.Request {
		return getstep.Request{
			Metalink: metalink.Metalink{Files: files},
			Version:  "1.2.3",
			Download: download.Options{Reader: transfer.Defaults(network.Default().HTTP), Progress: io.Discard, Report: log},
		}
	}

	readDest := func(name string) string {
		data, err := os.ReadFile(filepath.Join(dest, filepath.FromSlash(name)))
		Expect(err).NotTo(HaveOccurred())
		return string(data)
	}

	// entries lists every file and directory under dest, slash separated.
	entries := func() []string {
		var found []string
		err := filepath.WalkDir(dest, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != dest {
				rel, _ := filepath.Rel(dest, path)
				found = append(found, filepath.ToSlash(rel))
			}
			return nil
		})
		if os.IsNotExist(err) {
			return nil
		}
		Expect(err).NotTo(HaveOccurred())
		return found
	}

	It("downloads the selected files, records the whole metalink and the version, and reports files then bytes", func() {
		req := request(servedFile("a.txt", "alpha"), servedFile("sub/b.txt", "bravo!"), servedFile("c.txt", "charlie"))
		req.Files = selection.Filter{Exclude: []string{"c.txt"}}

		metadata, err := getstep.Run(context.Background(), dest, req)

		Expect(err).NotTo(HaveOccurred())
		Expect(metadata).To(Equal([]concourse.MetadataField{{Name: "files", Value: "2"}, {Name: "bytes", Value: "11"},
			{Name: "a.txt", Value: "file://" + filepath.Join(src, "a.txt")}, {Name: "sub/b.txt", Value: "file://" + filepath.Join(src, "sub_b.txt")}}))
		Expect(readDest("a.txt")).To(Equal("alpha"))
		Expect(readDest("sub/b.txt")).To(Equal("bravo!"))
		Expect(readDest(".resource/version")).To(Equal("1.2.3"))
		Expect(log.String()).To(HaveSuffix("wrote 2 file(s) and .resource/metalink.meta4 and .resource/version\n"))
		recorded, err := metalink.Parse([]byte(readDest(".resource/metalink.meta4")))
		Expect(err).NotTo(HaveOccurred())
		Expect(recorded.Files).To(HaveLen(3), "the record keeps the files that were not selected")
		Expect(entries()).To(ConsistOf(".resource", ".resource/metalink.meta4", ".resource/version", "a.txt", "sub", "sub/b.txt"))
	})

	It("writes only the records, with the same metadata, when the download is skipped", func() {
		req := request(servedFile("a.txt", "alpha"), servedFile("b.txt", "bravo!"))
		req.SkipDownload = true

		metadata, err := getstep.Run(context.Background(), dest, req)

		Expect(err).NotTo(HaveOccurred())
		Expect(metadata).To(Equal([]concourse.MetadataField{{Name: "files", Value: "2"}, {Name: "bytes", Value: "11"},
			{Name: "a.txt", Value: "file://" + filepath.Join(src, "a.txt")}, {Name: "b.txt", Value: "file://" + filepath.Join(src, "b.txt")}}))
		Expect(entries()).To(ConsistOf(".resource", ".resource/metalink.meta4", ".resource/version"))
		Expect(log.String()).To(HaveSuffix("wrote .resource/metalink.meta4 and .resource/version only (skip_download: 2 selected file(s) not downloaded)\n"))
	})

	It("honours params.include_files as an intersection with source.include_files", func() {
		req := request(servedFile("go.linux.tgz", "l"), servedFile("go.darwin.tgz", "d"), servedFile("go.src.tgz", "s"))
		req.Files = selection.Filter{Include: []string{"go.*.tgz"}, ParamsInclude: []string{"*linux*", "*src*"}, Exclude: []string{"*src*"}}

		metadata, err := getstep.Run(context.Background(), dest, req)

		Expect(err).NotTo(HaveOccurred())
		Expect(metadata[0]).To(Equal(concourse.MetadataField{Name: "files", Value: "1"}))
		Expect(readDest("go.linux.tgz")).To(Equal("l"))
		Expect(filepath.Join(dest, "go.darwin.tgz")).NotTo(BeAnExistingFile())
	})

	It("warns about a file that has no hash and still downloads it", func() {
		file := servedFile("plain.txt", "no hash here")
		file.Hashes = nil

		_, err := getstep.Run(context.Background(), dest, request(file))

		Expect(err).NotTo(HaveOccurred())
		Expect(log.String()).To(ContainSubstring("plain.txt: warning: the metalink gives no hash"))
		Expect(readDest("plain.txt")).To(Equal("no hash here"))
	})

	DescribeTable("rejects a metalink with an unsafe or clashing file name before writing anything",
		func(name, message string) {
			good := servedFile("good.txt", "fine")
			bad := servedFile("bad.txt", "evil")
			bad.Name = name

			_, err := getstep.Run(context.Background(), dest, request(good, bad))

			Expect(err).To(MatchError(ContainSubstring(message)))
			Expect(dest).NotTo(BeADirectory())
		},
		Entry("a parent directory", "../x", "../x"),
		Entry("a parent directory deeper down", "a/../../x", "a/../../x"),
		Entry("an absolute path", "/etc/passwd", "/etc/passwd"),
		Entry("a backslash", `a\b`, `a\\b`),
		Entry("an empty name", "", `""`),
		Entry("a NUL byte", "a\x00b", `a\x00b`),
		Entry("the version record", ".resource/version", "reserved"),
		Entry("the records directory", ".resource", "reserved"),
		Entry("a repeated name", "good.txt", "duplicate"),
		Entry("a name that another needs as a directory", "good.txt/inner", "directory"),
	)

	DescribeTable("leaves no file under a final name when a later file fails",
		func(spoil func(*metalink.File)) {
			second := servedFile("second.txt", "second")
			spoil(&second)

			_, err := getstep.Run(context.Background(), dest, request(servedFile("first.txt", "first"), second))

			Expect(err).To(MatchError(ContainSubstring("second.txt")))
			Expect(entries()).To(BeEmpty())
		},
		Entry("because its only URL is missing", func(f *metalink.File) {
			f.URLs = []metalink.URL{{URL: "file://" + filepath.Join(src, "missing")}}
		}),
		Entry("because its bytes do not match the hash", func(f *metalink.File) {
			f.Hashes[0].Hash = strings.Repeat("0", 64)
		}),
	)

	It("takes back every file and directory it moved when a later move fails", func() {
		Expect(os.MkdirAll(dest, 0o755)).To(Succeed())
		// A file where the second file needs a directory fails its move.
		Expect(os.WriteFile(filepath.Join(dest, "blocked"), []byte("mine"), 0o644)).To(Succeed())
		req := request(servedFile("new/deeper/first.txt", "first"), servedFile("blocked/second.txt", "second"))

		_, err := getstep.Run(context.Background(), dest, req)

		Expect(err).To(MatchError(ContainSubstring("move blocked/second.txt into the destination")))
		Expect(entries()).To(Equal([]string{"blocked"}))
		Expect(readDest("blocked")).To(Equal("mine"))
	})

	It("removes the destination it created when it fails", func() {
		second := servedFile("second.txt", "second")
		second.Hashes[0].Hash = strings.Repeat("0", 64)

		_, err := getstep.Run(context.Background(), dest, request(servedFile("first.txt", "first"), second))

		Expect(err).To(MatchError(ContainSubstring("second.txt")))
		Expect(dest).NotTo(BeAnExistingFile())
	})

	It("removes the staging directory an earlier, killed run left, saying so", func() {
		stale := filepath.Join(dest, ".in-staging-123456")
		Expect(os.MkdirAll(filepath.Join(stale, "sub"), 0o755)).To(Succeed())
		Expect(os.WriteFile(filepath.Join(stale, "sub", "half.bin"), []byte("half"), 0o644)).To(Succeed())

		_, err := getstep.Run(context.Background(), dest, request(servedFile("a.txt", "alpha")))

		Expect(err).NotTo(HaveOccurred())
		Expect(entries()).To(ConsistOf("a.txt", ".resource", ".resource/metalink.meta4", ".resource/version"))
		Expect(log.String()).To(ContainSubstring("removed .in-staging-123456, left by an earlier run that did not finish\n"))
	})

	It("stops and leaves nothing behind when the context is cancelled mid-download", func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		started := make(chan struct{})
		var once sync.Once
		server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "1000")
			_, _ = w.Write(make([]byte, 10)) // the client may be gone already
			w.(http.Flusher).Flush()
			once.Do(func() { close(started) })
			<-r.Context().Done()
		}))
		DeferCleanup(server.Close)
		go func() {
			defer GinkgoRecover()
			Eventually(started).Should(BeClosed())
			cancel()
		}()
		stuck := metalink.File{Name: "stuck.bin", Size: 1000, URLs: []metalink.URL{{URL: server.URL + "/stuck.bin"}}}

		done := make(chan error, 1)
		go func() {
			_, err := getstep.Run(ctx, dest, request(servedFile("first.txt", "first"), stuck))
			done <- err
		}()

		Eventually(done, 10*time.Second).Should(Receive(HaveOccurred()))
		Expect(entries()).To(BeEmpty())
	})
})

var _ = Describe("URLMetadata", func() {
	It("lists each file's URLs without userinfo, bounded", func() {
		var many []metalink.URL
		for i := range 7 {
			many = append(many, metalink.URL{URL: fmt.Sprintf("https://m%d.example/app.tgz", i)})
		}
		fields := getstep.URLMetadata([]metalink.File{
			{Name: "app.tgz", URLs: many},
			{Name: "key.asc", URLs: []metalink.URL{{URL: "https://user:s3cret@mirror.example/key.asc"}}},
			{Name: "local.bin"},
		})
		Expect(fields).To(Equal([]concourse.MetadataField{
			{Name: "app.tgz", Value: "https://m0.example/app.tgz, https://m1.example/app.tgz, https://m2.example/app.tgz, " +
				"https://m3.example/app.tgz, https://m4.example/app.tgz and 2 more"},
			{Name: "key.asc", Value: "https://[redacted]@mirror.example/key.asc"},
			{Name: "local.bin", Value: "no URLs"},
		}))
	})

	It("stops after 50 files", func() {
		files := make([]metalink.File, 60)
		for i := range files {
			files[i].Name = fmt.Sprintf("f%d", i)
		}
		fields := getstep.URLMetadata(files)
		Expect(fields).To(HaveLen(51))
		Expect(fields[50]).To(Equal(concourse.MetadataField{Name: "…", Value: "10 more files"}))
	})
})
