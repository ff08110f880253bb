// Package redact hides secrets and URL userinfo in everything the resources
// print.
//
// A secret is replaced by [redacted] wherever it stands as a whole token:
// both of its edges must be token boundaries (see isWordByte), so that a
// short password such as "main" does not turn "domain" or "mainline" into
// nonsense, while "key=main," or "\"main\"" or ":main@host" still lose it.
// Secrets shorter than MinSecretLength are not searched for at all.
package redact

import (
	"iter"
	"slices"
	"strings"
)

// MinSecretLength is the shortest secret, in bytes after trimming
// surrounding white space, that String searches for. Shorter values would
// match in nearly every line, mangling the output and, by the pattern of
// what was hidden, hinting at the value; String guarantees nothing for
// them, so callers must print such a value nowhere.
const MinSecretLength = 4

// minLineLength is the shortest line of a multi-line secret (a PEM private
// key) that is searched for on its own, since such a key may be printed line
// by line; shorter lines are too common to say anything.
const minLineLength = 8

// redacted replaces every secret and every hidden userinfo.
const redacted = "[redacted]"

// String removes from s every secret, as the package doc says, and the
// userinfo of every URL but an ssh user name without a password
// (git+ssh://git@host), which is no secret and is printed alike everywhere.
// It runs on every line the resources print, so it only scans for the
// secrets that s contains at all.
func String(s string, secrets ...string) string {
	return hide(s, needles(secrets))
}

// hide is String for secrets already turned into needles.
func hide(s string, needles iter.Seq[string]) string {
	return hideUserinfo(hideSecrets(s, needles))
}

// needles yields what String searches for: every secret, trimmed, of at
// least MinSecretLength bytes, and every line of at least minLineLength
// bytes of a multi-line secret, each a slice of the secret, not a copy.
func needles(secrets []string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, secret := range secrets {
			secret = strings.TrimSpace(secret)
			if len(secret) < MinSecretLength {
				continue
			}
			if !yield(secret) {
				return
			}
			if !strings.Contains(secret, "\n") {
				continue
			}
			for line := range strings.Lines(secret) {
				if line = strings.TrimSpace(line); len(line) >= minLineLength && !yield(line) {
					return
				}
			}
		}
	}
}

// hideSecrets replaces every occurrence of a needle in s, all found in the
// original s in one pass, so that a secret spelling "redacted" does not
// match the replacement of another and overlapping secrets go as one.
func hideSecrets(s string, needles iter.Seq[string]) string {
	spans := merge(occurrences(s, needles))
	if len(spans) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		b.WriteString(s[last:sp.start])
		b.WriteString(redacted)
		last = sp.end
	}
	b.WriteString(s[last:])
	return b.String()
}

// span is a byte range [start, end) of a text to treat as one: where a
// secret stands, or (for Writer) a URL's scheme and authority.
type span struct{ start, end int }

// occurrences lists the spans of s where a needle stands between token
// boundaries.
func occurrences(s string, needles iter.Seq[string]) []span {
	var spans []span
	for needle := range needles {
		if !strings.Contains(s, needle) { // the usual case, and a fast one
			continue
		}
		for i := 0; ; {
			at := strings.Index(s[i:], needle)
			if at < 0 {
				break
			}
			start, end := i+at, i+at+len(needle)
			if boundary(s, start) && boundary(s, end) {
				spans = append(spans, span{start, end})
			}
			i = start + 1
		}
	}
	return spans
}

// merge sorts spans and joins those that overlap.
func merge(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return a.start - b.start })
	merged := spans[:0]
	for _, sp := range spans {
		if n := len(merged); n > 0 && sp.start < merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, sp.end)
			continue
		}
		merged = append(merged, sp)
	}
	return merged
}

// boundary reports whether a token may begin or end between s[i-1] and
// s[i]: at either end of s, or where either byte is not a word byte. (So a
// secret whose own first or last byte is not a word byte, like "pa$$", is
// replaced whatever touches that edge.)
func boundary(s string, i int) bool {
	return i == 0 || i == len(s) || !isWordByte(s[i-1]) || !isWordByte(s[i])
}

// isWordByte reports whether c continues a credential-like token: an ASCII
// letter or digit, '_', '-' or '+' (identifiers, UUIDs, host labels and
// base64 all run on through these, so a secret inside such a run is a
// different value that merely contains it).
//
// Deliberately not word bytes: '=' separates key=value and only ever
// trails a base64 value as padding; '/' separates path segments, and a
// token in a URL path (https://host/TOKEN/x) must still be caught; '.', ':',
// '@', quotes, brackets, ',' and white space delimit values in messages;
// and every non-ASCII byte, so that a secret just before an ellipsis or a
// typographic quote is still caught. Each of these, when wrong, costs an
// over-redaction, never a leak.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '_' || c == '-' || c == '+'
}
