package metalink

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// parseXML reads a meta4 or Metalink 3.0 document, told apart by the
// namespace of the root element.
func parseXML(data []byte) (Metalink, error) {
	m, err := decodeXML(data)
	if err != nil {
		return Metalink{}, fmt.Errorf("metalink XML: %w", err)
	}
	return m, nil
}

// xmlMirror is a document's XML shape that converts into the model.
type xmlMirror interface {
	model() (Metalink, error)
}

func decodeXML(data []byte) (Metalink, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	root, err := rootElement(dec)
	if err != nil {
		return Metalink{}, err
	}
	var doc xmlMirror
	var extensions []string
	switch root.Name.Space {
	case namespaceMeta4:
		doc = &xmlDocument{}
		extensions = []string{NamespaceSignatures}
	case namespaceMetalink3:
		doc = &v3Document{}
	default:
		return Metalink{}, wrongNamespace(root.Name.Space)
	}
	if err := decodeNamespace(dec, root, doc, extensions); err != nil {
		return Metalink{}, err
	}
	if err := expectEndOfDocument(dec); err != nil {
		return Metalink{}, err
	}
	return doc.model()
}

func wrongNamespace(space string) error {
	const want = "expected " + namespaceMeta4 + " (RFC 5854) or " + namespaceMetalink3 + " (Metalink 3.0)"
	if space == "" {
		return errors.New("root element <metalink> has no namespace; " + want)
	}
	return fmt.Errorf("root element <metalink> is in namespace %s; %s", quote(space), want)
}

// rootElement reads up to the root element, which must be <metalink>.
func rootElement(dec *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, errors.New("no root element")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "metalink" {
				return xml.StartElement{}, fmt.Errorf("root element is <%s>, expected <metalink>", t.Name.Local)
			}
			return t.Copy(), nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, errors.New("text before the root element")
			}
		}
	}
}

// expectEndOfDocument rejects anything but comments, processing
// instructions and white space after the root element, which encoding/xml
// would otherwise ignore.
func expectEndOfDocument(dec *xml.Decoder) error {
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return fmt.Errorf("a second root element <%s> after </metalink>", t.Name.Local)
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return errors.New("text after </metalink>")
			}
		}
	}
}

// decodeNamespace unmarshals the element started by root into v, seeing only
// the elements and plain attributes of root's namespace and of the extension
// namespaces the document's format reads.
func decodeNamespace(dec *xml.Decoder, root xml.StartElement, v any, extensions []string) error {
	filter := &namespaceFilter{dec: dec, space: root.Name.Space, extensions: extensions, pending: &root}
	return xml.NewTokenDecoder(filter).Decode(v)
}

// namespaceFilter is how unknown markup is dropped: an element of another
// namespace disappears with all its content, and so do namespaced attributes.
// Without it encoding/xml, which matches by local name, would read an
// extension's <x:size> as the file size. Unknown elements of the document's
// own namespace are skipped by encoding/xml itself.
type namespaceFilter struct {
	dec        *xml.Decoder
	space      string
	extensions []string
	pending    *xml.StartElement // the root, which the caller has already read
}

func (f *namespaceFilter) Token() (xml.Token, error) {
	if f.pending != nil {
		root := *f.pending
		f.pending = nil
		return withoutNamespacedAttrs(root), nil
	}
	for {
		tok, err := f.dec.Token()
		if err != nil {
			return nil, err
		}
		start, isStart := tok.(xml.StartElement)
		if !isStart {
			return xml.CopyToken(tok), nil
		}
		if start.Name.Space == f.space || slices.Contains(f.extensions, start.Name.Space) {
			return withoutNamespacedAttrs(start), nil
		}
		if err := f.dec.Skip(); err != nil {
			return nil, err
		}
	}
}

// withoutNamespacedAttrs also drops the xmlns declarations: names arrive
// already resolved, and a second decoder must not resolve them again.
func withoutNamespacedAttrs(start xml.StartElement) xml.StartElement {
	kept := make([]xml.Attr, 0, len(start.Attr))
	for _, a := range start.Attr {
		if a.Name.Space == "" && a.Name.Local != "xmlns" {
			kept = append(kept, a)
		}
	}
	start.Attr = kept
	return start
}

// parseWhole reads an unsigned decimal number. Surrounding white space is
// allowed, as XML Schema collapses it for numbers.
func parseWhole(what, text string, bits int) (uint64, error) {
	n, err := strconv.ParseUint(strings.TrimSpace(text), 10, bits)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%s %s is too large", what, quote(text))
	}
	if err != nil {
		return 0, fmt.Errorf("%s %s is not a whole number", what, quote(text))
	}
	return n, nil
}

func parseSize(text string) (uint64, error) {
	if text == "" {
		return 0, nil
	}
	return parseWhole("size", text, 64)
}

func parsePriority(text string) (*uint, error) {
	if text == "" {
		return nil, nil
	}
	n, err := parseWhole("priority", text, strconv.IntSize)
	if err != nil {
		return nil, err
	}
	priority := uint(n)
	return &priority, nil
}

// parseBool reads an XML Schema boolean.
func parseBool(what, text string) (bool, error) {
	switch strings.TrimSpace(text) {
	case "", "false", "0":
		return false, nil
	case "true", "1":
		return true, nil
	}
	return false, fmt.Errorf("%s %s must be true or false", what, quote(text))
}

// parseDate reads an RFC 3339 date-time, the only date form RFC 5854 allows.
func parseDate(what, text string) (*time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	var t time.Time
	if err := t.UnmarshalText([]byte(text)); err != nil {
		return nil, fmt.Errorf("%s %s is not an RFC 3339 date-time such as 2010-05-01T12:15:02Z", what, quote(text))
	}
	return &t, nil
}

func formatDate(t *time.Time) (string, error) {
	if t == nil {
		return "", nil
	}
	text, err := t.MarshalText()
	if err != nil {
		return "", fmt.Errorf("cannot write %v as an RFC 3339 date-time: %w", t, err)
	}
	return string(text), nil
}
