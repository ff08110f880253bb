package metalink

import (
	"fmt"
	"strings"
	"time"
)

// namespaceMetalink3 is the namespace of Metalink 3.0, the format before
// RFC 5854. It is read so that files made by older tools work; it is never
// written.
const namespaceMetalink3 = "http://www.metalinker.org/"

// v3Document mirrors a Metalink 3.0 document. Elements with no RFC 5854
// counterpart (license, tags, releasedate, multimedia, ...) are dropped.
type v3Document struct {
	Generator   string `xml:"generator,attr"`
	Origin      string `xml:"origin,attr"`
	Type        string `xml:"type,attr"`
	PubDate     string `xml:"pubdate,attr"`
	RefreshDate string `xml:"refreshdate,attr"`
	v3Describing
	Files []v3File `xml:"files>file"`
}

// v3Describing holds what Metalink 3.0 allows on the document as well as on
// each file; a file inherits from the document what it does not say itself.
type v3Describing struct {
	Description string      `xml:"description"`
	Identity    string      `xml:"identity"`
	License     *xmlNameURL `xml:"license"`
	Publisher   *xmlNameURL `xml:"publisher"`
	Version     string      `xml:"version"`
}

type v3File struct {
	Name string `xml:"name,attr"`
	v3Describing
	Copyright    string         `xml:"copyright"`
	Language     string         `xml:"language"`
	Logo         string         `xml:"logo"`
	OS           string         `xml:"os"`
	Size         string         `xml:"size"`
	Verification v3Verification `xml:"verification"`
	URLs         []v3URL        `xml:"resources>url"`
}

type v3Verification struct {
	Hashes     []xmlHash     `xml:"hash"`
	Pieces     []v3Pieces    `xml:"pieces"`
	Signatures []v3Signature `xml:"signature"`
}

type v3Pieces struct {
	Type   string        `xml:"type,attr"`
	Length string        `xml:"length,attr"`
	Hashes []v3PieceHash `xml:"hash"`
}

type v3PieceHash struct {
	Piece string `xml:"piece,attr"`
	Value string `xml:",chardata"`
}

type v3Signature struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type v3URL struct {
	Type       string `xml:"type,attr"`
	Location   string `xml:"location,attr"`
	Preference string `xml:"preference,attr"`
	URL        string `xml:",chardata"`
}

func (doc v3Document) model() (Metalink, error) {
	m := Metalink{Generator: doc.Generator}
	if doc.Origin != "" {
		m.Origin = &Origin{Dynamic: strings.TrimSpace(doc.Type) == "dynamic", URL: doc.Origin}
	}
	var err error
	if m.Published, err = parseRFC822Date("pubdate", doc.PubDate); err != nil {
		return Metalink{}, err
	}
	if m.Updated, err = parseRFC822Date("refreshdate", doc.RefreshDate); err != nil {
		return Metalink{}, err
	}
	for _, vf := range doc.Files {
		vf.inherit(doc.v3Describing)
		f, err := vf.model()
		if err != nil {
			return Metalink{}, fmt.Errorf("file %s: %w", quote(vf.Name), err)
		}
		m.Files = append(m.Files, f)
	}
	return m, nil
}

func (f *v3File) inherit(from v3Describing) {
	if f.Description == "" {
		f.Description = from.Description
	}
	if f.Identity == "" {
		f.Identity = from.Identity
	}
	if f.Publisher == nil {
		f.Publisher = from.Publisher
	}
	if f.License == nil {
		f.License = from.License
	}
	if f.Version == "" {
		f.Version = from.Version
	}
}

func (v v3File) model() (File, error) {
	f := File{
		Name:        v.Name,
		Copyright:   v.Copyright,
		Description: v.Description,
		Identity:    v.Identity,
		Languages:   nonEmpty(v.Language),
		Logo:        v.Logo,
		OSes:        nonEmpty(v.OS),
		License:     v.License.license(),
		Publisher:   v.Publisher.publisher(),
		Signatures:  v.Verification.signatures(),
		Version:     v.Version,
	}
	var err error
	if f.Size, err = parseSize(v.Size); err != nil {
		return File{}, err
	}
	for i, h := range v.Verification.Hashes {
		// 3.0 tools read a hash without a type as sha1; taking its text
		// for a sha-1 digest would check a file against a guess.
		if strings.TrimSpace(h.Type) == "" {
			return File{}, fmt.Errorf("hash %d has no type", i+1)
		}
		f.Hashes = append(f.Hashes, Hash{Type: h.Type, Hash: h.Value})
	}
	for _, vp := range v.Verification.Pieces {
		p, err := vp.model()
		if err != nil {
			return File{}, err
		}
		f.Pieces = append(f.Pieces, p)
	}
	for _, vu := range v.URLs {
		if err := f.addV3URL(vu); err != nil {
			return File{}, fmt.Errorf("url %s: %w", quote(vu.URL), err)
		}
	}
	return f, nil
}

