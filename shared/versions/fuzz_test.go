package versions_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/metalink-resources/metalink-resources/shared/versions"
)

// Seeds: the versions and constraints of versions_test.go. Run one for
// longer with go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 1m -parallel 1 .

var seedVersions = []string{
	"", "7", "0.9", "1.1", "1.2", "v1.2", "v1.1", "1.2.3", "v1.2.3", "1.2.3 ", " 1.2.3", "1.2.3\r", "1.2.3.4",
	"01.02.03", "1.0.0+build.5", "v1.2.3+build", "1.0.0-beta.2+exp.sha.5114f85", "2.0.0-rc.1", "2.0.0-rc.10",
	"1.0.2", "1.0.2a", "1.0.2k", "1.0.2K", "1.0.2z", "1.0.2za", "1.0.2ka", "1.0.2-rc.1", "1.0.2-rc1k!", "1.2k",
	"1.0.3-rc.1", "99999999999999999999", "99999999999999999999.0.0k", "foo", "1.0.0+a", "1.5.0-rc.1",
}

var seedConstraints = []string{
	"", "*", "1.0.x", "1.9.x", "~1.0.2", "~1.2.3", "^1", "^1.2.3", "> 1.0.2", ">= 1.0.2k", ">= 1.2, < 2",
	"< 1 || >= 3", "= 1.2.3", "!= 1.2.3", "1.0 - 2.0", "1.0.0 - 2.0.0", ">= 1.5.0-rc.0", "> ", " 1.0.2k ", "1.0.2k",
}

// FuzzParse checks that Parse keeps the exact string, that what it accepts
// parses again to an equal version, and that its errors are one short line.
func FuzzParse(f *testing.F) {
	for _, s := range seedVersions {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := versions.Parse(s)
		if err != nil {
			checkError(t, err)
			return
		}
		if v.Raw != s || v.String() != s {
			t.Fatalf("Parse(%q) kept %q", s, v.Raw)
		}
		again, err := versions.Parse(v.Raw)
		if err != nil {
			t.Fatalf("Parse(%q) accepted, Parse of its Raw refused: %v", s, err)
		}
		if again.Raw != v.Raw || v.Compare(again) != 0 || again.Compare(v) != 0 {
			t.Fatalf("Parse(%q) does not round-trip", s)
		}
	})
}

// FuzzCompare checks that Compare is an order on whatever three strings
// parse: reflexive, antisymmetric and transitive, with equal versions
// interchangeable; and that Sort and Check agree with it.
func FuzzCompare(f *testing.F) {
	for i, s := range seedVersions {
		f.Add(s, seedVersions[(i+1)%len(seedVersions)], seedVersions[(i+7)%len(seedVersions)])
	}
	f.Add("1.0.2", "1.0.2a", "1.0.3-rc.1")
	f.Add("1.2", "v1.2.0", "1.2.0+build")
	f.Add("1.0.2z", "1.0.2za", "1.0.3")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		var vs []versions.Version
		for _, s := range []string{a, b, c} {
			v, err := versions.Parse(s)
			if err != nil {
				return
			}
			vs = append(vs, v)
		}
		x, y, z := vs[0], vs[1], vs[2]
		for _, v := range vs {
			if v.Compare(v) != 0 {
				t.Fatalf("%q differs from itself", v.Raw)
			}
		}
		for _, pair := range [][2]versions.Version{{x, y}, {y, z}, {x, z}} {
			p, q := pair[0], pair[1]
			if p.Compare(q) != -q.Compare(p) {
				t.Fatalf("not antisymmetric: %q vs %q is %d, the other way %d", p.Raw, q.Raw, p.Compare(q), q.Compare(p))
			}
		}
		for _, order := range permutations(vs) {
			p, q, r := order[0], order[1], order[2]
			if p.Compare(q) <= 0 && q.Compare(r) <= 0 && p.Compare(r) > 0 {
				t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", p.Raw, q.Raw, r.Raw, p.Raw, r.Raw)
			}
			if p.Compare(q) == 0 && p.Compare(r) != q.Compare(r) {
				t.Fatalf("%q equals %q but they compare differently with %q", p.Raw, q.Raw, r.Raw)
			}
		}
		checkSortAndCheck(t, vs)
	})
}

