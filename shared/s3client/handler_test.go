package s3client_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

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
		handler = s3client.NewHandler(rootKey)
	})

	read := func(body io.ReadCloser) string {
		defer body.Close()
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
		wrong := s3client.NewHandler(s3client.Options{AccessKey: s3server.AccessKey, SecretKey: "wrong-secret-value", DisableSSL: true})
		_, _, err := wrong.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(HavePrefix("get " + server.URL("bucket", "dir/file.txt") + ": access denied (SignatureDoesNotMatch")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-secret-value"))
		Expect(err.Error()).NotTo(ContainSubstring("\n"))
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("refuses an unknown access key without calling the object missing", func() {
		wrong := s3client.NewHandler(s3client.Options{AccessKey: "nobody", SecretKey: "wrong-secret-value", DisableSSL: true})
		_, _, err := wrong.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(HavePrefix("get " + server.URL("bucket", "dir/file.txt") + ": ")))
		Expect(err.Error()).NotTo(ContainSubstring("wrong-secret-value"))
		Expect(s3client.IsNotFound(err)).To(BeFalse())
		Expect(transfer.IsTransient(err)).To(BeFalse())
	})

	It("signs with credentials in the URL", func() {
		anonymous := s3client.NewHandler(s3client.Options{Anonymous: true, DisableSSL: true})
		url := "s3://" + s3server.AccessKey + ":" + s3server.SecretKey + "@" + server.Host + "/bucket/dir/file.txt"
		body, _, err := anonymous.Open(ctx, url, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(read(body)).To(Equal("0123456789"))
	})

	It("sends unsigned requests when anonymous, which a private bucket refuses", func() {
		anonymous := s3client.NewHandler(s3client.Options{Anonymous: true, DisableSSL: true})
		_, _, err := anonymous.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(ContainSubstring("access denied (AccessDenied")))
	})

	It("assumes a role through STS on the same custom endpoint, naming the role when that fails", func() {
		withRole := rootKey
		withRole.RoleARN = "arn:aws:iam::123456789012:role/reader"
		_, _, err := s3client.NewHandler(withRole).Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		// versitygw has no STS: its refusal proves the request went there.
		Expect(err).To(MatchError(HavePrefix("get " + server.URL("bucket", "dir/file.txt") +
			": assume role arn:aws:iam::123456789012:role/reader: HTTP 405 (MethodNotAllowed")))
		Expect(err.Error()).NotTo(ContainSubstring(s3server.SecretKey))
	})

	It("rejects a URL that names no object", func() {
		_, _, err := handler.Open(ctx, server.URL("bucket", ""), 0)
		Expect(err).To(MatchError(ContainSubstring("names a bucket, not an object")))
	})

	It("marks a server that does not answer as worth a retry", func() {
		server.Stop()
		_, _, err := handler.Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
		Expect(err).To(MatchError(ContainSubstring("connection refused")))
		Expect(transfer.IsTransient(err)).To(BeTrue())
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
		defer body.Close()
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
			body, _, err := s3client.NewHandler(s3client.Options{DisableSSL: true}).Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
			Expect(err).NotTo(HaveOccurred())
			Expect(read(body)).To(Equal("0123456789"))
		})

		It("falls back to anonymous requests when the chain finds nothing", func() {
			_, _, err := s3client.NewHandler(s3client.Options{DisableSSL: true}).Open(ctx, server.URL("bucket", "dir/file.txt"), 0)
			Expect(err).To(MatchError(ContainSubstring("access denied (AccessDenied")))
		})
	})
})
