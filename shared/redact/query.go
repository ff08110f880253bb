package redact

import (
	"iter"
	"net/url"
	"slices"
	"strings"
)

// secretQueryWords mark a query parameter whose value is a credential:
// presigned S3 and GCS URLs (X-Amz-Signature, X-Amz-Credential,
// X-Amz-Security-Token, X-Goog-Signature), Azure SAS (sig), and the tokens,
// keys and passwords that other services take in a query.
var secretQueryWords = []string{"sig", "token", "secret", "pass", "cred", "key", "auth", "session"}

// URL spells u for a log line: its userinfo hidden as String does, the
// value of every query parameter whose name looks like a credential
// (secretQueryWords, case-insensitive) replaced by [redacted], so that a
// presigned URL can be logged without letting its reader use it, and no
// fragment, which is never sent and may hold a token (#access_token=…).
func URL(u *url.URL) string {
	if u == nil {
		return ""
	}
	shown := *u
	shown.Fragment, shown.RawFragment = "", ""
	if u.RawQuery != "" {
		shown.RawQuery = hideQuery(u.RawQuery)
	}
	// Hidden here rather than by String, which finds userinfo only after a
	// scheme: a URL may have none (//user:pw@host/).
	hidden := u.User != nil && secretUserinfo(u.Scheme, u.User.String())
	if hidden {
		shown.User = url.User(userMarker)
	}
	text := shown.String()
	if hidden {
		text = strings.Replace(text, userMarker+"@", redacted+"@", 1)
	}
	return String(text)
}

// userMarker stands for hidden userinfo until the URL is written, since
// url.URL would escape the brackets of [redacted].
const userMarker = "REDACTEDUSERINFO"

// hideQuery keeps the order, spelling and separators of the parameters.
// Parameters end at '&' and at ';', which some servers still take for one.
func hideQuery(raw string) string {
	var b strings.Builder
	for param, rest := range params(raw) {
		if name, secret := secretParam(param); secret {
			param = name + "=" + redacted
		}
		b.WriteString(param)
		b.WriteString(rest)
	}
	return b.String()
}

// secretParam reports whether param, NAME=VALUE, has a value and a name
// (decoded) that looks like a credential; name is as written.
func secretParam(param string) (name string, secret bool) {
	name, _, hasValue := strings.Cut(param, "=")
	decoded, err := url.QueryUnescape(name)
	if err != nil {
		decoded = name
	}
	return name, hasValue && secretQueryName(decoded)
}

// params yields each parameter of raw with the separator after it ("" for
// the last).
func params(raw string) iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		for raw != "" {
			end := strings.IndexAny(raw, "&;")
			if end < 0 {
				yield(raw, "")
				return
			}
			if !yield(raw[:end], raw[end:end+1]) {
				return
			}
			raw = raw[end+1:]
		}
	}
}

func secretQueryName(name string) bool {
	lower := strings.ToLower(name)
	return slices.ContainsFunc(secretQueryWords, func(word string) bool { return strings.Contains(lower, word) })
}
