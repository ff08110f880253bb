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
		return opts, opts.Validate(nil)
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
		Entry("every upload setting", `{"server_side_encryption":"aws:kms","sse_kms_key_id":"arn:aws:kms:eu-west-1:1:key/k","storage_class":"STANDARD_IA","acl":"bucket-owner-full-control"}`,
			s3client.Options{ServerSideEncryption: "aws:kms", SSEKMSKeyID: "arn:aws:kms:eu-west-1:1:key/k", StorageClass: "STANDARD_IA", ACL: "bucket-owner-full-control"}),
		Entry("SSE-S3", `{"server_side_encryption":"AES256"}`, s3client.Options{ServerSideEncryption: "AES256"}),
		Entry("dual-layer SSE-KMS with a key", `{"server_side_encryption":"aws:kms:dsse","sse_kms_key_id":"k"}`,
			s3client.Options{ServerSideEncryption: "aws:kms:dsse", SSEKMSKeyID: "k"}),
		Entry("an archive storage class", `{"storage_class":"DEEP_ARCHIVE"}`, s3client.Options{StorageClass: "DEEP_ARCHIVE"}),
		Entry("empty upload settings, as an empty ((var)) gives: not set", `{"server_side_encryption":"","storage_class":"","acl":""}`, s3client.Options{}),
		Entry("virtual-hosted addressing", `{"use_path_style":false}`, s3client.Options{UsePathStyle: new(strictjson.Bool(false))}),
		Entry("path-style addressing as an interpolated string", `{"use_path_style":"true"}`, s3client.Options{UsePathStyle: new(strictjson.Bool(true))}),
		Entry("use_path_style null: the default", `{"use_path_style":null}`, s3client.Options{}),
	)

	DescribeTable("are refused naming the key but never the value",
		func(raw string, want ...any) {
			_, err := decode(raw)
			for _, w := range want {
				Expect(err).To(MatchError(w))
			}
		},
		Entry("an unknown key", `{"acces_key":"x"}`, `unknown key "source.options.acces_key"`),
		Entry("a number for a string", `{"access_key":12,"secret_key":"s"}`, "source.options.access_key: expected a string, got a number"),
		Entry("null for a string", `{"role_arn":null}`, "source.options.role_arn: expected a string, got null"),
		Entry("a number for disable_ssl", `{"disable_ssl":1}`, "source.options.disable_ssl: expected true or false, got a number"),
		Entry("an access key alone", `{"access_key":"AK"}`, "access_key is set but secret_key is not"),
		Entry("a secret key alone", `{"secret_key":"SK"}`, "secret_key is set but access_key is not"),
		Entry("a session token alone", `{"session_token":"ST"}`, "session_token needs access_key and secret_key"),
		Entry("an unknown encryption", `{"server_side_encryption":"aws:sse"}`,
			"source.options.server_side_encryption: expected one of AES256, aws:kms, aws:kms:dsse"),
		Entry("an encryption in the wrong case", `{"server_side_encryption":"aes256"}`,
			`source.options.server_side_encryption: expected one of AES256, aws:kms, aws:kms:dsse (did you mean "AES256"?)`),
		Entry("aws:fsx, which S3 sets itself", `{"server_side_encryption":"aws:fsx"}`,
			"source.options.server_side_encryption: expected one of AES256, aws:kms, aws:kms:dsse"),
		Entry("a boolean for an encryption", `{"server_side_encryption":true}`,
			"source.options.server_side_encryption: expected a string, one of AES256, aws:kms, aws:kms:dsse"),
		Entry("null for an encryption", `{"server_side_encryption":null}`,
			"source.options.server_side_encryption: expected a string, one of AES256, aws:kms, aws:kms:dsse"),
		Entry("an unknown storage class", `{"storage_class":"COLD"}`,
			"source.options.storage_class: expected one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, OUTPOSTS, GLACIER_IR, SNOW, EXPRESS_ONEZONE, FSX_OPENZFS, FSX_ONTAP, AWS_BACKUP_WARM, AWS_BACKUP_LOW_COST_WARM"),
		Entry("a storage class in the wrong case", `{"storage_class":"standard_ia"}`,
			HavePrefix(`source.options.storage_class: expected one of STANDARD, `), HaveSuffix(`AWS_BACKUP_LOW_COST_WARM (did you mean "STANDARD_IA"?)`)),
		Entry("an unknown canned ACL", `{"acl":"owner-full-control"}`,
			"source.options.acl: expected one of private, public-read, public-read-write, authenticated-read, aws-exec-read, bucket-owner-read, bucket-owner-full-control"),
		Entry("a list for a canned ACL", `{"acl":["private"]}`,
			HavePrefix("source.options.acl: expected a string, one of private, ")),
		Entry("a number for use_path_style", `{"use_path_style":0}`, "source.options.use_path_style: expected true or false, got a number"),
		Entry("a KMS key without encryption", `{"sse_kms_key_id":"k"}`,
			"sse_kms_key_id needs server_side_encryption aws:kms or aws:kms:dsse"),
		Entry("a KMS key with SSE-S3", `{"server_side_encryption":"AES256","sse_kms_key_id":"k"}`,
			"sse_kms_key_id needs server_side_encryption aws:kms or aws:kms:dsse"),
	)

	It("name a bad value by the full key path where it was written", func() {
		var opts s3client.Options
		err := strictjson.Decode([]byte(`{"acl":"bucket-owner"}`), "source.url_handlers[1].options", &opts)
		Expect(err).To(MatchError(HavePrefix("source.url_handlers[1].options.acl: expected one of ")))
		Expect(err.Error()).NotTo(ContainSubstring(`"bucket-owner"`), "values are not repeated")
	})

	It("say the fields in the front end's words", func() {
		flags := func(f string) string { return "--" + f }
		Expect(s3client.Options{SSEKMSKeyID: "k"}.Validate(flags)).To(MatchError(
			"--sse_kms_key_id needs --server_side_encryption aws:kms or aws:kms:dsse"))
		Expect(s3client.Options{SessionToken: "t"}.Validate(flags)).To(MatchError("--session_token needs --access_key and --secret_key"))
	})

	It("parse a front end's text with the checks of the options a pipeline author writes", func() {
		Expect(s3client.ParseEncryption("aws:kms")).To(Equal(s3client.Encryption("aws:kms")))
		Expect(s3client.ParseStorageClass("")).To(Equal(s3client.StorageClass("")), "empty: not set")
		Expect(s3client.ParseCannedACL("private")).To(Equal(s3client.CannedACL("private")))
		_, err := s3client.ParseStorageClass("standard_ia")
		Expect(err).To(MatchError(And(HavePrefix("expected one of STANDARD, "), HaveSuffix(`(did you mean "STANDARD_IA"?)`))))
		_, err = s3client.ParseEncryption("rot13")
		Expect(err).To(MatchError("expected one of AES256, aws:kms, aws:kms:dsse"))
		_, err = s3client.ParseCannedACL("owner")
		Expect(err).To(MatchError(HavePrefix("expected one of private, ")))
	})

	It("mark every credential secret", func() {
		opts, err := decode(`{"access_key":"AK1","secret_key":"SK1","session_token":"ST1","region":"eu"}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(strictjson.Secrets(&opts)).To(ConsistOf("AK1", "SK1", "ST1"))
	})
})
