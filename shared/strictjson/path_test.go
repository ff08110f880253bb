package strictjson_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

var _ = Describe("Paths", func() {
	DescribeTable("Join",
		func(path, key, want string) {
			Expect(strictjson.Join(path, key)).To(Equal(want))
		},
		Entry("starts a path", "", "source", "source"),
		Entry("appends a key after a dot", "source", "uri", "source.uri"),
		Entry("keeps '_' and '-' bare", "source", "a_b-C9", "source.a_b-C9"),
		Entry("brackets a key holding a dot", "source.options", "a.b", `source.options["a.b"]`),
		Entry("brackets a key starting a path", "", "a b", `["a b"]`),
		Entry("brackets an empty key", "source", "", `source[""]`),
		Entry("escapes a line break and a quote", "source", "a\n\"b", `source["a\n\"b"]`),
		Entry("escapes invalid UTF-8", "source", "a\xff", `source["a\xff"]`),
		Entry("caps a bare key at 100 bytes", "s", strings.Repeat("a", 101), "s."+strings.Repeat("a", 100)+"…"),
		Entry("keeps a bare key of exactly 100 bytes", "s", strings.Repeat("a", 100), "s."+strings.Repeat("a", 100)),
		Entry("caps a quoted key on a rune boundary", "s", "."+strings.Repeat("€", 40),
			`s["`+"."+strings.Repeat("€", 33)+`…"]`),
		Entry("caps a quoted key counting its escapes", "s", strings.Repeat("\x00", 40),
			`s["`+strings.Repeat(`\x00`, 25)+`…"]`),
	)

	DescribeTable("Index",
		func(path string, i int, want string) {
			Expect(strictjson.Index(path, i)).To(Equal(want))
		},
		Entry("appends an index", "source.mirror_files", 2, "source.mirror_files[2]"),
		Entry("indexes the whole document", "", 0, "[0]"),
	)
})
