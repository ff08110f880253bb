package serve

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/metalink-resources/metalink-resources/shared/metalink"
	"github.com/metalink-resources/metalink-resources/shared/redact"
)

// fileHeaders say what the bytes are (ETag, Digest, Repr-Digest), where
// else they are (Link duplicates) and where their metalink is.
func (s *Server) fileHeaders(h http.Header, r *http.Request, c *content) {
	h.Set("Cache-Control", immutable)
	_, digest := splitKey(c.key)
	h.Set("ETag", `"`+digest+`"`)
	var digests, reprDigests []string
	for _, algo := range algorithmsOf(c.hashes) {
		raw, _ := hex.DecodeString(c.hashes[algo.Name])
		b64 := base64.StdEncoding.EncodeToString(raw)
		digests = append(digests, rfc3230Names[algo.Name]+"="+b64)
		if algo.Name == "sha-256" || algo.Name == "sha-512" {
			reprDigests = append(reprDigests, algo.Name+"=:"+b64+":")
		}
	}
	h.Set("Digest", strings.Join(digests, ","))
	if len(reprDigests) > 0 {
		h.Set("Repr-Digest", strings.Join(reprDigests, ", "))
	}
	for i, u := range publicURLs(c.file.URLs) {
		link := fmt.Sprintf("<%s>; rel=duplicate; pri=%d", u.URL, priorityOf(u, i))
		if u.Location != "" {
			link += "; geo=" + strings.ToLower(u.Location)
		}
		h.Add("Link", link)
	}
	h.Add("Link", fmt.Sprintf(`<%s%s>; rel=describedby; type="%s"`, s.baseURL(r), hashPath(c)+metalinkSuffix, metalinkType))
}

// rfc3230Names are the hash types as RFC 3230 and RFC 5843 spell them.
var rfc3230Names = map[string]string{"sha-512": "SHA-512", "sha-256": "SHA-256", "sha-1": "SHA", "md5": "MD5"}

// hashPath is the content's canonical path: by its key's hash, the
// sha-256 when it has one.
func hashPath(c *content) string {
	typ, digest := splitKey(c.key)
	return "/" + pathSegment(typ) + "/" + digest
}

func priorityOf(u metalink.URL, i int) uint {
	if u.Priority != nil {
		return *u.Priority
	}
	return uint(i + 1)
}

// publicURLs are the URLs a client may be told, in priority order: http(s)
// and ftp, without userinfo or a query that carries a credential (a signed
// URL), which are the repository's secrets.
func publicURLs(urls []metalink.URL) []metalink.URL {
	var public []metalink.URL
	for _, u := range metalink.ByPriority(urls) {
		parsed, err := url.Parse(u.URL)
		if err != nil || parsed.User != nil || parsed.Fragment != "" {
			continue
		}
		switch parsed.Scheme {
		case "http", "https", "ftp":
			if redact.URL(parsed) == u.URL {
				public = append(public, u)
			}
		}
	}
	return public
}
