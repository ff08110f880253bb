package metalinkrepository_test

import (
	"context"
	"path/filepath"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/testsupport/gitserver"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/s3server"
)

// badInput is a request that must fail with exit code 1 and one line on stderr.
type badInput struct {
	command string // "check" or "in"
	stdin   string // REPO and BROKEN stand for the URIs of a valid and a broken file:// repository
	want    string // part of the one line, after "<command>: "
	secrets []string
}

var _ = Describe("a bad request", func() {
	var repo, broken fileRepo

	BeforeEach(func() {
		repo = newFileRepo()
		repo.add("v1.0.0.meta4", release("1.0.0"))
		broken = newFileRepo()
		broken.add("v1.0.0.meta4", release("1.0.0"))
		broken.addRaw("sub/broken.meta4", "<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\"><file name=")
	})

	DescribeTable("fails with exit code 1 and one clear line on stderr",
		func(bad badInput) {
			stdin := strings.NewReplacer("REPO", repo.uri(), "BROKEN", broken.uri()).Replace(bad.stdin)
			var got result
			if bad.command == "in" {
				got = runIn(stdin, filepath.Join(GinkgoT().TempDir(), "dest"))
			} else {
				got = runCheck(stdin)
			}
			Expect(got.code).To(Equal(1), "stdout: %s", got.stdout)
			Expect(got.stdout).To(BeEmpty())
			Expect(got.lines()).To(HaveExactElements(And(
				HavePrefix(bad.command+": "),
				ContainSubstring(bad.want),
			)))
			for _, secret := range bad.secrets {
				Expect(got.stderr).NotTo(ContainSubstring(secret))
			}
		},
		Entry("empty stdin", badInput{command: "check", stdin: ``, want: "empty request: expected a JSON object on stdin"}),
		Entry("stdin that is not JSON", badInput{command: "check", stdin: `{"source":nope}`, want: "source: malformed JSON at byte 12: invalid character 'o' in literal null"}),
		Entry("an unknown source key", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","colour":"blue"}}`, want: `unknown key "source.colour"`}),
		Entry("an unknown params key", badInput{command: "in",
			stdin: `{"source":{"uri":"REPO"},"version":{"version":"1.0.0"},"params":{"skip_dowload":true}}`,
			want:  `unknown key "params.skip_dowload"`}),
		Entry("an unknown url_handlers key", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","url_handlers":[{"type":"s3","regex":"x"}]}}`, want: `unknown key "source.url_handlers[0].regex"`}),
		Entry("an unknown mirror_files key", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destinaton":"file:///tmp/x"}]}}`, want: `unknown key "source.mirror_files[0].destinaton"`}),
		Entry("a string where a boolean belongs", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","skip_hash_verification":"yes"}}`, want: `source.skip_hash_verification: expected true or false, got a string`}),
		Entry("a ca_certs entry that is not PEM", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","ca_certs":["not a certificate"]}}`, want: `source.ca_certs[0]: not a PEM certificate`}),
		Entry("a private key in ca_certs, never printed", badInput{command: "check",
			stdin:   `{"source":{"uri":"REPO","ca_certs":["-----BEGIN PRIVATE KEY-----\nTUlJQmtleWJ5dGVzbGVha2Vk\n-----END PRIVATE KEY-----"]}}`,
			want:    `source.ca_certs[0]: block 1 is a private key, not a certificate`,
			secrets: []string{"TUlJQmtleWJ5dGVzbGVha2Vk"}}),
		Entry("ca_certs that is not a list", badInput{command: "in",
			stdin: `{"source":{"uri":"REPO","ca_certs":"pem"},"version":{"version":"1.0.0"}}`, want: `source.ca_certs: expected a list, got a string`}),
		Entry("a string where skip_ssl_verification's boolean belongs", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","skip_ssl_verification":"yes"}}`, want: `source.skip_ssl_verification: expected true or false, got a string`}),
		Entry("a misspelt network key beside the others", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","debug":true,"ca_cert":[]}}`, want: `unknown key "source.ca_cert"`}),
		Entry("a missing uri", badInput{command: "check", stdin: `{"source":{}}`, want: "source.uri is required"}),
		Entry("a uri without a scheme", badInput{command: "check",
			stdin: `{"source":{"uri":"/srv/metalinks"}}`, want: "expected SCHEME://"}),
		Entry("a uri with an unknown scheme", badInput{command: "check",
			stdin: `{"source":{"uri":"gopher://host/metalinks"}}`, want: `unknown scheme "gopher"`}),
		Entry("an unknown filter", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","filters":[{"fileversion":"1.x"},{"x":"y"}]}}`,
			want:  `unknown key "source.filters[1].x"`}),
		Entry("a filter with two keys", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","filters":[{"fileversion":"1.x","repositorypath":"*"}]}}`,
			want:  `source.filters[0]: expected exactly one key, fileversion or repositorypath`}),
		Entry("a filter without a key", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","filters":[{}]}}`, want: `source.filters[0]: expected exactly one key, fileversion or repositorypath`}),
		Entry("a filter value that YAML turned into a number", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","filters":[{"fileversion":1.1}]}}`,
			want:  `source.filters[0].fileversion: expected a string, got a number`}),
		Entry("a fileversion filter that is not a constraint", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","filters":[{"fileversion":"newest"}]}}`,
			want:  `source.filters[0]: fileversion: invalid version constraint "newest"`}),
		Entry("a malformed repositorypath glob", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","filters":[{"repositorypath":"stable/["}]}}`,
			want:  `source.filters[0]: repositorypath: bad pattern: syntax error in pattern`}),
		Entry("a source.version that is not a constraint", badInput{command: "in",
			stdin: `{"source":{"uri":"REPO","version":">= one"},"version":{"version":"1.0.0"}}`,
			want:  `source.version: invalid version constraint ">= one"`}),
		Entry("a url_handlers regex that does not compile", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","url_handlers":[{"type":"s3","include":["s3://(unclosed"]}]}}`,
			want:  "source.url_handlers[0].include[0]: bad regex: error parsing regexp: missing closing ): `s3://(unclosed`"}),
		Entry("a url_handlers type that does not exist", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","url_handlers":[{"type":"gcs"}]}}`, want: `source.url_handlers[0].type: unknown type "gcs" (expected s3)`}),
		Entry("a malformed include_files glob", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","include_files":["[a-"]}}`, want: `source.include_files[0]: bad pattern "[a-"`}),
		Entry("a malformed params.include_files glob", badInput{command: "in",
			stdin: `{"source":{"uri":"REPO"},"version":{"version":"1.0.0"},"params":{"include_files":["*","[z"]}}`,
			want:  `params.include_files[1]: bad pattern "[z"`}),
		Entry("a mirror without destination", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"location":"us"}]}}`,
			want:  `source.mirror_files[0].destination is required`}),
		Entry("a mirror priority outside RFC 5854's range", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"file:///m/{{.Name}}","priority":0}]}}`,
			want:  `source.mirror_files[0].priority: 0 is outside 1–999999`}),
		Entry("a mirror priority that is not a number", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"file:///m/{{.Name}}","priority":"high"}]}}`,
			want:  `source.mirror_files[0].priority: "high" is not a whole number`}),
		Entry("a mirror destination template that does not parse", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"file:///m/{{.Name"}]}}`,
			want:  `source.mirror_files[0].destination: line 1: unclosed action`}),
		Entry("a mirror destination with an unknown field, at check already", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"file:///m/{{.Nmae}}"}]}}`,
			want:  `source.mirror_files[0].destination: unknown field .Nmae`}),
		Entry("a mirror url with an unknown field, at check already", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"file:///m/{{.Name}}","url":"https://cdn/{{.Sha}}"}]}}`,
			want:  `source.mirror_files[0].url: unknown field .Sha`}),
		Entry("a mirror destination that is no s3, file or ftp URL, at check already", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"sftp://m/{{.Name}}"}]}}`,
			want:  `source.mirror_files[0].destination: destination "sftp://m/example-1.0.0.tgz": expected an s3://, file:// or ftp:// URL`}),
		Entry("an ftp mirror destination naming a directory, at check already", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"ftp://user:s3cretpw@m/{{.Version}}/"}]}}`, secrets: []string{"s3cretpw"},
			want: `source.mirror_files[0].destination: destination "ftp://[redacted]@m/1.0.0/": it names a directory, not a file`}),
		Entry("an unknown mirror_files env key, at check already", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"file:///m/{{.Name}}","env":{"AWS_REGION":"x"}}]}}`,
			want:  `unknown key "source.mirror_files[0].env.AWS_REGION"`}),
		Entry("an unknown options key, with its path", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","options":{"colour":"blue"}}}`,
			want:  `unknown key "source.options.colour" (file repositories take no options)`}),
		Entry("an S3 storage class S3 does not have", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","url_handlers":[{"type":"s3","options":{"storage_class":"GLACEIR"}}]}}`,
			want:  `source.url_handlers[0].options.storage_class: expected one of STANDARD, REDUCED_REDUNDANCY, STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, OUTPOSTS, GLACIER_IR, SNOW, EXPRESS_ONEZONE, FSX_OPENZFS, FSX_ONTAP, AWS_BACKUP_WARM, AWS_BACKUP_LOW_COST_WARM`}),
		Entry("a KMS key without KMS encryption", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","url_handlers":[{"type":"s3","options":{"sse_kms_key_id":"alias/x","server_side_encryption":"AES256"}}]}}`,
			want:  `source.url_handlers[0].options: sse_kms_key_id needs server_side_encryption aws:kms or aws:kms:dsse`}),
		Entry("a source key in another case", badInput{command: "check",
			stdin: `{"source":{"URI":"REPO"}}`, want: `unknown key "source.URI" (did you mean "uri"?)`}),
		Entry("a duplicate source key", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","uri":"REPO"}}`, want: `duplicate key "source.uri"`}),
		Entry("an empty version is a first check", badInput{command: "in",
			stdin: `{"source":{"uri":"REPO"},"version":{"version":""}}`, want: `version.version is required`}),
		Entry("null where a glob belongs", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","exclude_files":[null]}}`, want: `source.exclude_files[0]: expected a string, got null`}),
		Entry("a list where a priority belongs, naming the key", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","mirror_files":[{"destination":"file:///m/{{.Name}}","priority":[1]}]}}`,
			want:  `source.mirror_files[0].priority: expected a number or a string, got a list`}),
		Entry("a type error inside a list, with its index", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","url_handlers":[{"type":"s3"},{"type":["s3"]}]}}`,
			want:  `source.url_handlers[1].type: expected a string, got a list`}),
		Entry("a request that is not an object, without Go type names", badInput{command: "check",
			stdin: `["source"]`, want: `check: the request must be a JSON object with "source" (got a list)`}),
		Entry("a trust store that is not armored OpenPGP keys", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO","signature_trust_store":"/etc/keyring.gpg"}}`,
			want:  `source.signature_trust_store: no ASCII-armored public key block`}),
		Entry("a current version that is not a version", badInput{command: "check",
			stdin: `{"source":{"uri":"REPO"},"version":{"version":"foo"}}`, want: `invalid version "foo"`}),
		Entry("a get without a version", badInput{command: "in",
			stdin: `{"source":{"uri":"REPO"}}`, want: `version.version is required`}),
		Entry("an unparsable metalink in the repository, named", badInput{command: "check",
			stdin: `{"source":{"uri":"BROKEN"}}`, want: `sub/broken.meta4`}),
		Entry("an unreachable S3 repository, its secret key unprinted", badInput{command: "check",
			stdin: `{"source":{"uri":"s3://127.0.0.1:1/bucket/releases/","options":{
				"access_key":"AKIAEXAMPLE","secret_key":"s3cr3t-repository-key","disable_ssl":true}}}`,
			want: `127.0.0.1:1`, secrets: []string{"s3cr3t-repository-key"}}),
		Entry("an unreachable git repository, the password in its uri unprinted", badInput{command: "check",
			stdin: `{"source":{"uri":"git+http://ci:pa55w0rd-in-uri@127.0.0.1:1/releases.git"}}`,
			want:  `127.0.0.1:1`, secrets: []string{"pa55w0rd-in-uri"}}),
		Entry("an unreachable HTTP index", badInput{command: "check",
			stdin: `{"source":{"uri":"http://127.0.0.1:1/index.xml"}}`, want: `127.0.0.1:1`}),
		Entry("an options secret that an error would echo", badInput{command: "check",
			stdin:   `{"source":{"uri":"gopher://host/opt-secret-value","options":{"password":"opt-secret-value"}}}`,
			want:    `unknown scheme "gopher"`,
			secrets: []string{"opt-secret-value"}}),
		Entry("an options access key that an error would echo", badInput{command: "check",
			stdin:   `{"source":{"uri":"gopher://host/AKIAOPTIONSACCESSKEY","options":{"access_key":"AKIAOPTIONSACCESSKEY"}}}`,
			want:    `unknown scheme "gopher"`,
			secrets: []string{"AKIAOPTIONSACCESSKEY"}}),
		Entry("a url_handlers secret that an error would echo", badInput{command: "check",
			stdin: `{"source":{"uri":"gopher://host/handler-secret-value","url_handlers":[
				{"type":"s3","options":{"access_key":"AKIAEXAMPLE","secret_key":"handler-secret-value"}}]}}`,
			want:    `unknown scheme "gopher"`,
			secrets: []string{"handler-secret-value"}}),
	)

	It("for in without a destination directory fails with a usage line", func() {
		got := runIn(`{"source":{"uri":"file:///x"},"version":{"version":"1.0.0"}}`)
		Expect(got.code).To(Equal(1))
		Expect(got.lines()).To(HaveExactElements("in: usage: in DIRECTORY (exactly one directory, got 0 arguments)"))
	})
})

