package s3client_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

var _ = Describe("ParseOptions", func() {
	DescribeTable("decodes the options a pipeline author writes",
		func(raw map[string]any, want s3client.Options) {
			opts, err := s3client.ParseOptions(raw)
			Expect(err).NotTo(HaveOccurred())
			Expect(opts).To(Equal(want))
		},
		Entry("no options", nil, s3client.Options{}),
		Entry("every key", map[string]any{
			"access_key": "AK", "secret_key": "SK", "session_token": "ST",
			"role_arn": "arn:aws:iam::1:role/r", "region": "eu-west-1", "disable_ssl": true,
		}, s3client.Options{
			AccessKey: "AK", SecretKey: "SK", SessionToken: "ST",
			RoleARN: "arn:aws:iam::1:role/r", Region: "eu-west-1", DisableSSL: true,
		}),
		Entry("disable_ssl as an interpolated string", map[string]any{"disable_ssl": "true"}, s3client.Options{DisableSSL: true}),
		Entry("a role without keys (default chain)", map[string]any{"role_arn": "arn:r"}, s3client.Options{RoleARN: "arn:r"}),
	)

	DescribeTable("rejects bad options naming the key but never the value",
		func(raw map[string]any, want string) {
			_, err := s3client.ParseOptions(raw)
			Expect(err).To(MatchError(want))
		},
		Entry("an unknown key", map[string]any{"acces_key": "x"},
			`unknown key "acces_key" (expected access_key, secret_key, session_token, role_arn, region or disable_ssl)`),
		Entry("a number for a string", map[string]any{"access_key": 12.0, "secret_key": "s"}, "access_key: expected a string, got a number"),
		Entry("a map for a string", map[string]any{"region": map[string]any{}}, "region: expected a string, got a map"),
		Entry("null for a string", map[string]any{"role_arn": nil}, "role_arn: expected a string, got null"),
		Entry("a word for disable_ssl", map[string]any{"disable_ssl": "yes please"}, `disable_ssl: expected true or false, got "yes please"`),
		Entry("a number for disable_ssl", map[string]any{"disable_ssl": 1.0}, "disable_ssl: expected true or false, got a number"),
		Entry("an access key alone", map[string]any{"access_key": "AK"}, "access_key is set but secret_key is not"),
		Entry("a secret key alone", map[string]any{"secret_key": "SK"}, "secret_key is set but access_key is not"),
		Entry("a session token alone", map[string]any{"session_token": "ST"}, "session_token needs access_key and secret_key"),
	)
})
