package metalink

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// RecordDir is the directory, relative to a destination, that holds the
// resources' own records of what they wrote. No file of a document may be
// in it.
const RecordDir = ".resource"

// CheckDocument rejects, before anything is written, a metalink that is
// not valid (unsafe, repeated or clashing file names among others) or that
// names a file inside the resource's own records directory. It is the one
// home of that rule: the resources' in and out and the tools all apply it.
func CheckDocument(m Metalink) error {
	if err := m.Validate(); err != nil {
		return err
	}
	for _, f := range m.Files {
		if err := CheckReserved(f.Name); err != nil {
			return fmt.Errorf("file name %s: %w", redact.Quote(f.Name), err)
		}
	}
	return nil
}

// CheckReserved refuses a name inside the resource's own records directory,
// which holds what in records beside the files.
func CheckReserved(name string) error {
	if first, _, _ := strings.Cut(name, "/"); first == RecordDir {
		return fmt.Errorf("%s/ is reserved for the resource's own records", RecordDir)
	}
	return nil
}

// ValidateName rejects file names that could escape a destination directory,
// that mean different things on different systems, or that print
// ambiguously: empty, absolute, containing an empty, "." or ".." segment, a
// backslash, a control or invisible formatting character (NUL, line feed,
// DEL, a bidirectional override…) or a line separator, a segment that
// begins or ends with white space or ends with a dot (Windows drops those,
// so two names would land on one file), or starting with a Windows drive
// letter. Names with "/" are allowed; they stand for sub-directories inside
// the destination. A name that passes prints as one unambiguous line.
func ValidateName(name string) error {
	if reason := unsafeNameReason(name); reason != "" {
		return fmt.Errorf("unsafe file name %s: %s", quote(name), reason)
	}
	return nil
}

func unsafeNameReason(name string) string {
	if i := strings.IndexFunc(name, unprintable); i >= 0 {
		r, _ := utf8.DecodeRuneInString(name[i:])
		return fmt.Sprintf("contains the control or invisible character %U", r)
	}
	switch {
	case name == "":
		return "it is empty"
	case strings.ContainsRune(name, '\\'):
		return "contains a backslash"
	case strings.HasPrefix(name, "/"):
		return "is an absolute path"
	case hasDriveLetter(name):
		return "starts with a Windows drive letter"
	}
	for segment := range strings.SplitSeq(name, "/") {
		switch segment {
		case "":
			return "contains an empty path segment"
		case ".", "..":
			return fmt.Sprintf("contains a %s segment", redact.Quote(segment))
		}
		if reason := segmentEdgeReason(segment); reason != "" {
			return reason
		}
	}
	return ""
}

// unprintable is a rune that would make a name print as two lines or as
// another name: control characters (C0, DEL, C1), invisible formatting
// (zero-width, bidirectional overrides, the byte-order mark) and line and
// paragraph separators.
func unprintable(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.In(r, unicode.Zl, unicode.Zp)
}

// segmentEdgeReason refuses what Windows strips from a path segment:
// leading and trailing blanks and trailing dots, which would make
// "a.tgz " and "a.tgz" one file.
func segmentEdgeReason(segment string) string {
	first, _ := utf8.DecodeRuneInString(segment)
	last, _ := utf8.DecodeLastRuneInString(segment)
	switch {
	case unicode.IsSpace(first) || unicode.IsSpace(last):
		return "a path segment begins or ends with white space"
	case last == '.':
		return "a path segment ends with a dot"
	}
	return ""
}

// hasDriveLetter spots "C:" and "C:foo", which Windows tools resolve against
// a drive rather than the destination directory.
func hasDriveLetter(name string) bool {
	if len(name) < 2 || name[1] != ':' {
		return false
	}
	letter := name[0] | 0x20 // ASCII lower case
	return letter >= 'a' && letter <= 'z'
}

// Validate checks a parsed document before anything acts on it: at least one
// file, every name safe and unique, and every url, hash, metaurl, pieces,
// publisher and signature complete. It also rejects text that XML cannot
// carry, so that a valid document always survives MarshalXML. Its error,
// like Parse's, is one line of at most 1000 bytes.
func (m Metalink) Validate() error {
	if err := m.validate(); err != nil {
		return bounded(err)
	}
	return nil
}

