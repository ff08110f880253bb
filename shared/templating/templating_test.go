package templating_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/templating"
)

type file struct{ Name string }

var _ = Describe("Template", func() {
	It("renders an author's template", func() {
		t, err := templating.Parse("params.rename", "v{{.Version}}.meta4", "{{.Version}}")
		Expect(err).NotTo(HaveOccurred())
		Expect(t.Execute(map[string]string{"Version": "1.2.3"})).To(Equal("v1.2.3.meta4"))
		Expect(t.Key()).To(Equal("params.rename"))
	})

	DescribeTable("names the key and what is wrong, without Go's type names",
		func(text string, data any, want string) {
			t, err := templating.Parse("source.mirror_files[1].destination", text, "{{.Name}}")
			if err == nil {
				_, err = t.Execute(data)
			}
			Expect(err).To(MatchError(want))
		},
		Entry("an unknown struct field", "file:///{{.Nmae}}", file{Name: "x"},
			"source.mirror_files[1].destination: unknown field .Nmae (the fields are {{.Name}})"),
		Entry("a missing map key", "{{.Nmae}}", map[string]string{"Name": "x"},
			"source.mirror_files[1].destination: unknown field .Nmae (the fields are {{.Name}})"),
		Entry("a function failing", `{{index .Name 5}}`, file{Name: "x"},
			"source.mirror_files[1].destination: line 1: at <index .Name 5>: error calling index: index out of range: 5"),
		Entry("a template that does not parse", "{{.Name", file{},
			"source.mirror_files[1].destination: line 1: unclosed action"),
		Entry("a function that does not exist", "{{lower .Name}}", file{},
			`source.mirror_files[1].destination: line 1: function "lower" not defined`),
	)
})
