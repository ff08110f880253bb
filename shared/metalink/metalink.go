// Package metalink holds the RFC 5854 document model and its codecs: meta4 XML
// (read and write), the JSON form printed by metalink_get scripts (plural keys),
// and Metalink 3.0 (read only). It does no I/O beyond the bytes it is given.
//
// Unknown markup is dropped, always and in every format: elements of other
// XML namespaces (RFC 5854 extensions) with all their content, namespaced
// attributes, unknown elements and attributes of the metalink namespace, and
// unknown JSON keys. Reading a document and writing it again therefore keeps
// exactly what the model holds. Metalink 3.0 elements with no RFC 5854
// counterpart (tags, multimedia, ...) are dropped the same way.
//
// A file may carry several signatures. The first is RFC 5854's
// <signature mediatype="…"> element, which aria2 and other readers know;
// the others follow in the same shape in our own namespace (NamespaceSignatures),
// foreign markup that RFC 5854 section 7 lets readers ignore. JSON lists them
// all under "signatures" and still reads the older single "signature".
//
// Publisher and License are written in RFC 5854's form, <publisher name=""
// url=""/>, and read in that form or in Metalink 3.0's
// <publisher><name/><url/></publisher>.
package metalink

import "time"

// MaxDocumentSize is the largest metalink document read, in bytes. Real ones
// are kilobytes, even with hundreds of files and mirrors; 16 MiB leaves room
// for any honest one while a stray huge file named *.meta4 is refused before
// it is read into memory.
const MaxDocumentSize = 16 << 20

// Metalink is one document: a list of files plus document-level facts.
type Metalink struct {
	Files     []File     `json:"files"`
	Generator string     `json:"generator,omitempty"`
	Origin    *Origin    `json:"origin,omitempty"`
	Published *time.Time `json:"published,omitempty"`
	Updated   *time.Time `json:"updated,omitempty"`
}

// Origin is where the document itself can be refreshed from.
type Origin struct {
	Dynamic bool   `json:"dynamic,omitempty"`
	URL     string `json:"url"`
}

// File describes one downloadable file.
type File struct {
	Name        string      `json:"name"`
	Copyright   string      `json:"copyright,omitempty"`
	Description string      `json:"description,omitempty"`
	Hashes      []Hash      `json:"hashes,omitempty"`
	Identity    string      `json:"identity,omitempty"`
	Languages   []string    `json:"languages,omitempty"`
	License     *License    `json:"license,omitempty"`
	Logo        string      `json:"logo,omitempty"`
	MetaURLs    []MetaURL   `json:"metaurls,omitempty"`
	OSes        []string    `json:"oses,omitempty"`
	Pieces      []Pieces    `json:"pieces,omitempty"`
	Publisher   *Publisher  `json:"publisher,omitempty"`
	Signatures  []Signature `json:"signatures,omitempty"`
	Size        uint64      `json:"size,omitempty"`
	URLs        []URL       `json:"urls,omitempty"`
	Version     string      `json:"version,omitempty"`
}

// Hash is one whole-file digest; Type is an IANA name such as "sha-256".
type Hash struct {
	Type string `json:"type"`
	Hash string `json:"hash"`
}

// URL is one download location. A nil Priority sorts after every numbered one.
type URL struct {
	Location string `json:"location,omitempty"`
	Priority *uint  `json:"priority,omitempty"`
	URL      string `json:"url"`
}

// MetaURL points at a metadata document such as a torrent.
type MetaURL struct {
	Priority  *uint  `json:"priority,omitempty"`
	MediaType string `json:"mediatype"`
	Name      string `json:"name,omitempty"`
	URL       string `json:"url"`
}

// Pieces are digests of consecutive Length-byte chunks of the file.
type Pieces struct {
	Type   string   `json:"type"`
	Length uint64   `json:"length"`
	Hashes []string `json:"hashes"`
}

// Publisher names who published the file.
type Publisher struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// License names the licence the file is under (an SPDX identifier is a
// good name) and where to read it.
type License struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Signature is a detached signature over the file's bytes, or evidence
// that names them by digest (a Sigstore attestation). Its MediaType says
// which kind (see SignatureTypes).
type Signature struct {
	MediaType string `json:"mediatype"`
	Signature string `json:"signature"`
}
