package meta4ops

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/metalink-resources/metalink-resources/shared/checksums"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// Format is how a read operation's answer is printed.
type Format string

// The formats of Render.
const (
	Text Format = "text"
	JSON Format = "json"
)

// ParseFormat is the format called name.
func ParseFormat(name string) (Format, error) {
	switch f := Format(name); f {
	case Text, JSON:
		return f, nil
	}
	return "", fmt.Errorf("expected %s or %s", Text, JSON)
}

// Answer is what a read operation says: its fields by their JSON tags, or
// its text lines. A value the document does not have is left out of both.
type Answer interface {
	Lines() []string
}

// Render spells answer in format, without a final line feed; text with
// nothing to say is "", while JSON is always a whole value that a parser
// reads.
func Render(answer Answer, format Format) (string, error) {
	switch format {
	case Text:
		return strings.Join(answer.Lines(), "\n"), nil
	case JSON:
		return renderJSON(answer)
	}
	return "", fmt.Errorf("unknown format %q", format)
}

func renderJSON(answer Answer) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	// URLs keep their & and < as they are, not \u0026.
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(answer); err != nil {
		return "", err
	}
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// FileInfo is everything a document says of one file. Only name is always
// there: an absent value is the zero value, omitted from JSON and text
// alike, and that includes a size of 0, which a document cannot tell from
// no size.
type FileInfo struct {
	Name        string              `json:"name"`
	Size        uint64              `json:"size,omitempty"`
	Version     string              `json:"version,omitempty"`
	Copyright   string              `json:"copyright,omitempty"`
	Description string              `json:"description,omitempty"`
	Identity    string              `json:"identity,omitempty"`
	Languages   []string            `json:"languages,omitempty"`
	Logo        string              `json:"logo,omitempty"`
	OSes        []string            `json:"oses,omitempty"`
	Publisher   *metalink.Publisher `json:"publisher,omitempty"`
	License     *metalink.License   `json:"license,omitempty"`
	// Hashes are the lower-case digests by hash type (sha-256).
	Hashes map[string]string `json:"hashes,omitempty"`
	// URLs are in the order downloads try them (metalink.ByPriority).
	URLs []metalink.URL `json:"urls,omitempty"`
	// MetaURLs are in document order: downloads do not use them.
	MetaURLs   []metalink.MetaURL `json:"metaurls,omitempty"`
	Pieces     []metalink.Pieces  `json:"pieces,omitempty"`
	Signatures []SignatureInfo    `json:"signatures,omitempty"`
}

// SignatureInfo says that the file is signed, and how. Who signed it is
// known only once the signature is verified against a trust store, which
// reading a document does not do.
type SignatureInfo struct {
	MediaType string `json:"mediatype"`
}

// DescribeFile is what f says of its file.
func DescribeFile(f metalink.File) FileInfo {
	info := FileInfo{
		Name: f.Name, Size: f.Size, Version: f.Version, Copyright: f.Copyright, Description: f.Description,
		Identity: f.Identity, Languages: f.Languages, Logo: f.Logo, OSes: f.OSes, Publisher: f.Publisher, License: f.License,
		URLs: metalink.ByPriority(f.URLs), MetaURLs: f.MetaURLs, Pieces: f.Pieces,
	}
	for _, h := range f.Hashes {
		if info.Hashes == nil {
			info.Hashes = map[string]string{}
		}
		info.Hashes[h.Type] = digestText(h)
	}
	for _, sig := range f.Signatures {
		info.Signatures = append(info.Signatures, SignatureInfo{MediaType: sig.MediaType})
	}
	return info
}

// Lines are "key: value" lines in the order of FileInfo's fields; see
// textLines for values of several parts and several lines.
func (i FileInfo) Lines() []string {
	var t textLines
	t.add("name", i.Name)
	t.add("size", SizeText(i.Size))
	t.add("version", i.Version)
	t.add("copyright", i.Copyright)
	t.add("description", i.Description)
	t.add("identity", i.Identity)
	t.add("language", i.Languages...)
	t.add("logo", i.Logo)
	t.add("os", i.OSes...)
	if i.Publisher != nil {
		t.add("publisher", i.Publisher.Name)
		t.add("publisher-url", i.Publisher.URL)
	}
	if i.License != nil {
		t.add("license", i.License.Name)
		t.add("license-url", i.License.URL)
	}
	for _, typ := range slices.Sorted(maps.Keys(i.Hashes)) {
		t.add("hash", typ+" "+i.Hashes[typ])
	}
	for _, u := range i.URLs {
		t.add("url", strings.Join([]string{priorityText(u.Priority), cmp.Or(u.Location, "-"), u.URL}, " "))
	}
	for _, mu := range i.MetaURLs {
		t.add("metaurl", strings.TrimSuffix(strings.Join([]string{priorityText(mu.Priority), mu.MediaType, mu.URL, mu.Name}, " "), " "))
	}
	for _, p := range i.Pieces {
		t.add("pieces", p.Type+" "+strconv.FormatUint(p.Length, 10))
		for _, h := range p.Hashes {
			t.add("piece", p.Type+" "+h)
		}
	}
	for _, sig := range i.Signatures {
		t.add("signature", sig.MediaType)
	}
	return t
}

