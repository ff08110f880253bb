// Package checksums reads the checksum files that releases publish beside
// their files, as sha256sum and its siblings write them:
//
//	GNU:  HEX  NAME    (text mode)      HEX *NAME    (binary mode)
//	      \HEX  NAME   (NAME with \\, \n or \r escapes)
//	BSD:  SHA256 (NAME) = HEX           (also MD5, SHA1, SHA512; sha256sum --tag)
//
// Blank lines and lines starting with '#' are skipped. Anything else is an
// error naming the line: a checksum file is outside input, and a line
// silently dropped would be a file silently left unverified.
//
// Names are what a metalink may hold: metalink.ValidateName applies, control
// characters are refused, and a leading "./" (sha256sum ./*) is dropped.
// Every error is one line of bounded length that quotes at most an excerpt
// of the input.
package checksums

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/verify"
)

// MaxLine is the longest line read; real checksum lines are a few hundred bytes.
const MaxLine = 64 << 10

// Entry is one checksum: a file name, its metalink hash type and digest.
type Entry struct {
	Name   string
	Type   string // a metalink hash type, e.g. "sha-256"
	Digest string // lower-case hex of the length Type implies
	Line   int
}

// bsdLine is "TAG (NAME) = HEX"; NAME may itself hold parentheses, so the
// match is anchored on the " = HEX" at the end.
var bsdLine = regexp.MustCompile(`^([A-Za-z0-9-]+) ?\((.*)\) ?= ?([0-9A-Fa-f]+)$`)

// bsdTags maps BSD tags, upper-cased and without dashes, to hash types.
var bsdTags = map[string]string{"MD5": "md5", "SHA1": "sha-1", "SHA256": "sha-256", "SHA512": "sha-512"}

// Parse reads every checksum of r. typ is the hash type every digest must
// have; "" takes it from a BSD line's tag or from a GNU digest's length.
func Parse(r io.Reader, typ string) ([]Entry, error) {
	if typ != "" {
		algo, err := Algorithm(typ)
		if err != nil {
			return nil, err
		}
		typ = algo.Name
	}
	p := &parser{typ: typ, seen: map[key]int{}}
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 4096), MaxLine)
	for scanner.Scan() {
		p.line++
		if err := p.parseLine(strings.TrimSuffix(scanner.Text(), "\r")); err != nil {
			return nil, fmt.Errorf("line %d: %w", p.line, err)
		}
	}
	if err := scanner.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("line %d is longer than %d bytes", p.line+1, MaxLine)
		}
		return nil, err
	}
	return p.entries, nil
}

type key struct{ name, typ string }

type parser struct {
	typ     string
	line    int
	entries []Entry
	seen    map[key]int // index into entries
}

func (p *parser) parseLine(text string) error {
	if trimmed := strings.TrimSpace(text); trimmed == "" || strings.HasPrefix(trimmed, "#") {
		return nil
	}
	name, typ, digest, err := split(text)
	if err != nil {
		return err
	}
	if name, err = cleanName(name); err != nil {
		return err
	}
	if typ, err = p.checkType(typ, digest); err != nil {
		return err
	}
	return p.add(Entry{Name: name, Type: typ, Digest: strings.ToLower(digest), Line: p.line})
}

// split finds the name, the type a BSD tag names ("" for GNU lines) and the
// digest of a line.
func split(text string) (name, typ, digest string, err error) {
	if m := bsdLine.FindStringSubmatch(text); m != nil {
		typ, ok := bsdTags[strings.ToUpper(strings.ReplaceAll(m[1], "-", ""))]
		if !ok {
			return "", "", "", fmt.Errorf("unknown hash tag %s (expected MD5, SHA1, SHA256 or SHA512)", redact.Quote(m[1]))
		}
		return m[2], typ, m[3], nil
	}
	return splitGNU(text)
}

