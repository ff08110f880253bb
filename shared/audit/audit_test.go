package audit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/audit"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/repository"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/ftpserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/lockedbuffer"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// entryOf is a document at path of one file, data, at urls.
func entryOf(path, name string, data []byte, urls ...string) repository.Entry {
	sum := sha256.Sum256(data)
	f := metalink.File{Name: name, Size: uint64(len(data)), Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}}}
	for _, u := range urls {
		f.URLs = append(f.URLs, metalink.URL{URL: u})
	}
	return repository.Entry{Path: path, Metalink: metalink.Metalink{Files: []metalink.File{f}}}
}

var _ = Describe("Options", func() {
	DescribeTable("call a URL a mirror copy",
		func(mirrors []string, rawURL string, mirror bool) {
			opts := audit.Options{Mirrors: mirrors}
			Expect(opts.IsMirror(rawURL)).To(Equal(mirror))
		},
		Entry("s3:// by default", nil, "s3://s3.example.com/b/k", true),
		Entry("file:// by default", nil, "file:///srv/m/k", true),
		Entry("not https:// by default", nil, "https://go.dev/dl/go.tgz", false),
		Entry("under a --mirror prefix", []string{"https://cdn.example.com/"}, "https://cdn.example.com/go.tgz", true),
		Entry("not s3:// when prefixes are given", []string{"https://cdn.example.com/"}, "s3://s3.example.com/b/k", false),
	)

	It("refuses a negative job count, naming the field as the front end says it", func() {
		opts := audit.Options{Jobs: -1, Names: func(f string) string { return "--" + f }}
		Expect(opts.Validate()).To(MatchError("--jobs -1: must be positive"))
	})
})

var _ = Describe("Run", func() {
	It("finds an S3 copy whose recorded hash is another file's without reading it", func() {
		srv := s3server.Start(GinkgoT(), "mirror")
		data := fixtures.RandomBytes(10_000, 7)
		_, err := srv.Client.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String("mirror"), Key: aws.String("k"), Body: bytes.NewReader(data),
			Metadata: map[string]string{"sha-256": "00ff"},
		})
		Expect(err).NotTo(HaveOccurred())
		handlers, err := urlhandlers.Compile("h", []urlhandlers.Config{{Type: "s3", Options: srv.Credentials()}}, network.Default())
		Expect(err).NotTo(HaveOccurred())
		result, err := audit.Run(context.Background(), []repository.Entry{entryOf("v1.meta4", "k.bin", data, srv.URL("mirror", "k"))},
			audit.Options{Handlers: handlers})
		Expect(err).NotTo(HaveOccurred())
		sum := sha256.Sum256(data)
		Expect(result.Problems).To(Equal([]audit.Problem{{Path: "v1.meta4", File: "k.bin", URL: srv.URL("mirror", "k"),
			Role: audit.Mirror, Kind: audit.Wrong, Detail: "sha-256 00ff (recorded), want " + hex.EncodeToString(sum[:])}}))
	})

	It("asks an FTP mirror for sizes with SIZE and logs in without printing the password", func() {
		data := fixtures.RandomBytes(5_000, 9)
		srv := ftpserver.Start(GinkgoT(), map[string][]byte{"/m/good.bin": data, "/m/short.bin": data[:10]})
		srv.SetLogin("mirror", "ftp-pw-4321")
		prefix := srv.URL("mirror:ftp-pw-4321", "/m") + "/"
		entries := []repository.Entry{
			entryOf("v1.meta4", "good.bin", data, prefix+"good.bin"),
			entryOf("v2.meta4", "short.bin", data, prefix+"short.bin"),
			entryOf("v3.meta4", "gone.bin", data, prefix+"gone.bin"),
		}
		result, err := audit.Run(context.Background(), entries, audit.Options{Mirrors: []string{"ftp://"}, Deep: true})
		Expect(err).NotTo(HaveOccurred())
		shown := "ftp://[redacted]@" + srv.Addr + "/m/"
		Expect(result.Problems).To(Equal([]audit.Problem{
			{Path: "v2.meta4", File: "short.bin", URL: shown + "short.bin", Role: audit.Mirror, Kind: audit.Wrong, Detail: "10 bytes, want 5000"},
			{Path: "v3.meta4", File: "gone.bin", URL: shown + "gone.bin", Role: audit.Mirror, Kind: audit.Missing, Detail: "missing (550)"},
		}))
		Expect(result.Copies).To(Equal(3))
	})

	It("prints how far it is on every tick while a check is under way", func() {
		entered, release := make(chan struct{}), make(chan struct{})
		site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-release
			w.Header().Set("Content-Length", "4")
		}))
		DeferCleanup(site.Close)
		ticks, progress := make(chan time.Time), &lockedbuffer.Buffer{}
		done := make(chan audit.Result)
		go func() {
			defer GinkgoRecover()
			result, err := audit.Run(context.Background(), []repository.Entry{entryOf("v1.meta4", "a", []byte("data"), site.URL+"/a")},
				audit.Options{Upstream: true, Progress: progress, Ticks: ticks})
			Expect(err).NotTo(HaveOccurred())
			done <- result
		}()
		Eventually(entered).Should(BeClosed())
		ticks <- time.Now()
		Eventually(progress.String).Should(Equal("verify: checked 0/1 URLs\n"))
		close(release)
		Expect((<-done).Problems).To(BeEmpty())
	})
})
