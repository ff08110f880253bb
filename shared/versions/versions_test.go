package versions_test

import (
	"errors"
	"math/rand/v2"
	"strings"

	"github.com/Masterminds/semver/v3"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/metalink-resources/metalink-resources/shared/versions"
)

func mustParse(s string) versions.Version {
	GinkgoHelper()
	v, err := versions.Parse(s)
	Expect(err).NotTo(HaveOccurred())
	return v
}

func mustParseAll(ss ...string) []versions.Version {
	GinkgoHelper()
	vs := make([]versions.Version, len(ss))
	for i, s := range ss {
		vs[i] = mustParse(s)
	}
	return vs
}

func raws(vs []versions.Version) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Raw
	}
	return out
}

var _ = Describe("Parse", func() {
	DescribeTable("accepts what semver accepts plus letter suffixes, keeping the exact string",
		func(s string) {
			v, err := versions.Parse(s)
			Expect(err).NotTo(HaveOccurred())
			Expect(v.Raw).To(Equal(s))
			Expect(v.String()).To(Equal(s))
		},
		Entry("a full version", "1.2.3"),
		Entry("a v prefix", "v1.2.3"),
		Entry("a major and minor only", "1.2"),
		Entry("a major only", "7"),
		Entry("a prerelease", "2.0.0-rc.1"),
		Entry("build metadata", "1.0.0+build.5"),
		Entry("a prerelease and build metadata", "1.0.0-beta.2+exp.sha.5114f85"),
		Entry("leading zeros, which semver v3 coerces", "01.02.03"),
		Entry("an OpenSSL letter suffix", "1.0.2k"),
		Entry("several suffix letters", "1.0.2za"),
	)

	DescribeTable("rejects junk with an error naming the string",
		func(s string, message string) {
			_, err := versions.Parse(s)
			Expect(err).To(MatchError(message))
		},
		Entry("an empty string", "", `invalid version "": invalid semantic version`),
		Entry("a word", "foo", `invalid version "foo": invalid semantic version`),
		Entry("a trailing space", "1.2.3 ", `invalid version "1.2.3 ": invalid semantic version`),
		Entry("a leading space", " 1.2.3", `invalid version " 1.2.3": invalid semantic version`),
		Entry("a carriage return", "1.2.3\r", `invalid version "1.2.3\r": invalid semantic version`),
		Entry("four components", "1.2.3.4", `invalid version "1.2.3.4": invalid semantic version`),
		Entry("a letter suffix on a partial version", "1.2k", `invalid version "1.2k": invalid semantic version`),
		Entry("an upper-case letter suffix", "1.0.2K", `invalid version "1.0.2K": invalid semantic version`),
		Entry("a letter suffix after a prerelease", "1.0.2-rc1k!", `invalid version "1.0.2-rc1k!": invalid semantic version`),
		Entry("a number too large for a letter-suffixed base", "99999999999999999999.0.0k",
			`invalid version "99999999999999999999.0.0k": error parsing version segment: strconv.ParseUint: parsing "99999999999999999999": value out of range`),
	)

	It("keeps the error of a long, unprintable string to one short line", func() {
		_, err := versions.Parse("0" + strings.Repeat("\xd7", 250))
		Expect(err).To(HaveOccurred())
		Expect(err.Error()).To(HavePrefix(`invalid version "0\xd7\xd7`))
		Expect(err.Error()).To(ContainSubstring(`"…: invalid semantic version`))
		Expect(len(err.Error())).To(BeNumerically("<=", 1000))
	})

	It("still lets errors.Is reach semver's error", func() {
		_, err := versions.Parse("foo")
		Expect(errors.Is(err, semver.ErrInvalidSemVer)).To(BeTrue())
	})
})

var _ = Describe("Compare", func() {
	DescribeTable("orders versions",
		func(lower, higher string) {
			a, b := mustParse(lower), mustParse(higher)
			Expect(a.Compare(b)).To(Equal(-1))
			Expect(b.Compare(a)).To(Equal(1))
		},
		Entry("by patch", "1.2.3", "1.2.4"),
		Entry("numerically, not as strings", "1.2.0", "1.10.0"),
		Entry("a prerelease before its release", "2.0.0-rc.1", "2.0.0"),
		Entry("prerelease identifiers part by part", "2.0.0-rc.2", "2.0.0-rc.10"),
		Entry("a base before its letter-suffixed version", "1.0.2", "1.0.2a"),
		Entry("letter suffixes as strings", "1.0.2a", "1.0.2k"),
		Entry("a longer suffix after its prefix", "1.0.2z", "1.0.2za"),
		Entry("any letter suffix before the next patch", "1.0.2za", "1.0.3"),
		Entry("a letter suffix before the next patch's prerelease", "1.0.2z", "1.0.3-rc.1"),
		Entry("a prerelease of the base before the letter-suffixed version", "1.0.2-rc.1", "1.0.2a"),
	)

	DescribeTable("finds versions equal",
		func(a, b string) {
			Expect(mustParse(a).Compare(mustParse(b))).To(Equal(0))
		},
		Entry("that differ only in build metadata", "1.0.0+a", "1.0.0+b"),
		Entry("that differ only in spelling", "v1.2", "1.2.0"),
		Entry("with the same letter suffix", "1.0.2k", "1.0.2k"),
	)
})