func nonEmpty(value string) []string {
	if value == "" {
		return nil
	}
	return []string{value}
}

// signatures keeps every signature, in document order.
func (v v3Verification) signatures() []Signature {
	var sigs []Signature
	for _, s := range v.Signatures {
		mediaType := strings.TrimSpace(s.Type)
		if mediaType == "" || strings.EqualFold(mediaType, "pgp") { // "pgp" is the 3.0 default
			mediaType = SignaturePGP
		}
		sigs = append(sigs, Signature{MediaType: mediaType, Signature: s.Text})
	}
	return sigs
}

// model puts the piece hashes in piece order; 3.0 numbers them with a
// piece attribute, which may be left out when they are already in order.
func (v v3Pieces) model() (Pieces, error) {
	length, err := parseWhole("pieces length", v.Length, 64)
	if err != nil {
		return Pieces{}, err
	}
	hashes := make([]string, len(v.Hashes))
	placed := make([]bool, len(v.Hashes))
	for i, h := range v.Hashes {
		index := uint64(i)
		if strings.TrimSpace(h.Piece) != "" {
			if index, err = parseWhole("piece", h.Piece, 64); err != nil {
				return Pieces{}, err
			}
		}
		if index >= uint64(len(hashes)) {
			return Pieces{}, fmt.Errorf("piece %d of %d pieces does not exist", index, len(hashes))
		}
		if placed[index] {
			return Pieces{}, fmt.Errorf("piece %d has two hashes", index)
		}
		hashes[index], placed[index] = h.Value, true
	}
	return Pieces{Type: v.Type, Length: length, Hashes: hashes}, nil
}

// addV3URL files a 3.0 resource as a url, or as a metaurl when it points at
// a torrent, which RFC 5854 treats as metadata rather than a mirror.
func (f *File) addV3URL(v v3URL) error {
	priority, err := v3Priority(v.Preference)
	if err != nil {
		return err
	}
	if strings.EqualFold(strings.TrimSpace(v.Type), "bittorrent") {
		f.MetaURLs = append(f.MetaURLs, MetaURL{Priority: priority, MediaType: "torrent", URL: v.URL})
		return nil
	}
	f.URLs = append(f.URLs, URL{Location: v.Location, Priority: priority, URL: v.URL})
	return nil
}

// v3Priority maps a 3.0 preference (1 to 100, higher is better) onto an
// RFC 5854 priority (lower is better): 100 becomes 1 and 1 becomes 100.
// Preferences outside the range are clamped; 3.0 writers were not strict.
func v3Priority(preference string) (*uint, error) {
	if strings.TrimSpace(preference) == "" {
		return nil, nil
	}
	n, err := parseWhole("preference", preference, 64)
	if err != nil {
		return nil, err
	}
	priority := uint(101 - min(max(n, 1), 100))
	return &priority, nil
}

// parseRFC822Date reads the RFC 822 dates of Metalink 3.0, such as
// "Mon, 15 May 2006 00:00:01 GMT" or "15 May 2006 00:00 -0500".
func parseRFC822Date(what, text string) (*time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	numeric := numericZone(text)
	layouts := []string{
		"Mon, 2 Jan 2006 15:04:05 -0700",
		"Mon, 2 Jan 2006 15:04 -0700",
		"2 Jan 2006 15:04:05 -0700",
		"2 Jan 2006 15:04 -0700",
		"Mon, 2 Jan 06 15:04:05 -0700",
		"Mon, 2 Jan 06 15:04 -0700",
		"2 Jan 06 15:04:05 -0700",
		"2 Jan 06 15:04 -0700",
	}
	for _, layout := range layouts {
		if t, err := time.Parse(layout, numeric); err == nil {
			return &t, nil
		}
	}
	return nil, fmt.Errorf("%s %s is not an RFC 822 date such as \"Mon, 15 May 2006 00:00:01 GMT\"", what, quote(text))
}

// numericZone replaces a trailing RFC 822 zone name with its offset: Go
// would read a name it does not know, such as EST, as UTC, five hours out.
// Anything else is left for the layouts to accept or reject.
func numericZone(date string) string {
	cut := strings.LastIndexByte(date, ' ')
	if offset, ok := rfc822ZoneOffset(strings.ToUpper(date[cut+1:])); ok {
		return date[:cut+1] + offset
	}
	return date
}

func rfc822ZoneOffset(zone string) (string, bool) {
	switch zone {
	case "UT", "UTC", "GMT", "Z":
		return "+0000", true
	case "EDT":
		return "-0400", true
	case "EST", "CDT":
		return "-0500", true
	case "CST", "MDT":
		return "-0600", true
	case "MST", "PDT":
		return "-0700", true
	case "PST":
		return "-0800", true
	}
	return "", false
}
