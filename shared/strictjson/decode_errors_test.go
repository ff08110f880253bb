package strictjson_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// target returns a fresh value for c to decode into.
func (c errorCase) target() any {
	if c.into == nil {
		return &request{}
	}
	return c.into()
}

func errorEntries() []TableEntry {
	entries := make([]TableEntry, 0, len(errorCases))
	for _, c := range errorCases {
		entries = append(entries, Entry(c.name, c))
	}
	return entries
}

var _ = Describe("Decode errors", func() {
	DescribeTable("names the key path and nothing of the value",
		func(c errorCase) {
			err := strictjson.Decode([]byte(c.data), c.path, c.target())
			Expect(err).To(MatchError(c.want))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
			Expect(len(err.Error())).To(BeNumerically("<=", 1000))
		},
		errorEntries(),
	)
})