var _ = Describe("Sort", func() {
	It("orders oldest first, including letter suffixes", func() {
		vs := mustParseAll("1.0.3", "1.0.2za", "1.0.2", "1.0.2k", "1.0.2z", "1.0.2a", "0.9", "1.0.3-rc.1")
		versions.Sort(vs)
		Expect(raws(vs)).To(Equal([]string{"0.9", "1.0.2", "1.0.2a", "1.0.2k", "1.0.2z", "1.0.2za", "1.0.3-rc.1", "1.0.3"}))
	})

	It("orders equal versions by their exact strings whatever the input order", func() {
		want := []string{"1.0.0", "1.0.0+a", "1.0.0+b", "v1.0.0"}
		for range 20 {
			shuffled := append([]string(nil), want...)
			rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			vs := mustParseAll(shuffled...)
			versions.Sort(vs)
			Expect(raws(vs)).To(Equal(want))
		}
	})
})

var _ = Describe("Constraint", func() {
	DescribeTable("allows versions as semver v3 does, letter suffixes checked on their base",
		func(constraint, version string, want bool) {
			c, err := versions.ParseConstraint(constraint)
			Expect(err).NotTo(HaveOccurred())
			Expect(c.Allows(mustParse(version))).To(Equal(want))
		},
		Entry(nil, ">= 1.2, < 2", "1.5.0", true),
		Entry(nil, ">= 1.2, < 2", "2.0.0", false),
		Entry(nil, "< 1 || >= 3", "3.1.0", true),
		Entry(nil, "< 1 || >= 3", "2.0.0", false),
		Entry(nil, "1.9.x", "1.9.7", true),
		Entry(nil, "1.9.x", "1.10.0", false),
		Entry(nil, "1.9", "1.9.3", true),
		Entry(nil, "7", "7.0.0", true),
		Entry(nil, "~1.2.3", "1.2.9", true),
		Entry(nil, "~1.2.3", "1.3.0", false),
		Entry(nil, "^1.2.3", "1.9.0", true),
		Entry(nil, "^1.2.3", "2.0.0", false),
		Entry(nil, "1.0.0 - 2.0.0", "2.0.0", true),
		Entry(nil, "1.0.0 - 2.0.0", "2.0.1", false),
		Entry("a partial upper bound of a hyphen range acts as a wildcard", "1.0 - 2.0", "2.0.9", true),
		Entry(nil, "*", "0.0.1", true),
		Entry(nil, "!= 1.2.3", "1.2.3", false),
		Entry(nil, "= 1.2.3", "v1.2.3+build", true),
		Entry("a prerelease is refused by a constraint without one", "^1", "1.5.0-rc.1", false),
		Entry("a prerelease is allowed by a constraint with one", ">= 1.5.0-rc.0", "1.5.0-rc.1", true),
		Entry("a letter-suffixed version satisfies a tilde on its base", "~1.0.2", "1.0.2k", true),
		Entry("a letter-suffixed version satisfies a wildcard on its base", "1.0.x", "1.0.2k", true),
		Entry("a letter-suffixed version is not greater than its base", "> 1.0.2", "1.0.2k", false),
		Entry("a bare letter-suffixed constraint allows that exact version", "1.0.2k", "1.0.2k", true),
		Entry("a bare letter-suffixed constraint tolerates surrounding spaces", " 1.0.2k ", "1.0.2k", true),
		Entry("a bare letter-suffixed constraint refuses other suffixes", "1.0.2k", "1.0.2ka", false),
		Entry("a bare letter-suffixed constraint refuses the base", "1.0.2k", "1.0.2", false),
	)

	It("remembers the constraint as written", func() {
		c, err := versions.ParseConstraint(">= 1.2, < 2")
		Expect(err).NotTo(HaveOccurred())
		Expect(c.String()).To(Equal(">= 1.2, < 2"))
	})

	DescribeTable("rejects an invalid constraint, quoting it",
		func(constraint string, message string) {
			_, err := versions.ParseConstraint(constraint)
			Expect(err).To(MatchError(HavePrefix(message)))
		},
		Entry("a word", "latest", `invalid version constraint "latest": improper constraint`),
		Entry("an empty string", "", `invalid version constraint "": improper constraint`),
		Entry("an operator on a letter suffix", ">= 1.0.2k", `invalid version constraint ">= 1.0.2k": improper constraint`),
		Entry("a dangling operator", "> ", `invalid version constraint "> ": improper constraint`),
	)

	It("quotes at most 200 bytes of a long constraint, also where the library repeats it", func() {
		long := strings.Repeat("newest", 60) // the library refuses more than 512 bytes
		_, err := versions.ParseConstraint(long)
		cause := `improper constraint: "` + long
		Expect(err).To(MatchError(`invalid version constraint "` + long[:200] + `"…: ` + cause[:200] + `…`))
	})

	It("quotes at most 200 bytes of a long version", func() {
		long := strings.Repeat("9", 1<<20)
		_, err := versions.Parse(long)
		Expect(err).To(HaveOccurred())
		Expect(len(err.Error())).To(BeNumerically("<", 500))
		Expect(err.Error()).To(HavePrefix(`invalid version "` + long[:200] + `"…: `))
	})

	It("keeps the error of a long constraint to one short line, though semver quotes it again", func() {
		long := strings.Repeat("\x91\x04", 250)
		_, err := versions.ParseConstraint(long)
		Expect(err).To(MatchError(HavePrefix(`invalid version constraint "\x91\x04`)))
		Expect(err.Error()).To(ContainSubstring(`"…: improper constraint: "\x91\x04`))
		Expect(len(err.Error())).To(BeNumerically("<=", 1000))
	})
})

