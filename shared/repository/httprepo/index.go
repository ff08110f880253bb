package httprepo

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// parseIndex streams the index, turning each <metalink> element into an
// entry; only one metalink's markup is held at a time.
func parseIndex(r io.Reader) ([]repository.Entry, error) {
	dec := xml.NewDecoder(r)
	// encoding/xml quotes a declared encoding in its error, and the label is
	// whatever the server wrote; this error says what is wrong without it.
	dec.CharsetReader = func(string, io.Reader) (io.Reader, error) { return nil, errNotUTF8 }
	if err := expectRoot(dec); err != nil {
		return nil, indexError(err)
	}
	var entries []repository.Entry
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, indexError(err)
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return entries, nil // </repository>
		case xml.StartElement:
			if t.Name.Local != "metalink" {
				if err := dec.Skip(); err != nil {
					return nil, indexError(err)
				}
				continue
			}
			entry, err := readMetalink(dec, t)
			if err != nil {
				return nil, fmt.Errorf("index: metalink %d%s: %w", len(entries)+1, inParentheses(entry.Path), err)
			}
			entries = append(entries, entry)
		}
	}
}

var errNotUTF8 = errors.New("the index declares an encoding other than UTF-8, the only one read")

// indexError keeps a wrapped errNotUTF8 from bringing encoding/xml's
// message, which quotes the declared label, along.
func indexError(err error) error {
	if errors.Is(err, errNotUTF8) {
		return fmt.Errorf("index: %w", errNotUTF8)
	}
	return fmt.Errorf("index: %w", err)
}

func expectRoot(dec *xml.Decoder) error {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return errors.New("the document is empty")
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return errors.New("not XML: text before the root element")
			}
		case xml.StartElement:
			if t.Name.Local != "repository" {
				return fmt.Errorf("root element is <%s>, expected <repository>", t.Name.Local)
			}
			return nil
		}
	}
}

// referenceName is the element that carries an entry's path.
var referenceName = xml.Name{Space: namespaceRepository, Local: "repository-reference"}

// readMetalink copies the <metalink> element that start opens into a document
// of its own for metalink.Parse, and takes the entry's path from its
// <repository-reference> child. As in the original, a repository-reference
// outside the schema's namespace is ignored, leaving the path empty. The path
// is returned even when parsing fails, to name the document in the error.
func readMetalink(dec *xml.Decoder, start xml.StartElement) (repository.Entry, error) {
	var entry repository.Entry
	if start.Name.Space != namespaceMetalink {
		return entry, fmt.Errorf("element <metalink> is in namespace %s, expected %s", redact.Quote(start.Name.Space), namespaceMetalink)
	}
	var doc bytes.Buffer
	enc := xml.NewEncoder(&doc)
	if err := enc.EncodeToken(withoutDeclarations(start)); err != nil {
		return entry, err
	}
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return entry, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth == 1 && t.Name == referenceName {
				entry.Path, err = readPath(dec, t)
			} else {
				depth++
				err = enc.EncodeToken(withoutDeclarations(t))
			}
		case xml.EndElement:
			depth--
			err = enc.EncodeToken(t)
		case xml.CharData, xml.Comment:
			err = enc.EncodeToken(t)
		}
		if err != nil {
			return entry, err
		}
	}
	if err := enc.Flush(); err != nil {
		return entry, err
	}
	m, err := metalink.Parse(doc.Bytes())
	entry.Metalink = m
	return entry, err
}

func readPath(dec *xml.Decoder, start xml.StartElement) (string, error) {
	var ref struct {
		Path string `xml:"path"`
	}
	err := dec.DecodeElement(&ref, &start)
	return ref.Path, err
}

// withoutDeclarations drops xmlns attributes: the decoder has already
// resolved every name, and the encoder declares each element's namespace
// itself, so prefixes bound on the index's root still work in the copy.
func withoutDeclarations(start xml.StartElement) xml.StartElement {
	kept := make([]xml.Attr, 0, len(start.Attr))
	for _, attr := range start.Attr {
		if attr.Name.Space != "xmlns" && (attr.Name.Space != "" || attr.Name.Local != "xmlns") {
			kept = append(kept, attr)
		}
	}
	start.Attr = kept
	return start
}

func inParentheses(path string) string {
	if path == "" {
		return ""
	}
	return " (" + path + ")"
}
