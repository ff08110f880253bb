package s3client_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

var _ = Describe("ParseURL", func() {
	DescribeTable("splits an s3 URL into host, bucket and key",
		func(raw string, want s3client.Location) {
			loc, err := s3client.ParseURL(raw)
			Expect(err).NotTo(HaveOccurred())
			Expect(loc).To(Equal(want))
		},
		Entry("an AWS host", "s3://s3.amazonaws.com/bucket/dir/file.tgz",
			s3client.Location{Host: "s3.amazonaws.com", Bucket: "bucket", Key: "dir/file.tgz"}),
		Entry("a custom host with a port", "s3://127.0.0.1:9000/bucket/key",
			s3client.Location{Host: "127.0.0.1:9000", Bucket: "bucket", Key: "key"}),
		Entry("an IPv6 host with a port", "s3://[::1]:9000/bucket/key",
			s3client.Location{Host: "[::1]:9000", Bucket: "bucket", Key: "key"}),
		Entry("an upper-case scheme", "S3://host/bucket/key",
			s3client.Location{Host: "host", Bucket: "bucket", Key: "key"}),
		Entry("a bucket with a trailing slash and no key", "s3://host/bucket/",
			s3client.Location{Host: "host", Bucket: "bucket", Key: ""}),
		Entry("a percent-encoded key", "s3://host/bucket/a%20b%23c",
			s3client.Location{Host: "host", Bucket: "bucket", Key: "a b#c"}),
		Entry("'?' and '#' as part of the key", "s3://host/bucket/what?#now",
			s3client.Location{Host: "host", Bucket: "bucket", Key: "what?#now"}),
		Entry("credentials in the userinfo", "s3://AKID:se%2Fcret@host/bucket/key",
			s3client.Location{Host: "host", Bucket: "bucket", Key: "key", AccessKey: "AKID", SecretKey: "se/cret"}),
	)

	DescribeTable("rejects a malformed URL with a message naming the problem",
		func(raw, want string) {
			_, err := s3client.ParseURL(raw)
			Expect(err).To(MatchError(ContainSubstring(want)))
		},
		Entry("another scheme", "https://host/bucket/key", "expected s3://HOST[:PORT]/BUCKET/KEY"),
		Entry("no host", "s3:///bucket/key", "missing host"),
		Entry("a bucket alone", "s3://host/bucket", "a bucket followed by /"),
		Entry("no bucket", "s3://host//key", "a bucket followed by /"),
		Entry("a port that is not a number", "s3://host:http/bucket/key", `bad port "http"`),
		Entry("an empty port", "s3://host:/bucket/key", `bad port ""`),
		Entry("a port out of range", "s3://host:70000/bucket/key", `bad port "70000"`),
		Entry("a space in the host", "s3://ho st/bucket/key", `bad host "ho st"`),
		Entry("a line break in the host", "s3://ho\nst/bucket/key", `bad host "ho\nst"`),
		Entry("a control character in the host", "s3://ho\x7fst:9000/bucket/key", `bad host "ho\x7fst:9000"`),
		Entry("a bad escape in the key", "s3://host/bucket/%zz", "bad percent-encoding in key"),
		Entry("userinfo without a secret", "s3://AKID@host/bucket/key", "userinfo must be ACCESS_KEY:SECRET_KEY"),
	)

	It("never repeats a secret key from the URL in its error", func() {
		_, err := s3client.ParseURL("s3://AKID:topsecret@host:bad/bucket/key")
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).NotTo(ContainSubstring("topsecret"))
	})

	DescribeTable("never repeats a secret key from a URL with its scheme misplaced",
		func(raw, want string) {
			_, err := s3client.ParseURL(raw)
			Expect(err).To(MatchError(want))
		},
		Entry("after the userinfo", "AKID:topsecret@s3://host/bucket/key",
			`s3 url "[redacted]@s3://host/bucket/key": expected s3://HOST[:PORT]/BUCKET/KEY`),
		Entry("with nothing after it", "0:topsecret@://",
			`s3 url "[redacted]@://": expected s3://HOST[:PORT]/BUCKET/KEY`),
		Entry("after a '/'", "0/:topsecret@://",
			`s3 url "[redacted]@://": expected s3://HOST[:PORT]/BUCKET/KEY`),
		Entry("twice", "00:topsecret@://@",
			`s3 url "[redacted]@": expected s3://HOST[:PORT]/BUCKET/KEY`),
		Entry("left out", "AKID:topsecret@host/bucket/key",
			`s3 url "[redacted]@host/bucket/key": expected s3://HOST[:PORT]/BUCKET/KEY`),
	)

	It("never repeats a secret key with an unencoded '/' in its error", func() {
		_, err := s3client.ParseURL("s3://AKID:top/secret@host/bucket/key")
		Expect(err).To(MatchError(ContainSubstring("%2F")))
		Expect(err.Error()).NotTo(ContainSubstring("top"))
		Expect(err.Error()).NotTo(ContainSubstring("secret"))
	})

	It("keeps the error of a URL of any length to one short line, without its secret key", func() {
		long := "s3://AKID:topsecret@" + strings.Repeat("h\x01", 2000) + "/bucket/key"
		_, err := s3client.ParseURL(long)
		Expect(err).To(MatchError(HavePrefix(`s3 url "s3://[redacted]@h\x01h\x01`)))
		Expect(err.Error()).To(ContainSubstring(`"…: bad host "h\x01`))
		Expect(len(err.Error())).To(BeNumerically("<=", 1000))
		Expect(err.Error()).NotTo(ContainSubstring("topsecret"))
	})

	It("prints a location without its credentials", func() {
		loc, err := s3client.ParseURL("s3://AKID:topsecret@host/bucket/dir/key")
		Expect(err).NotTo(HaveOccurred())
		Expect(loc.String()).To(Equal("s3://host/bucket/dir/key"))
	})
})