var _ = Describe("a repository that refuses the credentials", func() {
	expectRefused := func(source map[string]any, secret, want string) {
		got := runCheck(asJSON(map[string]any{"source": source}))
		Expect(got.code).To(Equal(1), "stdout: %s", got.stdout)
		Expect(got.lines()).To(HaveExactElements(And(HavePrefix("check: "), ContainSubstring(want))))
		Expect(got.stderr).NotTo(ContainSubstring(secret))
	}

	It("on S3 fails with one line that does not print the secret key", func() {
		server := s3server.Start(GinkgoT(), "releases")
		Expect(server.Put(context.Background(), "releases", "v1.0.0.meta4", gitserver.Meta4("1.0.0"))).To(Succeed())
		const wrongSecret = "not-the-secret-key-0123456789"
		expectRefused(map[string]any{
			"uri":     server.URL("releases", ""),
			"options": map[string]any{"access_key": s3server.AccessKey, "secret_key": wrongSecret, "disable_ssl": true},
		}, wrongSecret, "access denied (SignatureDoesNotMatch")
	})

	It("on git over HTTP fails with one line that does not print the password", func() {
		root := GinkgoT().TempDir()
		repo := gitserver.NewRepo(GinkgoT(), root, "releases.git")
		repo.WriteFiles(GinkgoT(), "publish", map[string]string{"v1.0.0.meta4": string(gitserver.Meta4("1.0.0"))})
		server := gitserver.StartHTTP(GinkgoT(), root, "ci", "the-right-password")
		const wrongPassword = "a-wrong-password"
		uri := strings.Replace(server.RepoURL(repo), "http://", "git+http://ci:"+wrongPassword+"@", 1)
		expectRefused(map[string]any{"uri": uri}, wrongPassword, "authentication required : check the credentials (uri userinfo or source.options.username/password)")
	})
})
