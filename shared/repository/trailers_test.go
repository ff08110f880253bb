package repository_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/repository"
)

var _ = DescribeTable("the trailers of a commit message",
	func(message string, want []repository.Trailer) {
		Expect(repository.ParseTrailers(message)).To(Equal(want))
	},
	Entry("are the Key: value lines of its last paragraph",
		"golang.org: v1.21.1 (1 file)\n\nMirrored-by: https://ci.example.com/builds/42\nBuild-Team: main\n",
		[]repository.Trailer{{Key: "Mirrored-by", Value: "https://ci.example.com/builds/42"}, {Key: "Build-Team", Value: "main"}}),
	Entry("are none in a one-paragraph message", "Mirrored-by: https://ci.example.com/builds/42", nil),
	Entry("are none when a line of the last paragraph is prose", "update\n\nMirrored-by: x\nand then some", nil),
	Entry("are none when a key holds a space", "update\n\nMirrored by: x", nil),
)
