package strictjson_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

var _ = Describe("Flexible", func() {
	DescribeTable("Decode keeps the text of a number or a string",
		func(data string, want strictjson.Flexible) {
			var o options
			Expect(strictjson.Decode([]byte(data), "source.options", &o)).To(Succeed())
			Expect(o.Retries).To(Equal(want))
		},
		Entry("a number", `{"retries": 10}`, strictjson.Flexible("10")),
		Entry("a number as written", `{"retries": 1.50}`, strictjson.Flexible("1.50")),
		Entry("a string", `{"retries": "10"}`, strictjson.Flexible("10")),
		Entry("an interpolated empty string", `{"retries": ""}`, strictjson.Flexible("")),
	)

	DescribeTable("Uint",
		func(f strictjson.Flexible, wantN uint, wantOK bool, wantErr string) {
			n, ok, err := f.Uint()
			Expect(n).To(Equal(wantN))
			Expect(ok).To(Equal(wantOK))
			if wantErr == "" {
				Expect(err).NotTo(HaveOccurred())
			} else {
				Expect(err).To(MatchError(wantErr))
			}
		},
		Entry("parses a whole number", strictjson.Flexible("10"), uint(10), true, ""),
		Entry("trims blanks", strictjson.Flexible(" 7 "), uint(7), true, ""),
		Entry("parses the largest 32-bit number", strictjson.Flexible("4294967295"), uint(4294967295), true, ""),
		Entry("is not set when empty", strictjson.Flexible(""), uint(0), false, ""),
		Entry("is not set when blank", strictjson.Flexible(" \t"), uint(0), false, ""),
		Entry("refuses a word", strictjson.Flexible("ten"), uint(0), true, `"ten" is not a whole number`),
		Entry("refuses a negative number", strictjson.Flexible("-1"), uint(0), true, `"-1" is not a whole number`),
		Entry("refuses a fraction", strictjson.Flexible("1.5"), uint(0), true, `"1.5" is not a whole number`),
		Entry("refuses a number beyond 32 bits", strictjson.Flexible("4294967296"), uint(0), true, `"4294967296" is too large`),
		Entry("quotes a line break escaped", strictjson.Flexible("1\n2"), uint(0), true, `"1\n2" is not a whole number`),
	)

	DescribeTable("UnmarshalJSON lets encoding/json decode it too",
		func(data string, before, want strictjson.Flexible, wantErr string) {
			v := struct {
				P strictjson.Flexible `json:"p"`
			}{P: before}
			err := json.Unmarshal([]byte(data), &v)
			if wantErr == "" {
				Expect(err).NotTo(HaveOccurred())
			} else {
				Expect(err).To(MatchError(wantErr))
			}
			Expect(v.P).To(Equal(want))
		},
		Entry("a number", `{"p": 10}`, strictjson.Flexible(""), strictjson.Flexible("10"), ""),
		Entry("a string", `{"p": "10"}`, strictjson.Flexible(""), strictjson.Flexible("10"), ""),
		Entry("null, leaving it", `{"p": null}`, strictjson.Flexible("3"), strictjson.Flexible("3"), ""),
		Entry("a list", `{"p": []}`, strictjson.Flexible(""), strictjson.Flexible(""), "expected a number or a string"),
		Entry("a boolean", `{"p": true}`, strictjson.Flexible(""), strictjson.Flexible(""), "expected a number or a string"),
	)
})

var _ = Describe("Bool", func() {
	DescribeTable("Decode accepts true and false, bare or as strings",
		func(data string, want strictjson.Bool) {
			o := options{DisableSSL: !want}
			Expect(strictjson.Decode([]byte(data), "source.options", &o)).To(Succeed())
			Expect(o.DisableSSL).To(Equal(want))
		},
		Entry("true", `{"disable_ssl": true}`, strictjson.Bool(true)),
		Entry("false", `{"disable_ssl": false}`, strictjson.Bool(false)),
		Entry(`"true"`, `{"disable_ssl": "true"}`, strictjson.Bool(true)),
		Entry(`"false"`, `{"disable_ssl": "false"}`, strictjson.Bool(false)),
	)

	DescribeTable("UnmarshalJSON lets encoding/json decode it too",
		func(data string, before, want strictjson.Bool, wantErr string) {
			v := struct {
				B strictjson.Bool `json:"b"`
			}{B: before}
			err := json.Unmarshal([]byte(data), &v)
			if wantErr == "" {
				Expect(err).NotTo(HaveOccurred())
			} else {
				Expect(err).To(MatchError(wantErr))
			}
			Expect(v.B).To(Equal(want))
		},
		Entry("true", `{"b": true}`, strictjson.Bool(false), strictjson.Bool(true), ""),
		Entry(`"true"`, `{"b": "true"}`, strictjson.Bool(false), strictjson.Bool(true), ""),
		Entry(`"false"`, `{"b": "false"}`, strictjson.Bool(true), strictjson.Bool(false), ""),
		Entry("null, leaving it", `{"b": null}`, strictjson.Bool(true), strictjson.Bool(true), ""),
		Entry("a number", `{"b": 1}`, strictjson.Bool(false), strictjson.Bool(false), "expected true or false"),
		Entry(`"yes"`, `{"b": "yes"}`, strictjson.Bool(false), strictjson.Bool(false), "expected true or false"),
	)
})
