package dynamicmetalink_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("check", func() {
	const printsVersions = "printf '%s\\n' 1.0.0 1.2.0 1.0.2k 1.0.3 1.2.0 1.10.0"

	checkWith := func(extra map[string]any, version any) result {
		request := map[string]any{"source": source(extra)}
		if version != nil {
			request["version"] = map[string]any{"version": version}
		}
		return run(check, request)
	}

	It("answers only the latest version on the first check", func() {
		r := checkWith(map[string]any{"version_check": printsVersions}, nil)

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.10.0"}]`))
	})

	It("takes an empty current version for a first check, as metalink-repository does", func() {
		r := checkWith(map[string]any{"version_check": printsVersions}, "")

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.10.0"}]`))
	})

	It("answers every version from the current one on, oldest first, without duplicates", func() {
		r := checkWith(map[string]any{"version_check": printsVersions}, "1.0.2k")

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.0.2k"},{"version":"1.0.3"},{"version":"1.2.0"},{"version":"1.10.0"}]`))
	})

	It("answers the latest version when the current one vanished and nothing newer exists", func() {
		r := checkWith(map[string]any{"version_check": printsVersions}, "9.0.0")

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.10.0"}]`))
	})

	It("keeps only the versions source.version allows", func() {
		r := checkWith(map[string]any{"version_check": printsVersions, "version": "~1.0.0"}, "1.0.0")

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.0.0"},{"version":"1.0.2k"},{"version":"1.0.3"}]`))
	})

	It("answers an empty list, not null, when the script prints nothing", func() {
		r := checkWith(map[string]any{"version_check": "true"}, nil)

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(Equal("[]\n"))
	})

	It("quotes at most 200 bytes of a 20 MB line that is not a version", func() {
		r := checkWith(map[string]any{"version_check": "echo 1.0.0; head -c 20000000 /dev/zero | tr '\\0' x; echo"}, nil)

		Expect(r.code).To(Equal(0), r.stderr[:min(len(r.stderr), 500)])
		Expect(r.stdout).To(MatchJSON(`[{"version":"1.0.0"}]`))
		Expect(r.stderr).To(Equal(`warning: version_check printed 1 line(s) that are not versions, skipped: "` + strings.Repeat("x", 200) + "\"…\n"))
	})

	It("skips lines that are not versions with a warning that names them", func() {
		r := checkWith(map[string]any{"version_check": "printf '%s\\n' 1.0.0 latest 2.0.0 'not a version'"}, nil)

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(MatchJSON(`[{"version":"2.0.0"}]`))
		Expect(r.stderr).To(ContainSubstring(`warning: version_check printed 2 line(s) that are not versions, skipped: "latest", "not a version"`))
	})

	It("streams the script's stderr and redacts url_handlers secrets from it", func() {
		r := checkWith(map[string]any{
			"version_check": "echo 'using key s3cr3t-k3y-value' >&2; echo 1.0.0",
			"url_handlers":  []any{map[string]any{"type": "s3", "options": map[string]any{"access_key": "id", "secret_key": "s3cr3t-k3y-value"}}},
		}, nil)

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stderr).To(ContainSubstring("using key [redacted]"))
		Expect(r.stderr).NotTo(ContainSubstring("s3cr3t"))
	})

	It("fails with one line naming the script when it exits non-zero", func() {
		r := checkWith(map[string]any{"version_check": "echo 1.0.0; echo boom >&2; exit 3"}, nil)

		Expect(r.code).To(Equal(1))
		Expect(r.stdout).To(BeEmpty())
		Expect(r.stderr).To(HavePrefix("boom\n"))
		Expect(r.lastLine()).To(Equal(`check: version_check: script exited with status 3; stdout began: "1.0.0\n"`))
	})

	It("puts the fatal line on a line of its own after unterminated script stderr", func() {
		r := checkWith(map[string]any{"version_check": "printf 'no newline' >&2; exit 1"}, nil)

		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(HavePrefix("no newline\ncheck: version_check: "))
	})

	DescribeTable("rejects a bad source with one line naming the key",
		func(extra map[string]any, message string) {
			r := checkWith(extra, nil)

			Expect(r.code).To(Equal(1))
			Expect(r.stdout).To(BeEmpty())
			Expect(r.stderr).To(HavePrefix("check: "))
			Expect(r.stderr).To(ContainSubstring(message))
			Expect(r.stderr).To(HaveSuffix("\n"))
			Expect(r.stderr).To(HaveLen(len(r.lastLine()) + 1))
		},
		Entry("an unknown key", map[string]any{"verison": "1.x"}, `unknown key "source.verison"`),
		Entry("no version_check", map[string]any{"version_check": ""}, "source.version_check is required"),
		Entry("no metalink_get", map[string]any{"metalink_get": ""}, "source.metalink_get is required"),
		Entry("an invalid constraint", map[string]any{"version": ">= banana"}, "source.version"),
		Entry("a timeout that is no duration", map[string]any{"script_timeout": "soon"}, `source.script_timeout: "soon"`),
		Entry("a timeout that is not positive", map[string]any{"script_timeout": "-1s"}, `source.script_timeout: "-1s"`),
		Entry("a trust store that holds no key", map[string]any{"signature_trust_store": "not a key"}, "source.signature_trust_store"),
		Entry("a string where a list belongs", map[string]any{"include_files": "*.tgz"}, "include_files"),
		Entry("a ca_certs entry that is not PEM", map[string]any{"ca_certs": []string{"not a certificate"}}, "source.ca_certs[0]: not a PEM certificate"),
		Entry("ca_certs that is not a list", map[string]any{"ca_certs": "pem"}, "source.ca_certs: expected a list, got a string"),
		Entry("a misspelt network key", map[string]any{"skip_ssl_verify": true}, `unknown key "source.skip_ssl_verify"`),
	)

	It("rejects malformed JSON with one line", func() {
		r := run(check, `{"source": {`)

		Expect(r.code).To(Equal(1))
		Expect(r.stderr).To(Equal("check: source: malformed JSON at byte 12: unexpected end of JSON input\n"))
	})
})
