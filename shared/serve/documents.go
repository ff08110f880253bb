package serve

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
)

// serveMetalink answers an RFC 5854 metalink of c alone: this server's
// URL first, then the file's public URLs.
func (s *Server) serveMetalink(w http.ResponseWriter, r *http.Request, c *content) {
	f := c.file
	f.MetaURLs = nil
	f.Hashes = nil
	for _, algo := range algorithmsOf(c.hashes) {
		f.Hashes = append(f.Hashes, metalink.Hash{Type: algo.Name, Hash: c.hashes[algo.Name]})
	}
	first := uint(1)
	f.URLs = []metalink.URL{{URL: s.baseURL(r) + hashPath(c), Priority: &first}}
	for i, u := range publicURLs(c.file.URLs) {
		pri := priorityOf(u, i) + 1
		f.URLs = append(f.URLs, metalink.URL{URL: u.URL, Location: u.Location, Priority: &pri})
	}
	data, err := metalink.MarshalXML(metalink.Metalink{Files: []metalink.File{f}, Generator: "meta4-repo serve"})
	if err != nil {
		fail(w, errorf(http.StatusInternalServerError, "%s: %s", c.file.Name, oneLine(err.Error())))
		return
	}
	w.Header().Set("Content-Type", metalinkType)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	if r.Method == http.MethodGet {
		_, _ = w.Write(data)
	}
}

// indexEntry is one description of a file in index.json.
type indexEntry struct {
	claim
	Size   uint64            `json:"size,omitempty"`
	Hashes map[string]string `json:"hashes"`
	Paths  []string          `json:"paths"`
}

// serveIndex lists every file the server serves, with its paths.
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request, idx *index) {
	files := []indexEntry{}
	for _, c := range idx.contents {
		for _, by := range c.claims {
			files = append(files, indexEntry{claim: by, Size: c.file.Size, Hashes: c.hashes, Paths: pathsOf(c, by)})
		}
	}
	data, err := json.Marshal(struct {
		Files []indexEntry `json:"files"`
	}{files})
	if err != nil {
		fail(w, errorf(http.StatusInternalServerError, "index: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", fmt.Sprint(len(data)+1))
	if r.Method == http.MethodGet {
		_, _ = w.Write(append(data, '\n'))
	}
}

// pathsOf are the paths c is served under: its hashes, its http(s) URLs,
// its name, and its metalink.
func pathsOf(c *content, by claim) []string {
	var paths []string
	for _, algo := range algorithmsOf(c.hashes) {
		paths = append(paths, "/"+pathSegment(algo.Name)+"/"+c.hashes[algo.Name])
	}
	for _, u := range c.file.URLs {
		if at := urlKey(u.URL); at != "" {
			paths = append(paths, "/"+at)
		}
	}
	return append(paths, "/name/"+by.Name, hashPath(c)+metalinkSuffix)
}
