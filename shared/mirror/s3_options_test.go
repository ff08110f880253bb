package mirror_test

import (
	"maps"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/mirror"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/fixtures"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

// Observed at a Recorder in front of versitygw, which takes these headers
// and ignores them.
var _ = Describe("Run with S3 upload options", func() {
	const kmsKey = "arn:aws:kms:eu-west-1:123456789012:key/mirror"
	var (
		s3       store
		recorder *s3server.Recorder
		handlers []urlhandlers.Config
		big      []byte // several parts
		small    []byte // one PutObject
		all      map[string]string
	)

	BeforeEach(func() {
		s3 = startStore()
		recorder = s3server.StartRecorder(GinkgoT(), s3.server)
		opts := s3.server.Credentials()
		opts.ServerSideEncryption, opts.SSEKMSKeyID = "aws:kms", kmsKey
		opts.StorageClass, opts.ACL = "GLACIER", "bucket-owner-full-control"
		handlers = []urlhandlers.Config{{Type: "s3", Options: opts}}
		big, small = fixtures.RandomBytes(12<<20+5, 6), []byte("small file")
		all = map[string]string{
			"X-Amz-Server-Side-Encryption": "aws:kms", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": kmsKey,
			"X-Amz-Storage-Class": "GLACIER", "X-Amz-Acl": "bucket-owner-full-control",
		}
	})

	// uploads are the recorded requests of operation to keys under prefix.
	uploads := func(operation, prefix string) []s3server.Request {
		var found []s3server.Request
		for _, r := range recorder.Operations(operation) {
			if strings.HasPrefix(r.Path, "/"+bucket+"/"+prefix) {
				found = append(found, r)
			}
		}
		return found
	}

	It("sends them with the one PutObject of a small file and with the multipart upload of a large one", func() {
		origin := startSource(map[string][]byte{"big.tgz": big, "small.txt": small})
		doc := metalink.Metalink{Files: []metalink.File{
			described("big.tgz", big, origin.url("files", "big.tgz")),
			described("small.txt", small, origin.url("files", "small.txt")),
		}}
		targets := []mirror.Target{{Destination: recorder.URL(bucket, "releases/{{.Name}}")}}
		_, _, err := run(request{Metalink: doc, Targets: targets, Handlers: handlers})
		Expect(err).NotTo(HaveOccurred())
		content, _, _ := s3.object("releases/big.tgz")
		Expect(content).To(Equal(big))
		content, _, _ = s3.object("releases/small.txt")
		Expect(content).To(Equal(small))

		Expect(uploads("PutObject", "releases/small.txt")).To(HaveLen(1))
		Expect(uploads("PutObject", "releases/small.txt")[0].UploadHeaders()).To(Equal(all))
		Expect(uploads("PutObject", "releases/big.tgz")).To(BeEmpty())
		Expect(uploads("CreateMultipartUpload", "releases/big.tgz")).To(HaveLen(1))
		Expect(uploads("CreateMultipartUpload", "releases/big.tgz")[0].UploadHeaders()).To(Equal(all))
		parts := uploads("UploadPart", "releases/big.tgz")
		Expect(parts).To(HaveLen(3))
		for _, part := range parts {
			Expect(part.UploadHeaders()).To(BeEmpty(), "a part takes them from its upload")
		}
	})

	It("stages a generated file encrypted in the default storage class, and copies it to its key with all of them", func() {
		path := writeLocal("app.tgz", big)
		targets := []mirror.Target{{Destination: recorder.URL(bucket, "releases/{{.SHA256}}/{{.Name}}")}}
		_, _, err := run(request{Metalink: generated("2.0.0", path), Local: []string{path}, Targets: targets, Handlers: handlers})
		Expect(err).NotTo(HaveOccurred())
		finalKey := "releases/" + allHashes(big)[1].Hash + "/app.tgz"
		Expect(s3.keys()).To(ConsistOf(finalKey))

		staged := uploads("CreateMultipartUpload", "releases/.metalink-upload-")
		Expect(staged).To(HaveLen(1))
		temporary := maps.Clone(all)
		delete(temporary, "X-Amz-Storage-Class")
		Expect(staged[0].UploadHeaders()).To(Equal(temporary), "an archived temporary could not be copied")

		copies := uploads("CopyObject", finalKey)
		Expect(copies).To(HaveLen(1))
		Expect(copies[0].UploadHeaders()).To(Equal(all))
	})
})