// splitGNU reads "HEX  NAME", "HEX *NAME" and, leniently, "HEX NAME".
func splitGNU(text string) (name, typ, digest string, err error) {
	escaped := strings.HasPrefix(text, `\`)
	rest := strings.TrimPrefix(text, `\`)
	digest, rest, found := strings.Cut(rest, " ")
	if !found || digest == "" || !isHexDigits(digest) {
		return "", "", "", fmt.Errorf("not a checksum line (expected HEX  NAME or TAG (NAME) = HEX): %s", redact.Quote(text))
	}
	if strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "*") {
		rest = rest[1:]
	}
	if escaped {
		if rest, err = unescape(rest); err != nil {
			return "", "", "", err
		}
	}
	return rest, "", digest, nil
}

// unescape undoes GNU's escaping of names holding a backslash or a line break.
func unescape(name string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if name[i] != '\\' {
			b.WriteByte(name[i])
			continue
		}
		i++
		switch {
		case i == len(name):
			return "", errors.New("escaped name ends in a lone backslash")
		case name[i] == '\\':
			b.WriteByte('\\')
		case name[i] == 'n':
			b.WriteByte('\n')
		case name[i] == 'r':
			b.WriteByte('\r')
		default:
			return "", unknownEscape(name[i])
		}
	}
	return b.String(), nil
}

// unknownEscape names the byte after a backslash, spelled out when it is
// not printable so that the message stays one line.
func unknownEscape(c byte) error {
	if c < 0x20 || c >= 0x7f {
		return fmt.Errorf("unknown escape: a backslash before byte 0x%02x in an escaped name", c)
	}
	return fmt.Errorf("unknown escape \\%c in an escaped name", c)
}

// cleanName drops a leading "./" and applies the rules of metalink names.
func cleanName(name string) (string, error) {
	name = strings.TrimPrefix(name, "./")
	if strings.ContainsFunc(name, isControl) {
		return "", fmt.Errorf("unsafe file name %s: contains a control character", redact.Quote(name))
	}
	// ValidateName's error quotes an excerpt of the name only.
	if err := metalink.ValidateName(name); err != nil {
		return "", err
	}
	return name, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// checkType settles the line's hash type: the one asked for, else the BSD
// tag's, else the one the digest's length implies, and checks the length.
func (p *parser) checkType(tagged, digest string) (string, error) {
	typ := p.typ
	switch {
	case typ != "" && tagged != "" && tagged != typ:
		return "", fmt.Errorf("the line is tagged %s, but %s was asked for", tagged, typ)
	case typ == "":
		typ = tagged
	}
	if typ == "" {
		return byLength(len(digest))
	}
	algo, _ := algorithm(typ)
	if want := algo.New().Size() * 2; len(digest) != want {
		return "", fmt.Errorf("a %s digest has %d hex digits, this one %d", typ, want, len(digest))
	}
	return typ, nil
}

func byLength(digits int) (string, error) {
	for _, algo := range verify.Algorithms() {
		if algo.New().Size()*2 == digits {
			return algo.Name, nil
		}
	}
	return "", fmt.Errorf("a digest of %d hex digits is of no known hash type (md5: 32, sha-1: 40, sha-256: 64, sha-512: 128)", digits)
}

// add records e, refusing a second, different digest of the same type.
func (p *parser) add(e Entry) error {
	k := key{e.Name, e.Type}
	if i, dup := p.seen[k]; dup {
		if p.entries[i].Digest == e.Digest {
			return nil
		}
		return fmt.Errorf("a second, different %s digest of %s (the first is on line %d)", e.Type, redact.Quote(e.Name), p.entries[i].Line)
	}
	p.seen[k] = len(p.entries)
	p.entries = append(p.entries, e)
	return nil
}

// Algorithm is the algorithm that typ names, spelt in any common way
// (metalink.HashType: sha256, SHA-256), or an error listing the known ones.
func Algorithm(typ string) (verify.Algorithm, error) {
	if algo, ok := algorithm(metalink.HashType(typ)); ok {
		return algo, nil
	}
	return verify.Algorithm{}, unknownType(typ)
}

func algorithm(typ string) (verify.Algorithm, bool) {
	for _, algo := range verify.Algorithms() {
		if algo.Name == typ {
			return algo, true
		}
	}
	return verify.Algorithm{}, false
}

func unknownType(typ string) error {
	var names []string
	for _, algo := range verify.Algorithms() {
		names = append(names, algo.Name)
	}
	return fmt.Errorf("unknown hash type %s (expected %s)", redact.Quote(typ), strings.Join(names, ", "))
}

func isHexDigits(s string) bool {
	return strings.Trim(s, "0123456789abcdefABCDEF") == ""
}
