package redact

import (
	"iter"
	"strings"
)

// sshSchemes are the schemes whose user name alone is not a secret: ssh
// logs in as a named account (git@host), it does not send the name as a
// token. ssh+git is git's own alias for git+ssh.
var sshSchemes = []string{"ssh", "git+ssh", "ssh+git", "sftp"}

// secretUserinfo reports whether the userinfo of a URL with the scheme
// must be hidden: always when it holds a password, and for every scheme but
// ssh's, since an HTTP(S) or S3 user name is often a token
// (https://TOKEN@github.com, https://x-access-token:TOKEN@…).
func secretUserinfo(scheme, info string) bool {
	return strings.Contains(info, ":") || !isSSH(scheme)
}

func isSSH(scheme string) bool {
	for _, ssh := range sshSchemes {
		if strings.EqualFold(scheme, ssh) {
			return true
		}
	}
	return false
}

// hideUserinfo replaces, in every URL of s, the userinfo that
// secretUserinfo says is secret with [redacted]. The userinfo runs to the
// last '@' of the authority, so that an unencoded '@' in a password does not
// leave the rest of it behind. It leaves git's scp-like form
// (git@github.com:org/repo.git) alone: it has no scheme, and its ssh user
// name is no secret.
func hideUserinfo(s string) string {
	var b strings.Builder
	last := 0
	for u := range urls(s) {
		at := strings.LastIndexByte(s[u.host:u.end], '@')
		if at <= 0 || !secretUserinfo(s[u.start:u.host-len("://")], s[u.host:u.host+at]) {
			continue
		}
		b.WriteString(s[last:u.host])
		b.WriteString(redacted)
		last = u.host + at
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// urlAt locates a URL's scheme and authority in a text: the scheme is
// text[start:host-3], then "://", then the authority text[host:end], which
// runs to a '/' or white space.
type urlAt struct{ start, host, end int }

// urls yields where every "://" of s stands, with the scheme before it (the
// longest run of scheme characters that starts with a letter, possibly
// empty) and the authority after it. It is a plain scan, not a regular
// expression, because String runs it on every line.
func urls(s string) iter.Seq[urlAt] {
	return func(yield func(urlAt) bool) {
		for i := 0; ; {
			sep := strings.Index(s[i:], "://")
			if sep < 0 {
				return
			}
			u := urlAt{start: schemeStart(s, i+sep), host: i + sep + len("://")}
			u.end = u.host + strings.IndexFunc(s[u.host:], endsAuthority)
			if u.end < u.host { // no '/' or white space
				u.end = len(s)
			}
			if !yield(u) {
				return
			}
			i = u.host // the next "://" may end this authority
		}
	}
}

// schemeStart returns where the scheme ending at colon begins: RFC 3986
// spells it ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
func schemeStart(s string, colon int) int {
	start := colon
	for start > 0 && isSchemeByte(s[start-1]) {
		start--
	}
	for start < colon && !isLetter(s[start]) {
		start++
	}
	return start
}

func isSchemeByte(c byte) bool {
	return isLetter(c) || '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// endsAuthority reports whether r ends a URL's authority as this package
// reads it: a '/' (an unencoded '?' or '#' may be part of a password, so
// they do not end it) or white space.
func endsAuthority(r rune) bool {
	switch r {
	case '/', ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// UnparsedURL hides the userinfo of a URL that did not parse, for the
// error that says so. A password with an unencoded '/', or a URL without its
// scheme, is beyond what String recognises, so everything before the last '@'
// (after "://", when there is one) goes, by the rule of secretUserinfo; a
// path that holds an '@' is hidden too, which costs nothing in that message.
// Without a scheme, git's scp-like form (a ':' before any '/') is ssh.
func UnparsedURL(raw string) string {
	scheme, rest, found := strings.Cut(raw, "://")
	if !found {
		scheme, rest = scpScheme(raw), raw
	}
	at := strings.LastIndexByte(rest, '@')
	if at < 0 || !secretUserinfo(scheme, rest[:at]) {
		return String(raw)
	}
	return raw[:len(raw)-len(rest)] + redacted + "@" + rest[at+1:]
}

// scpScheme is "ssh" for what git reads as an scp-like address
// ([user@]host:path, a ':' before any '/'), and "" otherwise.
func scpScheme(raw string) string {
	head, _, _ := strings.Cut(raw, "/")
	if strings.Contains(head, ":") {
		return "ssh"
	}
	return ""
}

// authorities lists the spans of s that Writer must not cut within: every
// URL's scheme and authority, up to and including the edge after it (the
// authority might go on past the end of s).
func authorities(s string) []span {
	var spans []span
	for u := range urls(s) {
		spans = append(spans, span{u.start, u.end + 1})
	}
	return spans
}
