package s3client_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/s3client"
	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

var _ = Describe("Options", func() {
	decode := func(raw string) (s3client.Options, error) {
		var opts s3client.Options
		if err := strictjson.Decode([]byte(raw), "source.options", &opts); err != nil {
			return opts, err
		}
		return opts, opts.Validate()
	}

	DescribeTable("decode the options a pipeline author writes",
		func(raw string, want s3client.Options) {
			Expect(decode(raw)).To(Equal(want))
		},
		Entry("no options", `{}`, s3client.Options{}),
		Entry("every key", `{"access_key":"AK","secret_key":"SK","session_token":"ST","role_arn":"arn:aws:iam::1:role/r","region":"eu-west-1","disable_ssl":true}`,
			s3client.Options{
				AccessKey: "AK", SecretKey: "SK", SessionToken: "ST",
				RoleARN: "arn:aws:iam::1:role/r", Region: "eu-west-1", DisableSSL: true,
			}),
		Entry("disable_ssl as an interpolated string", `{"disable_ssl":"true"}`, s3client.Options{DisableSSL: true}),
		Entry("a role without keys (default chain)", `{"role_arn":"arn:r"}`, s3client.Options{RoleARN: "arn:r"}),
	)

	DescribeTable("are refused naming the key but never the value",
		func(raw, want string) {
			_, err := decode(raw)
			Expect(err).To(MatchError(want))
		},
		Entry("an unknown key", `{"acces_key":"x"}`, `unknown key "source.options.acces_key"`),
		Entry("a number for a string", `{"access_key":12,"secret_key":"s"}`, "source.options.access_key: expected a string, got a number"),
		Entry("null for a string", `{"role_arn":null}`, "source.options.role_arn: expected a string, got null"),
		Entry("a number for disable_ssl", `{"disable_ssl":1}`, "source.options.disable_ssl: expected true or false, got a number"),
		Entry("an access key alone", `{"access_key":"AK"}`, "access_key is set but secret_key is not"),
		Entry("a secret key alone", `{"secret_key":"SK"}`, "secret_key is set but access_key is not"),
		Entry("a session token alone", `{"session_token":"ST"}`, "session_token needs access_key and secret_key"),
	)

	It("mark every credential secret", func() {
		opts, err := decode(`{"access_key":"AK1","secret_key":"SK1","session_token":"ST1","region":"eu"}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(strictjson.Secrets(&opts)).To(ConsistOf("AK1", "SK1", "ST1"))
	})
})
