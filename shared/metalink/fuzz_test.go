package metalink_test

import (
	"bytes"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/planted"
	"github.com/metalink-resources/metalink-resources/shared/testsupport/roundtrip"
)

// The fuzz targets of this package, one per format plus FuzzParse for the
// detection in front of them. Each checks, for whatever it is given:
//
//   - an error is one line of at most maxErrorBytes and never holds the
//     password of a URL's userinfo (planted.Password, planted in the seeds);
//   - a parsed document survives MarshalXML and MarshalJSON unchanged (the
//     package doc's promise), and MarshalXML fails only on documents that
//     Validate refuses;
//   - a document Validate accepts has only names that ValidateName accepts
//     and that are plain relative paths by the standard library's reading
//     too, all different.
//
// Seeds: testdata/*, the documents of testdata/fuzz/FuzzParse, and inline
// ones with a password in a URL. Run one for longer with
// go test -run '^$' -fuzz '^FuzzParseMeta4$' -fuzztime 1m -parallel 1 .

const (
	namespaceMeta4     = "urn:ietf:params:xml:ns:metalink"
	namespaceMetalink3 = "http://www.metalinker.org/"

	// maxErrorBytes is what a build log line can take.
	maxErrorBytes = 1000
)

// FuzzParse feeds whole documents to Parse: the BOM, white space, XML
// prolog, root element and namespace in front of the three parsers.
func FuzzParse(f *testing.F) {
	for _, doc := range seedDocuments(f) {
		f.Add(doc)
	}
	f.Add([]byte(""))
	f.Add([]byte("\ufeff \t\r\n"))
	f.Add([]byte("Not Found"))
	f.Add([]byte(`<!DOCTYPE html><html><body>Not Found</body></html>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><metalink xmlns="` + namespaceMeta4 + `"/>`))
	f.Add([]byte(`<!-- c --><?pi x?><metalink xmlns="urn:example"/><!-- after -->`))
	f.Add([]byte(`<ml:metalink xmlns:ml="` + namespaceMeta4 + `"><ml:file name="a"><ml:size>5</ml:size></ml:file></ml:metalink>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data)
	})
}

// FuzzParseMeta4 fuzzes meta4 documents: the input follows
// `<metalink xmlns="urn:ietf:params:xml:ns:metalink"`, so that every
// mutation lands in the root's attributes and content rather than in the
// namespace that Parse dispatches on.
func FuzzParseMeta4(f *testing.F) {
	addRootSeeds(f, namespaceMeta4)
	f.Add([]byte(`><file name="a"><url priority="1">https://mirror:` + planted.Password + `@x.example/a</url></file></metalink>`))
	f.Add([]byte(`><file name="a"><url priority="high">https://mirror:` + planted.Password + `@x.example/a</url></file></metalink>`))
	f.Add([]byte(`><file name="a"><metaurl mediatype="torrent" priority="-1">https://u:` + planted.Password + `@x.example/a.torrent</metaurl></file></metalink>`))
	f.Add([]byte(`><file name="https://u:` + planted.Password + `@x.example/a"><size>big</size></file></metalink>`))
	f.Add([]byte(`><file name="a/b"><pieces type="sha-1" length="2"><hash>00</hash><hash>11</hash></pieces><size>3</size></file><file name="a"/></metalink>`))
	f.Add([]byte(`><origin dynamic="1"> https://x/a.meta4 </origin><published>2010-05-01T12:15:02+00:00</published><updated>bad</updated></metalink>`))
	f.Add([]byte(`><file name="a"><url priority="0">https://x/a</url><metaurl mediatype="torrent" priority="1000000" name="../doughnuts">https://x/t</metaurl></file></metalink>`))
	f.Add([]byte(`><file name="a&#10;b"><metaurl mediatype="torrent" name="">https://x/t</metaurl><hash type="sha1">00</hash><hash type="SHA-1">00</hash></file></metalink>`))
	f.Add([]byte(`><file name="dir /a. "><pieces type="SHA256" length="1"><hash>00</hash></pieces><size>1</size></file><file name="b` + "\u202e" + `txt"/></metalink>`))
	f.Add([]byte(` xmlns:s="` + metalink.NamespaceSignatures + `"><file name="a"><s:signature mediatype="application/x-minisign">m</s:signature>` +
		`<signature mediatype="application/pgp-signature">p</signature><s:signature>no type</s:signature><s:signature mediatype="x"><s:signature/></s:signature></file>` +
		`<s:signature mediatype="application/x-ssh-signature">outside a file</s:signature></metalink>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, withPrefix(`<metalink xmlns="`+namespaceMeta4+`"`, data))
	})
}

// FuzzParseMetalink3 is FuzzParseMeta4 for Metalink 3.0 documents.
func FuzzParseMetalink3(f *testing.F) {
	addRootSeeds(f, namespaceMetalink3)
	f.Add([]byte(` version="3.0"><files><file name="a"><resources><url preference="high">https://u:` + planted.Password + `@x.example/a</url></resources></file></files></metalink>`))
	f.Add([]byte(` origin="https://u:` + planted.Password + `@x.example/a.metalink" pubdate="yesterday"><files/></metalink>`))
	f.Add([]byte(`><files><file name="a"><verification><pieces type="sha1" length="4"><hash piece="5">x</hash><hash piece="0">y</hash></pieces></verification></file></files></metalink>`))
	f.Add([]byte(`><files><file name="a"><resources><url type="bittorrent" preference="0">https://x/a.torrent</url><url preference="1000">https://x/a</url></resources></file></files></metalink>`))
	f.Add([]byte(` refreshdate="Mon, 15 May 06 00:00 pdt"><description>doc</description><files><file name="a"><size>18446744073709551616</size></file></files></metalink>`))
	f.Add([]byte(`><files><file name="a "><verification><hash>da39a3ee5e6b4b0d3255bfef95601890afd80709</hash><hash type="SHA256">00</hash></verification></file></files></metalink>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, withPrefix(`<metalink xmlns="`+namespaceMetalink3+`"`, data))
	})
}

// FuzzParseJSON fuzzes JSON documents through Parse, which only looks at
// the first byte to choose JSON: no prefix is needed.
func FuzzParseJSON(f *testing.F) {
	for _, doc := range seedDocuments(f) {
		if bytes.HasPrefix(bytes.TrimSpace(doc), []byte("{")) {
			f.Add(doc)
		}
	}
	f.Add(readSeed(f, "testdata/full.json"))
	f.Add([]byte(`{"files":[{"name":"a","urls":[],"hashes":[],"languages":[],"oses":[],"metaurls":[],"pieces":[]}]}`))
	f.Add([]byte(`{"files":[{"name":"a","mirrors":3}],"comment":"x"}`))
	f.Add([]byte(`{"files":[{"name":"a","hashes":[{"hash":"sha256-n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg= sha1:ab"}]}]}`))
	f.Add([]byte(`{"files":[{"name":"a","hashes":[{"type":"sha-512","hash":"SHA256:0A"},{"hash":"md5-"}]}]}`))
	f.Add([]byte(`{"files":[{"name":"a","urls":[{"url":"https://u:` + planted.Password + `@x.example/a","priority":-1}]}]}`))
	f.Add([]byte(`{"files":[{"name":"a"}]} trailing https://u:` + planted.Password + `@x.example/`))
	f.Add([]byte(`{"files":[],"published":"https://u:` + planted.Password + `@x.example/","updated":1}`))
	f.Add([]byte(`{"files":[{"name":"a\u0000b","size":"12","signature":{"mediatype":"m","signature":"\ud800"}}]}`))
	f.Add([]byte(`{"files":[{"name":"a\nb","urls":[{"url":"https://x/a","priority":0}],"metaurls":[{"url":"https://x/t","mediatype":"torrent","name":"../d","priority":1000000}]}]}`))
	f.Add([]byte(`{"files":[{"name":" a\u2028","hashes":[{"type":"sha1","hash":"00"},{"type":"Sha-1","hash":"11"}],"pieces":[{"type":"SHA256","length":1,"hashes":["00"]}],"size":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkParse(t, data)
	})
}

// checkParse parses doc and checks what the package promises of the result.
func checkParse(t *testing.T, doc []byte) {
	m, err := metalink.Parse(doc)
	if err != nil {
		checkError(t, doc, err.Error())
		return
	}
	checkHashTypes(t, m)
	validErr := m.Validate()
	if validErr == nil {
		checkNames(t, m)
	} else {
		checkError(t, doc, validErr.Error())
	}
	asXML, err := metalink.MarshalXML(m)
	if err != nil {
		if validErr == nil {
			t.Fatalf("MarshalXML failed on a valid document: %v", err)
		}
		return
	}
	again := assertSurvives(t, "XML", m, asXML)
	if (again.Validate() == nil) != (validErr == nil) {
		t.Fatalf("Validate changed its mind after the XML round trip: before %v, after %v", validErr, again.Validate())
	}
	asJSON, err := metalink.MarshalJSON(m)
	if err != nil {
		t.Fatalf("MarshalJSON failed on a document MarshalXML wrote: %v", err)
	}
	assertSurvives(t, "JSON", m, asJSON)
}

// checkError checks one error message about input.
func checkError(t *testing.T, input []byte, msg string) {
	t.Helper()
	if strings.ContainsAny(msg, "\n\r\u2028\u2029") {
		t.Fatalf("error spans lines: %q", msg)
	}
	if len(msg) > maxErrorBytes {
		t.Fatalf("error of %d bytes: %.300q", len(msg), msg)
	}
	if planted.Shown(string(input), msg) {
		t.Fatalf("error shows a URL's password: %q", msg)
	}
}

// checkHashTypes checks that Parse spelt every hash type by its IANA
// name, whatever the document wrote.
func checkHashTypes(t *testing.T, m metalink.Metalink) {
	t.Helper()
	for _, f := range m.Files {
		for _, h := range f.Hashes {
			if h.Type != metalink.HashType(h.Type) {
				t.Fatalf("Parse kept the hash type %q, not %q", h.Type, metalink.HashType(h.Type))
			}
		}
		for _, p := range f.Pieces {
			if p.Type != metalink.HashType(p.Type) {
				t.Fatalf("Parse kept the pieces type %q, not %q", p.Type, metalink.HashType(p.Type))
			}
		}
	}
}

// checkNames checks the names of a document Validate accepted, by rules of
// its own: ValidateName, and a clean local path by path and filepath.
func checkNames(t *testing.T, m metalink.Metalink) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range m.Files {
		if err := metalink.ValidateName(f.Name); err != nil {
			t.Fatalf("Validate accepted a name ValidateName refuses: %v", err)
		}
		if !filepath.IsLocal(f.Name) || path.Clean(f.Name) != f.Name || strings.ContainsAny(f.Name, "\\\x00") {
			t.Fatalf("Validate accepted %q, which is not a clean relative path", f.Name)
		}
		if strings.ContainsFunc(f.Name, unicode.IsControl) || strings.ContainsAny(f.Name, "\u2028\u2029\u202e\u200b\ufeff") {
			t.Fatalf("Validate accepted %q, which prints as another name or as two lines", f.Name)
		}
		for segment := range strings.SplitSeq(f.Name, "/") {
			if strings.TrimSpace(segment) != segment || strings.HasSuffix(segment, ".") {
				t.Fatalf("Validate accepted %q, whose segment %q Windows would change", f.Name, segment)
			}
		}
		if seen[f.Name] {
			t.Fatalf("Validate accepted the name %q twice", f.Name)
		}
		seen[f.Name] = true
	}
}

func assertSurvives(t *testing.T, format string, want metalink.Metalink, written []byte) metalink.Metalink {
	t.Helper()
	got, err := metalink.Parse(written)
	if err != nil {
		t.Fatalf("Parse rejected the %s it wrote: %v\n%s", format, err, written)
	}
	if !roundtrip.Same(want, got) {
		t.Fatalf("the %s round trip changed the document\nbefore: %#v\nafter:  %#v\n%s", format, want, got, written)
	}
	return got
}

func withPrefix(prefix string, data []byte) []byte {
	return append([]byte(prefix), data...)
}

// addRootSeeds adds every seed document whose root is in namespace, as the
// rest of the document after `<metalink xmlns="namespace"`.
func addRootSeeds(f *testing.F, namespace string) {
	declaration := ` xmlns="` + namespace + `"`
	for _, doc := range seedDocuments(f) {
		_, root, found := bytes.Cut(doc, []byte("<metalink"))
		if !found {
			continue
		}
		end := bytes.IndexByte(root, '>')
		at := bytes.Index(root, []byte(declaration))
		if at < 0 || at > end {
			continue
		}
		f.Add(append(bytes.Clone(root[:at]), root[at+len(declaration):]...))
	}
}

// seedDocuments is every document of testdata and testdata/fuzz/FuzzParse.
func seedDocuments(f *testing.F) [][]byte {
	var docs [][]byte
	for _, name := range []string{"full.meta4", "rfc-style.meta4", "metalink3.metalink", "full.json"} {
		docs = append(docs, readSeed(f, filepath.Join("testdata", name)))
	}
	entries, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParse", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range entries {
		docs = append(docs, readCorpusEntry(f, name))
	}
	return docs
}

func readSeed(f *testing.F, name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	return data
}

// readCorpusEntry reads a one-value corpus file, "go test fuzz v1" then
// []byte("...").
func readCorpusEntry(f *testing.F, name string) []byte {
	text := strings.TrimSpace(string(readSeed(f, name)))
	_, value, found := strings.Cut(text, "\n")
	value, ok := strings.CutPrefix(value, "[]byte(")
	value, ok2 := strings.CutSuffix(value, ")")
	if !found || !ok || !ok2 {
		f.Fatalf("%s: not a corpus file of one []byte", name)
	}
	data, err := strconv.Unquote(value)
	if err != nil {
		f.Fatalf("%s: %v", name, err)
	}
	return []byte(data)
}
