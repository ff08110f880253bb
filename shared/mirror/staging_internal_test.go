package mirror

import (
	"bytes"
	"context"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

var _ = Describe("Where a generated file's copies are staged", func() {
	DescribeTable("the directory shared by two renderings of a destination",
		func(a, b, want string, wantOK bool) {
			dir, ok := commonDir(a, b)
			Expect(ok).To(Equal(wantOK))
			Expect(dir).To(Equal(want))
		},
		Entry("the same directory", "/srv/releases", "/srv/releases", "/srv/releases", true),
		Entry("a hash as the last directory", "/srv/releases/000", "/srv/releases/fff", "/srv/releases", true),
		Entry("a hash deeper than the other", "/srv/000/x", "/srv", "/srv", true),
		Entry("nothing but the root", "/000", "/fff", "/", true),
		Entry("relative directories", "out/000", "out/fff", "out", true),
		Entry("an absolute and a relative directory", "/srv/000", "out/fff", "", false),
	)

	DescribeTable("the key prefix shared by two renderings of a destination",
		func(a, b, want string) { Expect(commonKeyPrefix(a, b)).To(Equal(want)) },
		Entry("a hash as a directory", "releases/000/app.tgz", "releases/fff/app.tgz", "releases/"),
		Entry("a hash inside a name", "releases/app-000.tgz", "releases/app-fff.tgz", "releases/"),
		Entry("the same key", "releases/app.tgz", "releases/app.tgz", "releases/"),
		Entry("no directory in common", "000/app.tgz", "fff/app.tgz", ""),
	)
})

var _ = Describe("A server-side copy larger than one CopyObject may copy", func() {
	const bucket = "copies"
	var (
		server   *s3server.Server
		endpoint *s3Endpoint
		content  []byte
		source   s3client.Location
	)

	BeforeEach(func() {
		server = s3server.Start(GinkgoT(), bucket)
		endpoint = newS3Endpoint(server.Client)
		endpoint.maxCopySize, endpoint.copyPartSize = 5<<20, 5<<20
		content = bytes.Repeat([]byte("0123456789abcdef"), (12<<20)/16+1)
		source = s3client.Location{Host: server.Host, Bucket: bucket, Key: "staging/" + stagingPrefix + "x+y z"}
		Expect(server.Put(context.Background(), bucket, source.Key, content)).To(Succeed())
	})

	destination := func(key string) *s3Destination {
		return &s3Destination{s3Endpoint: endpoint, loc: s3client.Location{Host: server.Host, Bucket: bucket, Key: key}}
	}
	pendingUploads := func() int {
		out, err := server.Client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(bucket)})
		Expect(err).NotTo(HaveOccurred())
		return len(out.Uploads)
	}

	It("is made in parts, with the new metadata, and completed", func() {
		err := destination("releases/app.tgz").copyFrom(context.Background(), source, int64(len(content)), map[string]string{"sha-256": "abc"})
		Expect(err).NotTo(HaveOccurred())
		out, err := server.Client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("releases/app.tgz")})
		Expect(err).NotTo(HaveOccurred())
		copied, err := io.ReadAll(out.Body)
		Expect(err).NotTo(HaveOccurred())
		Expect(out.Body.Close()).To(Succeed())
		Expect(copied).To(Equal(content))
		Expect(out.Metadata).To(HaveKeyWithValue("sha-256", "abc"))
		Expect(pendingUploads()).To(BeZero())
	})

	It("is aborted when a part fails, leaving no object and no pending upload", func() {
		missing := source
		missing.Key = "staging/gone"
		err := destination("releases/app.tgz").copyFrom(context.Background(), missing, int64(len(content)), nil)
		Expect(err).To(MatchError(ContainSubstring("copy " + missing.String() + " to " + destination("releases/app.tgz").String() + ": not found (NoSuchKey")))
		_, err = server.Client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String("releases/app.tgz")})
		Expect(s3client.IsNotFound(err)).To(BeTrue())
		Expect(pendingUploads()).To(BeZero())
	})
})
