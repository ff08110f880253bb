package urlhandlers_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/urlhandlers"
)

var _ = Describe("OptionsFor", func() {
	handlers := []urlhandlers.Config{
		{Type: "s3", Include: []string{`^s3://127\.0\.0\.1:9000/private/`}, Exclude: []string{`\.public$`},
			Options: map[string]any{"access_key": "AK1", "secret_key": "SK1", "disable_ssl": true}},
		{Type: "s3", Options: map[string]any{"access_key": "AK2", "secret_key": "SK2", "region": "eu-west-1"}},
	}

	DescribeTable("picks the first entry whose patterns select the destination",
		func(configs []urlhandlers.Config, url string, want s3client.Options) {
			Expect(urlhandlers.OptionsFor(configs, url)).To(Equal(want))
		},
		Entry("an included URL", handlers, "s3://127.0.0.1:9000/private/app.tgz",
			s3client.Options{AccessKey: "AK1", SecretKey: "SK1", DisableSSL: true}),
		Entry("an excluded URL falls through to the next entry", handlers, "s3://127.0.0.1:9000/private/app.public",
			s3client.Options{AccessKey: "AK2", SecretKey: "SK2", Region: "eu-west-1"}),
		Entry("a URL no pattern names takes the global entry", handlers, "s3://s3.amazonaws.com/other/app.tgz",
			s3client.Options{AccessKey: "AK2", SecretKey: "SK2", Region: "eu-west-1"}),
		Entry("no entry at all gives the defaults", nil, "s3://s3.amazonaws.com/other/app.tgz", s3client.Options{}),
		Entry("a file:// URL is never an s3 entry's", handlers[1:], "file:///tmp/app.tgz", s3client.Options{}),
	)

	It("reports a bad entry, naming it", func() {
		_, err := urlhandlers.OptionsFor([]urlhandlers.Config{{Type: "ftp"}}, "s3://host/bucket/key")
		Expect(err).To(MatchError(HavePrefix(`url_handlers[0]: unknown type "ftp"`)))
	})
})
