package s3server_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"runtime"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
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
