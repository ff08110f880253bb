package metalink

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/metalink-resources/metalink-resources/shared/redact"
)

const (
	utf8BOM = "\xEF\xBB\xBF"
	// whiteSpace is white space to both JSON and XML.
	whiteSpace = " \t\r\n"
)

// Parse reads a document in any supported format: JSON (first non-space byte
// '{'), meta4 XML, or Metalink 3.0 XML. A UTF-8 BOM and leading white space
// are skipped. The result is not validated; see Validate.
func Parse(data []byte) (Metalink, error) {
	body := bytes.TrimLeft(bytes.TrimPrefix(data, []byte(utf8BOM)), whiteSpace)
	var m Metalink
	var err error
	switch {
	case len(body) == 0:
		return Metalink{}, errors.New("not a metalink (expected JSON or XML): the document is empty")
	case body[0] == '{':
		m, err = parseJSON(body)
	case body[0] == '<':
		m, err = parseXML(body)
	default:
		return Metalink{}, fmt.Errorf("not a metalink (expected JSON or XML): %s", quote(string(body)))
	}
	if err == nil {
		m, err = withDigests(m)
	}
	if err != nil {
		return Metalink{}, bounded(err)
	}
	return normalised(m), nil
}

// maxErrorBytes bounds an error message, which a build log prints as one
// line: a hostile document (a megabyte-long element name or number) must
// not turn into a megabyte of log.
const maxErrorBytes = 1000

// quote shows a value taken from a document in an error: URL userinfo
// hidden, then cut to an excerpt and quoted. Redaction comes first, so that
// a cut cannot leave half a password that redaction no longer recognises.
func quote(s string) string {
	return redact.Quote(redact.String(s))
}

// parseError is an error whose message had to be redacted or cut; errors.Is
// and errors.As still reach the original.
type parseError struct {
	msg string
	err error
}

func (e *parseError) Error() string { return e.msg }
func (e *parseError) Unwrap() error { return e.err }

// bounded is the last guard on what Parse and Validate return: each value
// the package quotes is redacted and cut already, but a message may quote
// several, and encoding/xml and encoding/json print element names and
// number literals whole.
func bounded(err error) error {
	msg := err.Error()
	clean := redact.Excerpt(oneLine(redact.String(msg)), maxErrorBytes-len("…"))
	if clean == msg {
		return err
	}
	return &parseError{msg: clean, err: err}
}

// oneLine replaces control characters and line separators by spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}

// normalised turns empty lists into nil lists, so that a document means the
// same model whichever format it came in ("urls": [] in JSON, no <url> in
// XML), and spells every hash type by its IANA name (sha1, SHA256: sha-1,
// sha-256), so that whoever looks a hash up by type finds it.
func normalised(m Metalink) Metalink {
	m.Files = nilIfEmpty(m.Files)
	for i := range m.Files {
		f := &m.Files[i]
		for j := range f.Hashes {
			f.Hashes[j].Type = HashType(f.Hashes[j].Type)
		}
		for j := range f.Pieces {
			f.Pieces[j].Type = HashType(f.Pieces[j].Type)
		}
		f.Hashes = nilIfEmpty(f.Hashes)
		f.Languages = nilIfEmpty(f.Languages)
		f.MetaURLs = nilIfEmpty(f.MetaURLs)
		f.OSes = nilIfEmpty(f.OSes)
		f.Pieces = nilIfEmpty(f.Pieces)
		f.Signatures = nilIfEmpty(f.Signatures)
		f.URLs = nilIfEmpty(f.URLs)
		for j := range f.Pieces {
			f.Pieces[j].Hashes = nilIfEmpty(f.Pieces[j].Hashes)
		}
	}
	return m
}

func nilIfEmpty[T any](list []T) []T {
	if len(list) == 0 {
		return nil
	}
	return list
}

// MarshalXML writes m as meta4 XML: an XML declaration, the root in the
// RFC 5854 namespace, children in the RFC's order, two-space indentation and
// a trailing newline. It fails on text XML cannot carry rather than alter it.
func MarshalXML(m Metalink) ([]byte, error) {
	if err := checkXMLText(m); err != nil {
		return nil, fmt.Errorf("write metalink XML: %w", err)
	}
	doc, err := newXMLDocument(m)
	if err != nil {
		return nil, fmt.Errorf("write metalink XML: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("write metalink XML: %w", err)
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// MarshalJSON writes m in the plural-key JSON form that metalink_get scripts
// print, indented by two spaces, with a trailing newline. URLs keep their
// '&' and '<' rather than becoming \u0026 escapes.
func MarshalJSON(m Metalink) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("write metalink JSON: %w", err)
	}
	return buf.Bytes(), nil
}
