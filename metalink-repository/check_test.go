package metalinkrepository_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

var _ = Describe("check", func() {
	var repo fileRepo

	BeforeEach(func() {
		repo = newFileRepo()
		repo.add("v1.0.0.meta4", release("1.0.0"))
		repo.add("v1.2.0.meta4", release("1.2.0"))
		repo.add("v1.10.0.meta4", release("1.10.0"))
	})

	check := func(source map[string]any, version any) result {
		source["uri"] = repo.uri()
		return runCheck(asJSON(map[string]any{"source": source, "version": version}))
	}

	It("prints only the latest version when Concourse has none yet", func() {
		got := check(map[string]any{}, nil)
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"1.10.0"}))
	})

	It("takes an empty current version for a first check, as dynamic-metalink does", func() {
		got := check(map[string]any{}, map[string]string{"version": ""})
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"1.10.0"}))
	})

	It("prints every version from the current one on, oldest first", func() {
		got := check(map[string]any{}, map[string]string{"version": "1.2.0"})
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"1.2.0", "1.10.0"}))
	})

	It("prints an empty JSON array for a repository without metalinks", func() {
		repo = newFileRepo()
		got := check(map[string]any{}, nil)
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.stdout).To(MatchJSON(`[]`))
	})

	It("prints a version once even when two metalinks carry it", func() {
		repo.add("copy/v1.10.0.meta4", release("1.10.0"))
		got := check(map[string]any{}, map[string]string{"version": "1.2.0"})
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"1.2.0", "1.10.0"}))
	})

	It("skips a metalink whose first file has no version, with a warning naming it", func() {
		repo.add("nightly.meta4", metalink.Metalink{Files: []metalink.File{{Name: "app.tgz"}}})
		got := check(map[string]any{}, nil)
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"1.10.0"}))
		Expect(got.stderr).To(ContainSubstring("skipping nightly.meta4"))
	})

	It("leaves a version that does not parse out, with a warning naming its metalink", func() {
		repo.add("latest.meta4", release("latest"))
		got := check(map[string]any{}, nil)
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"1.10.0"}))
		Expect(got.stderr).To(ContainSubstring("skipping latest.meta4"))
	})

	DescribeTable("narrows the candidates before applying the check contract",
		func(source map[string]any, current any, want []string) {
			repo.add("rc/v2.0.0-rc.1.meta4", release("2.0.0-rc.1"))
			repo.add("stable/v1.1.0.meta4", release("1.1.0"))
			got := check(source, current)
			Expect(got.code).To(Equal(0), got.stderr)
			Expect(got.versions()).To(Equal(want))
		},
		Entry("source.version keeps the versions satisfying the constraint",
			map[string]any{"version": "~1.2"}, nil, []string{"1.2.0"}),
		Entry("a fileversion filter works like source.version",
			map[string]any{"filters": []any{map[string]any{"fileversion": "< 1.5"}}},
			map[string]string{"version": "1.0.0"}, []string{"1.0.0", "1.1.0", "1.2.0"}),
		Entry("a repositorypath filter matches the metalink's path in the repository",
			map[string]any{"filters": []any{map[string]any{"repositorypath": "stable/*"}}}, nil, []string{"1.1.0"}),
		Entry("a repositorypath glob does not cross a slash",
			map[string]any{"filters": []any{map[string]any{"repositorypath": "*"}}}, nil, []string{"1.10.0"}),
		Entry("source.version and every filter must all match",
			map[string]any{"version": ">= 1.1", "filters": []any{
				map[string]any{"fileversion": "< 1.10"},
				map[string]any{"repositorypath": "v*"},
			}}, map[string]string{"version": "1.0.0"}, []string{"1.2.0"}),
		Entry("without filters a prerelease may be the latest",
			map[string]any{}, nil, []string{"2.0.0-rc.1"}),
	)

	It("includes a metalink when any of its files satisfies a version filter", func() {
		mixed := metalink.Metalink{Files: []metalink.File{
			{Name: "app.tgz", Version: "3.0.0"},
			{Name: "unversioned.txt"},
			{Name: "legacy-tools.tgz", Version: "0.9.0"},
		}}
		repo.add("v3.0.0.meta4", mixed)
		got := check(map[string]any{"version": "< 1"}, nil)
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"3.0.0"}))
	})

	It("moves on to the latest version when the current one vanished and nothing newer came", func() {
		got := check(map[string]any{}, map[string]string{"version": "5.0.0"})
		Expect(got.code).To(Equal(0), got.stderr)
		Expect(got.versions()).To(Equal([]string{"1.10.0"}))
	})
})
