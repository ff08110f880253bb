package redact

import (
	"net/url"
	"slices"
	"strings"
)

// secretQueryWords mark a query parameter whose value is a credential:
// presigned S3 and GCS URLs (X-Amz-Signature, X-Amz-Credential,
// X-Amz-Security-Token, X-Goog-Signature), Azure SAS (sig), and the tokens,
// keys and passwords that other services take in a query.
var secretQueryWords = []string{"sig", "token", "secret", "pass", "cred", "key", "auth", "session"}

// URL spells u for a log line: its userinfo hidden as String does, and the
// value of every query parameter whose name looks like a credential
// (secretQueryWords, case-insensitive) replaced by [redacted], so that a
// presigned URL can be logged without letting its reader use it.
func URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	shown := *u
	if u.RawQuery != "" {
		shown.RawQuery = hideQuery(u.RawQuery)
	}
	return String(shown.String())
}

// hideQuery keeps the order and spelling of the parameters it leaves alone.
func hideQuery(raw string) string {
	params := strings.Split(raw, "&")
	for i, param := range params {
		name, _, hasValue := strings.Cut(param, "=")
		decoded, err := url.QueryUnescape(name)
		if err != nil {
			decoded = name
		}
		if hasValue && secretQueryName(decoded) {
			params[i] = name + "=" + redacted
		}
	}
	return strings.Join(params, "&")
}

func secretQueryName(name string) bool {
	lower := strings.ToLower(name)
	return slices.ContainsFunc(secretQueryWords, func(word string) bool { return strings.Contains(lower, word) })
}
