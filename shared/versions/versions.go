// Package versions parses, orders and constrains version strings, and applies
// Concourse's check contract to a list of candidates.
//
// Versions are what Masterminds/semver v3 NewVersion accepts (an optional "v",
// partial versions such as "1.2", prereleases, build metadata), plus the
// OpenSSL style MAJOR.MINOR.PATCH followed by lower-case letters ("1.0.2k").
// The exact input string is always kept: versions are echoed as found, never
// normalised.
//
// Ordering is semver order. A letter-suffixed version sorts after its base and
// before the next patch, and suffixes compare as strings, so
// 1.0.2 < 1.0.2a < 1.0.2k < 1.0.2z < 1.0.2za < 1.0.3. Build metadata does not
// take part in ordering.
//
// Constraints use semver v3 syntax. Semver has no notion of letter suffixes,
// so a letter-suffixed version is checked against its base version: 1.0.2k
// satisfies "~1.0.2", "1.0.x" and ">= 1.0.2", but not "> 1.0.2". A constraint
// that is nothing but a letter-suffixed version ("1.0.2k") means exactly that
// version; operators cannot be combined with a letter suffix.
package versions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// Version is a parsed version that remembers the exact string it came from.
// Build one with Parse; the zero Version orders as 0.0.0.
type Version struct {
	Raw string

	base   semver.Version // the whole version, or the part before a letter suffix
	suffix string         // OpenSSL-style letters, "" for plain semver
}

// Parse parses semver-like strings, including OpenSSL-style letter suffixes (1.0.2k).
// Surrounding whitespace is an error, not something to trim: versions are
// echoed exactly, so "1.2.3 " would later fail to match "1.2.3".
func Parse(s string) (Version, error) {
	text, suffix, ok := splitLetterSuffix(s)
	if !ok {
		text, suffix = s, ""
	}
	base, err := semver.NewVersion(text)
	if err != nil {
		return Version{}, invalid("version", s, err)
	}
	return Version{Raw: s, base: *base, suffix: suffix}, nil
}

// splitLetterSuffix splits an OpenSSL-style MAJOR.MINOR.PATCH[a-z]+ version
// into its base and its letters; ok is false for anything else.
func splitLetterSuffix(s string) (base, suffix string, ok bool) {
	cut := len(s)
	for cut > 0 && 'a' <= s[cut-1] && s[cut-1] <= 'z' {
		cut--
	}
	base, suffix = s[:cut], s[cut:]
	if suffix == "" || !isThreeNumbers(base) {
		return "", "", false
	}
	return base, suffix, true
}

// isThreeNumbers reports whether s is exactly three dot-separated runs of digits.
func isThreeNumbers(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// String returns the version exactly as it was parsed.
func (v Version) String() string { return v.Raw }

// Compare orders a before b (-1), equal (0) or after (1).
// Versions differing only in build metadata, or in spelling ("1.2" and
// "v1.2.0"), are equal.
func (v Version) Compare(o Version) int {
	if c := v.base.Compare(&o.base); c != 0 {
		return c
	}
	// Equal bases imply equal prereleases, and a letter-suffixed version never
	// has one, so plain string order of the suffixes ("" first) is enough.
	return strings.Compare(v.suffix, o.suffix)
}

// compareThenRaw is Compare made total: equal versions order by their exact
// strings so that every sort of the same input gives the same result.
func compareThenRaw(a, b Version) int {
	if c := a.Compare(b); c != 0 {
		return c
	}
	return strings.Compare(a.Raw, b.Raw)
}

// Sort orders vs oldest first, in place. Equal versions are ordered by their
// exact strings, so the result does not depend on the input order.
func Sort(vs []Version) {
	slices.SortFunc(vs, compareThenRaw)
}

// Constraint is a Masterminds/semver v3 constraint that understands letter suffixes.
type Constraint struct {
	text   string
	exact  *Version            // set for a bare letter-suffixed version
	ranges *semver.Constraints // set otherwise
}

// ParseConstraint parses a constraint such as ">= 1.2, < 2" or "1.9.x".
func ParseConstraint(s string) (*Constraint, error) {
	bare := strings.TrimSpace(s)
	if _, _, ok := splitLetterSuffix(bare); ok {
		v, err := Parse(bare)
		if err != nil {
			return nil, invalid("version constraint", s, err)
		}
		return &Constraint{text: s, exact: &v}, nil
	}
	ranges, err := semver.NewConstraint(s)
	if err != nil {
		return nil, invalid("version constraint", s, err)
	}
	return &Constraint{text: s, ranges: ranges}, nil
}

// Limits on an error, which is printed as one line of a build log: semver
// repeats (part of) the text in its own error, escaped, so both are cut.
const (
	maxCauseBytes   = redact.ExcerptBytes
	maxMessageBytes = 1000
)

// versionError says which text did not parse; errors.Is and errors.As reach
// semver's error.
type versionError struct {
	msg   string
	cause error
}

func (e *versionError) Error() string { return e.msg }
func (e *versionError) Unwrap() error { return e.cause }

// invalid reports that s is not a valid what, quoting s and semver's reason
// cut short (the ellipsis is 3 bytes).
func invalid(what, s string, cause error) error {
	msg := "invalid " + what + " " + redact.Quote(s) + ": " + redact.Excerpt(cause.Error(), maxCauseBytes)
	return &versionError{msg: redact.Excerpt(msg, maxMessageBytes-len("…")), cause: cause}
}

// String returns the constraint as it was written.
func (c *Constraint) String() string { return c.text }

// Allows reports whether v satisfies c. As in semver v3, a prerelease only
// satisfies a constraint that itself names a prerelease.
func (c *Constraint) Allows(v Version) bool {
	if c.exact != nil {
		return v.Compare(*c.exact) == 0
	}
	return c.ranges.Check(&v.base)
}

// Check applies the Concourse check contract to candidates (any order, may hold
// duplicates): with no current version, only the latest; otherwise every version
// >= current, oldest first, de-duplicated; [latest] when nothing is >= current.
// The result is never nil, so that it encodes as a JSON array.
//
// Of several equal candidates ("1.2" and "1.2.0") only one is kept: the one
// spelled exactly as current if there is one, else the first in string order.
func Check(candidates []Version, current *string) ([]Version, error) {
	var cur Version
	if current != nil {
		var err error
		if cur, err = Parse(*current); err != nil {
			return nil, fmt.Errorf("current version: %w", err)
		}
	}

	sorted := slices.Clone(candidates)
	Sort(sorted)
	distinct := collapseEqual(sorted, cur.Raw)
	if len(distinct) == 0 {
		return []Version{}, nil
	}
	latest := distinct[len(distinct)-1:]
	if current == nil {
		return latest, nil
	}

	from, _ := slices.BinarySearchFunc(distinct, cur, Version.Compare)
	if from == len(distinct) {
		return latest, nil
	}
	return distinct[from:], nil
}

// collapseEqual keeps one version of each run of equal versions in sorted,
// reusing its storage: the one spelled preferred, else the run's first.
func collapseEqual(sorted []Version, preferred string) []Version {
	kept := sorted[:0]
	for start := 0; start < len(sorted); {
		end, pick := start+1, start
		for end < len(sorted) && sorted[end].Compare(sorted[start]) == 0 {
			if sorted[end].Raw == preferred {
				pick = end
			}
			end++
		}
		kept = append(kept, sorted[pick])
		start = end
	}
	return kept
}
