package s3client_test

import (
	"context"
	"maps"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/network"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// The headers are observed at a Recorder: versitygw takes them and ignores
// them (HeadObject answers STANDARD and no encryption whatever was sent).
var _ = Describe("Upload settings", func() {
	const kmsKey = "arn:aws:kms:us-east-1:123456789012:key/0a1b2c3d"
	var (
		ctx      context.Context
		server   *s3server.Server
		recorder *s3server.Recorder
		settings s3client.Options
		all      map[string]string // the headers of settings
	)

	BeforeEach(func() {
		ctx = context.Background()
		server = s3server.Start(GinkgoT(), "bucket")
		recorder = s3server.StartRecorder(GinkgoT(), server)
		settings = server.Credentials()
		settings.ServerSideEncryption, settings.SSEKMSKeyID = "aws:kms", kmsKey
		settings.StorageClass, settings.ACL = "STANDARD_IA", "bucket-owner-full-control"
		all = map[string]string{
			"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": kmsKey,
			"X-Amz-Storage-Class": "STANDARD_IA", "X-Amz-Acl": "bucket-owner-full-control",
		}
	})

	newClient := func(opts s3client.Options) *s3.Client {
		loc, err := s3client.ParseURL(recorder.URL("bucket", "key"))
		Expect(err).NotTo(HaveOccurred())
		client, err := s3client.NewClient(ctx, loc, opts, network.Default())
		Expect(err).NotTo(HaveOccurred())
		return client
	}
	putObject := func(ctx context.Context, client *s3.Client, input *s3.PutObjectInput) {
		input.Bucket, input.Body = aws.String("bucket"), strings.NewReader("content")
		_, err := client.PutObject(ctx, input)
		Expect(err).NotTo(HaveOccurred())
	}

	It("go with every request that creates an object, and with no other", func() {
		client := newClient(settings)
		putObject(ctx, client, &s3.PutObjectInput{Key: aws.String("put")})
		created, err := client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("bucket"), Key: aws.String("parts")})
		Expect(err).NotTo(HaveOccurred())
		part, err := client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: aws.String("bucket"), Key: aws.String("parts"), UploadId: created.UploadId,
			PartNumber: aws.Int32(1), Body: strings.NewReader("one part"),
		})
		Expect(err).NotTo(HaveOccurred())
		_, err = client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
			Bucket: aws.String("bucket"), Key: aws.String("parts"), UploadId: created.UploadId,
			MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{PartNumber: aws.Int32(1), ETag: part.ETag}}},
		})
		Expect(err).NotTo(HaveOccurred())
		_, err = client.CopyObject(ctx, &s3.CopyObjectInput{Bucket: aws.String("bucket"), Key: aws.String("copy"), CopySource: aws.String("bucket/put")})
		Expect(err).NotTo(HaveOccurred())
		_, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("bucket"), Key: aws.String("copy")})
		Expect(err).NotTo(HaveOccurred(), "versitygw stored the copy")

		requests := recorder.Requests()
		Expect(requests).To(HaveLen(6))
		for _, r := range requests {
			switch r.Operation() {
			case "PutObject", "CreateMultipartUpload", "CopyObject":
				Expect(r.UploadHeaders()).To(Equal(all), r.Operation())
			default: // the part takes them from the upload; HEAD reads
				Expect(r.UploadHeaders()).To(BeEmpty(), r.Operation())
			}
		}
	})

	It("leave what a request sets itself, and the caller's input as it was", func() {
		input := &s3.PutObjectInput{Key: aws.String("key"), StorageClass: types.StorageClassGlacier}
		putObject(ctx, newClient(settings), input)
		Expect(input.ServerSideEncryption).To(BeEmpty())
		Expect(input.ACL).To(BeEmpty())
		want := maps.Clone(all)
		want["X-Amz-Storage-Class"] = "GLACIER"
		Expect(recorder.Operations("PutObject")[0].UploadHeaders()).To(Equal(want))
	})

	It("store a temporary object in the default storage class, still encrypted and with the ACL", func() {
		putObject(s3client.ForTemporaryObject(ctx), newClient(settings), &s3.PutObjectInput{Key: aws.String("temp")})
		want := maps.Clone(all)
		delete(want, "X-Amz-Storage-Class")
		Expect(recorder.Operations("PutObject")[0].UploadHeaders()).To(Equal(want))
	})

	It("send a KMS key only when one is given", func() {
		settings.ServerSideEncryption, settings.SSEKMSKeyID = "AES256", ""
		putObject(ctx, newClient(settings), &s3.PutObjectInput{Key: aws.String("key")})
		Expect(recorder.Operations("PutObject")[0].UploadHeaders()).To(Equal(map[string]string{
			"X-Amz-Server-Side-Encryption": "AES256", "X-Amz-Storage-Class": "STANDARD_IA", "X-Amz-Acl": "bucket-owner-full-control",
		}))
	})

	It("add nothing when none is set", func() {
		putObject(ctx, newClient(server.Credentials()), &s3.PutObjectInput{Key: aws.String("key")})
		Expect(recorder.Operations("PutObject")[0].UploadHeaders()).To(BeEmpty())
	})
})
