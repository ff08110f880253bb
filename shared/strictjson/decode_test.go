package strictjson_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// decodeRequest decodes a whole request and expects it to succeed.
func decodeRequest(data string) request {
	var r request
	ExpectWithOffset(1, strictjson.Decode([]byte(data), "", &r)).To(Succeed())
	return r
}

var _ = Describe("Decode", func() {
	It("decodes a request into nested structs, slices and maps", func() {
		r := decodeRequest(`{
			"source": {
				"uri": "https://example.com/x.meta4",
				"mirror_files": [{"url": "https://a", "priority": 1}, {"url": "https://b", "priority": "2"}],
				"exclude_files": ["*.sig"],
				"headers": {"Authorization": "Bearer t"},
				"count": -3, "small": -128, "size": 255, "big": 18446744073709551615,
				"ratio": 1.5e2, "narrow": 0.25, "limit": 7, "Name": "n", "OnlyOptions": "o"
			},
			"version": {"version": "1.2.3"}
		}`)
		Expect(r.Source.URI).To(Equal("https://example.com/x.meta4"))
		Expect(r.Source.MirrorFiles).To(Equal([]mirrorFile{
			{URL: "https://a", Priority: "1"}, {URL: "https://b", Priority: "2"},
		}))
		Expect(r.Source.ExcludeFiles).To(Equal([]string{"*.sig"}))
		Expect(r.Source.Headers).To(Equal(map[string]string{"Authorization": "Bearer t"}))
		Expect(r.Source.Count).To(Equal(-3))
		Expect(r.Source.Small).To(Equal(int8(-128)))
		Expect(r.Source.Size).To(Equal(uint8(255)))
		Expect(r.Source.Big).To(Equal(uint64(math.MaxUint64)))
		Expect(r.Source.Ratio).To(Equal(150.0))
		Expect(r.Source.Narrow).To(Equal(float32(0.25)))
		Expect(r.Source.Limit).To(HaveValue(Equal(7)))
		Expect(r.Source.Name).To(Equal("n"))
		Expect(r.Source.OnlyOptions).To(Equal("o"))
		Expect(r.Version).To(Equal(map[string]string{"version": "1.2.3"}))
	})

	It("reads -0 as zero, even for an unsigned number", func() {
		Expect(decodeRequest(`{"source": {"size": -0}}`).Source.Size).To(BeZero())
	})

	It("accepts a value nested exactly 64 levels deep", func() {
		r := decodeRequest(`{"source": {"extra": ` + nest(62, "") + `}}`)
		Expect(r.Source.Extra).NotTo(BeNil())
	})

	Describe("null", func() {
		It("leaves pointers, slices, maps, structs, raw messages and interfaces unset", func() {
			r := decodeRequest(`{"source": {"limit": null, "exclude_files": null, "labels": null,
				"meta": null, "extra": null, "url_handlers": [{"options": null}]}, "params": null}`)
			Expect(r.Source.Limit).To(BeNil())
			Expect(r.Source.ExcludeFiles).To(BeNil())
			Expect(r.Source.Labels).To(BeNil())
			Expect(r.Source.Meta).To(BeZero())
			Expect(r.Source.Extra).To(BeNil())
			Expect(r.Source.URLHandlers[0].Options).To(BeNil())
			Expect(r.Params).To(BeZero())
		})

		It("accepts null for the whole request", func() {
			Expect(decodeRequest(`null`)).To(BeZero())
		})

		It("leaves a value already set as it was", func() {
			limit := 3
			r := request{
				Source: source{Limit: &limit, ExcludeFiles: []string{"a"}, Extra: "x"},
				Params: params{Options: options{Mode: "m"}},
			}
			Expect(strictjson.Decode([]byte(`{"source": {"limit": null, "exclude_files": null, "extra": null}, "params": null}`), "", &r)).To(Succeed())
			Expect(r.Params.Options.Mode).To(Equal("m"))
			Expect(r.Source.Limit).To(HaveValue(Equal(3)))
			Expect(r.Source.ExcludeFiles).To(Equal([]string{"a"}))
			Expect(r.Source.Extra).To(Equal("x"))
		})
	})

	Describe("embedded structs", func() {
		It("matches the keys of an embedded struct as the outer struct's", func() {
			r := decodeRequest(`{"source": {"debug": true}}`)
			Expect(r.Source.Debug).To(BeTrue())
		})

		It("allocates an embedded pointer only when one of its keys is present", func() {
			Expect(decodeRequest(`{"source": {}}`).Source.Location).To(BeNil())
			r := decodeRequest(`{"source": {"region": "eu"}}`)
			Expect(r.Source.Location).To(Equal(&Location{Region: "eu"}))
		})

		It("lets an outer field hide a promoted one of the same name", func() {
			r := decodeRequest(`{"source": {"uri": "u"}}`)
			Expect(r.Source.URI).To(Equal("u"))
			Expect(r.Source.common.URI).To(BeEmpty())
		})

		It("walks a struct embedding a pointer to itself once", func() {
			var r Recursive
			Expect(strictjson.Decode([]byte(`{"name": "n"}`), "", &r)).To(Succeed())
			Expect(r).To(Equal(Recursive{Name: "n"}))
		})

		It("treats an embedded struct with a tag name as a key of its own", func() {
			Expect(decodeRequest(`{"source": {"meta": {"owner": "o"}}}`).Source.Owner).To(Equal("o"))
		})
	})

	Describe("overlays", func() {
		It("only overwrites the fields present in the data", func() {
			var o options
			Expect(strictjson.Decode([]byte(`{"disable_ssl": true, "retries": 3, "mode": "a"}`), "source.options", &o)).To(Succeed())
			Expect(strictjson.Decode([]byte(`{"mode": "b"}`), "params.options", &o)).To(Succeed())
			Expect(o).To(Equal(options{DisableSSL: true, Retries: "3", Mode: "b"}))
		})

		It("adds to a map already set rather than replacing it", func() {
			r := decodeRequest(`{"source": {"labels": {"a": "1", "b": "1"}}}`)
			Expect(strictjson.Decode([]byte(`{"source": {"labels": {"b": "2", "c": "2"}}}`), "", &r)).To(Succeed())
			Expect(r.Source.Labels).To(Equal(map[string]string{"a": "1", "b": "2", "c": "2"}))
		})

		It("fills the target of a pointer already set in place", func() {
			r := request{Params: params{Nested: &options{Mode: "a", Retries: "1"}}}
			Expect(strictjson.Decode([]byte(`{"params": {"nested": {"mode": "b"}}}`), "", &r)).To(Succeed())
			Expect(r.Params.Nested).To(Equal(&options{Mode: "b", Retries: "1"}))
		})

		It("replaces a slice already set", func() {
			r := request{Source: source{ExcludeFiles: []string{"a", "b"}}}
			Expect(strictjson.Decode([]byte(`{"source": {"exclude_files": ["c"]}}`), "", &r)).To(Succeed())
			Expect(r.Source.ExcludeFiles).To(Equal([]string{"c"}))
		})

		It("leaves an unexported field alone", func() {
			r := request{Source: source{hidden: "kept"}}
			Expect(strictjson.Decode([]byte(`{"source": {"Name": "n"}}`), "", &r)).To(Succeed())
			Expect(r.Source.hidden).To(Equal("kept"))
		})
	})

	Describe("json.RawMessage", func() {
		It("stores the compact text of the value as written", func() {
			r := decodeRequest(`{"source": {"url_handlers": [{"type": "t", "options": { "a" : [1, 2.50] , "b": "\u00e9" }}]}}`)
			Expect(string(r.Source.URLHandlers[0].Options)).To(Equal(`{"a":[1,2.50],"b":"\u00e9"}`))
		})

		It("stores a scalar", func() {
			r := decodeRequest(`{"source": {"url_handlers": [{"options": "x"}]}}`)
			Expect(string(r.Source.URLHandlers[0].Options)).To(Equal(`"x"`))
		})
	})

	It("decodes an interface to the generic form with json.Number", func() {
		r := decodeRequest(`{"source": {"extra": {"a": [1, "x", true, null, {"b": 2.5}]}}}`)
		Expect(r.Source.Extra).To(Equal(map[string]any{
			"a": []any{json.Number("1"), "x", true, nil, map[string]any{"b": json.Number("2.5")}},
		}))
	})

	Describe("json.Unmarshaler", func() {
		It("hands the type the raw text of its value", func() {
			Expect(decodeRequest(`{"source": {"upper": "abc"}}`).Source.Upper).To(Equal(upper("ABC")))
		})

		It("keeps the type's error reachable", func() {
			err := strictjson.Decode([]byte(`{"source": {"upper": 1}}`), "", &request{})
			Expect(errors.Is(err, errNotString)).To(BeTrue())
		})
	})

	DescribeTable("refuses a target that is not a non-nil pointer",
		func(v any) {
			Expect(strictjson.Decode([]byte(`{}`), "", v)).To(MatchError("strictjson: Decode needs a non-nil pointer"))
		},
		Entry("a struct", request{}),
		Entry("a nil pointer", (*request)(nil)),
		Entry("nil", nil),
	)

	It("never quotes a value in an error", func() {
		err := strictjson.Decode([]byte(`{"source": {"secret_key": 12345678}}`), "", &request{})
		Expect(err).To(MatchError("source.secret_key: expected a string, got a number"))
		Expect(err.Error()).NotTo(ContainSubstring("12345678"))
		for _, c := range errorCases {
			err := strictjson.Decode([]byte(c.data), c.path, c.target())
			Expect(err.Error()).NotTo(ContainSubstring("hunter2"), c.name)
		}
	})

	It("prints a caller's path with line breaks on one line", func() {
		err := strictjson.Decode([]byte(`[]`), "a\nb", &options{})
		Expect(err).To(MatchError("a b: expected a map, got a list"))
	})

	It("shortens a caller's overlong path in the middle", func() {
		path := strings.Repeat("a", 400) + strings.Repeat("b", 400)
		err := strictjson.Decode([]byte(`[]`), path, &options{})
		Expect(err).To(MatchError(strings.Repeat("a", 300) + "…" + strings.Repeat("b", 300) + ": expected a map, got a list"))
	})
})
