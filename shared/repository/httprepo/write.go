package httprepo

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// WriteIndex writes entries as a repository index, the form an http(s)
// repository serves and List reads: each document as meta4 XML, with
// its path in a repository-reference element, inside one <repository>.
func WriteIndex(w io.Writer, entries []repository.Entry) error {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	fmt.Fprintf(&b, "<repository xmlns=%q>\n", namespaceRepository)
	for _, entry := range entries {
		if err := indexEntry(&b, entry); err != nil {
			return err
		}
	}
	b.WriteString("</repository>\n")
	_, err := w.Write(b.Bytes())
	return err
}

// indexEntry writes MarshalXML's document, indented one level, with the
// reference as the root's first child.
func indexEntry(b *bytes.Buffer, entry repository.Entry) error {
	data, err := metalink.MarshalXML(entry.Metalink)
	if err != nil {
		return fmt.Errorf("%s: %w", entry.Path, err)
	}
	doc := strings.TrimPrefix(string(data), xml.Header)
	metalinkRoot := fmt.Sprintf("<metalink xmlns=%q>", namespaceMetalink)
	rest, found := strings.CutPrefix(doc, metalinkRoot)
	if !found {
		return fmt.Errorf("%s: unexpected root element in the meta4 XML", entry.Path)
	}
	var path bytes.Buffer
	if err := xml.EscapeText(&path, []byte(entry.Path)); err != nil {
		return err
	}
	reference := fmt.Sprintf("\n  <repository-reference xmlns=%q>\n    <path>%s</path>\n  </repository-reference>",
		namespaceRepository, path.String())
	if strings.HasPrefix(rest, "</metalink>") {
		reference += "\n"
	}
	for line := range strings.Lines(metalinkRoot + reference + rest) {
		b.WriteString("  " + line)
	}
	return nil
}
