package metalink

import (
	"encoding/xml"
	"fmt"
	"strconv"
)

// namespaceMeta4 is the RFC 5854 namespace; a meta4 root must be in it.
const namespaceMeta4 = "urn:ietf:params:xml:ns:metalink"

// NamespaceSignatures is our extension namespace: a file's signatures after
// the first, as <signature mediatype="…"> elements of this namespace beside
// RFC 5854's one. Struct tags cannot name a constant; meta4.go spells it out.
const NamespaceSignatures = "https://github.com/metalink-resources/metalink-resources/ns/signatures"

// xmlDocument mirrors a meta4 document. Fields are in RFC 5854's order
// (alphabetical within a file), which is the order encoding/xml writes them.
// Numbers and dates are kept as text here and converted by hand, so that a
// bad value gets an error naming the element instead of a strconv message.
type xmlDocument struct {
	XMLName   xml.Name   `xml:"urn:ietf:params:xml:ns:metalink metalink"`
	Files     []xmlFile  `xml:"file"`
	Generator string     `xml:"generator,omitempty"`
	Origin    *xmlOrigin `xml:"origin"`
	Published string     `xml:"published,omitempty"`
	Updated   string     `xml:"updated,omitempty"`
}

type xmlOrigin struct {
	Dynamic string `xml:"dynamic,attr,omitempty"`
	URL     string `xml:",chardata"`
}

type xmlFile struct {
	Name        string        `xml:"name,attr"`
	Copyright   multilineText `xml:"copyright,omitempty"`
	Description multilineText `xml:"description,omitempty"`
	Hashes      []xmlHash     `xml:"hash"`
	Identity    string        `xml:"identity,omitempty"`
	Languages   []string      `xml:"language"`
	License     *xmlNameURL   `xml:"license"`
	Logo        string        `xml:"logo,omitempty"`
	MetaURLs    []xmlMetaURL  `xml:"metaurl"`
	OSes        []string      `xml:"os"`
	Pieces      []xmlPieces   `xml:"pieces"`
	Publisher   *xmlNameURL   `xml:"publisher"`
	Signature   *xmlSignature `xml:"urn:ietf:params:xml:ns:metalink signature"`
	// encoding/xml matches a tag without a namespace by local name alone:
	// both signature fields name theirs.
	MoreSignatures []xmlSignature `xml:"https://github.com/metalink-resources/metalink-resources/ns/signatures signature"`
	Size           string         `xml:"size,omitempty"`
	URLs           []xmlURL       `xml:"url"`
	Version        string         `xml:"version,omitempty"`
}

type xmlHash struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// xmlMetaURL's Name is a pointer so that an empty name="" attribute, which
// RFC 5854 forbids, is told apart from none.
type xmlMetaURL struct {
	Priority  string  `xml:"priority,attr,omitempty"`
	MediaType string  `xml:"mediatype,attr"`
	Name      *string `xml:"name,attr"`
	URL       string  `xml:",chardata"`
}

type xmlPieces struct {
	Type   string   `xml:"type,attr"`
	Length string   `xml:"length,attr"`
	Hashes []string `xml:"hash"`
}

// xmlNameURL is a publisher or a licence, written in RFC 5854's form, name
// and url attributes (sections 4.2.8 and 4.2.12). The <name> and <url>
// child elements are Metalink 3.0's form, which some meta4 writers kept:
// they are read as a fallback and never written.
type xmlNameURL struct {
	Name      string `xml:"name,attr"`
	URL       string `xml:"url,attr,omitempty"`
	ChildName string `xml:"name,omitempty"`
	ChildURL  string `xml:"url,omitempty"`
}

type xmlSignature struct {
	MediaType string `xml:"mediatype,attr"`
	Text      string `xml:",chardata"`
}

type xmlURL struct {
	Location string `xml:"location,attr,omitempty"`
	Priority string `xml:"priority,attr,omitempty"`
	URL      string `xml:",chardata"`
}

// multilineText is element text written with its line breaks as they are;
// encoding/xml would write each one as "&#xA;", which makes descriptions
// unreadable. Carriage returns and tabs are still escaped so they survive.
type multilineText string

func (t multilineText) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return encodeTextElement(e, start, string(t))
}

// MarshalXML writes the armored signature with readable line breaks. The
// RFC 5854 element inherits the document's default namespace instead of
// declaring it again; an extension one declares ours.
func (s xmlSignature) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if start.Name.Space == namespaceMeta4 {
		start.Name.Space = ""
	}
	start.Attr = append(start.Attr, xml.Attr{Name: xml.Name{Local: "mediatype"}, Value: s.MediaType})
	return encodeTextElement(e, start, s.Text)
}

func encodeTextElement(e *xml.Encoder, start xml.StartElement, text string) error {
	for _, tok := range []xml.Token{start, xml.CharData(text), start.End()} {
		if err := e.EncodeToken(tok); err != nil {
			return err
		}
	}
	return nil
}

func newXMLDocument(m Metalink) (xmlDocument, error) {
	published, err := formatDate(m.Published)
	if err != nil {
		return xmlDocument{}, fmt.Errorf("published: %w", err)
	}
	updated, err := formatDate(m.Updated)
	if err != nil {
		return xmlDocument{}, fmt.Errorf("updated: %w", err)
	}
	doc := xmlDocument{Generator: m.Generator, Published: published, Updated: updated}
	if m.Origin != nil {
		doc.Origin = &xmlOrigin{URL: m.Origin.URL}
		if m.Origin.Dynamic {
			doc.Origin.Dynamic = "true"
		}
	}
	for _, f := range m.Files {
		doc.Files = append(doc.Files, newXMLFile(f))
	}
	return doc, nil
}

