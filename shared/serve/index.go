package serve

import (
	"encoding/hex"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/catalog"
	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/repository"
)

// hashPaths are the hash types a request may name, by their path segment,
// with the metalink type and the length of their hex.
var hashPaths = map[string]struct {
	typ    string
	hexLen int
}{
	"sha256": {"sha-256", 64},
	"sha512": {"sha-512", 128},
	"sha1":   {"sha-1", 40},
	"md5":    {"md5", 32},
}

// pathSegment is how a request names the metalink hash type typ
// ("sha-256": "sha256").
func pathSegment(typ string) string { return strings.ReplaceAll(typ, "-", "") }

// splitKey is a content key's hash type and hex.
func splitKey(key string) (typ, digest string) {
	i := strings.LastIndex(key, "-")
	return key[:i], key[i+1:]
}

// keyTypes are the hash types a content is keyed by in the cache, best
// first: sha-256 is the ETag and what most clients ask for.
var keyTypes = []string{"sha-256", "sha-512", "sha-1", "md5"}

// content is one file's bytes as the metalinks describe them: the first
// description found, with the URLs of every description of the same bytes.
type content struct {
	key    string // the cache's name: "sha-256-HEX"
	file   metalink.File
	hashes map[string]string // metalink type → lower-case hex
	claims []claim
}

// claim is one metalink's description of a content, for index.json and
// for the messages of a conflict.
type claim struct {
	Repository string `json:"repository"`
	Path       string `json:"path"`
	Name       string `json:"name"`
	Version    string `json:"version,omitempty"`
}

func (c claim) String() string {
	version := c.Version
	if version == "" {
		version = "(no version)"
	}
	return fmt.Sprintf("%s %s (%s in %s)", c.Name, version, c.Path, c.Repository)
}

// index finds the contents of the served repositories by hash, by URL
// and by name. It is built whole and never changed, so that a request
// sees one refresh or the next, never half of one.
type index struct {
	contents []*content // in repository and document order
	byHash   map[string]*content
	byURL    map[string][]*content // "host/path" → every content it is a URL of
	byName   map[string][]*content // full name and base name → contents
	skipped  int                   // files without a usable hash: never served
	catalog  *catalog.Site         // the pages at / of the same refresh
}

// buildIndex indexes the entries of every repository, in order.
func buildIndex(repos []repoEntries) *index {
	idx := &index{byHash: map[string]*content{}, byURL: map[string][]*content{}, byName: map[string][]*content{}}
	pages := make([]catalog.Repository, len(repos))
	for i, repo := range repos {
		pages[i] = catalog.Repository{Name: repo.name, Entries: repo.entries, Err: repo.err, Repo: repo.repo}
	}
	idx.catalog = catalog.New(pages)
	for _, repo := range repos {
		for _, entry := range repo.entries {
			for _, f := range entry.Metalink.Files {
				idx.add(f, claim{Repository: repo.name, Path: entry.Path, Name: f.Name, Version: f.Version})
			}
		}
	}
	return idx
}

// repoEntries are the documents of one repository, and the error of its
// last read when it failed (its last good documents are still served).
type repoEntries struct {
	name    string
	entries []repository.Entry
	err     error
	repo    repository.Repository // nil until it opened
}

func (idx *index) add(f metalink.File, by claim) {
	hashes := normalHashes(f.Hashes)
	key := contentKey(hashes)
	if key == "" {
		idx.skipped++
		return
	}
	c := idx.byHash[key]
	if c == nil {
		c = &content{key: key, file: f, hashes: hashes}
		idx.contents = append(idx.contents, c)
		for typ, digest := range hashes {
			// The first content of a hash keeps it: a second one sharing
			// only a weak hash (a collision) is reachable by its other paths.
			if idx.byHash[typ+"-"+digest] == nil {
				idx.byHash[typ+"-"+digest] = c
			}
		}
	} else {
		c.file.URLs = mergeURLs(c.file.URLs, f.URLs)
	}
	c.claims = append(c.claims, by)
	for _, u := range f.URLs {
		if at := urlKey(u.URL); at != "" {
			idx.byURL[at] = appendOnce(idx.byURL[at], c)
		}
	}
	idx.byName[f.Name] = appendOnce(idx.byName[f.Name], c)
	if base := path.Base(f.Name); base != f.Name {
		idx.byName[base] = appendOnce(idx.byName[base], c)
	}
}

// normalHashes are the supported hashes of a file, by metalink type, in
// lower-case hex; a malformed one is left out.
func normalHashes(list []metalink.Hash) map[string]string {
	hashes := map[string]string{}
	for _, h := range list {
		typ := metalink.HashType(h.Type)
		digest := strings.ToLower(strings.TrimSpace(h.Hash))
		if spec, ok := hashPaths[pathSegment(typ)]; ok && len(digest) == spec.hexLen && isHex(digest) {
			hashes[typ] = digest
		}
	}
	return hashes
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// contentKey names a content by its best hash, "" when it has none.
func contentKey(hashes map[string]string) string {
	for _, typ := range keyTypes {
		if digest, ok := hashes[typ]; ok {
			return typ + "-" + digest
		}
	}
	return ""
}

// urlKey is where a file's http(s) URL is served in the mirror.bazel.build
// layout, "HOST/PATH" (host in lower case, path decoded, no query), or ""
// for a URL of another scheme.
func urlKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return strings.ToLower(u.Host) + u.Path
}

func mergeURLs(have, more []metalink.URL) []metalink.URL {
	for _, u := range more {
		if !slices.ContainsFunc(have, func(h metalink.URL) bool { return h.URL == u.URL }) {
			have = append(have, u)
		}
	}
	return have
}

func appendOnce(list []*content, c *content) []*content {
	if slices.Contains(list, c) {
		return list
	}
	return append(list, c)
}
