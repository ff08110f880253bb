package metalink

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// digestTypes maps the algorithm names other ecosystems write before a
// digest to RFC 5854 hash types: "sha256:HEX" (GitHub, OCI) and Subresource
// Integrity's "sha256-BASE64" (npm lockfiles, Bazel's integrity).
var digestTypes = map[string]string{
	"md5": "md5", "sha1": "sha-1", "sha256": "sha-256", "sha384": "sha-384", "sha512": "sha-512",
}

// withDigests rewrites every hash written as a prefixed digest into an RFC
// 5854 type and lower-case hex. Such a value names its algorithm, so the
// type may be left out; one that is given must agree. An SRI value may hold
// several space-separated digests, each becoming a hash of its own.
func withDigests(m Metalink) (Metalink, error) {
	for i := range m.Files {
		f := &m.Files[i]
		if !hasDigest(f.Hashes) {
			continue
		}
		var hashes []Hash
		for _, h := range f.Hashes {
			converted, err := fromDigests(h)
			if err != nil {
				return Metalink{}, fmt.Errorf("file %s: %w", quote(f.Name), err)
			}
			hashes = append(hashes, converted...)
		}
		f.Hashes = hashes
	}
	return m, nil
}

func hasDigest(hashes []Hash) bool {
	for _, h := range hashes {
		if strings.ContainsAny(h.Hash, ":-") {
			return true
		}
	}
	return false
}

// fromDigests converts one hash entry; a plain hex entry is kept as it is.
func fromDigests(h Hash) ([]Hash, error) {
	tokens := strings.Fields(h.Hash)
	if len(tokens) == 1 {
		if _, _, ok := parseDigest(tokens[0]); !ok {
			return []Hash{h}, nil
		}
	}
	var out []Hash
	for _, token := range tokens {
		typ, digest, ok := parseDigest(token)
		if !ok {
			return nil, fmt.Errorf("hash %s: expected one hex digest, or digests written as sha256:HEX or sha256-BASE64", quote(h.Hash))
		}
		value, err := decodeDigest(token, digest)
		if err != nil {
			return nil, err
		}
		if h.Type != "" && !strings.EqualFold(strings.TrimSpace(h.Type), typ) {
			return nil, fmt.Errorf("hash %s is a %s digest, but its type says %s", quote(token), typ, quote(h.Type))
		}
		out = append(out, Hash{Type: typ, Hash: value})
	}
	if len(out) == 0 {
		return []Hash{h}, nil
	}
	return out, nil
}

// parseDigest splits "ALG:HEX" or "ALG-BASE64" when ALG is known.
func parseDigest(token string) (typ, digest string, ok bool) {
	cut := strings.IndexAny(token, ":-")
	if cut < 0 {
		return "", "", false
	}
	typ, ok = digestTypes[strings.ToLower(token[:cut])]
	return typ, token[cut:], ok
}

// decodeDigest turns ":HEX" or "-BASE64" into lower-case hex.
func decodeDigest(token, digest string) (string, error) {
	if strings.HasPrefix(digest, ":") {
		raw, err := hex.DecodeString(digest[1:])
		if err != nil || len(raw) == 0 {
			return "", fmt.Errorf("digest %s: not hex after the colon", quote(token))
		}
		return hex.EncodeToString(raw), nil
	}
	raw, err := base64.StdEncoding.DecodeString(digest[1:])
	if err != nil || len(raw) == 0 {
		return "", fmt.Errorf("integrity %s: not base64 after the dash", quote(token))
	}
	return hex.EncodeToString(raw), nil
}
