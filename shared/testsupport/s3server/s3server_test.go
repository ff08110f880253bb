package s3server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// fatalTB stands in for a test to observe how Start fails; Fatalf ends the
// calling goroutine as testing.T's does.
type fatalTB struct {
	dir     string
	message string
}

func (t *fatalTB) Helper()         {}
func (t *fatalTB) TempDir() string { return t.dir }
func (t *fatalTB) Cleanup(func())  {}
func (t *fatalTB) Fatalf(format string, args ...any) {
	t.message = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

var _ = Describe("Start", func() {
	It("runs an S3 server on 127.0.0.1 with the buckets created", func() {
		server := s3server.Start(GinkgoT(), "one", "two")
		Expect(server.Host).To(HavePrefix("127.0.0.1:"))
		Expect(server.Put(context.Background(), "two", "dir/key", []byte("stored"))).To(Succeed())

		out, err := server.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("two"), Key: aws.String("dir/key")})
		Expect(err).NotTo(HaveOccurred())
		Expect(io.ReadAll(out.Body)).To(Equal([]byte("stored")))
		Expect(out.Body.Close()).To(Succeed())
		Expect(filepath.Join(server.Dir, "two", "dir", "key")).To(BeARegularFile())
		Expect(server.URL("two", "dir/key")).To(Equal("s3://" + server.Host + "/two/dir/key"))
	})

	It("stops the server, and stopping twice is harmless", func() {
		server := s3server.Start(GinkgoT())
		server.Stop()
		server.Stop()
		_, err := net.Dial("tcp", server.Host)
		Expect(err).To(HaveOccurred())
	})

	It("fails the test with how to install versitygw when the binary is missing", func() {
		GinkgoT().Setenv("VERSITYGW", filepath.Join(GinkgoT().TempDir(), "no-such-binary"))
		t := &fatalTB{dir: GinkgoT().TempDir()}
		done := make(chan struct{})
		go func() {
			defer close(done)
			s3server.Start(t)
		}()
		Eventually(done).Should(BeClosed())
		Expect(t.message).To(ContainSubstring("go install github.com/versity/versitygw/cmd/versitygw@v1.8.0"))
	})
})

var _ = Describe("Recorder", func() {
	var (
		ctx      context.Context
		server   *s3server.Server
		recorder *s3server.Recorder
	)

	BeforeEach(func() {
		ctx = context.Background()
		server = s3server.Start(GinkgoT(), "bucket")
		recorder = s3server.StartRecorder(GinkgoT(), server)
	})

	clientVia := func(endpoint string, pathStyle bool, httpClient *http.Client) *s3.Client {
		return s3.New(s3.Options{
			Region: s3server.Region, BaseEndpoint: aws.String(endpoint), UsePathStyle: pathStyle, HTTPClient: httpClient,
			Credentials: credentials.NewStaticCredentialsProvider(s3server.AccessKey, s3server.SecretKey, ""),
		})
	}

	It("passes requests on to the server and records them", func() {
		client := clientVia(recorder.Endpoint, true, http.DefaultClient)
		_, err := client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String("bucket"), Key: aws.String("key"), Body: strings.NewReader("stored"),
			StorageClass: types.StorageClassStandardIa,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(filepath.Join(server.Dir, "bucket", "key")).To(BeARegularFile())
		requests := recorder.Requests()
		Expect(requests).To(HaveLen(1))
		Expect(requests[0].Operation()).To(Equal("PutObject"))
		Expect(requests[0].AccessKey()).To(Equal(s3server.AccessKey))
		Expect(requests[0].Path).To(Equal("/bucket/key"))
		Expect(requests[0].Header.Get("X-Amz-Storage-Class")).To(Equal("STANDARD_IA"))
	})

	It("takes virtual-hosted requests as an HTTP proxy", func() {
		Expect(server.Put(ctx, "bucket", "key", []byte("stored"))).To(Succeed())
		proxy, err := url.Parse(recorder.Endpoint)
		Expect(err).NotTo(HaveOccurred())
		viaProxy := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
		out, err := clientVia("http://"+s3server.VirtualDomain, false, viaProxy).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket"), Key: aws.String("key")})
		Expect(err).NotTo(HaveOccurred())
		Expect(io.ReadAll(out.Body)).To(Equal([]byte("stored")))
		Expect(out.Body.Close()).To(Succeed())
		Expect(recorder.Requests()[0].Host).To(Equal("bucket." + s3server.VirtualDomain))
		Expect(recorder.Requests()[0].Path).To(Equal("/key"))
	})

	DescribeTable("answers STS with the server's root keys",
		func(assume func(*sts.Client) (*ststypes.Credentials, error), want string) {
			client := sts.New(sts.Options{Region: s3server.Region, BaseEndpoint: aws.String(recorder.Endpoint),
				Credentials: credentials.NewStaticCredentialsProvider("caller", "caller-secret", "")})
			creds, err := assume(client)
			if want != "" {
				Expect(err).To(MatchError(ContainSubstring(want)))
				return
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(aws.ToString(creds.AccessKeyId)).To(Equal(s3server.AccessKey))
			Expect(aws.ToString(creds.SecretAccessKey)).To(Equal(s3server.SecretKey))
			Expect(aws.ToTime(creds.Expiration)).To(BeTemporally(">", time.Now()))
			Expect(recorder.Requests()[0].Form.Get("RoleArn")).To(Equal("arn:aws:iam::1:role/r"))
		},
		Entry("AssumeRole", func(client *sts.Client) (*ststypes.Credentials, error) {
			out, err := client.AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::1:role/r"), RoleSessionName: aws.String("s")})
			if err != nil {
				return nil, err
			}
			return out.Credentials, nil
		}, ""),
		Entry("AssumeRoleWithWebIdentity with the token", func(client *sts.Client) (*ststypes.Credentials, error) {
			out, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String("arn:aws:iam::1:role/r"), RoleSessionName: aws.String("s"), WebIdentityToken: aws.String(s3server.WebIdentityToken),
			})
			if err != nil {
				return nil, err
			}
			return out.Credentials, nil
		}, ""),
		Entry("AssumeRoleWithWebIdentity with another token", func(client *sts.Client) (*ststypes.Credentials, error) {
			_, err := client.AssumeRoleWithWebIdentity(context.Background(), &sts.AssumeRoleWithWebIdentityInput{
				RoleArn: aws.String("arn:aws:iam::1:role/r"), RoleSessionName: aws.String("s"), WebIdentityToken: aws.String("forged"),
			})
			return nil, err
		}, "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"),
	)
})
