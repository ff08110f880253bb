package s3client_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"

	"github.com/aws/smithy-go"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/metalink-resources/metalink-resources/shared/download"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/transfer"
)

var _ = Describe("Handler", func() {
	var (
		server  *s3server.Server
		ctx     context.Context
		handler *s3client.Handler
		rootKey s3client.Options
	)

	BeforeEach(func() {
		ctx = context.Background()
		server = s3server.Start(GinkgoT(), "bucket")
		Expect(server.Put(ctx, "bucket", "dir/file.txt", []byte("0123456789"))).To(Succeed())
		rootKey = s3client.Options{AccessKey: s3server.AccessKey, SecretKey: s3server.SecretKey, DisableSSL: true}
		handler = s3client.NewHandler(rootKey, network.Default())
	})

	read := func(body io.ReadCloser) string {
		DeferCleanup(body.Close)
		data, err := io.ReadAll(body)
		Expect(err).NotTo(HaveOccurred())
		return string(data)
	}

	It("handles s3:// URLs only", func() {
		Expect(handler.Handles("s3://host/bucket/key")).To(BeTrue())
		Expect(handler.Handles("S3://host/bucket/key")).To(BeTrue())
		Expect(handler.Handles("https://host/bucket/key")).To(BeFalse())
		Expect(handler.Handles("s3:")).To(BeFalse())
	})

	It("reads a whole object and reports its size", func() {
		body, size, err := handler.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(10)))
		Expect(read(body)).To(Equal("0123456789"))
	})

	It("resumes from an offset with a range request and still reports the whole size", func() {
		body, size, err := handler.Open(ctx, server.URL("bucket", "dir/file.txt"), 7)
		Expect(err).NotTo(HaveOccurred())
		Expect(size).To(Equal(int64(10)))
		Expect(read(body)).To(Equal("789"))
	})

	It("reports a missing key as not found, naming the S3 code, and not worth a retry", func() {
		_, _, err := handler.Open(ctx, server.URL("bucket", "nope"), 0)
		Expect(err).To(MatchError(ContainSubstring("get " + server.URL("bucket", "nope") + ": not found (NoSuchKey")))
		Expect(s3client.IsNotFound(err)).To(BeTrue())
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("refuses a wrong secret key with a one-line error that never contains the secret", func() {
		wrong := s3client.NewHandler(s3client.Options{AccessKey: s3server.AccessKey, SecretKey: "wrong-secret-value", DisableSSL: true}, network.Default())
		_, _, err := wrong.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(HavePrefix("get " + server.URL("bucket", "dir/file.txt") + ": access denied (SignatureDoesNotMatch")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-secret-value"))
		Expect(err.Error()).NotTo(ContainSubstring("\n"))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("refuses an unknown access key without calling the object missing", func() {
		wrong := s3client.NewHandler(s3client.Options{AccessKey: "nobody", SecretKey: "wrong-secret-value", DisableSSL: true}, network.Default())
		_, _, err := wrong.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(HavePrefix("get " + server.URL("bucket", "dir/file.txt") + ": ")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-secret-value"))
		Expect(s3client.IsNotFound(err)).To(BeFalse())
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("signs with credentials in the URL", func() {
		anonymous := s3client.NewHandler(s3client.Options{Anonymous: true, DisableSSL: true}, network.Default())
		url := "s3://" + s3server.AccessKey + ":" + s3server.SecretKey + "@" + server.Host + "/bucket/dir/file.txt"
		body, _, err := anonymous.Open(ctx, url, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(read(body)).To(Equal("0123456789"))
	})

	It("sends unsigned requests when anonymous, which a private bucket refuses", func() {
		anonymous := s3client.NewHandler(s3client.Options{Anonymous: true, DisableSSL: true}, network.Default())
		_, _, err := anonymous.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(ContainSubstring("access denied (AccessDenied")))
	})

	It("assumes a role through STS on the same custom endpoint, naming the role when that fails", func() {
		withRole := rootKey
		withRole.RoleARN = "arn:aws:iam::123456789012:role/reader"
		_, _, err := s3client.NewHandler(withRole, network.Default()).Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		// versitygw serves no STS on its S3 port: its refusal proves the
		// request went there (credentials_test.go has one that answers).
		Expect(err).To(MatchError(HavePrefix("get " + server.URL("bucket", "dir/file.txt") +
			": assume role arn:aws:iam::123456789012:role/reader: HTTP 405 (MethodNotAllowed")))
		Expect(err.Error()).NotTo(ContainSubstring(s3server.SecretKey))
	})

	It("rejects a URL that names no object", func() {
		_, _, err := handler.Open(ctx, server.URL("bucket", ""), 0)
		Expect(err).To(MatchError(ContainSubstring("names a bucket, not an object")))
	})

	It("reports a server that refuses connections as a dead mirror, not worth a retry", func() {
		server.Stop()
		_, _, err := handler.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(HavePrefix("get " + server.URL("bucket", "dir/file.txt") + ": ")))
		Expect(err).To(MatchError(ContainSubstring("connection refused")))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("marks a server that takes the connection and drops it as worth a retry, after one attempt", func() {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(listener.Close)
		var accepted atomic.Int32
		go func() {
			for {
				conn, err := listener.Accept()
				if err != nil {
					return // the listener is closed: the test is over
				}
				accepted.Add(1)
				_ = conn.Close() // dropping it unanswered is the point
			}
		}()
		url := "s3://" + listener.Addr().String() + "/bucket/key"
		_, _, err = handler.Open(ctx, url, 0)
		Expect(err).To(MatchError(HavePrefix("get " + url + ": ")))
		Expect(transfer.IsTransient(err)).To(BeTrue())
		Expect(accepted.Load()).To(Equal(int32(1)), "retrying is the downloader's business")
	})

	It("marks a server error answer as worth a retry", func() {
		// versitygw cannot be made to fail on demand; this server always does.
		failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
		}))
		DeferCleanup(failing.Close)
		url := "s3://" + strings.TrimPrefix(failing.URL, "http://") + "/bucket/key"
		_, _, err := handler.Open(ctx, url, 0)
		Expect(err).To(MatchError("get " + url + ": HTTP 503 (SlowDown: Please reduce your request rate.)"))
		Expect(transfer.IsTransient(err)).To(BeTrue())
	})

	It("marks a connection that breaks mid-object as worth a retry", func() {
		// A sparse file placed in the bucket directory is an object to versitygw,
		// and far larger than what socket buffers hold after the server dies.
		big := filepath.Join(server.Dir, "bucket", "big.bin")
		Expect(os.WriteFile(big, nil, 0o644)).To(Succeed())
		Expect(os.Truncate(big, 256<<20)).To(Succeed())
		body, size, err := handler.Open(ctx, server.URL("bucket", "big.bin"), 0)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(body.Close)
		Expect(size).To(Equal(int64(256 << 20)))
		_, err = io.ReadFull(body, make([]byte, 1024))
		Expect(err).NotTo(HaveOccurred())
		server.Stop()
		_, err = io.Copy(io.Discard, body)
		Expect(err).To(HaveOccurred())
		Expect(transfer.IsTransient(err)).To(BeTrue())
		var s3Err *s3client.Error
		Expect(errors.As(err, &s3Err)).To(BeFalse(), "a broken body is not an S3 answer")
	})

	Describe("without keys in the options", func() {
		BeforeEach(func() {
			// Keep the SDK's default chain away from the real machine: no
			// profiles, no instance metadata service.
			GinkgoT().Setenv("AWS_CONFIG_FILE", filepath.Join(GinkgoT().TempDir(), "none"))
			GinkgoT().Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(GinkgoT().TempDir(), "none"))
			GinkgoT().Setenv("AWS_EC2_METADATA_DISABLED", "true")
			GinkgoT().Setenv("AWS_ACCESS_KEY_ID", "")
			GinkgoT().Setenv("AWS_SECRET_ACCESS_KEY", "")
			GinkgoT().Setenv("AWS_SESSION_TOKEN", "")
			GinkgoT().Setenv("AWS_PROFILE", "")
		})

		It("signs with the SDK's default chain, here the environment", func() {
			GinkgoT().Setenv("AWS_ACCESS_KEY_ID", s3server.AccessKey)
			GinkgoT().Setenv("AWS_SECRET_ACCESS_KEY", s3server.SecretKey)
			body, _, err := s3client.NewHandler(s3client.Options{DisableSSL: true}, network.Default()).Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
			Expect(err).NotTo(HaveOccurred())
			Expect(read(body)).To(Equal("0123456789"))
		})

		It("falls back to anonymous requests when the chain finds nothing", func() {
			_, _, err := s3client.NewHandler(s3client.Options{DisableSSL: true}, network.Default()).Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
			Expect(err).To(MatchError(ContainSubstring("access denied (AccessDenied")))
		})
	})
})

var _ = Describe("classifying S3 errors", func() {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	noSuchHost := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "s3.nowhere.invalid", IsNotFound: true}}
	dnsTrouble := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "s3.example.com", IsTemporary: true}}
	timeout := &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}

	DescribeTable("calls a dead host final and passing network trouble transient",
		func(cause error, transient bool) {
			// As the SDK hands it over: inside its operation error.
			err := s3client.WrapError("get", "s3://127.0.0.1:1/bucket/key", &smithy.OperationError{
				ServiceID: "S3", OperationName: "GetObject", Err: fmt.Errorf("send request: %w", cause)})
			var s3Err *s3client.Error
			Expect(errors.As(err, &s3Err)).To(BeTrue())
			Expect(s3Err.Transient()).To(Equal(transient))
			Expect(err.Error()).To(HavePrefix("get s3://127.0.0.1:1/bucket/key: "))
		},
		Entry("a refused connection", refused, false),
		Entry("a host that does not resolve", noSuchHost, false),
		Entry("a name server in trouble", dnsTrouble, true),
		Entry("a read timeout", timeout, true),
	)

	It("lets a download fall through a refused s3:// URL to the next one at once, without a retry", func(ctx SpecContext) {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		dead := "s3://" + listener.Addr().String() + "/bucket/go.tgz"
		Expect(listener.Close()).To(Succeed())
		content := []byte(strings.Repeat("metalink ", 1000))
		good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(content) }))
		DeferCleanup(good.Close)
		sum := sha256.Sum256(content)
		first, second := uint(1), uint(2)
		f := metalink.File{
			Name:   "go.tgz",
			Size:   uint64(len(content)),
			Hashes: []metalink.Hash{{Type: "sha-256", Hash: hex.EncodeToString(sum[:])}},
			URLs:   []metalink.URL{{URL: dead, Priority: &first}, {URL: good.URL + "/go.tgz", Priority: &second}},
		}
		report := gbytes.NewBuffer()
		reader := transfer.Router{
			s3client.NewHandler(s3client.Options{AccessKey: "AK", SecretKey: "SK", DisableSSL: true}, network.Default()),
			transfer.NewHTTP(network.Default().HTTP),
		}
		// Every retry is reported ("retry 1 of 3 in 1s"): none means no backoff was waited.
		Expect(download.File(ctx, f, GinkgoT().TempDir(), download.Options{Reader: reader, Report: report})).To(Succeed())
		Expect(string(report.Contents())).NotTo(ContainSubstring("retry"))
		Expect(report).To(gbytes.Say(`go.tgz: ` + regexp.QuoteMeta(dead) + ` failed: get ` + regexp.QuoteMeta(dead) + `: .*connection refused`))
	})
})