var _ = Describe("Check", func() {
	candidates := func() []versions.Version {
		return mustParseAll("1.1.0", "2.0.0-rc.1", "1.0.0", "1.10.0", "1.2.0", "1.2.0")
	}
	check := func(vs []versions.Version, current *string) []string {
		GinkgoHelper()
		got, err := versions.Check(vs, current)
		Expect(err).NotTo(HaveOccurred())
		Expect(got).NotTo(BeNil())
		return raws(got)
	}
	ptr := func(s string) *string { return &s }

	Context("without a current version", func() {
		It("returns only the latest, prereleases included", func() {
			Expect(check(candidates(), nil)).To(Equal([]string{"2.0.0-rc.1"}))
		})

		It("returns an empty, non-nil list when there are no candidates", func() {
			Expect(check(nil, nil)).To(BeEmpty())
		})
	})

	Context("with a current version", func() {
		It("returns every version from current on, oldest first, without duplicates", func() {
			Expect(check(candidates(), ptr("1.1.0"))).To(Equal([]string{"1.1.0", "1.2.0", "1.10.0", "2.0.0-rc.1"}))
		})

		It("treats a vanished current version as a lower bound", func() {
			Expect(check(candidates(), ptr("1.0.5"))).To(Equal([]string{"1.1.0", "1.2.0", "1.10.0", "2.0.0-rc.1"}))
		})

		It("returns the latest when nothing is at or above current", func() {
			Expect(check(candidates(), ptr("3.0.0"))).To(Equal([]string{"2.0.0-rc.1"}))
		})

		It("returns only current when it is the latest", func() {
			Expect(check(candidates(), ptr("2.0.0-rc.1"))).To(Equal([]string{"2.0.0-rc.1"}))
		})

		It("returns an empty list when there are no candidates", func() {
			Expect(check(nil, ptr("1.0.0"))).To(BeEmpty())
		})

		It("orders letter suffixes between patches", func() {
			vs := mustParseAll("1.0.0", "1.2.0", "1.0.2k", "1.0.3", "1.0.2")
			Expect(check(vs, ptr("1.0.2"))).To(Equal([]string{"1.0.2", "1.0.2k", "1.0.3", "1.2.0"}))
		})

		It("keeps current's spelling among equal versions", func() {
			vs := mustParseAll("1.0.0+b", "1.0.0+a", "1.0.0+c", "1.1.0")
			Expect(check(vs, ptr("1.0.0+c"))).To(Equal([]string{"1.0.0+c", "1.1.0"}))
		})

		It("keeps the first spelling in string order among equal versions current does not name", func() {
			vs := mustParseAll("v1.1", "1.1.0", "1.1", "1.0.0")
			Expect(check(vs, ptr("1.0.0"))).To(Equal([]string{"1.0.0", "1.1"}))
			Expect(check(vs, nil)).To(Equal([]string{"1.1"}))
		})

		It("rejects a current version that does not parse", func() {
			_, err := versions.Check(candidates(), ptr("foo"))
			Expect(err).To(MatchError(`current version: invalid version "foo": invalid semantic version`))
		})

		It("rejects an empty current version", func() {
			_, err := versions.Check(candidates(), ptr(""))
			Expect(err).To(MatchError(HavePrefix(`current version: invalid version ""`)))
		})
	})

	It("leaves the caller's candidates untouched", func() {
		vs := candidates()
		before := raws(vs)
		check(vs, ptr("1.0.0"))
		Expect(raws(vs)).To(Equal(before))
	})
})
