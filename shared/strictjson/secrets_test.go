package strictjson_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/strictjson"
)

// loop refers to itself, to show Secrets does not go round for ever.
type loop struct {
	Next   *loop  `json:"next"`
	Secret string `json:"secret" secret:"true"`
}

// shared holds the same struct under an untagged and a tagged field.
type shared struct {
	Plain  *Location `json:"plain"`
	Tagged *Location `json:"tagged" secret:"true"`
}

var _ = Describe("Secrets", func() {
	It("finds tagged strings in nested structs, slices of structs, embedded structs and options", func() {
		r := request{
			Source: source{
				Location:  &Location{Region: "eu", Token: "location-token"},
				URI:       "https://not-a-secret",
				SecretKey: "secret-key",
				MirrorFiles: []mirrorFile{
					{URL: "https://a", Password: "mirror-a"},
					{URL: "https://b", Password: "mirror-b"},
				},
			},
			Params: params{Options: options{Token: "options-token", Mode: "not-a-secret"}},
		}
		Expect(strictjson.Secrets(&r)).To(Equal([]string{
			"location-token", "secret-key", "mirror-a", "mirror-b", "options-token",
		}))
	})

	It("takes every value of a map tagged secret, in key order", func() {
		r := request{Source: source{
			Headers: map[string]string{"b": "header-b", "a": "header-a", "c": "header-c"},
			Labels:  map[string]string{"x": "not-a-secret"},
		}}
		Expect(strictjson.Secrets(r)).To(Equal([]string{"header-a", "header-b", "header-c"}))
	})

	It("skips empty strings", func() {
		r := request{Source: source{
			SecretKey:   "",
			MirrorFiles: []mirrorFile{{Password: ""}, {Password: "p"}},
			Headers:     map[string]string{"a": ""},
		}}
		Expect(strictjson.Secrets(r)).To(Equal([]string{"p"}))
	})

	It("walks a cycle of pointers once", func() {
		l := &loop{Secret: "s"}
		l.Next = l
		Expect(strictjson.Secrets(l)).To(Equal([]string{"s"}))
	})

	It("counts a value reached from an untagged field before a tagged one", func() {
		loc := &Location{Region: "eu"}
		Expect(strictjson.Secrets(shared{Plain: loc, Tagged: loc})).To(Equal([]string{"eu"}))
	})

	It("finds nothing in nil", func() {
		Expect(strictjson.Secrets(nil)).To(BeEmpty())
		Expect(strictjson.Secrets((*request)(nil))).To(BeEmpty())
	})
})
