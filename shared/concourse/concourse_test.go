package concourse_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/concourse"
)

type request struct {
	Source struct {
		URI      string             `json:"uri"`
		Priority concourse.Flexible `json:"priority"`
	} `json:"source"`
	Version *concourse.Version `json:"version"`
}

var _ = Describe("Decode", func() {
	It("reads a well-formed request", func() {
		var req request
		Expect(concourse.Decode(strings.NewReader(`{"source":{"uri":"file:///x"},"version":{"version":"1.2.3"}}`), &req)).To(Succeed())
		Expect(req.Source.URI).To(Equal("file:///x"))
		Expect(req.Version.Version).To(Equal("1.2.3"))
	})

	DescribeTable("rejects bad requests with an error that says why",
		func(input, want string) {
			var req request
			err := concourse.Decode(strings.NewReader(input), &req)
			Expect(err).To(MatchError(ContainSubstring(want)))
			Expect(err.Error()).NotTo(ContainSubstring("\n"))
		},
		Entry("empty stdin", "", "empty request"),
		Entry("only whitespace", " \n", "empty request"),
		Entry("malformed JSON", `{"source":`, "malformed"),
		Entry("an unknown top-level key", `{"source":{},"params":{}}`, `unknown key "params"`),
		Entry("an unknown nested key", `{"source":{"uri":"x","urі":"y"}}`, `unknown key "source.urі"`),
		Entry("a wrong type", `{"source":{"uri":7}}`, `key "source.uri": expected string, got JSON number`),
		Entry("a second document", `{"source":{}} {"source":{}}`, "unexpected data after the JSON request"),
	)
})

var _ = Describe("Flexible", func() {
	DescribeTable("accepts a number or a string",
		func(input string, want uint, present bool) {
			var f concourse.Flexible
			Expect(json.Unmarshal([]byte(input), &f)).To(Succeed())
			n, ok, err := f.Uint()
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(Equal(present))
			Expect(n).To(Equal(want))
		},
		Entry("a number", `10`, uint(10), true),
		Entry("a string", `"10"`, uint(10), true),
		Entry("an empty string", `""`, uint(0), false),
	)

	It("rejects values that are neither", func() {
		var f concourse.Flexible
		Expect(json.Unmarshal([]byte(`true`), &f)).To(MatchError(ContainSubstring("expected a number or a string")))
	})

	It("rejects strings that are not whole numbers", func() {
		_, _, err := concourse.Flexible("ten").Uint()
		Expect(err).To(MatchError(`"ten" is not a whole number`))
		_, _, err = concourse.Flexible("-1").Uint()
		Expect(err).To(HaveOccurred())
	})
})

var _ = Describe("Respond", func() {
	It("writes one JSON document and a newline", func() {
		var out bytes.Buffer
		Expect(concourse.Respond(&out, concourse.InResponse{Version: concourse.Version{Version: "1.0.0"}})).To(Succeed())
		Expect(out.String()).To(Equal(`{"version":{"version":"1.0.0"}}` + "\n"))
	})
})

var _ = Describe("Fail", func() {
	It("prints one line with the command name, redacted, and returns 1", func() {
		var stderr bytes.Buffer
		err := errors.New("open https://bob:hunter22@example.com/x:\n  denied for hunter22")
		Expect(concourse.Fail(&stderr, "in", err, "hunter22")).To(Equal(1))
		Expect(stderr.String()).To(Equal("in: open https://[redacted]@example.com/x: denied for [redacted]\n"))
	})
})
