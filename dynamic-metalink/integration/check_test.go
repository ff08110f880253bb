package integration_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("check", func() {
	// The script prints versions unordered, with a duplicate, OpenSSL-style
	// letter suffixes, a prerelease and a line that is no version.
	const versionCheck = `
cat <<'EOF'
1.0.2
1.1.0
1.0.2k
1.0.10
1.0.2
2.0.0-rc.1
1.0.3
nightly
1.0.2za
1.0.2z
EOF`

	checkWith := func(version any, extra map[string]any) result {
		src := map[string]any{"version_check": versionCheck, "metalink_get": "false"}
		for k, v := range extra {
			src[k] = v
		}
		request := map[string]any{"source": src}
		if version != nil {
			request["version"] = map[string]any{"version": version}
		}
		return execute(bin.Check, request)
	}

	DescribeTable("follows the Concourse check contract",
		func(version any, extra map[string]any, expected string) {
			r := checkWith(version, extra)

			Expect(r.code).To(Equal(0), r.output)
			Expect(r.stdout).To(MatchJSON(expected))
			Expect(r.stderr).To(ContainSubstring(`"nightly"`), "the skipped line is named")
		},
		Entry("the first check answers only the latest version",
			nil, nil, `[{"version":"2.0.0-rc.1"}]`),
		Entry("a later check answers every version from the current one on, oldest first, once each",
			"1.0.2", nil,
			`[{"version":"1.0.2"},{"version":"1.0.2k"},{"version":"1.0.2z"},{"version":"1.0.2za"},{"version":"1.0.3"},{"version":"1.0.10"},{"version":"1.1.0"},{"version":"2.0.0-rc.1"}]`),
		Entry("letter suffixes sort after their base and before the next patch",
			"1.0.2k", map[string]any{"version": "< 1.0.4"},
			`[{"version":"1.0.2k"},{"version":"1.0.2z"},{"version":"1.0.2za"},{"version":"1.0.3"}]`),
		Entry("a vanished current version with nothing newer gives the latest",
			"3.0.0", nil, `[{"version":"2.0.0-rc.1"}]`),
		Entry("a vanished current version gives what is newer",
			"1.0.5", nil, `[{"version":"1.0.10"},{"version":"1.1.0"},{"version":"2.0.0-rc.1"}]`),
		Entry("source.version narrows the first check",
			nil, map[string]any{"version": "~1.0"}, `[{"version":"1.0.10"}]`),
		Entry("source.version narrows a later check",
			"1.0.3", map[string]any{"version": ">= 1.0, < 2"},
			`[{"version":"1.0.3"},{"version":"1.0.10"},{"version":"1.1.0"}]`),
	)

	It("answers [] when nothing fits source.version", func() {
		r := checkWith(nil, map[string]any{"version": "> 5"})

		Expect(r.code).To(Equal(0), r.output)
		Expect(r.stdout).To(Equal("[]\n"))
	})
})