// priorityText is a priority in a text line: "-" for none, which no
// number is.
func priorityText(p *uint) string {
	if p == nil {
		return "-"
	}
	return strconv.FormatUint(uint64(*p), 10)
}

// SizeText is size in bytes, or "" for 0, which a document cannot tell
// from no size.
func SizeText(size uint64) string {
	if size == 0 {
		return ""
	}
	return strconv.FormatUint(size, 10)
}

// digestText is a digest as the read commands print it: lower case, as
// sha256sum prints it.
func digestText(h metalink.Hash) string {
	return strings.ToLower(h.Hash)
}

// FileHash is f's digest of typ, spelt in any common way (sha256, SHA-256),
// or "" when f has none. A type that is no hash type at all is an error,
// rather than a hash f lacks.
func FileHash(f metalink.File, typ string) (string, error) {
	if i := f.HashIndex(metalink.HashType(typ)); i >= 0 {
		return digestText(f.Hashes[i]), nil
	}
	_, err := checksums.Algorithm(typ)
	return "", err
}

// HashLines are f's hashes as "TYPE HASH" lines, in document order.
func HashLines(f metalink.File) []string {
	lines := make([]string, len(f.Hashes))
	for i, h := range f.Hashes {
		lines[i] = h.Type + " " + digestText(h)
	}
	return lines
}

// URLList is a file's URLs in document order: one URL per line, or a JSON
// list of {url, priority, location}.
type URLList []metalink.URL

// FileURLs is f's URLs; in JSON, [] when it has none.
func FileURLs(f metalink.File) URLList {
	return append(URLList{}, f.URLs...)
}

// Lines are the URLs alone.
func (l URLList) Lines() []string {
	lines := make([]string, len(l))
	for i, u := range l {
		lines[i] = u.URL
	}
	return lines
}

// DocumentInfo is everything a document says: its own facts and each
// file's FileInfo. Files is always there ([] in JSON for none); the other
// fields only when the document has them.
type DocumentInfo struct {
	Generator string      `json:"generator,omitempty"`
	Origin    *OriginInfo `json:"origin,omitempty"`
	Published *time.Time  `json:"published,omitempty"`
	Updated   *time.Time  `json:"updated,omitempty"`
	Files     []FileInfo  `json:"files"`
}

// OriginInfo is where the document is published. Dynamic is always
// there: a document that gives an origin says whether it changes.
type OriginInfo struct {
	URL     string `json:"url"`
	Dynamic bool   `json:"dynamic"`
}

// DescribeDocument is what m says.
func DescribeDocument(m metalink.Metalink) DocumentInfo {
	info := DocumentInfo{Generator: m.Generator, Published: m.Published, Updated: m.Updated, Files: make([]FileInfo, len(m.Files))}
	if m.Origin != nil {
		info.Origin = &OriginInfo{URL: m.Origin.URL, Dynamic: m.Origin.Dynamic}
	}
	for i, f := range m.Files {
		info.Files[i] = DescribeFile(f)
	}
	return info
}

// Lines are blocks separated by an empty line: the document's own
// "key: value" lines, when it has any, then each file's Lines, which begin
// with its name.
func (d DocumentInfo) Lines() []string {
	var own textLines
	own.add("generator", d.Generator)
	if d.Origin != nil {
		own.add("origin", d.Origin.URL)
		own.add("origin-dynamic", strconv.FormatBool(d.Origin.Dynamic))
	}
	own.add("published", timeText(d.Published))
	own.add("updated", timeText(d.Updated))
	lines := []string(own)
	for _, f := range d.Files {
		if len(lines) > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, f.Lines()...)
	}
	return lines
}

// timeText is t as JSON spells it (RFC 3339), or "" for none.
func timeText(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// textLines are the "key: value" lines of a text answer.
type textLines []string

// add writes a line for each value, and none for an empty one. A value of
// several lines (a description) is one line of key per line of the value,
// so that every line of the answer starts with its key; the parts of a
// value (a URL's priority, location and URL) are separated by one space,
// the part that may hold spaces last.
func (t *textLines) add(key string, values ...string) {
	for _, value := range values {
		if value == "" {
			continue
		}
		for line := range strings.SplitSeq(value, "\n") {
			*t = append(*t, key+": "+line)
		}
	}
}