// checkSortAndCheck checks that every order of vs sorts alike, in Compare
// order, and that Check answers from current on, oldest first.
func checkSortAndCheck(t *testing.T, vs []versions.Version) {
	var first []string
	for _, order := range permutations(vs) {
		sorted := slices.Clone(order)
		versions.Sort(sorted)
		raws := make([]string, len(sorted))
		for i, v := range sorted {
			raws[i] = v.Raw
			if i > 0 && sorted[i-1].Compare(v) > 0 {
				t.Fatalf("Sort left %q before %q", sorted[i-1].Raw, v.Raw)
			}
		}
		if first == nil {
			first = raws
		} else if !slices.Equal(first, raws) {
			t.Fatalf("Sort depends on the input order: %q and %q", first, raws)
		}
	}
	current := vs[1].Raw
	found, err := versions.Check(vs, &current)
	if err != nil {
		t.Fatalf("Check refused a current version Parse accepted: %v", err)
	}
	if len(found) == 0 {
		t.Fatal("Check answered nothing for three candidates")
	}
	for i, v := range found {
		if i > 0 && found[i-1].Compare(v) >= 0 {
			t.Fatalf("Check answered %q before %q", found[i-1].Raw, v.Raw)
		}
	}
	if found[0].Compare(vs[1]) < 0 && len(found) != 1 {
		t.Fatalf("Check answered %q, older than current %q, with others", found[0].Raw, current)
	}
}

func permutations(vs []versions.Version) [][]versions.Version {
	x, y, z := vs[0], vs[1], vs[2]
	return [][]versions.Version{{x, y, z}, {x, z, y}, {y, x, z}, {y, z, x}, {z, x, y}, {z, y, x}}
}

// FuzzParseConstraint checks that ParseConstraint keeps the text, that its
// errors are one short line, and that Allows never panics, and agrees with
// Compare for a bare letter-suffixed constraint.
func FuzzParseConstraint(f *testing.F) {
	for i, c := range seedConstraints {
		f.Add(c, seedVersions[i%len(seedVersions)])
	}
	f.Add("1.0.2k", "1.0.2k")
	f.Add(">= 1.0.2", "1.0.2k")
	f.Add("> 1.0.2", "1.0.2k")
	f.Fuzz(func(t *testing.T, text, version string) {
		c, err := versions.ParseConstraint(text)
		if err != nil {
			checkError(t, err)
			return
		}
		if c.String() != text {
			t.Fatalf("ParseConstraint(%q) kept %q", text, c.String())
		}
		c.Allows(versions.Version{})
		v, err := versions.Parse(version)
		if err != nil {
			return
		}
		allowed := c.Allows(v)
		if exact, err := versions.Parse(strings.TrimSpace(text)); err == nil && isLetterSuffixed(exact.Raw) {
			if allowed != (v.Compare(exact) == 0) {
				t.Fatalf("constraint %q allows %q: %v, yet Compare says %d", text, version, allowed, v.Compare(exact))
			}
		}
	})
}

// isLetterSuffixed reports MAJOR.MINOR.PATCH followed by lower-case letters.
func isLetterSuffixed(s string) bool {
	base := strings.TrimRight(s, "abcdefghijklmnopqrstuvwxyz")
	parts := strings.Split(base, ".")
	if base == s || len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

func checkError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r\u2028\u2029") {
		t.Fatalf("error spans lines: %q", msg)
	}
	if len(msg) > 1000 {
		t.Fatalf("error of %d bytes: %.300q", len(msg), msg)
	}
}