func (m Metalink) validate() error {
	if len(m.Files) == 0 {
		return errors.New("metalink has no files")
	}
	if err := checkNames(m.Files); err != nil {
		return err
	}
	for _, f := range m.Files {
		if err := f.validate(); err != nil {
			return fmt.Errorf("file %s: %w", quote(f.Name), err)
		}
	}
	return checkXMLText(m)
}

// checkNames rejects unsafe and duplicate names, and a name that another
// name needs as a directory ("a" next to "a/b"): both could not be written.
func checkNames(files []File) error {
	names := make(map[string]bool, len(files))
	for _, f := range files {
		if err := ValidateName(f.Name); err != nil {
			return err
		}
		if names[f.Name] {
			return fmt.Errorf("duplicate file name %s", quote(f.Name))
		}
		names[f.Name] = true
	}
	for name := range names {
		for i := range len(name) {
			if name[i] == '/' && names[name[:i]] {
				return fmt.Errorf("file name %s needs %s to be a directory, but it is also a file", quote(name), quote(name[:i]))
			}
		}
	}
	return nil
}

func (f File) validate() error {
	for i, u := range f.URLs {
		if u.URL == "" {
			return fmt.Errorf("url %d is empty", i+1)
		}
		if err := CheckPriority(u.Priority); err != nil {
			return fmt.Errorf("url %d: priority %w", i+1, err)
		}
	}
	for i, mu := range f.MetaURLs {
		if err := mu.validate(); err != nil {
			return fmt.Errorf("metaurl %d: %w", i+1, err)
		}
	}
	if err := f.validateDigests(); err != nil {
		return err
	}
	if f.Publisher != nil && f.Publisher.Name == "" {
		return errors.New("publisher has no name")
	}
	if f.License != nil && f.License.Name == "" {
		return errors.New("license has no name")
	}
	for i, sig := range f.Signatures {
		if sig.MediaType == "" || sig.Signature == "" {
			return fmt.Errorf("signature %d needs both a mediatype and the signature text", i+1)
		}
	}
	return nil
}

// validate checks a metaurl: its name, when it has one, is where its
// metadata (a torrent) puts the file, so it is held to the rule of file
// names (RFC 5854 4.2.8.3).
func (mu MetaURL) validate() error {
	if mu.URL == "" || mu.MediaType == "" {
		return errors.New("needs both a url and a mediatype")
	}
	if err := CheckPriority(mu.Priority); err != nil {
		return fmt.Errorf("priority %w", err)
	}
	if mu.Name != "" {
		return ValidateName(mu.Name)
	}
	return nil
}

// Priorities of urls and metaurls, RFC 5854 4.2.16.2 and 4.2.8.1: 1 is the
// most preferred.
const (
	MinPriority = 1
	MaxPriority = 999999
)

// CheckPriority refuses a priority outside MinPriority–MaxPriority; nil
// (none) is fine.
func CheckPriority(p *uint) error {
	if p != nil && (*p < MinPriority || *p > MaxPriority) {
		return fmt.Errorf("%d is outside %d–%d", *p, MinPriority, MaxPriority)
	}
	return nil
}

// validateDigests checks the hashes, each type given once (sha1 and sha-1
// are one type once parsed), and the pieces.
func (f File) validateDigests() error {
	types := make(map[string]bool, len(f.Hashes))
	for i, h := range f.Hashes {
		if h.Type == "" || h.Hash == "" {
			return fmt.Errorf("hash %d needs both a type and a value", i+1)
		}
		if types[h.Type] {
			return fmt.Errorf("hash %d: a second %s hash", i+1, quote(h.Type))
		}
		types[h.Type] = true
	}
	for i, p := range f.Pieces {
		if err := p.validate(f.Size); err != nil {
			return fmt.Errorf("pieces %d: %w", i+1, err)
		}
	}
	return nil
}

