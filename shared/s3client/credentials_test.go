package s3client_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// STS is the Recorder's stand-in (see s3server.Recorder for why versitygw's
// own STS cannot serve here). It hands out versitygw's root keys, which no
// child process is given otherwise: a download that succeeds was signed
// with what STS issued.
var _ = Describe("Credentials", func() {
	const (
		roleARN = "arn:aws:iam::123456789012:role/mirror-writer"
		content = "0123456789"
	)
	var (
		server   *s3server.Server
		recorder *s3server.Recorder
		objectAt string // the object's URL through the recorder
	)

	BeforeEach(func(ctx SpecContext) {
		server = s3server.Start(GinkgoT(), "bucket")
		Expect(server.Put(ctx, "bucket", "dir/file.txt", []byte(content))).To(Succeed())
		recorder = s3server.StartRecorder(GinkgoT(), server)
		objectAt = recorder.URL("bucket", "dir/file.txt")
	})

	// gets are the recorder's GetObject requests.
	gets := func() []s3server.Request { return recorder.Operations("GetObject") }

	It("assume role_arn with the given keys through STS on the custom endpoint, and sign with the role's", func(ctx SpecContext) {
		opts := s3client.Options{AccessKey: "base-key", SecretKey: "base-secret", RoleARN: roleARN, DisableSSL: true}
		body, _, err := s3client.NewHandler(opts, network.Default()).Open(ctx, objectAt, 0)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(body.Close)
		Expect(io.ReadAll(body)).To(Equal([]byte(content)))
		assumed := recorder.Operations("AssumeRole")
		Expect(assumed).To(HaveLen(1))
		Expect(assumed[0].AccessKey()).To(Equal("base-key"))
		Expect(assumed[0].Form.Get("RoleArn")).To(Equal(roleARN))
		Expect(assumed[0].Form.Get("RoleSessionName")).To(Equal("metalink-session"))
		Expect(gets()).To(HaveLen(1))
		Expect(gets()[0].AccessKey()).To(Equal(s3server.AccessKey))
	})

	Describe("from a web identity token, through the SDK's default chain in a process of its own", func() {
		var tokenFile string
		webIdentity := func(token string) []string {
			tokenFile = filepath.Join(GinkgoT().TempDir(), "token")
			Expect(os.WriteFile(tokenFile, []byte(token), 0o600)).To(Succeed())
			return []string{
				"AWS_WEB_IDENTITY_TOKEN_FILE=" + tokenFile,
				"AWS_ROLE_ARN=" + roleARN,
				"AWS_ENDPOINT_URL_STS=" + recorder.Endpoint,
			}
		}
		noKeys := s3client.Options{DisableSSL: true}

		It("exchange the token read from the file for keys that sign the request", func(ctx SpecContext) {
			stdout, stderr, err := readInChild(ctx, objectAt, noKeys, webIdentity(s3server.WebIdentityToken)...)
			Expect(err).NotTo(HaveOccurred(), stderr)
			Expect(stdout).To(Equal(content))
			assumed := recorder.Operations("AssumeRoleWithWebIdentity")
			Expect(assumed).To(HaveLen(1))
			Expect(assumed[0].Form.Get("WebIdentityToken")).To(Equal(s3server.WebIdentityToken))
			Expect(assumed[0].Form.Get("RoleArn")).To(Equal(roleARN))
			Expect(gets()).To(HaveLen(1))
			Expect(gets()[0].AccessKey()).To(Equal(s3server.AccessKey))
		})

		It("assume role_arn on top of them", func(ctx SpecContext) {
			withRole := noKeys
			withRole.RoleARN = "arn:aws:iam::123456789012:role/second"
			stdout, stderr, err := readInChild(ctx, objectAt, withRole, webIdentity(s3server.WebIdentityToken)...)
			Expect(err).NotTo(HaveOccurred(), stderr)
			Expect(stdout).To(Equal(content))
			Expect(recorder.Operations("AssumeRoleWithWebIdentity")).To(HaveLen(1))
			assumed := recorder.Operations("AssumeRole")
			Expect(assumed).To(HaveLen(1))
			Expect(assumed[0].AccessKey()).To(Equal(s3server.AccessKey), "signed with the web identity's keys")
			Expect(assumed[0].Form.Get("RoleArn")).To(Equal(withRole.RoleARN))
		})

		It("report a token STS refuses, rather than reading anonymously", func(ctx SpecContext) {
			_, stderr, err := readInChild(ctx, objectAt, noKeys, webIdentity("someone-elses-token")...)
			Expect(err).To(HaveOccurred())
			Expect(strings.TrimSpace(stderr)).To(Equal("get " + objectAt + ": credentials from the AWS default chain: " +
				"AssumeRoleWithWebIdentity: access denied (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity)"))
			Expect(gets()).To(BeEmpty())
		})

		It("report a token file that cannot be read, naming it", func(ctx SpecContext) {
			env := webIdentity(s3server.WebIdentityToken)
			Expect(os.Remove(tokenFile)).To(Succeed())
			_, stderr, err := readInChild(ctx, objectAt, noKeys, env...)
			Expect(err).To(HaveOccurred())
			Expect(stderr).To(HavePrefix("get " + objectAt + ": credentials from the AWS default chain: "))
			Expect(stderr).To(ContainSubstring(tokenFile + ": no such file or directory"))
			Expect(recorder.Requests()).To(BeEmpty())
		})
	})
})