func newXMLFile(f File) xmlFile {
	x := xmlFile{
		Name:        f.Name,
		Copyright:   multilineText(f.Copyright),
		Description: multilineText(f.Description),
		Identity:    f.Identity,
		Languages:   f.Languages,
		Logo:        f.Logo,
		OSes:        f.OSes,
		Version:     f.Version,
	}
	if f.Size != 0 {
		x.Size = strconv.FormatUint(f.Size, 10)
	}
	for _, h := range f.Hashes {
		x.Hashes = append(x.Hashes, xmlHash{Type: h.Type, Value: h.Hash})
	}
	for _, mu := range f.MetaURLs {
		x.MetaURLs = append(x.MetaURLs, xmlMetaURL{Priority: formatPriority(mu.Priority), MediaType: mu.MediaType, Name: optional(mu.Name), URL: mu.URL})
	}
	for _, p := range f.Pieces {
		x.Pieces = append(x.Pieces, xmlPieces{Type: p.Type, Length: strconv.FormatUint(p.Length, 10), Hashes: p.Hashes})
	}
	if f.Publisher != nil {
		x.Publisher = &xmlNameURL{Name: f.Publisher.Name, URL: f.Publisher.URL}
	}
	if f.License != nil {
		x.License = &xmlNameURL{Name: f.License.Name, URL: f.License.URL}
	}
	for i, sig := range f.Signatures {
		xs := xmlSignature{MediaType: sig.MediaType, Text: sig.Signature}
		if i == 0 {
			x.Signature = &xs
		} else {
			x.MoreSignatures = append(x.MoreSignatures, xs)
		}
	}
	for _, u := range f.URLs {
		x.URLs = append(x.URLs, xmlURL{Location: u.Location, Priority: formatPriority(u.Priority), URL: u.URL})
	}
	return x
}

// optional is s as an attribute that is left out when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func formatPriority(p *uint) string {
	if p == nil {
		return ""
	}
	return strconv.FormatUint(uint64(*p), 10)
}

func (doc xmlDocument) model() (Metalink, error) {
	m := Metalink{Generator: doc.Generator}
	var err error
	if m.Published, err = parseDate("published", doc.Published); err != nil {
		return Metalink{}, err
	}
	if m.Updated, err = parseDate("updated", doc.Updated); err != nil {
		return Metalink{}, err
	}
	if doc.Origin != nil {
		dynamic, err := parseBool("origin dynamic", doc.Origin.Dynamic)
		if err != nil {
			return Metalink{}, err
		}
		m.Origin = &Origin{Dynamic: dynamic, URL: doc.Origin.URL}
	}
	for _, xf := range doc.Files {
		f, err := xf.model()
		if err != nil {
			return Metalink{}, fmt.Errorf("file %s: %w", quote(xf.Name), err)
		}
		m.Files = append(m.Files, f)
	}
	return m, nil
}

func (x xmlFile) model() (File, error) {
	f := File{
		Name:        x.Name,
		Copyright:   string(x.Copyright),
		Description: string(x.Description),
		Identity:    x.Identity,
		Languages:   x.Languages,
		Logo:        x.Logo,
		OSes:        x.OSes,
		License:     x.License.license(),
		Publisher:   x.Publisher.publisher(),
		Version:     x.Version,
	}
	var err error
	if f.Size, err = parseSize(x.Size); err != nil {
		return File{}, err
	}
	for _, h := range x.Hashes {
		f.Hashes = append(f.Hashes, Hash{Type: h.Type, Hash: h.Value})
	}
	for _, xm := range x.MetaURLs {
		priority, err := parsePriority(xm.Priority)
		if err != nil {
			return File{}, fmt.Errorf("metaurl %s: %w", quote(xm.URL), err)
		}
		if xm.Name != nil && *xm.Name == "" {
			return File{}, fmt.Errorf("metaurl %s: the name is empty", quote(xm.URL))
		}
		f.MetaURLs = append(f.MetaURLs, MetaURL{Priority: priority, MediaType: xm.MediaType, Name: deref(xm.Name), URL: xm.URL})
	}
	for _, xp := range x.Pieces {
		length, err := parseWhole("pieces length", xp.Length, 64)
		if err != nil {
			return File{}, err
		}
		f.Pieces = append(f.Pieces, Pieces{Type: xp.Type, Length: length, Hashes: xp.Hashes})
	}
	if x.Signature != nil {
		f.Signatures = append(f.Signatures, Signature{MediaType: x.Signature.MediaType, Signature: x.Signature.Text})
	}
	for _, xs := range x.MoreSignatures {
		f.Signatures = append(f.Signatures, Signature{MediaType: xs.MediaType, Signature: xs.Text})
	}
	for _, xu := range x.URLs {
		priority, err := parsePriority(xu.Priority)
		if err != nil {
			return File{}, fmt.Errorf("url %s: %w", quote(xu.URL), err)
		}
		f.URLs = append(f.URLs, URL{Location: xu.Location, Priority: priority, URL: xu.URL})
	}
	return f, nil
}

// nameURL prefers RFC 5854's attributes and falls back to the child
// elements.
func (p *xmlNameURL) nameURL() (name, url string) {
	name, url = p.Name, p.URL
	if name == "" {
		name = p.ChildName
	}
	if url == "" {
		url = p.ChildURL
	}
	return name, url
}

func (p *xmlNameURL) publisher() *Publisher {
	if p == nil {
		return nil
	}
	name, url := p.nameURL()
	return &Publisher{Name: name, URL: url}
}

func (p *xmlNameURL) license() *License {
	if p == nil {
		return nil
	}
	name, url := p.nameURL()
	return &License{Name: name, URL: url}
}
