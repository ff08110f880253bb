package metalinkrepository

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository/backend"
	"github.com/metalink-resources/metalink-resources/shared/repository/gitrepo"
	"github.com/metalink-resources/metalink-resources/shared/repository/repotest"
	"github.com/metalink-resources/metalink-resources/shared/s3client"
)

var _ = Describe("the repository options", func() {
	// decode decodes source.options, then params.options, for uri's backend.
	decode := func(uri, source, params string) (backend.Options, error) {
		target, err := backend.Parse(uri, repotest.Names)
		Expect(err).NotTo(HaveOccurred())
		layers := []optionLayer{{path: "source.options"}, {path: "params.options"}}
		if source != "" {
			layers[0].json = json.RawMessage(source)
		}
		if params != "" {
			layers[1].json = json.RawMessage(params)
		}
		return backendOptions(target, layers)
	}
	const gitURI, s3URI = "git+https://example.com/x.git", "s3://127.0.0.1:1/bucket/"

	It("takes every documented git key, params.options over source.options", func() {
		options, err := decode(gitURI, `{
			"private_key": "KEY", "private_key_passphrase": "PASS", "known_hosts": "HOSTS",
			"username": "u", "password": "p", "author_name": "Ann", "author_email": "ann@x",
			"committer_name": "Cid", "committer_email": "cid@x", "message": "publish", "rebase": "5"}`,
			`{"message": "put", "rebase": 1}`)

		Expect(err).NotTo(HaveOccurred())
		one := uint(1)
		Expect(options.Git).To(Equal(gitrepo.Options{
			PrivateKey: "KEY", PrivateKeyPassphrase: "PASS", KnownHosts: "HOSTS", Username: "u", Password: "p",
			AuthorName: "Ann", AuthorEmail: "ann@x", CommitterName: "Cid", CommitterEmail: "cid@x",
			Message: "put", Rebase: &one,
		}))
	})

	It("leaves rebase to the backend's default when no layer sets it", func() {
		options, err := decode(gitURI, `{"message": "publish"}`, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(options.Git.Rebase).To(BeNil())
	})

	DescribeTable("reads rebase written as a number or a string",
		func(value string, want uint) {
			options, err := decode(gitURI, `{"rebase": `+value+`}`, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(options.Git.Rebase).To(HaveValue(Equal(want)))
		},
		Entry("a number", "7", uint(7)),
		Entry("a string", `"4"`, uint(4)),
		Entry("a padded string", `" 1 "`, uint(1)),
		Entry("zero: no retry", `"0"`, uint(0)),
	)

	It("reads the s3 keys, params.options over source.options", func() {
		options, err := decode(s3URI, `{"access_key": "AK", "secret_key": "SK", "disable_ssl": "true", "storage_class": "STANDARD"}`,
			`{"storage_class": "GLACIER"}`)
		Expect(err).NotTo(HaveOccurred())
		Expect(options.S3).To(Equal(s3client.Options{AccessKey: "AK", SecretKey: "SK", DisableSSL: true, StorageClass: "GLACIER"}))
	})

	DescribeTable("refuses a bad key or value, naming it where it was written",
		func(uri, source, params, want string) {
			_, err := decode(uri, source, params)
			Expect(err).To(MatchError(want))
		},
		Entry("an unknown git key", gitURI, `{"branch": "main"}`, "",
			`unknown key "source.options.branch"`),
		Entry("a git key in the wrong case", gitURI, "", `{"Password": "x"}`,
			`unknown key "params.options.Password" (did you mean "password"?)`),
		Entry("a number where a string belongs", gitURI, `{"username": 5}`, "",
			"source.options.username: expected a string, got a number"),
		Entry("a bool where a string belongs", gitURI, `{"private_key": true}`, "",
			"source.options.private_key: expected a string, got a boolean"),
		Entry("a negative rebase", gitURI, `{"rebase": -1}`, "",
			`source.options.rebase: "-1" is not a whole number (a number of retries)`),
		Entry("a fractional rebase", gitURI, `{"rebase": 1.5}`, "",
			`source.options.rebase: "1.5" is not a whole number (a number of retries)`),
		Entry("a bad rebase in params.options", gitURI, `{"rebase": 2}`, `{"rebase": "often"}`,
			`params.options.rebase: "often" is not a whole number (a number of retries)`),
		Entry("a bool for rebase", gitURI, `{"rebase": true}`, "",
			"source.options.rebase: expected a number or a string, got a boolean"),
		Entry("an unknown s3 key", s3URI, `{"secret": "x"}`, "",
			`unknown key "source.options.secret"`),
		Entry("a number for use_path_style", s3URI, `{"use_path_style": 1}`, "",
			"source.options.use_path_style: expected true or false, got a number"),
		Entry("an options list", s3URI, `["x"]`, "",
			"source.options: expected a map, got a list"),
		Entry("an option of a file repository", "file:///srv/metalinks", `{"private_key": "x"}`, "",
			`unknown key "source.options.private_key" (file repositories take no options)`),
		Entry("an option of an http repository", "https://example.com/index.xml", "", `{"username": "u"}`,
			`unknown key "params.options.username" (http repositories take no options)`),
	)

	DescribeTable("refuses an s3 value out of its set, before connecting anywhere",
		func(source, params, prefix string) {
			_, err := decode(s3URI, source, params)
			Expect(err).To(MatchError(HavePrefix(prefix)))
		},
		Entry("an unknown encryption", `{"server_side_encryption": "KMS"}`, "",
			"source.options.server_side_encryption: expected one of AES256, aws:kms, aws:kms:dsse"),
		Entry("an unknown storage class in params.options", `{"storage_class": "STANDARD"}`, `{"storage_class": "glacier"}`,
			"params.options.storage_class: expected one of STANDARD, "),
		Entry("an unknown canned ACL", `{"acl": "full-control"}`, "",
			"source.options.acl: expected one of private, "),
	)

	It("finds the secrets of any backend in every layer, even in options it refuses", func() {
		secrets := optionSecrets([]optionLayer{
			{path: "source.options", json: json.RawMessage(`{"password": "pw", "rebase": true, "colour": "blue"}`)},
			{path: "params.options", json: json.RawMessage(`{"secret_key": "sk", "private_key": 5}`)},
			{path: "params.options"},
		})
		Expect(secrets).To(ConsistOf("pw", "sk"))
	})
})
