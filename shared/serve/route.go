package serve

import (
	"fmt"
	"net/http"
	"strings"
)

// maxRequestTarget bounds a request's path and query: real URLs and names
// are far shorter, and a bound keeps hostile input out of the index and
// the log.
const maxRequestTarget = 2048

// metalinkSuffix asks for a file's one-file metalink instead of its bytes.
const metalinkSuffix = ".meta4"

// httpError is an answer other than the file: a status and one line.
type httpError struct {
	status int
	text   string
}

func (e *httpError) Error() string { return e.text }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, text: fmt.Sprintf(format, args...)}
}

// requestPath is the path of r without its leading slash, refused (400)
// when a client could mean something else by it than we would: over-long,
// an encoded slash or backslash, a NUL, a dot segment or an empty one.
func requestPath(r *http.Request) (string, *httpError) {
	if len(r.RequestURI) > maxRequestTarget {
		return "", errorf(http.StatusBadRequest, "the request path is longer than %d bytes", maxRequestTarget)
	}
	escaped := strings.ToLower(r.URL.EscapedPath())
	for _, encoded := range []string{"%2f", "%5c", "%00"} {
		if strings.Contains(escaped, encoded) {
			return "", errorf(http.StatusBadRequest, "the request path holds an encoded slash, backslash or NUL (%s)", encoded)
		}
	}
	p, ok := strings.CutPrefix(r.URL.Path, "/")
	if !ok || p == "" {
		return "", errorf(http.StatusNotFound, "nothing here: ask for /sha256/HEX, /HOST/PATH, /name/FILE or /index.json")
	}
	if strings.ContainsAny(p, "\\\x00") {
		return "", errorf(http.StatusBadRequest, "the request path holds a backslash or a NUL")
	}
	for segment := range strings.SplitSeq(p, "/") {
		if segment == "" || segment == "." || segment == ".." {
			return "", errorf(http.StatusBadRequest, "the request path has an empty, . or .. segment")
		}
	}
	return p, nil
}

// lookup finds the content p names, and whether its metalink rather than
// its bytes is asked for. A path ending in .meta4 is first the file of
// that name or URL (a mirrored metalink), then the metalink of the rest.
func (idx *index) lookup(p string) (*content, bool, *httpError) {
	first, _, _ := strings.Cut(p, "/")
	trimmed, isMeta4 := strings.CutSuffix(p, metalinkSuffix)
	if _, isHash := hashPaths[first]; isHash && isMeta4 {
		c, err := idx.resolve(trimmed)
		return c, true, err
	}
	c, err := idx.resolve(p)
	if err != nil && err.status == http.StatusNotFound && isMeta4 && trimmed != first {
		c, err = idx.resolve(trimmed)
		return c, true, err
	}
	return c, false, err
}

// resolve finds the content of a path in one of the three layouts.
func (idx *index) resolve(p string) (*content, *httpError) {
	first, rest, _ := strings.Cut(p, "/")
	if spec, ok := hashPaths[first]; ok {
		return idx.byHashPath(spec.typ, spec.hexLen, rest)
	}
	if first == "name" {
		return idx.byNamePath(rest)
	}
	return unique(idx.byURL[strings.ToLower(first)+"/"+rest], "no file has the URL http(s)://"+p)
}

func (idx *index) byHashPath(typ string, hexLen int, digest string) (*content, *httpError) {
	if len(digest) != hexLen || !isHex(digest) {
		return nil, errorf(http.StatusBadRequest, "a %s is %d hex digits", typ, hexLen)
	}
	c := idx.byHash[typ+"-"+strings.ToLower(digest)]
	if c == nil {
		return nil, errorf(http.StatusNotFound, "no file has the %s %s", typ, strings.ToLower(digest))
	}
	return c, nil
}

// byNamePath finds NAME, DIR/NAME by its full name or, as Buildroot asks
// for PKG/FILE, by FILE alone.
func (idx *index) byNamePath(name string) (*content, *httpError) {
	if name == "" {
		return nil, errorf(http.StatusNotFound, "ask for /name/FILE")
	}
	if found := idx.byName[name]; len(found) > 0 {
		return unique(found, "")
	}
	base := name[strings.LastIndex(name, "/")+1:]
	return unique(idx.byName[base], "no file is called "+name)
}

// unique is the one content of found: none is 404 with notFound, several
// are 409 naming two of them.
func unique(found []*content, notFound string) (*content, *httpError) {
	switch len(found) {
	case 0:
		return nil, errorf(http.StatusNotFound, "%s", notFound)
	case 1:
		return found[0], nil
	}
	return nil, errorf(http.StatusConflict, "two different files claim it: %s and %s", found[0].claims[0], found[1].claims[0])
}