func (p Pieces) validate(size uint64) error {
	switch {
	case p.Type == "":
		return errors.New("no hash type")
	case p.Length == 0:
		return errors.New("length must be greater than 0")
	case len(p.Hashes) == 0:
		return errors.New("no piece hashes")
	case slices.Contains(p.Hashes, ""):
		return errors.New("a piece hash is empty")
	}
	if size == 0 {
		return nil
	}
	want := size / p.Length
	if size%p.Length != 0 {
		want++
	}
	if uint64(len(p.Hashes)) != want {
		return fmt.Errorf("%d bytes in pieces of %d need %d hashes, found %d", size, p.Length, want, len(p.Hashes))
	}
	return nil
}

// checkXMLText finds text that XML 1.0 cannot represent (most control
// characters, U+FFFE, U+FFFF, invalid UTF-8). Such text can only reach the
// model from JSON or from code, and writing it would silently alter it.
func checkXMLText(m Metalink) error {
	for _, field := range m.textFields() {
		if err := xmlCarries(field.value); err != nil {
			return fmt.Errorf("%s: %w", field.label, err)
		}
	}
	return nil
}

func xmlCarries(s string) error {
	if !utf8.ValidString(s) {
		return errors.New("is not valid UTF-8")
	}
	for _, r := range s {
		if !isXMLChar(r) {
			return fmt.Errorf("contains %U, which XML cannot carry", r)
		}
	}
	return nil
}

// isXMLChar is the Char production of XML 1.0.
func isXMLChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) ||
		(r >= 0x10000 && r <= utf8.MaxRune)
}

type labelledText struct {
	label string
	value string
}

// textFields lists every free-text value of the document with a label a
// pipeline author can find it by, so one check covers them all.
func (m Metalink) textFields() []labelledText {
	fields := []labelledText{{"generator", m.Generator}}
	if m.Origin != nil {
		fields = append(fields, labelledText{"origin", m.Origin.URL})
	}
	for _, f := range m.Files {
		fields = append(fields, labelledText{"file name " + quote(f.Name), f.Name})
		for _, t := range f.textFields() {
			fields = append(fields, labelledText{fmt.Sprintf("file %s: %s", quote(f.Name), t.label), t.value})
		}
	}
	return fields
}

func (f File) textFields() []labelledText {
	fields := []labelledText{
		{"copyright", f.Copyright},
		{"description", f.Description},
		{"identity", f.Identity},
		{"logo", f.Logo},
		{"version", f.Version},
	}
	for _, h := range f.Hashes {
		fields = append(fields, labelledText{"hash type", h.Type}, labelledText{"hash", h.Hash})
	}
	for _, l := range f.Languages {
		fields = append(fields, labelledText{"language", l})
	}
	for _, mu := range f.MetaURLs {
		fields = append(fields, labelledText{"metaurl", mu.URL}, labelledText{"metaurl mediatype", mu.MediaType}, labelledText{"metaurl name", mu.Name})
	}
	for _, os := range f.OSes {
		fields = append(fields, labelledText{"os", os})
	}
	for _, p := range f.Pieces {
		fields = append(fields, labelledText{"pieces type", p.Type})
		for _, h := range p.Hashes {
			fields = append(fields, labelledText{"piece hash", h})
		}
	}
	if f.Publisher != nil {
		fields = append(fields, labelledText{"publisher name", f.Publisher.Name}, labelledText{"publisher url", f.Publisher.URL})
	}
	if f.License != nil {
		fields = append(fields, labelledText{"license name", f.License.Name}, labelledText{"license url", f.License.URL})
	}
	for _, sig := range f.Signatures {
		fields = append(fields, labelledText{"signature mediatype", sig.MediaType}, labelledText{"signature", sig.Signature})
	}
	for _, u := range f.URLs {
		fields = append(fields, labelledText{"url", u.URL}, labelledText{"url location", u.Location})
	}
	return fields
}

// HashType is the IANA name RFC 5854 uses for a hash type spelt in any of
// the common ways: case and surrounding space do not matter, and "sha" with
// only digits after it gains its hyphen (sha256, SHA256: sha-256). Other
// names (md5, sha3-256, tiger, ...) are only lower-cased.
func HashType(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if rest, ok := strings.CutPrefix(name, "sha"); ok && rest != "" && strings.Trim(rest, "0123456789") == "" {
		return "sha-" + rest
	}
	return name
}
