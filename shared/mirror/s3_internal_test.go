package mirror

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// An s3Upload is the transfer manager fed through a pipe: what it sends
// becomes an object only at commit, which comes once the bytes are verified.
var _ = Describe("An upload to S3", func() {
	const (
		bucket = "uploads"
		key    = "releases/app.tgz"
	)
	var (
		server *s3server.Server
		dest   *s3Destination
	)

	BeforeEach(func() {
		server = s3server.Start(GinkgoT(), bucket)
		dest = &s3Destination{s3Endpoint: newS3Endpoint(server.Client), loc: s3client.Location{Host: server.Host, Bucket: bucket, Key: key}}
	})

	content := func(n int) []byte {
		b := make([]byte, n)
		_, _ = rand.NewChaCha8([32]byte{7}).Read(b) // a ChaCha8 never fails
		return b
	}
	object := func() ([]byte, bool) {
		out, err := server.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if s3client.IsNotFound(err) {
			return nil, false
		}
		Expect(err).NotTo(HaveOccurred())
		body, err := io.ReadAll(out.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(out.Body.Close()).To(Succeed())
		return body, true
	}
	pendingUploads := func() int {
		out, err := server.Client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
		Expect(err).NotTo(HaveOccurred())
		return len(out.Uploads)
	}

	DescribeTable("becomes the object only when committed",
		func(size, pendingBeforeCommit int) {
			data := content(size)
			u := dest.put(context.Background(), map[string]string{"sha-256": "abc"})
			_, err := u.Write(data)
			Expect(err).NotTo(HaveOccurred())
			_, ok := object()
			Expect(ok).To(BeFalse(), "an object before commit")
			// Beyond the first part every byte written was read after the
			// multipart upload was created.
			Expect(pendingUploads()).To(Equal(pendingBeforeCommit))
			Expect(u.commit()).To(Succeed())
			got, ok := object()
			Expect(ok).To(BeTrue())
			Expect(got).To(Equal(data))
			Expect(pendingUploads()).To(BeZero())
		},
		Entry("in one PutObject", 1<<20, 0),
		Entry("in parts", 3*partSize+5, 1),
	)

	DescribeTable("leaves no object and no pending upload when aborted",
		func(size int, cause error) {
			u := dest.put(context.Background(), nil)
			if size > 0 {
				_, err := u.Write(content(size))
				Expect(err).NotTo(HaveOccurred())
			}
			u.abort(cause)
			_, ok := object()
			Expect(ok).To(BeFalse())
			Expect(pendingUploads()).To(BeZero())
			_, err := u.Write([]byte("more"))
			Expect(err).To(HaveOccurred(), "an aborted upload takes no more bytes")
		},
		Entry("before any byte", 0, errors.New("sha-512 mismatch")),
		Entry("within the first part", 1<<20, errors.New("sha-512 mismatch")),
		Entry("after several parts", 3*partSize+5, errors.New("sha-512 mismatch")),
		Entry("within the first part, for a cause that is io.EOF", 1<<20, io.EOF),
		Entry("after several parts, for a cause that is io.EOF", 3*partSize+5, io.EOF),
		Entry("without a cause", partSize+1, nil),
	)

	It("aborts the multipart upload even when the run is cancelled", func() {
		ctx, cancel := context.WithCancel(context.Background())
		u := dest.put(ctx, nil)
		_, err := u.Write(content(3*partSize + 5))
		Expect(err).NotTo(HaveOccurred())
		Expect(pendingUploads()).To(Equal(1))
		cancel()
		u.abort(context.Canceled)
		_, ok := object()
		Expect(ok).To(BeFalse())
		Expect(pendingUploads()).To(BeZero(), "AbortMultipartUpload ran on a context of its own")
	})
})

// The copy of a staged object too large for one CopyObject starts its own
// multipart upload, which must carry the upload options like any other.
var _ = Describe("A server-side copy in parts with S3 upload options", func() {
	It("creates its multipart upload with them", func(ctx SpecContext) {
		const bucket = "copies"
		server := s3server.Start(GinkgoT(), bucket)
		recorder := s3server.StartRecorder(GinkgoT(), server)
		opts := server.Credentials()
		opts.ServerSideEncryption, opts.StorageClass, opts.ACL = "AES256", "STANDARD_IA", "bucket-owner-full-control"
		loc, err := s3client.ParseURL(recorder.URL(bucket, "releases/app.tgz"))
		Expect(err).NotTo(HaveOccurred())
		client, err := s3client.NewClient(ctx, loc, opts, network.Default())
		Expect(err).NotTo(HaveOccurred())
		endpoint := newS3Endpoint(client)
		endpoint.maxCopySize, endpoint.copyPartSize = 5<<20, 5<<20
		source := s3client.Location{Host: recorder.Host, Bucket: bucket, Key: "staging/" + stagingPrefix + "x"}
		Expect(server.Put(ctx, bucket, source.Key, make([]byte, 11<<20))).To(Succeed())

		dest := &s3Destination{s3Endpoint: endpoint, loc: loc}
		Expect(dest.copyFrom(ctx, source, 11<<20, map[string]string{"sha-256": "abc"})).To(Succeed())
		created := recorder.Operations("CreateMultipartUpload")
		Expect(created).To(HaveLen(1))
		Expect(created[0].UploadHeaders()).To(Equal(map[string]string{
			"X-Amz-Server-Side-Encryption": "AES256", "X-Amz-Storage-Class": "STANDARD_IA", "X-Amz-Acl": "bucket-owner-full-control",
		}))
		Expect(recorder.Operations("UploadPart")).To(HaveLen(3), "three part copies")
		Expect(recorder.Operations("CompleteMultipartUpload")).To(HaveLen(1))
	})
})
