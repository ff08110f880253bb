// Package versions parses, orders and constrains version strings, and applies
// Concourse's check contract to a list of candidates.
package versions

import "errors"

// Version is a parsed version that remembers the exact string it came from.
type Version struct {
	Raw string
}

// Parse parses semver-like strings, including OpenSSL-style letter suffixes (1.0.2k).
func Parse(s string) (Version, error) { return Version{}, errors.New("versions: Parse not implemented") }

// Compare orders a before b (-1), equal (0) or after (1).
func (v Version) Compare(o Version) int { return 0 }

// Constraint is a Masterminds/semver v3 constraint that understands letter suffixes.
type Constraint struct{}

// ParseConstraint parses a constraint such as ">= 1.2, < 2" or "1.9.x".
func ParseConstraint(s string) (*Constraint, error) { return nil, errors.New("versions: ParseConstraint not implemented") }

// Allows reports whether v satisfies c.
func (c *Constraint) Allows(v Version) bool { return false }

// Check applies the Concourse check contract to candidates (any order, may hold
// duplicates): with no current version, only the latest; otherwise every version
// >= current, oldest first, de-duplicated; [latest] when nothing is >= current.
func Check(candidates []Version, current *string) ([]Version, error) { return nil, errors.New("versions: Check not implemented") }
