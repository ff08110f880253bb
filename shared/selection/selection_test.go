package selection_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/field"
	"github.com/metalink-resources/metalink-resources/shared/selection"
)

// keys name the fields as a resource does.
var keys = field.Names(func(f string) string {
	return map[string]string{"include": "source.include_files", "exclude": "source.exclude_files",
		"params_include": "params.include_files"}[f]
})

var _ = Describe("Filter", func() {
	Describe("Selected", func() {
		DescribeTable("decides from the file name",
			func(f selection.Filter, name string, want bool) {
				Expect(f.Selected(name)).To(Equal(want))
			},
			Entry("selects everything when no pattern is given",
				selection.Filter{}, "go1.21.0.linux-amd64.tar.gz", true),
			Entry("selects a name matching one source include",
				selection.Filter{Include: []string{"*.zip", "*.tar.gz"}}, "go.tar.gz", true),
			Entry("drops a name matching no source include",
				selection.Filter{Include: []string{"*.zip"}}, "go.tar.gz", false),
			Entry("does not let * cross a slash",
				selection.Filter{Include: []string{"*.tgz"}}, "dir/file.tgz", false),
			Entry("matches a slash written in the pattern",
				selection.Filter{Include: []string{"dir/*.tgz"}}, "dir/file.tgz", true),
			Entry("matches ? against exactly one character",
				selection.Filter{Include: []string{"v?.txt"}}, "v1.txt", true),
			Entry("matches character classes",
				selection.Filter{Include: []string{"go*.linux-[a-z]*"}}, "go1.linux-amd64", true),
			Entry("does not expand an escaped star",
				selection.Filter{Include: []string{`a\*`}}, "ab", false),
			Entry("matches an escaped star against a literal star",
				selection.Filter{Include: []string{`a\*`}}, "a*", true),
			Entry("requires a params include match as well as a source include match",
				selection.Filter{Include: []string{"*.tgz"}, ParamsInclude: []string{"linux-*"}}, "darwin-x.tgz", false),
			Entry("selects what both source and params includes match",
				selection.Filter{Include: []string{"*.tgz"}, ParamsInclude: []string{"linux-*"}}, "linux-x.tgz", true),
			Entry("applies params includes when source has none",
				selection.Filter{ParamsInclude: []string{"linux-*"}}, "darwin-x.tgz", false),
			Entry("excludes a name matching any exclude",
				selection.Filter{Exclude: []string{"*.asc", "*.sig"}}, "go.tgz.sig", false),
			Entry("lets exclude win over include",
				selection.Filter{Include: []string{"*"}, Exclude: []string{"*.sig"}}, "go.sig", false),
			Entry("keeps a name matching no exclude",
				selection.Filter{Exclude: []string{"*.sig"}}, "go.tgz", true),
			Entry("treats a malformed include as matching nothing",
				selection.Filter{Include: []string{"["}}, "[", false),
		)
	})

	Describe("Validate", func() {
		It("accepts well-formed patterns in every key", func() {
			f := selection.Filter{
				Include:       []string{"*.tgz", "go?.[a-z]*"},
				Exclude:       []string{`\[literal\]`},
				ParamsInclude: []string{"linux/*"},
			}
			Expect(f.Validate(keys)).To(Succeed())
		})

		DescribeTable("rejects a malformed pattern naming its key and index",
			func(f selection.Filter, message string) {
				Expect(f.Validate(keys)).To(MatchError(message))
			},
			Entry("in include_files",
				selection.Filter{Include: []string{"*.tgz", "["}},
				`source.include_files[1]: bad pattern "[": syntax error in pattern`),
			Entry("in exclude_files",
				selection.Filter{Exclude: []string{"[a-"}},
				`source.exclude_files[0]: bad pattern "[a-": syntax error in pattern`),
			Entry("in params.include_files",
				selection.Filter{ParamsInclude: []string{"ok", "ok", `trailing\`}},
				`params.include_files[2]: bad pattern "trailing\\": syntax error in pattern`),
		)
	})
})
